"""owner_only: the local Cognito serves only the Unix user that started it (and root).

The room's end-to-end attack (one participant's kernel against another's local
Cognito) is in tests/test_room.py; here, the parts: who owns a loopback connection,
a real second Unix user refused, the owner served, the switches and their errors.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading

import pytest

from cognito_helpers import secret_hash
from cognito_helpers.exceptions import InvalidInputError, LocalCognitoError
from cognito_helpers.local import LocalCognito, peer

LINUX = sys.platform.startswith("linux")
ROOT = LINUX and os.geteuid() == 0
needs_linux = pytest.mark.skipif(not LINUX, reason="sock_diag is Linux's")
# CI runs as root: there the test with a second user must run, not skip
needs_root = pytest.mark.skipif(not ROOT and not os.environ.get("CI"), reason="switches user")

#: a client that only the standard library runs (the other user cannot read our venv)
CLIENT = """
import sys, urllib.error, urllib.request
req = urllib.request.Request(sys.argv[1], data=b'{"MaxResults": 5}', headers={
    "Content-Type": "application/x-amz-json-1.1",
    "X-Amz-Target": "AWSCognitoIdentityProviderService.ListUserPools"})
try:
    print(urllib.request.urlopen(req, timeout=10).status)
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode())
"""


def _pair(family: int, host: str) -> tuple[socket.socket, socket.socket, socket.socket]:
    server = socket.socket(family, socket.SOCK_STREAM)
    server.bind((host, 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname()[:2])
    accepted, _ = server.accept()
    return server, client, accepted


@needs_linux
@pytest.mark.parametrize("family, host", [(socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")])
def test_the_owner_of_a_loopback_connection_is_this_user(family, host):
    try:
        sockets = _pair(family, host)
    except OSError as exc:  # a machine without IPv6 on loopback
        pytest.skip(f"{host}: {exc}")
    try:
        assert peer.peer_uid(sockets[2]) == os.geteuid()
        assert peer.peer_uid(sockets[1]) == os.geteuid()  # the other way round too
    finally:
        for s in sockets:
            s.close()


@needs_linux
def test_a_connection_whose_other_end_is_gone_is_unknown_and_refused():
    server, client, accepted = _pair(socket.AF_INET, "127.0.0.1")
    try:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
        client.close()  # a reset: the kernel forgets the client's socket at once
        with pytest.raises(peer.PeerUnknown, match=r"already closed|not a socket on this machine"):
            peer.peer_uid(accepted)
        text = peer.OwnerOnly("This local Cognito", "use yours").refusal(accepted)
        assert text and "could not tell who opened this connection" in text
    finally:
        accepted.close()
        server.close()


@needs_linux
def test_the_owner_is_served_in_full():
    with LocalCognito(owner_only=True) as lc:
        assert lc.owner_only
        demo = lc.demo()
        tokens = lc.client().initiate_auth(
            ClientId=demo.client_id, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": demo.username, "PASSWORD": demo.password,
                            "SECRET_HASH": secret_hash(demo.username, demo.client_id,
                                                       demo.client_secret)},
        )["AuthenticationResult"]
        assert tokens["TokenType"] == "Bearer"
        out = subprocess.run([sys.executable, "-c", CLIENT, lc.endpoint_url],
                             capture_output=True, text=True, timeout=60)
        # not refused for its owner: the layer's own answer to an unsigned call
        assert out.stdout.startswith("400 ") and "MissingAuthenticationToken" in out.stdout


def _as_nobody(url: str) -> str:
    import pwd

    nobody = pwd.getpwnam("nobody")

    def drop() -> None:
        os.setgroups([])
        os.setgid(nobody.pw_gid)
        os.setuid(nobody.pw_uid)

    # the system's python: the other user may not be able to read this checkout's venv
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    out = subprocess.run([python, "-I", "-c", CLIENT, url], capture_output=True, text=True,
                         timeout=60, preexec_fn=drop, cwd="/", env={"PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


@needs_root
@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_another_unix_user_gets_403_and_changes_nothing(host):
    try:
        lc = LocalCognito(owner_only=True, host=host).start()
    except LocalCognitoError as exc:
        pytest.skip(f"{host}: {exc}")
    try:
        before = lc.client().list_user_pools(MaxResults=10)["UserPools"]
        status, _, body = _as_nobody(lc.endpoint_url).strip().partition(" ")
        assert status == "403"
        error = json.loads(body)
        assert error["__type"] == "AccessDeniedException"
        assert "serves only its owner (root, uid 0)" in error["message"]
        assert "opened by nobody, uid" in error["message"]
        assert "use yours" in error["message"]  # the way out
        assert lc.client().list_user_pools(MaxResults=10)["UserPools"] == before
    finally:
        lc.stop()


@needs_root
def test_without_owner_only_another_user_is_served_as_before():
    with LocalCognito(owner_only=False) as lc:
        assert _as_nobody(lc.endpoint_url).startswith("400 ")  # the layer's answer, not 403


def test_the_environment_turns_it_on_and_a_wrong_value_is_named(monkeypatch):
    monkeypatch.setenv("COGNITO_LOCAL_OWNER_ONLY", "1")
    assert LocalCognito().owner_only
    assert not LocalCognito(owner_only=False).owner_only  # the argument wins
    monkeypatch.setenv("COGNITO_LOCAL_OWNER_ONLY", "0")
    assert not LocalCognito().owner_only
    monkeypatch.setenv("COGNITO_LOCAL_OWNER_ONLY", "maybe")
    with pytest.raises(InvalidInputError, match=r"COGNITO_LOCAL_OWNER_ONLY.*'maybe'.*set it to 1"):
        LocalCognito()


def test_where_it_cannot_be_kept_start_refuses_instead_of_serving_everyone(monkeypatch):
    monkeypatch.setattr(peer.sys, "platform", "darwin")
    lc = LocalCognito(owner_only=True)
    with pytest.raises(LocalCognitoError, match=r"owner_only cannot be kept here: .*needs Linux"):
        lc.start()
    assert lc._server is None  # nothing listens


def test_the_cli_says_it_is_owner_only():
    proc = subprocess.Popen([sys.executable, "-m", "cognito_helpers", "local", "--owner-only"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")))
    reader.start()
    try:
        for _ in range(600):
            if any("Point your SDK" in line for line in lines) or proc.poll() is not None:
                break
            threading.Event().wait(0.1)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        reader.join(timeout=30)
        proc.stdout.close()
    text = "".join(lines)
    if LINUX:
        assert "owner-only: other Unix users' connections are refused (403)" in text, text
    else:
        assert "owner_only cannot be kept here" in text and "Traceback" not in text, text


@needs_root
def test_the_inspecting_proxy_does_not_relay_another_users_calls_to_its_owner_only_cognito(
    monkeypatch,
):
    """Else the proxy (its owner's) would be the way round: it relays as its owner."""
    from cognito_helpers.diagnosis.proxy import InspectingProxy

    monkeypatch.setenv("COGNITO_LOCAL_OWNER_ONLY", "1")  # as in a room's terminal
    with InspectingProxy(on_verdict=lambda verdict: None) as proxy:
        assert proxy.owner_only and proxy.local.owner_only
        status, _, body = _as_nobody(proxy.endpoint_url).strip().partition(" ")
        assert status == "403", body
        error = json.loads(body)
        assert error["__type"] == "AccessDeniedException"
        assert error["message"].startswith("This inspecting proxy serves only its owner (root,")
        assert "python -m cognito_helpers proxy" in error["message"]
        assert not proxy.verdicts  # nothing was relayed
        out = subprocess.run([sys.executable, "-c", CLIENT, proxy.endpoint_url],
                             capture_output=True, text=True, timeout=60)
        assert out.stdout.startswith("400 ") and "MissingAuthenticationToken" in out.stdout
