"""Clients nobody here wrote, against the standalone local Cognito (issue 11, "Proof").

One ``python -m cognito_helpers local --demo --env-file`` process, the same a
user starts, driven by: the AWS CLI v1, the AWS SDK for JavaScript v3,
amazon-cognito-identity-js (SRP, client without a secret: it cannot send a
hash), pycognito (SRP with a secret, refresh, tokens verified against the local
JWKS) and the AWS SDK for Go v2 (5,000 calls on kept-alive connections; sign-up
with the code read from outside through ``/_local/outbox``). Each case asserts
AWS's answer: code and exact text, claims. The clients are pinned
(tests/clients/*: requirements.txt, package-lock.json, go.sum) and installed by
``bash .ci/install-clients``; a missing one is skipped with the reason, unless
``COGNITO_LAB_REQUIRE_CLIENTS`` (CI sets it) names it: then the test fails.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import cognito_helpers as ch

REPO = Path(__file__).resolve().parent.parent
CLIENTS = REPO / "tests" / "clients"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cognito-secret-hash-lab"
REQUIRED = {c.strip() for c in os.environ.get("COGNITO_LAB_REQUIRE_CLIENTS", "").split(",") if c.strip()}
# oidc-go, oidc-java: tests/test_oidc_clients.py
KNOWN = {"awscli", "js", "go", "pycognito", "oidc-go", "oidc-java"}


def _missing(client: str, reason: str) -> None:
    message = f"{client} not verified: {reason}"
    if client in REQUIRED:
        pytest.fail(message + " (COGNITO_LAB_REQUIRE_CLIENTS requires it; run bash .ci/install-clients)")
    pytest.skip(message)


def test_required_clients_are_known():
    assert REQUIRED <= KNOWN, REQUIRED - KNOWN


def _standalone(where: Path, *flags: str):
    """``python -m cognito_helpers local --demo --env-file demo.env [flags]`` in ``where``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "COGNITO_"))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cognito_helpers", "local", "--demo", "--env-file", "demo.env",
         *flags],
        cwd=where, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        assert line, "the local Cognito ended before it was ready"
        if "Ctrl-C stops" in line:
            break
    demo = dict(line.split("=", 1) for line in (where / "demo.env").read_text().splitlines())
    yield demo
    proc.send_signal(signal.SIGTERM)
    try:
        proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    """The standalone local Cognito with its demo pool: the demo's settings (demo.env)."""
    yield from _standalone(tmp_path_factory.mktemp("local"))


@pytest.fixture(scope="module")
def local_aws_issuer(tmp_path_factory):
    """The same, started with --aws-issuer: its tokens' iss is AWS's URL of the pool."""
    yield from _standalone(tmp_path_factory.mktemp("local-aws-issuer"), "--aws-issuer")


def _env(demo: dict[str, str]) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "COGNITO_"))}
    return {**keep, **demo, "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}


def _cases(out: str) -> dict[str, dict]:
    return {c["case"]: c for c in (json.loads(line) for line in out.splitlines() if line.startswith("{"))}


def _hash(demo: dict[str, str], username: str, secret: str | None = None) -> str:
    return ch.secret_hash(username, demo["COGNITO_CLIENT_ID"], secret or demo["COGNITO_CLIENT_SECRET"])


# -- the AWS CLI v1 ------------------------------------------------------------------


def _aws(demo, *args: str) -> subprocess.CompletedProcess:
    aws = CACHE / "awscli-venv" / "bin" / "aws"
    if not aws.exists():
        _missing("awscli", f"{aws} not found")
    return subprocess.run(
        [str(aws), "cognito-idp", *args, "--endpoint-url", demo["COGNITO_ENDPOINT_URL"],
         "--region", demo["AWS_REGION"], "--output", "json"],
        env=_env(demo), capture_output=True, text=True, timeout=60,
    )


def test_awscli_sign_in_and_aws_errors(local):
    user, cid = local["COGNITO_USERNAME"], local["COGNITO_CLIENT_ID"]
    params = f"USERNAME={user},PASSWORD={local['COGNITO_PASSWORD']},SECRET_HASH="
    ok = _aws(local, "initiate-auth", "--client-id", cid, "--auth-flow", "USER_PASSWORD_AUTH",
              "--auth-parameters", params + _hash(local, user))
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["AuthenticationResult"]["TokenType"] == "Bearer"
    bad = _aws(local, "initiate-auth", "--client-id", cid, "--auth-flow", "USER_PASSWORD_AUTH",
               "--auth-parameters", params + _hash(local, user, "x" * 51))
    assert bad.returncode != 0
    assert ("An error occurred (NotAuthorizedException) when calling the InitiateAuth operation: "
            f"Unable to verify secret hash for client {cid}") in bad.stderr
    weak = _aws(local, "sign-up", "--client-id", cid, "--username", "cli-user", "--password",
                "weakpass", "--secret-hash", _hash(local, "cli-user"))
    assert ("(InvalidPasswordException) when calling the SignUp operation: Password did not "
            "conform with policy: Password must have uppercase characters") in weak.stderr


# -- the AWS SDK for JavaScript v3 and amazon-cognito-identity-js --------------------


@pytest.fixture(scope="module")
def js(local):
    node = shutil.which("node")
    if node is None:
        _missing("js", "node not found")
    if not (CLIENTS / "js" / "node_modules" / "amazon-cognito-identity-js").is_dir():
        _missing("js", "tests/clients/js/node_modules missing (npm ci)")
    run = subprocess.run([node, "matrix.mjs"], cwd=CLIENTS / "js", env=_env(local),
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return _cases(run.stdout)


def test_js_sdk_v3(js, local):
    cid = local["COGNITO_CLIENT_ID"]
    signin = js["sdk_signin"]
    assert signin["tokens"] and signin["token_use"] == "id"
    # the ID token carries the user's standard attributes (no ReadAttributes on the client)
    assert signin["email"] == "alice@example.com" and signin["username_claim"] == local["COGNITO_USERNAME"]
    assert (js["sdk_wrong_hash"]["code"], js["sdk_wrong_hash"]["message"]) == (
        "NotAuthorizedException", f"Unable to verify secret hash for client {cid}")
    assert (js["sdk_no_hash"]["code"], js["sdk_no_hash"]["message"]) == (
        "NotAuthorizedException", f"Client {cid} is configured with secret but SECRET_HASH was not received")
    assert (js["sdk_signup_taken"]["code"], js["sdk_signup_taken"]["message"]) == (
        "UsernameExistsException", "User already exists")


def test_js_sdk_v3_lockout(js):
    for i in range(1, 6):
        assert (js[f"lockout_wrong_{i}"]["code"], js[f"lockout_wrong_{i}"]["message"]) == (
            "NotAuthorizedException", "Incorrect username or password.")
    assert (js["lockout_right_password"]["code"], js["lockout_right_password"]["message"]) == (
        "NotAuthorizedException", "Password attempts exceeded")


def test_amazon_cognito_identity_js_srp_on_the_public_client(js, local):
    ok = js["srp_signin"]
    assert ok["code"] == "" and ok["tokens"], ok
    assert ok["aud"] == local["COGNITO_PUBLIC_CLIENT_ID"] and ok["email"] == "alice@example.com"
    # the SRP proof is really checked: a wrong password is refused with AWS's text
    assert (js["srp_wrong_password"]["code"], js["srp_wrong_password"]["message"]) == (
        "NotAuthorizedException", "Incorrect username or password.")


# -- pycognito ------------------------------------------------------------------------


def _pycognito_sign_in_refresh_and_wrong_secret(local, **kwargs):
    from pycognito import Cognito

    user = Cognito(local["COGNITO_USER_POOL_ID"], local["COGNITO_CLIENT_ID"],
                   user_pool_region=local["AWS_REGION"], username=local["COGNITO_USERNAME"],
                   client_secret=local["COGNITO_CLIENT_SECRET"], **kwargs)
    user.authenticate(password=local["COGNITO_PASSWORD"])  # USER_SRP_AUTH with SECRET_HASH
    assert user.id_claims["email"] == "alice@example.com"  # verified signature, iss, aud
    assert user.access_claims["token_use"] == "access"
    first_id = user.id_token
    user.renew_access_token()  # REFRESH_TOKEN_AUTH, hash over the internal username
    assert user.id_token != first_id
    assert user.id_claims["auth_time"] == user.access_claims["auth_time"]
    wrong = Cognito(local["COGNITO_USER_POOL_ID"], local["COGNITO_CLIENT_ID"],
                    user_pool_region=local["AWS_REGION"], username=local["COGNITO_USERNAME"],
                    client_secret="y" * 51, **kwargs)
    import botocore.exceptions

    with pytest.raises(botocore.exceptions.ClientError) as info:
        wrong.authenticate(password=local["COGNITO_PASSWORD"])
    assert info.value.response["Error"]["Message"] == (
        f"Unable to verify secret hash for client {local['COGNITO_CLIENT_ID']}")
    return user


def _pycognito_env(local, monkeypatch):
    try:
        import pycognito  # noqa: F401
    except ImportError:
        _missing("pycognito", "pycognito is not installed (requirements.txt)")
    for k, v in _env(local).items():
        if k.startswith("AWS_"):
            monkeypatch.setenv(k, v)


def test_pycognito_srp_with_secret_refresh_and_jwks(local, monkeypatch):
    # Given an endpoint_url, pycognito takes the issuer to be <endpoint>/<pool> and fetches
    # the JWKS under it: what the local Cognito names by default (the URL it serves the
    # pool at, as AWS does), so pycognito works with nothing but the endpoint.
    _pycognito_env(local, monkeypatch)
    monkeypatch.delenv("COGNITO_JWKS", raising=False)
    url = local["COGNITO_ENDPOINT_URL"]
    user = _pycognito_sign_in_refresh_and_wrong_secret(
        local, boto3_client_kwargs={"endpoint_url": url})
    assert user.id_claims["iss"] == local["COGNITO_ISSUER"] == f"{url}/{local['COGNITO_USER_POOL_ID']}"


def test_pycognito_rebuilding_awss_issuer_with_aws_issuer(local_aws_issuer, monkeypatch):
    # With the endpoint in boto3's own setting instead, pycognito rebuilds AWS's issuer from
    # the region and pool id: the local Cognito's --aws-issuer mints exactly that.
    local = local_aws_issuer
    _pycognito_env(local, monkeypatch)
    pool, url = local["COGNITO_USER_POOL_ID"], local["COGNITO_ENDPOINT_URL"]
    with urllib.request.urlopen(f"{url}/{pool}/.well-known/jwks.json", timeout=10) as resp:  # noqa: S310
        jwks = resp.read().decode()
    # pycognito verifies against the JWKS in COGNITO_JWKS (it would fetch AWS's otherwise)
    monkeypatch.setenv("COGNITO_JWKS", jwks)
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", url)
    user = _pycognito_sign_in_refresh_and_wrong_secret(local)
    aws = f"https://cognito-idp.{local['AWS_REGION']}.amazonaws.com/{pool}"
    assert user.id_claims["iss"] == local["COGNITO_ISSUER"] == aws


# -- the AWS SDK for Go v2 ----------------------------------------------------------------


@pytest.fixture(scope="module")
def go_program(tmp_path_factory):
    go = shutil.which("go") or ("/usr/local/go/bin/go" if Path("/usr/local/go/bin/go").exists() else None)
    if go is None:
        _missing("go", "go not found")
    out = tmp_path_factory.mktemp("go") / "matrix"
    env = {**os.environ, "GOFLAGS": "-mod=readonly", "GOPROXY": "off", "GOTOOLCHAIN": "local"}
    build = subprocess.run([go, "build", "-o", str(out), "."], cwd=CLIENTS / "go", env=env,
                           capture_output=True, text=True, timeout=600)
    if build.returncode != 0:
        _missing("go", f"build failed offline (bash .ci/install-clients fills the module cache): {build.stderr[-500:]}")
    return out


def test_go_sdk_v2_cases_and_codes_read_from_outside(local, go_program):
    run = subprocess.run([str(go_program), "cases"], env=_env(local), capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    got = _cases(run.stdout)
    cid = local["COGNITO_CLIENT_ID"]
    assert got["signin"]["tokens"]
    assert got["wrong_hash"]["message"] == f"Unable to verify secret hash for client {cid}"
    assert got["no_hash"]["message"] == f"Client {cid} is configured with secret but SECRET_HASH was not received"
    assert (got["signup_urlsafe_hash"]["code"], got["signup_urlsafe_hash"]["message"]) == (
        "InvalidParameterException",
        "1 validation error detected: Value at 'secretHash' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\w+=/]+")
    assert (got["signup_short_password"]["code"], got["signup_short_password"]["message"]) == (
        "InvalidPasswordException", "Password did not conform with policy: Password not long enough")
    assert got["signup"]["code"] == ""
    assert (got["signup_again"]["code"], got["signup_again"]["message"]) == (
        "UsernameExistsException", "User already exists")
    # the code came from GET /_local/outbox, read by the Go program itself
    assert got["confirm_signup"]["code"] == "", got["confirm_signup"]
    assert got["signin_new_user"]["tokens"]


def _go_keepalive(go_program, env, *args: str) -> dict:
    run = subprocess.run([str(go_program), *args], env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    return _cases(run.stdout)["keepalive"]


# Issue 11 item 8. werkzeug closed every connection (Connection: close, then a drain) and
# ~1 call in 200-2,000 was lost; keepalive.py fixed that. What was left (0-2 in 5,000,
# a 200 answer, "use of closed network connection") is the SDK's own race, proven here
# and explained in keepalive.py: the SDK closes the request body it gave net/http when
# the response headers arrive; net/http's writeLoop, still checking that nothing
# follows Content-Length, reads that closed body, gets io.EOF as an error and closes
# the connection under the response. Every such close shows as a failed request write
# (request_write_errors, the error "EOF"), whoever the server is.


@pytest.fixture(scope="module")
def go_keepalive(local, go_program):
    """5,000 InitiateAuth calls in a row from the Go SDK v2 as shipped, one client."""
    return _go_keepalive(go_program, _env(local), "keepalive", "5000")


def test_go_sdk_v2_5000_calls_on_kept_alive_connections(go_keepalive):
    """Right answers on kept-alive connections; werkzeug's Connection: close made 5,000."""
    result = go_keepalive
    assert result["wrong_answers"] == 0, result
    assert result["reused_connections"] >= 4_950, result  # keep-alive honoured


def test_go_sdk_v2_every_closed_connection_is_the_sdks_failed_request_write(go_keepalive):
    """The local Cognito closes none: each new connection after the first follows a
    request write that net/http saw fail with the SDK's closed body (io.EOF), and each
    lost call is one of those. A connection closed by the server would break this."""
    result = go_keepalive
    assert result["new_connections"] - 1 <= result["request_write_errors"], result
    assert result["transport_errors"] <= result["request_write_errors"], result
    assert result["first_request_write_error"] in ("", "EOF"), result


@pytest.mark.xfail(
    strict=False,
    reason="the AWS SDK for Go v2's own race, not the server's (keepalive.py explains it; the "
    "reference test shows it against a plain net/http server): smithy-go closes the request "
    "body when the response headers arrive, its closed body answers net/http's last read "
    "(WriteTo) with io.EOF as an error, and net/http's writeLoop closes the connection under "
    "the response. The SDK's default retryer retries the resulting 'use of closed network "
    "connection' (aws/aws-sdk-go-v2#2737, PR #2949); this program sets RetryMaxAttempts=1",
)
def test_go_sdk_v2_loses_no_call(go_keepalive):
    assert go_keepalive["transport_errors"] == 0, go_keepalive["first_error"]


def test_go_sdk_v2_with_its_own_request_body_loses_no_call_and_keeps_one_connection(local, go_program):
    """With net/http given a body nobody closes early (ownBody in main.go), no retry:
    5,000 calls, no transport error, no failed request write, one connection."""
    result = _go_keepalive(go_program, _env(local), "keepalive", "5000", "own-body")
    assert result["request_body"] == "own"
    assert result["transport_errors"] == 0, result["first_error"]
    assert result["wrong_answers"] == 0, result
    assert result["request_write_errors"] == 0, result["first_request_write_error"]
    assert result["reused_connections"] >= 4_950, result
    assert result["new_connections"] == 1, result


def test_go_sdk_v2_race_shows_against_a_plain_go_server_too(go_program):
    """The proof that the cause is client-side: the same SDK against net/http's own server
    (referenceServer in main.go, in the Go program's process) loses connections the same
    way, by hundreds in 5,000 calls; with ownBody it loses none. GOMAXPROCS=2: the race
    needs the writeLoop and the reader on two threads (with 1 it never showed)."""
    env = {**_env({}), "GOMAXPROCS": "2"}
    shipped = _go_keepalive(go_program, env, "reference", "5000")
    assert shipped["server"] == "reference" and shipped["wrong_answers"] == 0, shipped
    assert shipped["request_write_errors"] >= 10, shipped  # seen: 300-1,000 in 5,000
    assert shipped["first_request_write_error"] == "EOF", shipped
    assert shipped["new_connections"] - 1 <= shipped["request_write_errors"], shipped
    own = _go_keepalive(go_program, env, "reference", "5000", "own-body")
    assert (own["transport_errors"], own["request_write_errors"], own["new_connections"]) == (0, 0, 1), own
