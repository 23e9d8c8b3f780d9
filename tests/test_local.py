"""LocalCognito's lifecycle, isolation, and the standalone `local` command."""

from __future__ import annotations

import os
import re
import signal
import socket
import stat
import subprocess
import sys

import pytest
from botocore.exceptions import ClientError

from cognito_helpers import LocalCognito, LocalCognitoError, secret_hash


def test_endpoint_is_loopback_and_stops_cleanly():
    lc = LocalCognito()
    with pytest.raises(LocalCognitoError, match="not running"):
        _ = lc.endpoint_url
    with lc:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", lc.endpoint_url)
        port = lc.port
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
    assert not lc.running
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass
    lc.stop()  # idempotent


def test_two_instances_in_one_process_do_not_share_pools():
    with LocalCognito() as a, LocalCognito() as b:
        assert a.port != b.port and a.account_id != b.account_id
        demo = a.demo()
        pools_b = b.client().list_user_pools(MaxResults=60)["UserPools"]
        assert demo.user_pool_id not in [p["Id"] for p in pools_b]
        # b does not know a's client at all
        with pytest.raises(ClientError) as info:
            b.client().initiate_auth(
                ClientId=demo.client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": demo.username, "PASSWORD": demo.password},
            )
        assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_restart_starts_from_nothing():
    with LocalCognito() as lc:
        lc.demo()
        assert lc.client().list_user_pools(MaxResults=10)["UserPools"]
    with LocalCognito() as fresh:
        assert fresh.client().list_user_pools(MaxResults=10)["UserPools"] == []


def test_port_in_use_is_a_clear_error():
    with (
        LocalCognito() as lc,
        pytest.raises(LocalCognitoError, match=r"cannot listen on 127\.0\.0\.1"),
    ):
        LocalCognito(port=lc.port).start()


def test_demo_repr_masks_secret_and_password(demo):
    text = repr(demo)
    assert demo.client_secret not in text and demo.password not in text
    assert "51 chars" in text


def test_demo_env_signs_in(demo, cip):
    env = demo.env()
    h = secret_hash(env["COGNITO_USERNAME"], env["COGNITO_CLIENT_ID"], env["COGNITO_CLIENT_SECRET"])
    result = cip.initiate_auth(
        ClientId=env["COGNITO_CLIENT_ID"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": env["COGNITO_USERNAME"],
            "PASSWORD": env["COGNITO_PASSWORD"],
            "SECRET_HASH": h,
        },
    )
    assert result["AuthenticationResult"]["TokenType"] == "Bearer"


def test_outbox_message_repr_hides_the_code(local_cognito, demo, cip):
    cip.forgot_password(
        ClientId=demo.client_id,
        Username=demo.username,
        SecretHash=secret_hash(demo.username, demo.client_id, demo.client_secret),
    )
    message = local_cognito.outbox[-1]
    assert message.kind == "FORGOT_PASSWORD" and message.code not in repr(message)
    with pytest.raises(LocalCognitoError, match="no code was sent"):
        local_cognito.last_code("nobody-at-all")


def test_jwks_is_served(local_cognito, demo):
    import json
    import urllib.request

    url = f"{local_cognito.endpoint_url}/{demo.user_pool_id}/.well-known/jwks.json"
    with urllib.request.urlopen(url, timeout=10) as resp:  # noqa: S310 - loopback
        keys = json.load(resp)["keys"]
    assert keys and keys[0]["kty"] == "RSA"


def test_standalone_local_command(tmp_path):
    env_file = tmp_path / "demo.env"
    proc = subprocess.Popen(
        [sys.executable, "-m", "cognito_helpers", "local", "--demo", "--env-file", str(env_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Point your SDK"):
                break
        output = "".join(lines)
        url = re.search(r"ready at (http://127\.0\.0\.1:\d+)", output).group(1)
        settings = dict(
            line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line
        )
        assert stat.S_IMODE(os.stat(env_file).st_mode) == 0o600
        assert settings["COGNITO_ENDPOINT_URL"] == url
        # the terminal shows secret and password masked only
        assert settings["COGNITO_CLIENT_SECRET"] not in output
        assert settings["COGNITO_PASSWORD"] not in output
        # and the server answers an app pointed at it
        import boto3

        cip = boto3.session.Session(
            aws_access_key_id="x", aws_secret_access_key="y", region_name=settings["AWS_REGION"]
        ).client("cognito-idp", endpoint_url=url)
        h = secret_hash(
            settings["COGNITO_USERNAME"],
            settings["COGNITO_CLIENT_ID"],
            settings["COGNITO_CLIENT_SECRET"],
        )
        result = cip.initiate_auth(
            ClientId=settings["COGNITO_CLIENT_ID"],
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={
                "USERNAME": settings["COGNITO_USERNAME"],
                "PASSWORD": settings["COGNITO_PASSWORD"],
                "SECRET_HASH": h,
            },
        )
        assert "AccessToken" in result["AuthenticationResult"]
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "stopped" in out
    assert "Traceback" not in err


def test_local_env_file_needs_demo(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "cognito_helpers", "local", "--env-file", str(tmp_path / "x.env")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--env-file needs --demo" in result.stderr


def test_jwks_of_an_unknown_pool_is_not_found(local_cognito):
    import json
    import urllib.error
    import urllib.request

    url = f"{local_cognito.endpoint_url}/us-east-1_doesnotexist/.well-known/jwks.json"
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(url, timeout=10)  # noqa: S310 - loopback
    assert info.value.code == 400
    body = json.loads(info.value.read())
    assert body == {
        "__type": "ResourceNotFoundException",
        "message": "User pool us-east-1_doesnotexist does not exist.",
    }


def test_clients_from_many_threads_each_work_in_their_region():
    # client() reuses one boto3 session per region (a session is not thread-safe):
    # clients made at once from several threads must each be whole and signed for
    # the region asked for.
    from concurrent.futures import ThreadPoolExecutor

    def make(i: int) -> tuple[str, int]:
        region = "eu-west-1" if i % 2 else local_cognito.region
        cip = local_cognito.client(region=region)
        pools = cip.list_user_pools(MaxResults=10)["UserPools"]
        return cip.meta.region_name, len(pools)

    with LocalCognito() as local_cognito, ThreadPoolExecutor(8) as pool:
        local_cognito.demo()
        results = list(pool.map(make, range(16)))
    # signed calls see only their own region's pools: the demo pool is in the default one
    assert (local_cognito.region, 1) in results
    assert all(n == (1 if r == local_cognito.region else 0) for r, n in results), results
    assert {r for r, _ in results} == {local_cognito.region, "eu-west-1"}


def test_stop_then_client_is_a_clear_error():
    lc = LocalCognito().start()
    lc.client()
    lc.stop()
    with pytest.raises(LocalCognitoError, match="not running"):
        lc.client()


def test_the_outbox_and_the_pending_codes_are_bounded(monkeypatch):
    # codes can be asked for with a username alone: neither store may grow without end
    from cognito_helpers.local import signup

    monkeypatch.setattr(signup, "OUTBOX_LIMIT", 3)
    monkeypatch.setattr(signup, "PENDING_LIMIT", 2)
    with LocalCognito() as lc:
        demo = lc.demo()
        cip = lc.client()
        codes = {}
        for name in ("u1", "u2", "u3", "u4"):
            cip.sign_up(ClientId=demo.client_id, Username=name, Password="Long-pass-123!",
                        SecretHash=secret_hash(name, demo.client_id, demo.client_secret))
            codes[name] = lc.last_code(name)
        assert [m.username for m in lc.outbox] == ["u2", "u3", "u4"]  # the newest three
        with pytest.raises(LocalCognitoError, match="no code was sent"):
            lc.last_code("u1")
        # u1's and u2's codes were dropped (the oldest), so they answer as expired ones
        for name in ("u1", "u2"):
            with pytest.raises(ClientError) as err:
                cip.confirm_sign_up(ClientId=demo.client_id, Username=name,
                                    ConfirmationCode=codes[name],
                                    SecretHash=secret_hash(name, demo.client_id,
                                                           demo.client_secret))
            assert err.value.response["Error"]["Code"] == "ExpiredCodeException"
        cip.confirm_sign_up(ClientId=demo.client_id, Username="u4", ConfirmationCode=codes["u4"],
                            SecretHash=secret_hash("u4", demo.client_id, demo.client_secret))
