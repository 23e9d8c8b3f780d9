"""The inspecting proxy over real loopback HTTP: boto3 and plain http.client as the app.

Each request carries a deliberately wrong (or right) SECRET_HASH; the proxy must
name the mistake, apply each operation's username rule, relay Cognito's answer,
forward to an upstream (a second LocalCognito, never AWS), and never print a
secret, password or token.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlparse

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from canaries import leaks
from diagnosis_cases import PREVIOUS_SECRET, fingerprint_cases, message
from wire import DUMMY_SIGV4, is_unsigned, loopback_server

from cognito_helpers import LocalCognito, secret_hash
from cognito_helpers.diagnosis.proxy import InspectingProxy, Verdict
from cognito_helpers.local.answers import CATALOGUE

ROOT = Path(__file__).resolve().parent.parent
TARGET = "AWSCognitoIdentityProviderService."
CASE_IDS = [c.id for c in fingerprint_cases() if not c.others]


class Printed:
    """What the proxy showed: every verdict, as lines and as JSON."""

    def __init__(self) -> None:
        self.verdicts: list[Verdict] = []
        self.lines: list[str] = []

    def __call__(self, v: Verdict) -> None:
        self.verdicts.append(v)
        self.lines += v.lines()
        self.lines.append(json.dumps(v.to_dict()))

    def text(self) -> str:
        return "\n".join(self.lines)

    def assert_clean(self, *values: str) -> None:
        out = self.text()
        for value in values:
            assert value not in out
        assert leaks(out) == []


@pytest.fixture(scope="module")
def proxy() -> Iterator[tuple[InspectingProxy, Printed]]:
    printed = Printed()
    with InspectingProxy(on_verdict=printed, previous_secrets=[PREVIOUS_SECRET]) as p:
        yield p, printed


@pytest.fixture(scope="module")
def shared_demo(proxy):
    """One demo pool for the per-mistake tests (a fresh pool costs ~0.5 s)."""
    return proxy[0].local.demo()


@pytest.fixture
def printed(proxy) -> Printed:
    proxy[1].verdicts.clear()
    proxy[1].lines.clear()
    return proxy[1]


def boto(url: str, region: str = "us-east-1"):
    return boto3.client("cognito-idp", endpoint_url=url, region_name=region,
                        aws_access_key_id="AKIALOCAL", aws_secret_access_key="local",
                        config=Config(retries={"max_attempts": 1}))


def post(url: str, operation: str, params: dict, *, raw: bytes | None = None
         ) -> tuple[int, dict]:
    """One Cognito call with plain http.client, as any language's HTTP library would."""
    u = urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET + operation}
        if not is_unsigned(operation):  # signed calls carry SigV4 (any signature locally)
            headers["Authorization"] = DUMMY_SIGV4
        conn.request("POST", "/", body=raw if raw is not None else json.dumps(params),
                     headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, json.loads(body) if body else {}
    finally:
        conn.close()


def initiate_params(demo, case) -> dict:
    return {"ClientId": demo.client_id, "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": case.username, "PASSWORD": demo.password,
                               "SECRET_HASH": case.sent}}


def _check_verdict(v: Verdict, case) -> None:
    if case.key == "correct":
        assert v.outcome == "ok", v.lines()
    else:
        assert v.outcome == "mismatch", v.lines()
        assert v.diagnosis is not None and v.diagnosis.key == case.key, v.lines()


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_every_mistake_over_plain_http(proxy, printed, shared_demo, case_id) -> None:
    p, _ = proxy
    demo = shared_demo
    case = {c.id: c for c in fingerprint_cases(demo.client_id, demo.client_secret)}[case_id]
    status, body = post(p.endpoint_url, "InitiateAuth", initiate_params(demo, case))
    (v,) = printed.verdicts
    _check_verdict(v, case)
    assert v.status == status
    if case.key != "correct":
        assert status == 400 and "Unable to verify secret hash" in body["message"]
        assert v.explanation is not None and v.explanation.key == "hash_mismatch"
    printed.assert_clean(demo.client_secret, demo.password, PREVIOUS_SECRET)


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_every_mistake_through_boto3(proxy, printed, shared_demo, case_id) -> None:
    p, _ = proxy
    demo = shared_demo
    case = {c.id: c for c in fingerprint_cases(demo.client_id, demo.client_secret)}[case_id]
    cip = boto(p.endpoint_url)
    params = initiate_params(demo, case)
    if case.key == "correct":
        assert "AccessToken" in cip.initiate_auth(**params)["AuthenticationResult"]
    else:
        with pytest.raises(ClientError) as info:
            cip.initiate_auth(**params)
        assert info.value.response["Error"]["Code"] == "NotAuthorizedException"
    (v,) = printed.verdicts
    _check_verdict(v, case)
    printed.assert_clean(demo.client_secret, demo.password, PREVIOUS_SECRET)


def test_missing_and_unexpected_hash(proxy, printed) -> None:
    p, _ = proxy
    demo = p.local.demo()
    cip = boto(p.endpoint_url)
    with pytest.raises(ClientError):
        cip.initiate_auth(ClientId=demo.client_id, AuthFlow="USER_PASSWORD_AUTH",
                          AuthParameters={"USERNAME": demo.username, "PASSWORD": demo.password})
    with pytest.raises(ClientError):
        cip.initiate_auth(ClientId=demo.public_client_id, AuthFlow="USER_PASSWORD_AUTH",
                          AuthParameters={"USERNAME": demo.username, "PASSWORD": demo.password,
                                          "SECRET_HASH": "AAAA"})
    cip.initiate_auth(ClientId=demo.public_client_id, AuthFlow="USER_PASSWORD_AUTH",
                      AuthParameters={"USERNAME": demo.username, "PASSWORD": demo.password})
    missing, unexpected, public_ok = printed.verdicts
    assert missing.outcome == "missing" and missing.explanation.key == "secret_missing"
    assert "AuthParameters.SECRET_HASH" in missing.summary
    assert unexpected.outcome == "unexpected"
    assert unexpected.explanation.key == "hash_not_configured"
    assert public_ok.outcome == "ok" and public_ok.status == 200
    printed.assert_clean(demo.client_secret, demo.password)


def test_sign_up_family_uses_the_sent_username(proxy, printed) -> None:
    p, _ = proxy
    demo = p.local.demo()
    cip = boto(p.endpoint_url)
    attrs = [{"Name": "email", "Value": "dave@example.com"}]
    with pytest.raises(ClientError):
        cip.sign_up(ClientId=demo.client_id, Username="dave", Password="Dave-pass-123!",
                    UserAttributes=attrs)
    with pytest.raises(ClientError):
        cip.sign_up(ClientId=demo.client_id, Username="dave", Password="Dave-pass-123!",
                    UserAttributes=attrs,
                    SecretHash=secret_hash("dave", demo.client_id, demo.client_secret + " ",
                                           strict=False))
    cip.sign_up(ClientId=demo.client_id, Username="dave", Password="Dave-pass-123!",
                UserAttributes=attrs,
                SecretHash=secret_hash("dave", demo.client_id, demo.client_secret))
    code = p.local.last_code("dave")
    cip.confirm_sign_up(ClientId=demo.client_id, Username="dave", ConfirmationCode=code,
                        SecretHash=secret_hash("dave", demo.client_id, demo.client_secret))
    missing, spaced, ok, confirmed = printed.verdicts
    assert missing.outcome == "missing" and missing.explanation.key == "secret_missing_legacy"
    assert spaced.diagnosis.key == "secret_whitespace"
    assert ok.outcome == "ok" and ok.operation == "SignUp"
    assert confirmed.outcome == "ok" and confirmed.operation == "ConfirmSignUp"
    printed.assert_clean(demo.client_secret, code)


def test_refresh_needs_the_internal_username(proxy, printed) -> None:
    p, _ = proxy
    pool = p.local.demo(email_as_username=True)
    cip = boto(p.endpoint_url)
    tokens = cip.initiate_auth(
        ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": pool.username, "PASSWORD": pool.password,
                        "SECRET_HASH": secret_hash(pool.username, pool.client_id,
                                                   pool.client_secret)},
    )["AuthenticationResult"]
    refresh = tokens["RefreshToken"]
    with pytest.raises(ClientError):
        cip.initiate_auth(ClientId=pool.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                          AuthParameters={"REFRESH_TOKEN": refresh, "SECRET_HASH": secret_hash(
                              pool.username, pool.client_id, pool.client_secret)})
    cip.initiate_auth(ClientId=pool.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                      AuthParameters={"REFRESH_TOKEN": refresh, "SECRET_HASH": secret_hash(
                          pool.internal_username, pool.client_id, pool.client_secret)})
    signin, alias, internal = printed.verdicts
    assert signin.outcome == "ok"
    assert alias.outcome == "mismatch"
    assert alias.expected_username == pool.internal_username
    assert alias.diagnosis.key == "other_username"
    assert f"'{pool.username}' instead of '{pool.internal_username}'" in alias.diagnosis.cause
    assert "refresh: the internal username" in alias.summary
    assert internal.outcome == "ok"
    printed.assert_clean(pool.client_secret, pool.password, refresh, tokens["AccessToken"],
                         tokens["IdToken"])


def test_challenge_needs_the_canonical_username(proxy, printed) -> None:
    p, _ = proxy
    pool = p.local.demo(email_as_username=True)
    cip = boto(p.endpoint_url)
    created = cip.admin_create_user(UserPoolId=pool.user_pool_id, Username="erin@example.com",
                                    TemporaryPassword="Temp-pass-123!", MessageAction="SUPPRESS")
    internal = created["User"]["Username"]

    def h(name: str) -> str:
        return secret_hash(name, pool.client_id, pool.client_secret)

    started = cip.initiate_auth(ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
                                AuthParameters={"USERNAME": "erin@example.com",
                                                "PASSWORD": "Temp-pass-123!",
                                                "SECRET_HASH": h("erin@example.com")})
    assert started["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    answer = {"USERNAME": "erin@example.com", "NEW_PASSWORD": "Erin-new-pass-1!"}
    with pytest.raises(ClientError):
        cip.respond_to_auth_challenge(ClientId=pool.client_id, Session=started["Session"],
                                      ChallengeName="NEW_PASSWORD_REQUIRED",
                                      ChallengeResponses=answer | {"SECRET_HASH":
                                                                   h("erin@example.com")})
    cip.respond_to_auth_challenge(ClientId=pool.client_id, Session=started["Session"],
                                  ChallengeName="NEW_PASSWORD_REQUIRED",
                                  ChallengeResponses=answer | {"SECRET_HASH": h(internal)})
    _created, _started, wrong, right = printed.verdicts
    assert wrong.outcome == "mismatch" and wrong.expected_username == internal
    assert "challenge: USERNAME from ChallengeParameters" in wrong.summary
    assert wrong.diagnosis.key == "other_username"
    assert right.outcome == "ok"
    printed.assert_clean(pool.client_secret, "Temp-pass-123!", "Erin-new-pass-1!",
                         started["Session"])


def test_get_tokens_from_refresh_token_checks_the_raw_secret(proxy, printed) -> None:
    p, _ = proxy
    demo = p.local.demo()
    status, _ = post(p.endpoint_url, "GetTokensFromRefreshToken",
                     {"ClientId": demo.client_id, "RefreshToken": "x",
                      "ClientSecret": secret_hash("alice", demo.client_id, demo.client_secret)})
    (v,) = printed.verdicts
    assert v.outcome == "mismatch" and status == 400
    assert "not one of the client's secrets" in v.summary


def test_rotation_accepts_either_secret(proxy, printed) -> None:
    p, _ = proxy
    demo = p.local.demo()
    cip = boto(p.endpoint_url)
    new = cip.add_user_pool_client_secret(UserPoolId=demo.user_pool_id, ClientId=demo.client_id)
    new_value = new["ClientSecretDescriptor"]["ClientSecretValue"]
    for secret in (demo.client_secret, new_value):
        cip.initiate_auth(ClientId=demo.client_id, AuthFlow="USER_PASSWORD_AUTH",
                          AuthParameters={"USERNAME": demo.username, "PASSWORD": demo.password,
                                          "SECRET_HASH": secret_hash(demo.username,
                                                                     demo.client_id, secret)})
    assert [v.outcome for v in printed.verdicts] == ["not_needed", "ok", "ok"]
    printed.assert_clean(demo.client_secret, new_value, demo.password)


def test_calls_without_hash_and_other_paths(proxy, printed) -> None:
    p, _ = proxy
    demo = p.local.demo()
    status, body = post(p.endpoint_url, "DescribeUserPoolClient",
                        {"UserPoolId": demo.user_pool_id, "ClientId": demo.client_id})
    assert status == 200 and body["UserPoolClient"]["ClientId"] == demo.client_id
    (v,) = printed.verdicts
    assert v.outcome == "not_needed"
    printed.assert_clean(demo.client_secret)  # the answer held it; the verdict does not
    u = urlparse(p.endpoint_url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    conn.request("GET", f"/{demo.user_pool_id}/.well-known/jwks.json")
    resp = conn.getresponse()
    assert resp.status == 200 and "keys" in json.loads(resp.read())
    conn.close()
    assert len(printed.verdicts) == 1  # not a Cognito JSON call: relayed, no verdict
    status, body = post(p.endpoint_url, "InitiateAuth", {}, raw=b"{not json")
    assert status == 400


def test_error_table_through_the_proxy(proxy, printed) -> None:
    """Real answers of the local Cognito, relayed and explained."""
    p, _ = proxy
    demo = p.local.demo()
    cip = boto(p.endpoint_url)
    h = secret_hash(demo.username, demo.client_id, demo.client_secret)
    auth = {"USERNAME": demo.username, "PASSWORD": "Wrong-pass-1!", "SECRET_HASH": h}
    calls = [
        ("wrong_password", lambda: cip.initiate_auth(
            ClientId=demo.client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=auth)),
        ("client_not_found", lambda: cip.initiate_auth(
            ClientId="nosuchclient0000000000000", AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters=auth)),
        ("refresh_invalid", lambda: cip.initiate_auth(
            ClientId=demo.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": "nope", "SECRET_HASH": h})),
        ("user_not_found", lambda: cip.initiate_auth(
            ClientId=demo.client_id, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "nobody", "PASSWORD": "x",
                            "SECRET_HASH": secret_hash("nobody", demo.client_id,
                                                       demo.client_secret)})),
    ]
    for key, call in calls:
        printed.verdicts.clear()
        with pytest.raises(ClientError):
            call()
        (v,) = printed.verdicts
        assert v.explanation is not None and v.explanation.key == key, v.lines()
        if key == "client_not_found":  # no client, so no verdict on its secret
            assert v.outcome == "unchecked" and "refused the call before" in v.summary
        elif key == "refresh_invalid":  # an unknown token: whose username is due is unknown
            assert v.outcome == "unchecked" and "did not see this refresh token" in v.summary
        else:
            assert v.outcome == "ok", v.lines()


class _CannedCognito(BaseHTTPRequestHandler):
    """An upstream that answers every call with one catalogue error (chosen by header)."""

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        key = self.headers["X-Test-Error"]
        entry = CATALOGUE[key]
        body = json.dumps({"__type": entry.code, "message": message(key)}).encode()
        self.send_response(entry.status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def canned() -> Iterator[str]:
    with loopback_server(_CannedCognito) as server:
        yield server.url


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_error_row_is_explained_as_it_passes(canned, key) -> None:
    printed = Printed()
    with InspectingProxy(upstream=canned, on_verdict=printed) as p:
        u = urlparse(p.endpoint_url)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
        conn.request("POST", "/", body=json.dumps({"ClientId": "abc", "AuthFlow": "USER_AUTH",
                                                   "AuthParameters": {"USERNAME": "a"}}),
                     headers={"X-Amz-Target": TARGET + "InitiateAuth", "X-Test-Error": key})
        resp = conn.getresponse()
        assert json.loads(resp.read())["__type"] == CATALOGUE[key].code
        conn.close()
    (v,) = printed.verdicts
    expected = "throttled" if key == "limit_exceeded" else key
    assert v.explanation is not None
    assert v.explanation.key in (key, expected), v.lines()
    assert any(line.strip().startswith("meaning:") for line in v.lines())


# -- forwarding to an upstream (a second LocalCognito, never AWS) ------------------------


@pytest.fixture(scope="module")
def upstream() -> Iterator[LocalCognito]:
    with LocalCognito() as lc:
        yield lc


def test_forwarding_with_a_given_secret(upstream) -> None:
    demo = upstream.demo()
    printed = Printed()
    with InspectingProxy(upstream=upstream.endpoint_url, on_verdict=printed,
                         secrets={demo.client_id: [demo.client_secret]}) as p:
        assert p.local is None
        cip = boto(p.endpoint_url)
        digest = secret_hash(demo.client_id, demo.username, demo.client_secret)  # reversed
        with pytest.raises(ClientError) as info:
            cip.initiate_auth(ClientId=demo.client_id, AuthFlow="USER_PASSWORD_AUTH",
                              AuthParameters={"USERNAME": demo.username,
                                              "PASSWORD": demo.password, "SECRET_HASH": digest})
        assert "Unable to verify secret hash" in str(info.value)
        ok = cip.initiate_auth(ClientId=demo.client_id, AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": demo.username,
                                               "PASSWORD": demo.password,
                                               "SECRET_HASH": secret_hash(
                                                   demo.username, demo.client_id,
                                                   demo.client_secret)})
        assert "AccessToken" in ok["AuthenticationResult"]
    wrong, right = printed.verdicts
    assert wrong.diagnosis.key == "reversed_order" and wrong.status == 400
    assert right.outcome == "ok" and right.status == 200
    printed.assert_clean(demo.client_secret, demo.password,
                         ok["AuthenticationResult"]["AccessToken"])


def test_forwarding_learns_secrets_and_usernames(upstream) -> None:
    pool = upstream.demo(email_as_username=True)
    printed = Printed()
    with InspectingProxy(upstream=upstream.endpoint_url, on_verdict=printed) as p:
        cip = boto(p.endpoint_url)
        good = secret_hash(pool.username, pool.client_id, pool.client_secret)
        params = {"ClientId": pool.client_id, "AuthFlow": "USER_PASSWORD_AUTH",
                  "AuthParameters": {"USERNAME": pool.username, "PASSWORD": pool.password,
                                     "SECRET_HASH": good}}
        cip.initiate_auth(**params)                       # secret unknown yet
        cip.describe_user_pool_client(UserPoolId=pool.user_pool_id, ClientId=pool.client_id)
        tokens = cip.initiate_auth(**params)["AuthenticationResult"]
        with pytest.raises(ClientError):
            cip.initiate_auth(ClientId=pool.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                              AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"],
                                              "SECRET_HASH": good})
    unknown, described, signin, refresh = printed.verdicts
    assert unknown.outcome == "unchecked" and "does not know" in unknown.summary
    assert described.outcome == "not_needed"
    assert signin.outcome == "ok"
    assert refresh.outcome == "mismatch"
    assert refresh.expected_username == pool.internal_username  # learned from the access token
    assert refresh.diagnosis.key == "other_username"
    printed.assert_clean(pool.client_secret, pool.password, tokens["RefreshToken"])


def test_upstream_down_gives_502() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    printed = Printed()
    with InspectingProxy(upstream=f"http://127.0.0.1:{port}", on_verdict=printed) as p:
        status, body = post(p.endpoint_url, "InitiateAuth", {"ClientId": "abc"})
    assert status == 502 and body["__type"] == "ProxyUpstreamError"
    assert printed.verdicts[0].status == 502


# -- the CLI: python -m cognito_helpers proxy ---------------------------------------------


def _reader(stream, q: queue.Queue) -> None:
    for line in stream:
        q.put(line)
    q.put(None)


def _wait_for(q: queue.Queue, seen: list[str], predicate, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = q.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            break
        if line is None:
            break
        seen.append(line)
        if predicate(line):
            return line
    raise AssertionError("proxy output did not show up:\n" + "".join(seen))


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_proxy_command(tmp_path, as_json) -> None:
    env_file = tmp_path / "demo.env"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "COGNITO_"))}
    args = [sys.executable, "-m", "cognito_helpers", "proxy", "--demo", "--env-file",
            str(env_file)] + (["--json"] if as_json else [])
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    out_q: queue.Queue = queue.Queue()
    err_q: queue.Queue = queue.Queue()
    readers = [threading.Thread(target=_reader, args=(proc.stdout, out_q), daemon=True),
               threading.Thread(target=_reader, args=(proc.stderr, err_q), daemon=True)]
    for t in readers:
        t.start()
    out: list[str] = []
    err: list[str] = []
    try:
        ready_q, ready_seen = (err_q, err) if as_json else (out_q, out)
        ready = _wait_for(ready_q, ready_seen, lambda s: "Inspecting proxy ready at" in s)
        url = ready.split(" at ", 1)[1].split()[0]
        _wait_for(err_q, err, lambda s: "written to" in s)
        settings = dict(line.split("=", 1) for line in env_file.read_text().splitlines())
        assert settings["COGNITO_ENDPOINT_URL"] == url
        assert oct(env_file.stat().st_mode & 0o777) == "0o600"
        secret, client_id = settings["COGNITO_CLIENT_SECRET"], settings["COGNITO_CLIENT_ID"]
        user, password = settings["COGNITO_USERNAME"], settings["COGNITO_PASSWORD"]
        import base64
        import hashlib
        import hmac

        hexed = hmac.new(secret.encode(), (user + client_id).encode(), hashlib.sha256).hexdigest()
        status, _ = post(url, "InitiateAuth", {
            "ClientId": client_id, "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": user, "PASSWORD": password, "SECRET_HASH": hexed}})
        assert status == 400
        good = base64.b64encode(hmac.new(secret.encode(), (user + client_id).encode(),
                                         hashlib.sha256).digest()).decode()
        status, body = post(url, "InitiateAuth", {
            "ClientId": client_id, "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": user, "PASSWORD": password, "SECRET_HASH": good}})
        assert status == 200
        if as_json:
            _wait_for(out_q, out, lambda s: '"outcome": "ok"' in s)
        else:
            _wait_for(out_q, out, lambda s: "answered: 200 OK" in s)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()
            proc.wait()
    for t in readers:
        t.join(timeout=10)
    proc.stdout.close()
    proc.stderr.close()
    for q, seen in ((out_q, out), (err_q, err)):
        while not q.empty():
            line = q.get_nowait()
            if line is not None:
                seen.append(line)
    stdout, stderr = "".join(out), "".join(err)
    assert proc.returncode == 0, stderr
    if as_json:
        records = [json.loads(line) for line in out]
        wrong = next(r for r in records if r["outcome"] == "mismatch")
        assert wrong["diagnosis"]["key"] == "hex_digest"
        assert wrong["explanation"]["key"] == "hash_mismatch"
    else:
        assert "Mistake found: hex digest instead of base64." in stdout
        assert "[FAIL] InitiateAuth USER_PASSWORD_AUTH" in stdout
    for value in (secret, password, body["AuthenticationResult"]["AccessToken"],
                  body["AuthenticationResult"]["RefreshToken"]):
        assert value not in stdout + stderr


class _ProxyProcess:
    """`python -m cognito_helpers proxy ...` in the background, its output collected."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "cognito_helpers", "proxy", *args],
                                     cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.out_q: queue.Queue = queue.Queue()
        self.err_q: queue.Queue = queue.Queue()
        self.out: list[str] = []
        self.err: list[str] = []
        self.readers = [
            threading.Thread(target=_reader, args=(self.proc.stdout, self.out_q), daemon=True),
            threading.Thread(target=_reader, args=(self.proc.stderr, self.err_q), daemon=True),
        ]
        for t in self.readers:
            t.start()

    def stop(self) -> tuple[int, str, str]:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover
            self.proc.kill()
            self.proc.wait()
        for t in self.readers:
            t.join(timeout=10)
        self.proc.stdout.close()
        self.proc.stderr.close()
        for q, seen in ((self.out_q, self.out), (self.err_q, self.err)):
            while not q.empty():
                line = q.get_nowait()
                if line is not None:
                    seen.append(line)
        return self.proc.returncode, "".join(self.out), "".join(self.err)


def test_proxy_command_with_upstream(upstream) -> None:
    demo = upstream.demo()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "COGNITO_"))}
    env["COGNITO_CLIENT_SECRET"] = demo.client_secret
    running = _ProxyProcess(["--upstream", upstream.endpoint_url, "--client-id", demo.client_id],
                            env)
    try:
        ready = _wait_for(running.out_q, running.out, lambda s: "Inspecting proxy ready" in s)
        url = ready.split(" at ", 1)[1].split()[0]
        assert f"answers from {upstream.endpoint_url}" in ready
        spaced = secret_hash(demo.username, demo.client_id, demo.client_secret + "\n",
                             strict=False)
        status, body = post(url, "InitiateAuth", {
            "ClientId": demo.client_id, "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": demo.username, "PASSWORD": demo.password,
                               "SECRET_HASH": spaced}})
        assert status == 400 and "Unable to verify secret hash" in body["message"]
        _wait_for(running.out_q, running.out, lambda s: "answered: 400" in s)
    finally:
        code, stdout, stderr = running.stop()
    assert code == 0, stderr
    assert "[FAIL] InitiateAuth USER_PASSWORD_AUTH" in stdout
    assert "the secret carried whitespace when hashed (a newline (\\n) at the end" in stdout
    assert demo.client_secret not in stdout + stderr
    assert demo.password not in stdout + stderr
