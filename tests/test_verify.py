"""verify_flow(): sign-in and refresh with a correct hash; the first failing step, explained."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler

import pytest
from wire import loopback_server

from cognito_helpers import InvalidInputError, verify_flow


def _secrets_absent(d, *values: str) -> None:
    out = d.to_text() + d.to_json() + d._repr_html_()
    for v in values:
        assert v not in out


def test_user_password_flow_passes(demo, cip) -> None:
    d = verify_flow(cip, demo.client_id, demo.username, demo.password,
                    client_secret=demo.client_secret)
    assert d.status == "ok", d.to_text()
    assert [c.status for c in d.checks] == ["ok", "ok", "ok"]
    _secrets_absent(d, demo.client_secret, demo.password)


def test_email_pool_refresh_uses_the_internal_username(email_demo, cip) -> None:
    d = verify_flow(cip, email_demo.client_id, email_demo.username, email_demo.password,
                    client_secret=email_demo.client_secret, user_pool_id=email_demo.user_pool_id,
                    flow="ADMIN_USER_PASSWORD_AUTH")
    assert d.status == "ok", d.to_text()
    assert d.facts["internal_username"] == email_demo.internal_username
    assert email_demo.internal_username in d.fix


def test_public_client(demo, cip) -> None:
    d = verify_flow(cip, demo.public_client_id, demo.username, demo.password)
    assert d.status == "ok"


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"password": "Wrong-password-1!"}, "wrong_password"),
        ({"client_secret": None}, "secret_missing"),
        ({"client_secret": "a" * 51}, "hash_mismatch"),
        ({"username": "nobody"}, "user_not_found"),
    ],
)
def test_first_failing_step_is_explained(demo, cip, change, key) -> None:
    args = {"client_id": demo.client_id, "username": demo.username, "password": demo.password,
            "client_secret": demo.client_secret} | change
    d = verify_flow(cip, args.pop("client_id"), args.pop("username"), args.pop("password"),
                    **args)
    assert d.status == "problem"
    assert d.key == key, d.to_text()
    assert d.checks[-1].status == "problem" and d.checks[-1].name.startswith("sign in")
    _secrets_absent(d, demo.client_secret, demo.password)


def test_hash_sent_to_public_client(demo, cip) -> None:
    """Without the pool id: its own hash refused, verify says so and signs in without one."""
    d = verify_flow(cip, demo.public_client_id, demo.username, demo.password,
                    client_secret=demo.client_secret)
    assert d.status == "ok", d.to_text()
    assert d.facts["secret_not_used"]
    assert "the secret given is not its" in d.to_text()
    assert "Send no SECRET_HASH" not in d.to_text()
    _secrets_absent(d, demo.client_secret, demo.password)


def test_public_client_settings_read_first(demo, cip) -> None:
    """With the pool id: DescribeUserPoolClient first, so no hash is sent to a public client."""
    d = verify_flow(cip, demo.public_client_id, demo.username, demo.password,
                    client_secret=demo.client_secret, user_pool_id=demo.user_pool_id)
    assert d.status == "ok", d.to_text()
    assert d.facts["has_secret"] is False and d.facts["secret_not_used"]
    assert d.checks[0].name == "read client settings" and "no secret" in d.checks[0].text
    assert all(c.status != "problem" for c in d.checks)
    assert "Send no SECRET_HASH" not in d.to_text()


def test_client_with_secret_read_first(demo, cip) -> None:
    ok = verify_flow(cip, demo.client_id, demo.username, demo.password,
                     client_secret=demo.client_secret, user_pool_id=demo.user_pool_id)
    assert ok.status == "ok" and ok.facts["has_secret"] is True, ok.to_text()
    assert [c.status for c in ok.checks] == ["ok", "ok", "ok", "ok"]
    missing = verify_flow(cip, demo.client_id, demo.username, demo.password,
                          user_pool_id=demo.user_pool_id)
    assert (missing.status, missing.key) == ("incomplete", "secret_needed")


# -- a server that answers HTTP 200 but is not Cognito --------------------------------


@contextmanager
def _answers(body: bytes):
    """A loopback HTTP server answering 200 ``body`` to every POST."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(200)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with loopback_server(Handler) as server:
        yield server.url


def _jwt(header: dict, claims: dict) -> str:
    def part(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part(header)}.{part(claims)}.c2ln"


CLIENT = "1example23456789abcdefghij"
_NO_KID = _jwt({"alg": "RS256"}, {"token_use": "access", "client_id": CLIENT})
_OTHER = _jwt({"alg": "RS256", "kid": "k"}, {"token_use": "access", "client_id": "other"})


@pytest.mark.parametrize("body", [
    b"{}",
    b"[]",
    b'{"AuthenticationResult": {}}',
    b'{"AuthenticationResult": {"AccessToken": "x", "IdToken": "y"}}',
    b'{"AuthenticationResult": {"AccessToken": "a.b.c", "IdToken": "a.b.c"}}',
    json.dumps({"AuthenticationResult": {"AccessToken": _NO_KID, "IdToken": _NO_KID}}).encode(),
    json.dumps({"AuthenticationResult": {"AccessToken": _OTHER, "IdToken": _OTHER}}).encode(),
    b'{"ChallengeName": "NEW_PASSWORD_REQUIRED"}',
], ids=["empty", "list", "no-tokens", "not-jwt", "bad-jwt", "no-kid", "other-client",
        "challenge-no-session"])
def test_not_cognito_never_passes(body: bytes) -> None:
    from cognito_helpers.diagnosis.commands import _boto_client

    with _answers(body) as url:
        d = verify_flow(_boto_client(url, "us-east-1"), CLIENT, "alice", "pw")
    assert d.status == "problem" and not d.ok, d.to_text()
    assert "Every step passed" not in d.to_text()
    if body != b"[]":  # botocore itself cannot parse a list: a failed step, not "tokens issued"
        assert d.key == "not_cognito" and "not Cognito" in d.cause


def test_not_cognito_with_a_pool_id() -> None:
    from cognito_helpers.diagnosis.commands import _boto_client

    with _answers(b"{}") as url:
        d = verify_flow(_boto_client(url, "us-east-1"), CLIENT, "alice", "pw",
                        user_pool_id="us-east-1_Example1")
    assert (d.status, d.key) == ("problem", "not_cognito"), d.to_text()
    assert d.checks[-1].name == "read client settings"


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "COGNITO_"))}
    return subprocess.run([sys.executable, "-m", "cognito_helpers", "verify", *args],
                          env=clean | env, capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)


def test_cli_verify_against_a_server_that_is_not_cognito() -> None:
    with _answers(b"{}") as url:
        proc = _cli("-c", CLIENT, "-u", "alice", "--endpoint-url", url, "--no-secret",
                    env={"COGNITO_PASSWORD": "Not-the-password-1!"})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "not Cognito" in proc.stdout and "Every step passed" not in proc.stdout
    assert "Traceback" not in proc.stderr


def test_cli_verify_public_client_with_a_secret_in_the_environment(local_cognito, demo) -> None:
    proc = _cli("-c", demo.public_client_id, "-u", demo.username, "-p", demo.user_pool_id,
                "--endpoint-url", local_cognito.endpoint_url,
                env={"COGNITO_PASSWORD": demo.password, "COGNITO_CLIENT_SECRET": demo.client_secret})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Send no SECRET_HASH" not in proc.stdout and "no secret" in proc.stdout
    assert demo.client_secret not in proc.stdout + proc.stderr
    assert demo.password not in proc.stdout + proc.stderr


def test_new_password_challenge_stops_there(demo, cip) -> None:
    cip.admin_create_user(UserPoolId=demo.user_pool_id, Username="carol",
                          TemporaryPassword="Temp-pass-123!", MessageAction="SUPPRESS")
    d = verify_flow(cip, demo.client_id, "carol", "Temp-pass-123!",
                    client_secret=demo.client_secret)
    assert d.status == "incomplete" and d.key == "challenge"
    assert "NEW_PASSWORD_REQUIRED" in d.cause and "'carol'" in d.fix


def test_bad_secret_characters_fail_the_hash_step(demo, cip) -> None:
    d = verify_flow(cip, demo.client_id, demo.username, demo.password,
                    client_secret=demo.client_secret + "\n")
    assert d.status == "problem" and d.key == "bad_input"
    assert "client_secret" in d.cause
    _secrets_absent(d, demo.client_secret)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"flow": "USER_SRP_AUTH"}, "flow"), ({"password": ""}, "password"),
     ({"flow": "ADMIN_USER_PASSWORD_AUTH"}, "user_pool_id")],
)
def test_bad_input(cip, kwargs, field) -> None:
    args = {"client_id": "abc", "username": "alice", "password": "pw"} | kwargs
    with pytest.raises(InvalidInputError) as info:
        verify_flow(cip, args.pop("client_id"), args.pop("username"), args.pop("password"),
                    **args)
    assert info.value.field == field


def test_non_strict_hashes_the_secret_as_given(demo, cip) -> None:
    """strict=False (COGNITO_STRICT=0, verify --no-strict) reaches Cognito with an odd secret."""
    odd = "not-a-cognito-secret"
    refused = verify_flow(cip, demo.client_id, demo.username, demo.password, client_secret=odd)
    assert refused.key == "bad_input"
    assert "set COGNITO_STRICT=0" in refused.cause and odd not in refused.cause
    sent = verify_flow(cip, demo.client_id, demo.username, demo.password, client_secret=odd,
                       strict=False)
    assert sent.checks[0].status == "ok"  # hashed as given, then Cognito refuses the wrong secret
    assert sent.key == "hash_mismatch"
