"""Every network call of the tools ends within its deadline (issue 12, item 4).

Loopback servers that misbehave: one trickles a byte a second (botocore's
read_timeout never trips: each byte comes in time), one accepts and never
answers, one answers HTTP 200 with JSON that is not Cognito's, one answers 500
at once (retries). Each entry point must come back within its deadline plus a
little, saying what did not answer, where, and how to give it longer. The
servers give up after 20 s, so code without a deadline fails these tests
instead of hanging.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from wire import loopback_server

import cognito_helpers as ch
import cognito_helpers.deadline
from cognito_helpers.exceptions import CognitoHelpersError, InvalidInputError, TokenError

CLIENT = "1example23456789abcdefghij"
POOL = "us-east-1_AbCdEf123"
SLACK = 2.5  # seconds beyond the deadline a busy 2-core machine may need
GIVE_UP = 20  # the bad servers stop misbehaving after this (code without deadlines fails)
DEADLINE = 0.3  # seconds: the deadline of every call that meets a silent or trickling server
ANSWERED = 5.0  # the deadline of a call whose server answers at once (never waited for)
TRICKLE = 0.06  # seconds between the trickling server's bytes: well under every deadline here,
# so a timeout per read would never fire; only a deadline for the whole call ends it
STARTUP = 8  # seconds a CLI run may take to start (imports boto3) on a loaded machine; old code took 60+


@contextmanager
def bad_server(kind: str, body: bytes = b"{}", tls: Any = None) -> Iterator[str]:
    """``trickle`` (a byte every TRICKLE seconds), ``silent`` (accepts, never answers), ``answer`` (200
    ``body``) or ``error`` (500 at once); yields its URL (https with ``tls``, an SSLContext)."""
    stop = threading.Event()
    hits: list[float] = []
    paths: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            hits.append(time.monotonic())
            paths.append(self.path)
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if kind == "silent":
                stop.wait(GIVE_UP)
                return
            if kind == "trickle":
                try:
                    self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                    for _ in range(int(GIVE_UP / TRICKLE)):
                        if stop.wait(TRICKLE):
                            return
                        self.wfile.write(b"a")
                        self.wfile.flush()
                except OSError:
                    return
                return
            status, data = (500, b'{"__type": "InternalErrorException"}') if kind == "error" \
                else (200, body)
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST

    with loopback_server(Handler, tls=tls) as server:
        try:
            bad_server.hits, bad_server.paths = hits, paths  # type: ignore[attr-defined]
            yield server.url
        finally:
            stop.set()  # before the shutdown: waiting handlers let go of their sockets


def _host(url: str) -> str:
    return url.removeprefix("http://")


def _said_deadline(text: str, url: str, seconds: str = "0.3") -> None:
    assert f"within {seconds} s" in text, text
    assert _host(url) in text, text
    assert "COGNITO_TIMEOUT" in text and "--timeout" in text, text


def _real_target(url: str) -> ch.Target:
    return ch.Target(kind="real", region="us-east-1", user_pool_id=POOL, client_id=CLIENT,
                     client_secret=None, endpoint_url=url)


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIALOCALCOGNITO0000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local-cognito-dummy-secret-key")


# -- Target.client(), through the environment and the keyword --------------------------


@pytest.mark.parametrize("kind", ["trickle", "silent"])
def test_target_client_calls_end_within_cognito_timeout(kind, aws_env, monkeypatch):
    monkeypatch.setenv("COGNITO_TIMEOUT", str(DEADLINE))
    with bad_server(kind) as url:
        cip = _real_target(url).client()
        started = time.monotonic()
        with pytest.raises(TimeoutError) as caught:
            cip.initiate_auth(ClientId=CLIENT, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={})
        elapsed = time.monotonic() - started
    assert elapsed < DEADLINE + SLACK, elapsed
    assert isinstance(caught.value, ch.DeadlineError)
    _said_deadline(str(caught.value), url)
    assert "InitiateAuth" in str(caught.value)


def test_target_client_timeout_keyword_wins_over_the_environment(aws_env, monkeypatch):
    monkeypatch.setenv("COGNITO_TIMEOUT", "30")
    with bad_server("silent") as url:
        started = time.monotonic()
        with pytest.raises(ch.DeadlineError, match=r"within 0\.3 s"):
            _real_target(url).client(timeout=DEADLINE).describe_user_pool_client(
                UserPoolId=POOL, ClientId=CLIENT)
        assert time.monotonic() - started < DEADLINE + SLACK


def test_retries_stop_at_the_deadline(aws_env):
    """500 at once, retried with backoff: the waits stop where the deadline is."""
    with bad_server("error") as url:
        cip = _real_target(url).client(attempts=10, timeout=DEADLINE)
        started = time.monotonic()
        with pytest.raises(Exception) as caught:
            cip.initiate_auth(ClientId=CLIENT, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={})
        elapsed = time.monotonic() - started
        hits = len(bad_server.hits)  # type: ignore[attr-defined]
    assert elapsed < DEADLINE + SLACK, elapsed
    assert hits >= 2, hits  # it did retry
    assert "InternalErrorException" in str(caught.value) or "within 0.3 s" in str(caught.value)


# -- verify_flow and check_client -------------------------------------------------------


@pytest.mark.parametrize("kind", ["trickle", "silent"])
def test_verify_flow_ends_within_its_deadline(kind):
    from cognito_helpers.diagnosis.commands import _boto_client

    with bad_server(kind) as url:
        started = time.monotonic()
        d = ch.verify_flow(_boto_client(url, "us-east-1", timeout=30), CLIENT, "alice", "pw",
                           timeout=DEADLINE)
        elapsed = time.monotonic() - started
    assert elapsed < DEADLINE + SLACK, elapsed
    assert d.status == "incomplete" and d.facts["unreachable"], d.to_text()
    _said_deadline(d.cause, url)
    assert "sign in" in d.cause


def test_verify_flow_gives_a_plain_boto3_client_the_deadline(aws_env, monkeypatch):
    """A client made by the caller, without the package's deadline, still gets one."""
    import boto3

    monkeypatch.setenv("COGNITO_TIMEOUT", str(DEADLINE))
    with bad_server("trickle") as url:
        cip = boto3.session.Session(region_name="us-east-1").client(
            "cognito-idp", endpoint_url=url)
        started = time.monotonic()
        d = ch.verify_flow(cip, CLIENT, "alice", "pw", user_pool_id=POOL)
        elapsed = time.monotonic() - started
    assert elapsed < DEADLINE + SLACK, elapsed
    assert d.status == "incomplete", d.to_text()
    _said_deadline(d.to_text(), url)
    assert "DescribeUserPoolClient" in d.to_text()


@pytest.mark.parametrize("kind", ["trickle", "silent"])
def test_check_client_ends_within_its_deadline(kind):
    from cognito_helpers.diagnosis.commands import _boto_client

    with bad_server(kind) as url:
        started = time.monotonic()
        d = ch.check_client(_boto_client(url, "us-east-1"), POOL, CLIENT, timeout=DEADLINE)
        elapsed = time.monotonic() - started
    assert elapsed < DEADLINE + SLACK, elapsed
    assert d.status == "incomplete" and d.facts["unreachable"], d.to_text()
    _said_deadline(d.to_text(), url)


def test_check_client_on_a_server_that_is_not_cognito():
    from cognito_helpers.diagnosis.commands import _boto_client

    with bad_server("answer", b'{"hello": "world"}') as url:
        d = ch.check_client(_boto_client(url, "us-east-1"), POOL, CLIENT, timeout=ANSWERED)
    assert d.status == "incomplete", d.to_text()
    assert not d.ok


# -- the JWKS, the OAuth endpoints, the room's discovery document ------------------------


@pytest.mark.parametrize("kind", ["trickle", "silent"])
def test_fetch_jwks_ends_within_its_deadline(kind):
    with bad_server(kind) as url:
        started = time.monotonic()
        with pytest.raises(TokenError) as caught:
            ch.fetch_jwks(f"{url}/{POOL}/.well-known/jwks.json", timeout=DEADLINE)
        elapsed = time.monotonic() - started
    assert elapsed < DEADLINE + SLACK, elapsed
    _said_deadline(str(caught.value), url)
    assert isinstance(caught.value.__cause__, ch.DeadlineError)


def test_fetch_jwks_follows_cognito_timeout(monkeypatch):
    monkeypatch.setenv("COGNITO_TIMEOUT", str(DEADLINE))
    with bad_server("silent") as url:
        started = time.monotonic()
        with pytest.raises(TokenError, match=r"within 0\.3 s"):
            ch.fetch_jwks(f"{url}/{POOL}/.well-known/jwks.json")
        assert time.monotonic() - started < DEADLINE + SLACK


def test_fetch_jwks_refuses_json_that_is_no_jwks():
    with bad_server("answer", b'{"AuthenticationResult": {}}') as url, \
            pytest.raises(TokenError, match="not a JWKS"):
        ch.fetch_jwks(f"{url}/{POOL}/.well-known/jwks.json", timeout=ANSWERED)


@pytest.mark.parametrize("kind", ["trickle", "silent"])
def test_oauth_helpers_end_within_their_deadline(kind):
    from cognito_helpers.lessons.oauth import oauth_get, sign_in_on_page, token_request

    with bad_server(kind) as url:
        for call in (
            lambda: token_request(f"{url}/oauth2/token", {"grant_type": "client_credentials"},
                                  timeout=DEADLINE),
            lambda: oauth_get(f"{url}/oauth2/userInfo", bearer="x", timeout=DEADLINE),
            lambda: sign_in_on_page(f"{url}/oauth2/authorize?x=1", "alice", "pw", timeout=DEADLINE),
        ):
            started = time.monotonic()
            with pytest.raises(ch.DeadlineError) as caught:
                call()
            assert time.monotonic() - started < DEADLINE + SLACK
            _said_deadline(str(caught.value), url, str(DEADLINE))
            assert "/oauth2/" in str(caught.value)


def test_room_discovery_document_has_a_deadline():
    from cognito_helpers.workshop.room import _fetch_json

    with bad_server("trickle") as url:
        started = time.monotonic()
        with pytest.raises(ch.DeadlineError, match="discovery document"):
            _fetch_json(f"{url}/{POOL}/.well-known/openid-configuration", timeout=DEADLINE)
        assert time.monotonic() - started < DEADLINE + SLACK


def test_room_client_has_a_deadline_and_reads_errors():
    from cognito_helpers.exceptions import WorkshopError
    from cognito_helpers.workshop.roomclient import RoomClient

    with bad_server("trickle") as url:
        started = time.monotonic()
        with pytest.raises(WorkshopError, match=r"GET /hub/api/users to .* within 0\.3 s"):
            RoomClient(url, "token", timeout=DEADLINE).users()
        assert time.monotonic() - started < DEADLINE + SLACK
    with bad_server("error") as url, pytest.raises(WorkshopError, match="HTTP 500"):
        RoomClient(url, "token", timeout=5).users()


def test_workshop_client_has_a_deadline(aws_env):
    from cognito_helpers.workshop.provision import make_client

    with bad_server("silent") as url:
        started = time.monotonic()
        with pytest.raises(ch.DeadlineError, match="CreateUserPool"):
            make_client("us-east-1", url, timeout=DEADLINE).create_user_pool(PoolName="x")
        assert time.monotonic() - started < DEADLINE + SLACK


# -- the CLI ------------------------------------------------------------------------------


def _cli(*args: str, timeout_env: str | None = None) -> tuple[subprocess.CompletedProcess, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COGNITO_", "AWS_"))}
    env.update(COGNITO_PASSWORD="pw", AWS_REGION="us-east-1",
               AWS_ACCESS_KEY_ID="AKIALOCALCOGNITO0000",
               AWS_SECRET_ACCESS_KEY="local-cognito-dummy-secret-key")
    if timeout_env is not None:
        env["COGNITO_TIMEOUT"] = timeout_env
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "cognito_helpers", *args], capture_output=True,
                          text=True, env=env, timeout=90, stdin=subprocess.DEVNULL)
    return proc, time.monotonic() - started


@pytest.mark.parametrize("kind", ["trickle", "silent"])
def test_cli_verify_and_check_client_end_within_the_deadline(kind):
    with bad_server(kind) as url:
        verify, verify_took = _cli("verify", "-c", CLIENT, "-u", "alice", "--no-secret",
                                   "--endpoint-url", url, "--timeout", str(DEADLINE))
        check, check_took = _cli("check-client", "-p", POOL, "-c", CLIENT, "--endpoint-url",
                                 url, timeout_env=str(DEADLINE))
    for proc, took in ((verify, verify_took), (check, check_took)):
        assert took < DEADLINE + SLACK + STARTUP, took
        assert proc.returncode == 3, proc.stdout + proc.stderr
        _said_deadline(proc.stdout, url)
        assert "Traceback" not in proc.stderr


def test_cli_workshop_up_ends_within_the_deadline(tmp_path):
    with bad_server("trickle") as url:
        proc, took = _cli("workshop", "up", "-n", "1", "--out", str(tmp_path / "ws"),
                          "--endpoint-url", url, "--timeout", str(DEADLINE))
    assert took < DEADLINE + SLACK + STARTUP, took
    assert proc.returncode == 3, proc.stdout + proc.stderr
    _said_deadline(proc.stderr, url)
    assert "CreateUserPool" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize(("args", "env", "named"), [
    (["--timeout", "0"], None, "--timeout"),
    (["--timeout", "nan"], None, "--timeout"),
    (["--timeout", "99999"], None, "--timeout"),
    ([], "soon", "COGNITO_TIMEOUT"),
    ([], "-1", "COGNITO_TIMEOUT"),
])
def test_cli_refuses_a_bad_deadline(args, env, named):
    proc, _ = _cli("check-client", "-p", POOL, "-c", CLIENT, "--endpoint-url",
                   "http://127.0.0.1:9", *args, timeout_env=env)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.startswith(f"error: {named}: "), proc.stderr
    assert "seconds" in proc.stderr and "Traceback" not in proc.stderr


# -- the deadline itself -------------------------------------------------------------------


def test_resolve_timeout():
    from cognito_helpers.deadline import DEFAULT_TIMEOUT, resolve_timeout

    assert resolve_timeout(None, env={}) == DEFAULT_TIMEOUT == 10
    assert resolve_timeout(None, env={"COGNITO_TIMEOUT": " 2.5 "}) == 2.5
    assert resolve_timeout(3, env={"COGNITO_TIMEOUT": "2"}) == 3.0
    for bad in (0, -1, float("nan"), float("inf"), "5", True, 10**9, [1]):
        with pytest.raises(InvalidInputError, match=r"^timeout: "):
            resolve_timeout(bad)
    for bad in ("x", "0", "nan", "1e9"):
        with pytest.raises(InvalidInputError, match=r"^COGNITO_TIMEOUT: "):
            resolve_timeout(None, env={"COGNITO_TIMEOUT": bad})


def test_every_client_of_the_package_has_the_deadline(local_cognito, aws_env):
    from cognito_helpers.deadline import has_deadline
    from cognito_helpers.diagnosis.commands import _boto_client
    from cognito_helpers.workshop.provision import make_client

    for client in (local_cognito.client(), ch.get_target({}).client(),
                   _boto_client("http://127.0.0.1:9", "us-east-1"),
                   make_client("us-east-1", "http://127.0.0.1:9")):
        assert has_deadline(client)


def test_local_calls_keep_their_connection(local_cognito, demo):
    """Keep-alive through the deadline transport: a run of calls uses one connection."""
    cip = local_cognito.client()
    for _ in range(5):
        cip.describe_user_pool_client(UserPoolId=demo.user_pool_id, ClientId=demo.client_id)
    idle = cip._endpoint.http_session._idle
    assert [len(conns) for conns in idle.values()] == [1]


def test_answers_and_aws_errors_pass_through_unchanged(local_cognito, demo):
    from botocore.exceptions import ClientError, EndpointConnectionError

    cip = local_cognito.client(timeout=5)
    result = cip.initiate_auth(
        ClientId=demo.public_client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": demo.username, "PASSWORD": demo.password})
    assert result["AuthenticationResult"]["AccessToken"].count(".") == 2
    with pytest.raises(ClientError, match="Incorrect username or password"):
        cip.initiate_auth(ClientId=demo.public_client_id, AuthFlow="USER_PASSWORD_AUTH",
                          AuthParameters={"USERNAME": demo.username, "PASSWORD": "Wrong-pw-1"})
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    closed = ch.Target.from_demo(demo)
    closed = ch.Target(**{**closed.__dict__, "endpoint_url": f"http://127.0.0.1:{port}"})
    with pytest.raises(EndpointConnectionError):  # what botocore raises, retries and advice know
        closed.client(attempts=1).initiate_auth(ClientId="x", AuthFlow="USER_PASSWORD_AUTH",
                                                AuthParameters={})


def test_nothing_keeps_running_after_a_deadline():
    """The call's socket is shut at the deadline: no thread of ours is left waiting on it."""
    from cognito_helpers.deadline import fetch

    before = {t.ident for t in threading.enumerate()}
    with bad_server("trickle") as url, pytest.raises(ch.DeadlineError):
        fetch(f"{url}/x", what="GET /x", timeout=DEADLINE)
    time.sleep(0.2)
    left = [t for t in threading.enumerate()
            if t.ident not in before and t.name != "cognito-helpers-deadlines"]
    assert not left, left


def test_deadline_error_is_a_timeout_and_ours():
    err = ch.DeadlineError("InitiateAuth to h:1 gave no complete answer within 2 s", "InitiateAuth",
                           "h:1", 2.0)
    assert isinstance(err, TimeoutError) and isinstance(err, CognitoHelpersError)
    assert (err.what, err.where, err.seconds) == ("InitiateAuth", "h:1", 2.0)
    assert str(err).startswith("InitiateAuth to h:1")


# -- TLS and proxies: what the deadline transport does instead of urllib3 ----------------


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 (its own CA) and its key, as PEM files."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(
            "127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


@pytest.mark.parametrize("kind", ["answer", "trickle"])
def test_https_endpoint_answers_and_keeps_its_deadline(kind, tls_files, aws_env):
    import ssl

    import boto3

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*tls_files)
    with bad_server(kind, b'{"UserPoolClient": {"ClientId": "x"}}', tls=context) as url:
        assert url.startswith("https://")
        cip = ch.deadline.deadline_client(boto3.session.Session(region_name="us-east-1").client(
            "cognito-idp", endpoint_url=url, verify=tls_files[0]),
            ANSWERED if kind == "answer" else DEADLINE)
        started = time.monotonic()
        if kind == "answer":
            got = cip.describe_user_pool_client(UserPoolId=POOL, ClientId=CLIENT)
            assert got["UserPoolClient"] == {"ClientId": "x"}
        else:
            with pytest.raises(ch.DeadlineError, match="DescribeUserPoolClient"):
                cip.describe_user_pool_client(UserPoolId=POOL, ClientId=CLIENT)
        assert time.monotonic() - started < (ANSWERED if kind == "answer" else DEADLINE) + SLACK


def test_https_certificate_is_checked(tls_files, aws_env):
    import ssl

    import boto3
    from botocore.exceptions import SSLError

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*tls_files)
    with bad_server("answer", tls=context) as url:
        cip = ch.deadline.deadline_client(boto3.session.Session(region_name="us-east-1").client(
            "cognito-idp", endpoint_url=url, config=_one_attempt()), 2)
        with pytest.raises(SSLError):  # not in the default CA bundle
            cip.describe_user_pool_client(UserPoolId=POOL, ClientId=CLIENT)


def _one_attempt():
    from botocore.config import Config

    return Config(retries={"mode": "standard", "total_max_attempts": 1})


def test_http_proxy_is_used(aws_env):
    """Config(proxies=...) (or HTTP_PROXY) sends the call through the proxy, absolute URI."""
    import boto3
    from botocore.config import Config

    with bad_server("answer", b'{"UserPoolClient": {}}') as proxy:
        seen = bad_server.paths  # type: ignore[attr-defined]
        cip = ch.deadline.deadline_client(boto3.session.Session(region_name="us-east-1").client(
            "cognito-idp", endpoint_url="http://cognito.invalid:9229",
            config=Config(proxies={"http": proxy})), 2)
        cip.describe_user_pool_client(UserPoolId=POOL, ClientId=CLIENT)
    assert seen == ["http://cognito.invalid:9229/"], seen


@contextmanager
def connect_proxy() -> Iterator[tuple[str, list[str]]]:
    """An HTTP proxy that answers CONNECT host:port by relaying bytes both ways."""
    import select
    import socketserver

    asked: list[str] = []

    class Relay(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            line = self.rfile.readline().decode("latin-1")
            while self.rfile.readline() not in (b"\r\n", b""):
                pass
            method, where, _ = line.split(" ", 2)
            asked.append(f"{method} {where}")
            host, port = where.rsplit(":", 1)
            with socket.create_connection((host, int(port)), timeout=10) as upstream:
                self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                self.wfile.flush()
                ends = [self.connection, upstream]
                while True:
                    ready, _, _ = select.select(ends, [], [], 10)
                    if not ready:
                        return
                    for end in ready:
                        data = end.recv(65536)
                        if not data:
                            return
                        (upstream if end is self.connection else self.connection).sendall(data)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Relay)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


def test_https_through_a_connect_proxy(tls_files, aws_env):
    import ssl

    import boto3
    from botocore.config import Config

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*tls_files)
    with bad_server("answer", b'{"UserPoolClient": {"ClientId": "y"}}', tls=context) as url, \
            connect_proxy() as (proxy, asked):
        cip = ch.deadline.deadline_client(boto3.session.Session(region_name="us-east-1").client(
            "cognito-idp", endpoint_url=url, verify=tls_files[0],
            config=Config(proxies={"https": proxy})), 2)
        got = cip.describe_user_pool_client(UserPoolId=POOL, ClientId=CLIENT)
    assert got["UserPoolClient"] == {"ClientId": "y"}
    assert asked == [f"CONNECT {url.removeprefix('https://')}"], asked
