"""Load and faults: the local Cognito under concurrent clients; a Cognito that misbehaves.

* A bounded burst of sign-ins from several threads over loopback, right and
  wrong hashes mixed: every verdict is the right one, no request errors.
  (Throughput against bare moto is measured in benchmarks/, not here.)
* A deliberately misbehaving endpoint on loopback (throttles N times, hangs
  past the read timeout, drops connections, refuses them): botocore's standard
  retry mode, as ``Target.client()`` configures it, retries what is safe to
  retry, and :func:`cognito_helpers.error_advice.describe_client_error` reports the
  rest in one line with what to do.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from wire import loopback_server

import cognito_helpers as ch
from cognito_helpers.error_advice import describe_client_error, is_throttling
from cognito_helpers.target import Target

THREADS = 8
REQUESTS_PER_THREAD = 25


def _client(endpoint_url: str, *, attempts: int = 1, read_timeout: float = 30) -> object:
    session = boto3.session.Session(
        aws_access_key_id="AKIALOCALCOGNITO0000",
        aws_secret_access_key="local-cognito-dummy-secret-key",
        region_name="us-east-1",
    )
    return session.client(
        "cognito-idp",
        endpoint_url=endpoint_url,
        config=Config(
            retries={"mode": "standard", "total_max_attempts": attempts},
            connect_timeout=2,
            read_timeout=read_timeout,
            max_pool_connections=THREADS,
        ),
    )


# -- the local Cognito under a burst -------------------------------------------------------------


def test_concurrent_sign_ins_get_the_right_verdicts(local_cognito, demo):
    """8 threads x 25 sign-ins, one in three with a wrong hash; no retries to hide errors."""
    good = ch.secret_hash(demo.username, demo.client_id, demo.client_secret)
    wrong = ch.secret_hash(demo.username, demo.client_id, "x" * 51)

    def worker(n: int) -> Counter:
        cip = _client(local_cognito.endpoint_url)  # one client per thread, one attempt each
        seen: Counter = Counter()
        for i in range(REQUESTS_PER_THREAD):
            right = (n + i) % 3 != 0
            try:
                out = cip.initiate_auth(
                    ClientId=demo.client_id,
                    AuthFlow="USER_PASSWORD_AUTH",
                    AuthParameters={
                        "USERNAME": demo.username,
                        "PASSWORD": demo.password,
                        "SECRET_HASH": good if right else wrong,
                    },
                )
                ok = bool(out["AuthenticationResult"]["AccessToken"])
                seen["right-ok" if right and ok else "WRONG-VERDICT"] += 1
            except ClientError as exc:
                err = exc.response["Error"]
                expected = (
                    not right
                    and err["Code"] == "NotAuthorizedException"
                    and err["Message"] == f"Unable to verify secret hash for client {demo.client_id}"
                )
                seen["wrong-refused" if expected else f"ERROR {err['Code']}"] += 1
        return seen

    with ThreadPoolExecutor(THREADS) as pool:
        totals = sum(pool.map(worker, range(THREADS)), Counter())
    total = THREADS * REQUESTS_PER_THREAD
    wrong_expected = sum((n + i) % 3 == 0 for n in range(THREADS) for i in range(REQUESTS_PER_THREAD))
    assert totals == Counter({"right-ok": total - wrong_expected, "wrong-refused": wrong_expected})


def test_concurrent_sign_ups_each_get_their_own_code(local_cognito, demo):
    """Concurrent SignUp through the layer: every user gets exactly one code, none mixed up."""
    names = [f"load-user-{i}" for i in range(THREADS * 3)]
    cip = _client(local_cognito.endpoint_url)  # boto3 clients are thread-safe

    def sign_up(name: str) -> str:
        cip.sign_up(
            ClientId=demo.client_id,
            Username=name,
            Password="Passw0rd!x",
            SecretHash=ch.secret_hash(name, demo.client_id, demo.client_secret),
            UserAttributes=[{"Name": "email", "Value": f"{name}@example.com"}],
        )
        return name

    with ThreadPoolExecutor(THREADS) as pool:
        done = list(pool.map(sign_up, names))
    assert done == names
    codes = Counter(m.username for m in local_cognito.outbox if m.username in names)
    assert codes == Counter({name: 1 for name in names})


# -- a Cognito that misbehaves on purpose ---------------------------------------------------------


class Misbehaving:
    """A loopback endpoint answering InitiateAuth; ``plan`` says what each attempt gets.

    Each entry: ``"throttle"`` (400 TooManyRequestsException), ``"limit"`` (400
    LimitExceededException), ``"hang"`` (no answer for ``hang_seconds``),
    ``"close"`` (close the connection without a word), ``"500"`` (500
    InternalErrorException), ``"ok"`` (a sign-in result). Past the end of
    the plan it repeats the last entry.
    """

    def __init__(self, plan: list[str], hang_seconds: float = 3.0) -> None:
        self.plan = plan
        self.hang_seconds = hang_seconds
        self.attempts = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with outer._lock:
                    step = outer.plan[min(outer.attempts, len(outer.plan) - 1)]
                    outer.attempts += 1
                if step == "close":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if step == "hang":
                    outer._stop.wait(outer.hang_seconds)
                    self.close_connection = True
                    return
                if step == "ok":
                    self._send(200, {"AuthenticationResult": {"AccessToken": "a.b.c",
                                                              "TokenType": "Bearer"}})
                    return
                code, status = {
                    "throttle": ("TooManyRequestsException", 400),
                    "limit": ("LimitExceededException", 400),
                    "500": ("InternalErrorException", 500),
                }[step]
                self._send(status, {"__type": code,
                                    "message": "Attempt limit exceeded, please try after some time."
                                    if status == 400 else "Internal error"})

            def _send(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(data)))
                if status >= 400:
                    self.send_header("x-amzn-ErrorType", f"{body['__type']}:")
                self.end_headers()
                self.wfile.write(data)

        self._handler = Handler

    def __enter__(self) -> Misbehaving:
        self._serving = loopback_server(self._handler)
        self.url = self._serving.__enter__().url
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._serving.__exit__(None, None, None)


@pytest.fixture
def no_aws_config(monkeypatch, tmp_path):
    """Dummy credentials and no config files: nothing here can reach or sign for AWS."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIALOCALCOGNITO0000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "dummy")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def fast_backoff(monkeypatch):
    """Keep botocore's retry decisions but shrink its jittered sleeps (up to 2**n seconds)."""
    from botocore.retries import standard

    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, ctx: 0.01)


def _target(url: str) -> Target:
    return Target(
        kind="real",
        region="us-east-1",
        user_pool_id="us-east-1_Fault0000",
        client_id="faultclient0000000000000000",
        client_secret=None,
        endpoint_url=url,
    )


def _sign_in(cip: object) -> dict:
    return cip.initiate_auth(
        ClientId="faultclient0000000000000000",
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": "Canary-Pw-9Qx7Zk2M!"},
    )


def test_target_client_uses_standard_retries(no_aws_config):
    config = _target("http://127.0.0.1:1").client().meta.config
    # Config(retries={"max_attempts": 3}) means 3 retries: 4 attempts in all
    assert config.retries == {"mode": "standard", "total_max_attempts": 4}


def test_throttling_is_retried_then_succeeds(no_aws_config, fast_backoff):
    with Misbehaving(["throttle", "limit", "ok"]) as server:
        out = _sign_in(_target(server.url).client())
    assert out["AuthenticationResult"]["TokenType"] == "Bearer"
    assert server.attempts == 3


def test_persistent_throttling_is_reported_clearly(no_aws_config, fast_backoff):
    with Misbehaving(["throttle"]) as server, pytest.raises(ClientError) as info:
        _sign_in(_target(server.url).client())
    assert server.attempts == 4  # every attempt, then the error surfaces
    assert is_throttling(info.value)
    line = describe_client_error(info.value)
    assert "throttled" in line and "TooManyRequestsException" in line
    assert "after 4 attempts" in line and "backoff" in line
    assert "\n" not in line


def test_server_errors_are_retried(no_aws_config, fast_backoff):
    with Misbehaving(["500", "ok"]) as server:
        assert _sign_in(_target(server.url).client())["AuthenticationResult"]
    assert server.attempts == 2


def test_dropped_connections_are_retried_then_reported(no_aws_config, fast_backoff):
    with Misbehaving(["close", "ok"]) as server:
        assert _sign_in(_target(server.url).client())["AuthenticationResult"]
        assert server.attempts == 2
    with Misbehaving(["close"]) as server:
        with pytest.raises(Exception) as info:
            _sign_in(_target(server.url).client())
        assert server.attempts == 4
    line = describe_client_error(info.value)
    assert "closed the connection" in line and server.url in line


def test_read_timeouts_are_retried_then_reported(no_aws_config, fast_backoff):
    # Target.client()'s retry settings with a short read timeout (its own is 30 s).
    with Misbehaving(["hang", "ok"], hang_seconds=2) as server:
        cip = _client(server.url, attempts=4, read_timeout=0.3)
        assert _sign_in(cip)["AuthenticationResult"]
        assert server.attempts == 2
    with Misbehaving(["hang"], hang_seconds=2) as server:
        cip = _client(server.url, attempts=4, read_timeout=0.3)
        started = time.monotonic()
        with pytest.raises(Exception) as info:
            _sign_in(cip)
        assert time.monotonic() - started < 30  # bounded by attempts x timeout, not hung
        assert server.attempts == 4
    line = describe_client_error(info.value)
    assert "no answer" in line and "read timeout" in line and server.url in line


def test_refused_connections_are_reported(no_aws_config, fast_backoff):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(Exception) as info:
        _sign_in(_target(f"http://127.0.0.1:{port}").client())
    line = describe_client_error(info.value)
    assert line.startswith(f"cannot connect to http://127.0.0.1:{port}")


def test_wrong_hash_is_not_retried(local_cognito, demo):
    """A NotAuthorizedException is final: standard mode does not retry it."""
    cip = _client(local_cognito.endpoint_url, attempts=4)
    with pytest.raises(ClientError) as info:
        cip.initiate_auth(
            ClientId=demo.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": demo.username, "PASSWORD": demo.password,
                            "SECRET_HASH": "A" * 43 + "="},
        )
    assert info.value.response["ResponseMetadata"]["RetryAttempts"] == 0
    line = describe_client_error(info.value, secrets=[demo.client_secret, demo.password])
    assert "Unable to verify secret hash" in line and "explain" in line
    assert demo.client_secret not in line and demo.password not in line


def test_describe_client_error_hides_values():
    from botocore.exceptions import ParamValidationError

    exc = ParamValidationError(
        report="Invalid type for parameter AuthParameters.PASSWORD, value: b'Canary-Pw-9Qx7Zk2M!', "
        "type: <class 'bytes'>, valid types: <class 'str'>"
    )
    line = describe_client_error(exc)
    assert "Canary" not in line and "AuthParameters.PASSWORD" in line
    err = ClientError(
        {"Error": {"Code": "NotAuthorizedException",
                   "Message": "oUkNFqfm7UjLds8vXFWarT1l3gqORGoztf+EyFmoX2Q="}},
        "InitiateAuth",
    )
    assert "oUkNFqfm7UjLds8vXFWarT1l3gqORGoztf" not in describe_client_error(err)
    assert describe_client_error(ValueError("canarysecret0zq7xk2mw9vb4nd8hf3jt6rp1ys5lg0ue7ca9rt")) == (
        "ValueError: ca…rt (51 chars)"
    )
