"""The diagnosis commands as a person runs them: `python -m cognito_helpers ...` in a subprocess.

explain, fingerprint, check-client and verify; exit codes (0 ok, 1 found, 2 bad input,
3 unreachable); --json; every bad input gets one clear line; no secret in any output.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from canaries import CANARY_PASSWORD, CANARY_SECRET, leaks
from diagnosis_cases import (
    CLIENT_ID,
    PREVIOUS_SECRET,
    SECRET,
    all_error_cases,
    fingerprint_cases,
    message,
    right,
)

from cognito_helpers.local.answers import CATALOGUE

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, secret: str | None = SECRET, env: dict[str, str] | None = None,
        stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI with a clean environment (no AWS_/COGNITO_ variables of the caller)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "COGNITO_"))}
    clean["AWS_EC2_METADATA_DISABLED"] = "true"
    clean["AWS_SHARED_CREDENTIALS_FILE"] = clean["AWS_CONFIG_FILE"] = os.devnull
    if secret is not None:
        clean["COGNITO_CLIENT_SECRET"] = secret
    clean.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "cognito_helpers", *args], cwd=ROOT, env=clean,
        input=stdin if stdin is not None else "", capture_output=True, text=True,
        timeout=120, check=False,
    )


def clean_output(proc: subprocess.CompletedProcess[str], *secrets: str) -> None:
    out = proc.stdout + proc.stderr
    for s in (SECRET, PREVIOUS_SECRET, *secrets):
        assert s not in out
    assert leaks(out) == []


def one_line_error(proc: subprocess.CompletedProcess[str], field: str) -> None:
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert field in proc.stderr


# -- explain --------------------------------------------------------------------------

ROWS = [(k, f, t, e) for k, f, t, e in all_error_cases() if f in ("boto3", "message-only")]


@pytest.mark.parametrize(("key", "form", "text", "expected"), ROWS,
                         ids=[f"{k}-{f}" for k, f, _, _ in ROWS])
def test_explain_every_row(key: str, form: str, text: str, expected: str) -> None:
    proc = cli("explain", text, "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["key"] == expected and data["status"] == "found"


def test_explain_text_output() -> None:
    proc = cli("explain", f"NotAuthorizedException: Unable to verify secret hash for client "
               f"{CLIENT_ID}")
    assert proc.returncode == 0
    assert proc.stdout.startswith("Cause: The SECRET_HASH sent does not match")
    assert "python -m cognito_helpers fingerprint" in proc.stdout


def test_explain_reads_stdin() -> None:
    text = ("An error occurred (UserNotConfirmedException) when calling the InitiateAuth "
            "operation: User is not confirmed.\n")
    for args in (("explain",), ("explain", "-")):
        proc = cli(*args, "--json", stdin=text)
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["key"] == "user_not_confirmed"


def test_explain_not_recognised_exits_1() -> None:
    proc = cli("explain", "Password reset required for the user")
    assert proc.returncode == 1
    assert "Not recognised" in proc.stdout and "Closest known causes" in proc.stdout
    proc = cli("explain", "Incorrect username or password. then: User is not confirmed.")
    assert "Also found:" in proc.stdout


@pytest.mark.parametrize("args", [("explain", ""), ("explain",)], ids=["empty-arg", "no-stdin"])
def test_explain_empty_input(args: tuple[str, ...]) -> None:
    one_line_error(cli(*args), "text: is empty")


# -- fingerprint ----------------------------------------------------------------------

FP = fingerprint_cases()


@pytest.mark.parametrize("case", FP, ids=[c.id for c in FP])
def test_fingerprint_every_mistake(case, tmp_path: Path) -> None:
    args = ["fingerprint", "--username", case.username, "--client-id", CLIENT_ID,
            "--sent", case.sent, "--json"]
    for other in case.others:
        args += ["--other-username", other]
    if case.previous:
        prev = tmp_path / "previous.txt"
        prev.write_text("\n".join(case.previous) + "\n")
        args += ["--previous-secret-file", str(prev)]
    proc = cli(*args)
    assert proc.returncode == (0 if case.key == "correct" else 1), proc.stderr
    data = json.loads(proc.stdout)
    assert data["key"] == case.key
    clean_output(proc)


def test_fingerprint_text_output_and_secret_file(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text(SECRET + "\n")  # what `echo secret > file` writes
    proc = cli("fingerprint", "-u", "alice", "-c", CLIENT_ID, "-s", right("alice").rstrip("="),
               "--secret-file", str(secret_file), secret=None)
    assert proc.returncode == 1
    assert "Mistake found: base64 without its '=' padding." in proc.stdout
    assert "removed the final line ending" in proc.stderr
    clean_output(proc)


def test_fingerprint_canary_secret_never_shown() -> None:
    proc = cli("fingerprint", "-u", "alice", "-c", CLIENT_ID, "-s", CANARY_SECRET,
               secret=CANARY_SECRET)
    assert proc.returncode == 1
    assert "raw client secret" in proc.stdout
    clean_output(proc, CANARY_SECRET)
    proc = cli("fingerprint", "-u", "alice", "-c", CLIENT_ID, "-s", CANARY_SECRET, "--json",
               secret=CANARY_SECRET)
    assert json.loads(proc.stdout)["key"] == "raw_secret"
    clean_output(proc, CANARY_SECRET)


@pytest.mark.parametrize(
    ("args", "secret", "field"),
    [
        (["-u", "alice", "-c", CLIENT_ID], SECRET, "--sent"),
        (["-u", "alice", "-c", CLIENT_ID, "-s", ""], SECRET, "sent: is empty"),
        (["-u", "", "-c", CLIENT_ID, "-s", "AAAA"], SECRET, "username"),
        (["-u", "alice", "-c", CLIENT_ID, "-s", "AAAA"], None, "client_secret: not given"),
        (["-u", "alice", "-c", CLIENT_ID, "-s", "AAAA", "--secret-file", "/nonexistent/s"],
         None, "--secret-file: no such file"),
        (["-u", "alice", "-c", CLIENT_ID, "-s", "AAAA", "--previous-secret-file",
          "/nonexistent/p"], SECRET, "--previous-secret-file: no such file"),
    ],
    ids=["no-sent", "empty-sent", "empty-username", "no-secret", "missing-secret-file",
         "missing-previous-file"],
)
def test_fingerprint_bad_input(args: list[str], secret: str | None, field: str) -> None:
    proc = cli("fingerprint", *args, secret=secret)
    one_line_error(proc, field)
    clean_output(proc)


def test_fingerprint_empty_previous_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.write_text("\n")
    proc = cli("fingerprint", "-u", "a", "-c", CLIENT_ID, "-s", "AAAA",
               "--previous-secret-file", str(empty))
    one_line_error(proc, "is empty; put one previous secret per line")


# -- stdlib only ------------------------------------------------------------------------

_PROBE = """
import sys
from cognito_helpers.cli import main
code = main(sys.argv[1:])
heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore', 'moto'))
print('HEAVY', heavy, file=sys.stderr)
"""


@pytest.mark.parametrize("args", [
    ["hash", "-u", "alice", "-c", CLIENT_ID],
    ["explain", message("hash_mismatch")],
    ["fingerprint", "-u", "alice", "-c", CLIENT_ID, "-s", right("alice")[:-1]],
], ids=["hash", "explain", "fingerprint"])
def test_fast_commands_import_no_boto3(args: list[str]) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "COGNITO_"))}
    env["COGNITO_CLIENT_SECRET"] = SECRET
    proc = subprocess.run([sys.executable, "-c", _PROBE, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert "HEAVY []" in proc.stderr, proc.stderr


# -- check-client and verify against the local Cognito -----------------------------------


def test_check_client(local_cognito, demo) -> None:
    url = local_cognito.endpoint_url
    proc = cli("check-client", "--user-pool-id", demo.user_pool_id, "--client-id",
               demo.client_id, "--endpoint-url", url)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "has a secret" in proc.stdout and "[ok  ] region" in proc.stdout
    proc = cli("check-client", "-p", demo.user_pool_id, "-c", demo.public_client_id,
               "--endpoint-url", url, "--json")
    data = json.loads(proc.stdout)
    assert proc.returncode == 0 and data["facts"]["has_secret"] is False
    clean_output(proc, demo.client_secret)


def test_check_client_endpoint_from_environment(local_cognito, demo) -> None:
    proc = cli("check-client", "-p", demo.user_pool_id, "-c", demo.client_id, "--json",
               env={"COGNITO_ENDPOINT_URL": local_cognito.endpoint_url})
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["facts"]["endpoint"] == local_cognito.endpoint_url


def test_check_client_problems_exit_1(local_cognito, demo) -> None:
    url = local_cognito.endpoint_url
    proc = cli("check-client", "-p", demo.user_pool_id, "-c", "nosuchclient0000000000000",
               "--endpoint-url", url)
    assert proc.returncode == 1
    assert "does not exist" in proc.stdout
    proc = cli("check-client", "-p", demo.user_pool_id, "-c", demo.client_id,
               "--endpoint-url", url, "--region", "eu-west-1", "--json")
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["status"] == "problem"


def test_check_client_unreachable_exits_3(demo) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = cli("check-client", "-p", demo.user_pool_id, "-c", demo.client_id,
               "--endpoint-url", f"http://127.0.0.1:{port}")
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "could not reach" in proc.stdout


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["-p", "not-a-pool", "-c", "abc"], "user_pool_id"),
        (["-p", "us-east-1_Abc", "-c", "abc", "--endpoint-url", "ftp://x"], "--endpoint-url"),
        (["-c", "abc"], "--user-pool-id"),
    ],
    ids=["bad-pool-id", "bad-endpoint", "no-pool"],
)
def test_check_client_bad_input(args: list[str], field: str) -> None:
    one_line_error(cli("check-client", *args), field)


def test_verify(local_cognito, demo) -> None:
    url = local_cognito.endpoint_url
    env = {"COGNITO_PASSWORD": demo.password}
    proc = cli("verify", "-c", demo.client_id, "-u", demo.username, "--endpoint-url", url,
               secret=demo.client_secret, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Every step passed" in proc.stdout
    clean_output(proc, demo.client_secret, demo.password)
    proc = cli("verify", "-c", demo.public_client_id, "-u", demo.username, "--no-secret",
               "--endpoint-url", url, secret=None, env=env)
    assert proc.returncode == 0, proc.stdout
    proc = cli("verify", "-c", demo.client_id, "-u", demo.username, "--endpoint-url", url,
               "--json", secret=demo.client_secret, env={"COGNITO_PASSWORD": CANARY_PASSWORD})
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["key"] == "wrong_password"
    clean_output(proc, demo.client_secret, CANARY_PASSWORD)


def test_verify_needs_a_password(demo) -> None:
    proc = cli("verify", "-c", demo.client_id, "-u", demo.username, "--endpoint-url",
               "http://127.0.0.1:9")
    one_line_error(proc, "password: not given")


def test_proxy_bad_input() -> None:
    one_line_error(cli("proxy", "--port", "70000"), "--port")
    one_line_error(cli("proxy", "--env-file", "x"), "--env-file: needs --demo")
    one_line_error(cli("proxy", "--upstream", "not a url"), "--upstream")
    one_line_error(cli("proxy", "--demo", "--upstream", "http://127.0.0.1:9"), "--demo")


def test_help_names_the_commands() -> None:
    proc = cli("--help")
    for name in ("explain", "fingerprint", "check-client", "verify", "proxy"):
        assert name in proc.stdout
    for name in ("explain", "fingerprint", "check-client", "verify", "proxy"):
        sub = cli(name, "--help")
        assert sub.returncode == 0 and "usage:" in sub.stdout


def test_catalogue_rows_covered() -> None:
    assert {k for k, _, _, _ in ROWS} == set(CATALOGUE)


def test_check_client_region_from_the_environment(local_cognito, demo) -> None:
    # the app's AWS_REGION differs from the pool's: the check says so (exit 1)
    proc = cli("check-client", "-p", demo.user_pool_id, "-c", demo.client_id, "--json",
               env={"COGNITO_ENDPOINT_URL": local_cognito.endpoint_url,
                    "AWS_REGION": "eu-west-1"})
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    region = next(c for c in data["checks"] if c["name"] == "region")
    assert region["status"] == "problem" and "eu-west-1" in region["text"]


# -- non-strict from the command line (issue 14 item 1) ---------------------------------

ODD_SECRET = "example-secret-read-from-your-secrets-store"


def test_hash_non_strict_from_flag_and_environment() -> None:
    from cognito_helpers import secret_hash

    refused = cli("hash", "-u", "alice", "-c", CLIENT_ID, secret=ODD_SECRET)
    one_line_error(refused, "client_secret")
    assert "pass --no-strict (or set COGNITO_STRICT=0) to hash it exactly as given" in refused.stderr
    assert "strict=False" not in refused.stderr and ODD_SECRET not in refused.stderr
    expected = secret_hash("alice", CLIENT_ID, ODD_SECRET, strict=False) + "\n"
    flag = cli("hash", "-u", "alice", "-c", CLIENT_ID, "--no-strict", secret=ODD_SECRET)
    assert (flag.returncode, flag.stdout) == (0, expected), flag.stderr
    env = cli("hash", "-u", "alice", "-c", CLIENT_ID, secret=ODD_SECRET,
              env={"COGNITO_STRICT": "0"})
    assert (env.returncode, env.stdout) == (0, expected), env.stderr
    typo = cli("hash", "-u", "alice", "-c", CLIENT_ID, secret=ODD_SECRET,
               env={"COGNITO_STRICT": "nope"})
    one_line_error(typo, "COGNITO_STRICT: 'nope' is neither on nor off")


def test_every_command_that_hashes_takes_no_strict() -> None:
    for command in ("hash", "verify"):
        assert "--no-strict" in cli(command, "--help").stdout


def test_commands_without_strict_give_no_python_advice() -> None:
    proc = cli("snippet", "--lang", "go", "-c", "bad-id", "-u", "alice")
    one_line_error(proc, "client_id")
    assert "strict" not in proc.stderr
