"""Standard OpenID Connect clients, unmodified, against the local Cognito (issue 26).

Two relying parties nobody here wrote, each used as its documentation shows, each given
nothing but the issuer URL the local Cognito prints:

Go's golang.org/x/oauth2 with github.com/coreos/go-oidc/v3 (tests/clients/oidc-go,
pinned by its go.sum, its module cache filled by ``bash .ci/install-clients``): discovery
at the URL the local Cognito prints (go-oidc refuses a document whose ``issuer`` is not
the URL it fetched: OpenID Connect Discovery 1.0, 4.3), the code grant with PKCE and a
nonce through the managed login page, the ID token verified against the JWKS that
discovery names (``iss``, ``aud``, expiry, signature), ``at_hash`` checked by go-oidc's
``VerifyAccessToken``, userInfo, a refresh and the client_credentials grant. The program
prints one JSON line per step; each step is asserted here.

Java's Nimbus oauth2-oidc-sdk (tests/clients/oidc-java, pinned in its pom.xml, its
dependencies fetched by ``bash .ci/install-clients``): ``OIDCProviderMetadata.resolve``
(which refuses metadata naming another issuer), the code grant with PKCE and a nonce,
``IDTokenValidator`` against the discovered JWKS, ``AccessTokenValidator`` on ``at_hash``,
userInfo and client credentials.

A missing toolchain or dependency skips, unless ``COGNITO_LAB_REQUIRE_CLIENTS`` (CI sets
it) names ``oidc-go`` or ``oidc-java``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PROGRAM = REPO / "tests" / "clients" / "oidc-go"
REQUIRED = {c.strip() for c in os.environ.get("COGNITO_LAB_REQUIRE_CLIENTS", "").split(",")}

STEPS = ["discovery", "authorize", "exchange", "verify_id_token", "nonce", "at_hash",
         "at_hash_refuses_another_token", "id_claims", "userinfo", "refresh",
         "client_credentials", "issuer_mismatch_refused"]


def _missing(reason: str, client: str = "oidc-go") -> None:
    if client in REQUIRED:
        pytest.fail(f"{client} not verified: {reason} (COGNITO_LAB_REQUIRE_CLIENTS requires it; "
                    "run bash .ci/install-clients)")
    pytest.skip(f"{client} not verified: {reason}")


@pytest.fixture(scope="module")
def oidc_go(tmp_path_factory):
    go = shutil.which("go") or ("/usr/local/go/bin/go" if Path("/usr/local/go/bin/go").exists()
                                else None)
    if go is None:
        _missing("go not found")
    out = tmp_path_factory.mktemp("oidc-go") / "oidc-go"
    env = {**os.environ, "GOFLAGS": "-mod=readonly", "GOPROXY": "off", "GOTOOLCHAIN": "local"}
    build = subprocess.run([go, "build", "-o", str(out), "."], cwd=PROGRAM, env=env,
                           capture_output=True, text=True, timeout=300)
    if build.returncode != 0:
        _missing("build failed offline (bash .ci/install-clients fills the module cache): "
                 + build.stderr[-500:])
    return out


def _run_local(where: Path, *flags: str):
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
    return proc, demo


def _stop(proc) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()


def _steps(program, demo) -> dict[str, dict]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "COGNITO_"))}
    command = [str(program)] if isinstance(program, (str, Path)) else list(program)
    run = subprocess.run(command, env={**keep, **demo}, capture_output=True, text=True,
                         timeout=120)
    steps = {}
    for line in run.stdout.splitlines():
        record = json.loads(line)
        steps[record["step"]] = record
    # nothing secret in what the program printed
    for name in ("COGNITO_CLIENT_SECRET", "COGNITO_PASSWORD", "COGNITO_M2M_CLIENT_SECRET"):
        assert demo[name] not in run.stdout + run.stderr, name
    return steps


def test_go_oidc_and_x_oauth2_work_unmodified(oidc_go, tmp_path):
    proc, demo = _run_local(tmp_path)
    try:
        steps = _steps(oidc_go, demo)
    finally:
        _stop(proc)
    assert list(steps) == STEPS, steps
    failed = {name: step["detail"] for name, step in steps.items() if not step["ok"]}
    assert not failed, failed
    assert steps["discovery"]["detail"] == demo["COGNITO_ISSUER"]
    assert demo["COGNITO_ISSUER"] == f"{demo['COGNITO_ENDPOINT_URL']}/{demo['COGNITO_USER_POOL_ID']}"
    assert steps["id_claims"]["detail"] == f"{demo['COGNITO_USERNAME']} alice@example.com"
    assert "did not match" in steps["issuer_mismatch_refused"]["detail"]
    assert "hash does not match" in steps["at_hash_refuses_another_token"]["detail"]


def test_with_aws_issuer_go_oidc_refuses_the_local_discovery_url(oidc_go, tmp_path):
    # the opt-in for libraries that rebuild AWS's issuer breaks discovery at the local URL,
    # as the README says: go-oidc holds the document to OIDC Discovery 4.3
    proc, demo = _run_local(tmp_path, "--aws-issuer")
    try:
        assert demo["COGNITO_ISSUER"].startswith("https://cognito-idp.")
        steps = _steps(oidc_go, {**demo, "COGNITO_ISSUER": demo["COGNITO_DISCOVERY_URL"]
                                 .removesuffix("/.well-known/openid-configuration")})
    finally:
        _stop(proc)
    assert list(steps) == ["discovery"]
    assert not steps["discovery"]["ok"]
    assert "did not match the issuer URL returned by provider" in steps["discovery"]["detail"]


# -- Java: Nimbus oauth2-oidc-sdk ---------------------------------------------------------

JAVA = REPO / "tests" / "clients" / "oidc-java"
JAVA_STEPS = ["discovery", "authorize", "exchange", "verify_id_token", "at_hash",
              "at_hash_refuses_another_token", "userinfo", "client_credentials"]


@pytest.fixture(scope="module")
def oidc_java(tmp_path_factory):
    mvn, java = shutil.which("mvn"), shutil.which("java")
    if mvn is None or java is None:
        _missing("mvn or java not found", "oidc-java")
    build_dir = tmp_path_factory.mktemp("oidc-java")
    classpath = build_dir / "classpath.txt"
    env = {**os.environ, "MAVEN_OPTS": os.environ.get(
        "MAVEN_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")}
    build = subprocess.run(
        [mvn, "-o", "-B", "-q", "-Dstyle.color=never", f"-DbuildDirectory={build_dir}",
         "compile", "dependency:build-classpath", f"-Dmdep.outputFile={classpath}"],
        cwd=JAVA, env=env, capture_output=True, text=True, timeout=300)
    if build.returncode != 0:
        _missing("offline build failed (bash .ci/install-clients fetches its dependencies): "
                 + (build.stdout + build.stderr)[-500:], "oidc-java")
    return [java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
            f"{build_dir / 'classes'}:{classpath.read_text().strip()}", "lab.Main"]


def test_nimbus_oidc_sdk_works_unmodified(oidc_java, tmp_path):
    proc, demo = _run_local(tmp_path)
    try:
        steps = _steps(oidc_java, demo)
    finally:
        _stop(proc)
    assert list(steps) == JAVA_STEPS, steps
    failed = {name: step["detail"] for name, step in steps.items() if not step["ok"]}
    assert not failed, failed
    assert steps["discovery"]["detail"] == demo["COGNITO_ISSUER"]
    assert steps["userinfo"]["detail"] == "alice@example.com"
    assert steps["client_credentials"]["detail"] == "Bearer"
    assert "at_hash" in steps["at_hash_refuses_another_token"]["detail"]
