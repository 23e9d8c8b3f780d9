"""The README's fast path ("My app fails right now") runs as written (issue 14).

Its first two commands run with a bare ``python3`` in the checkout (nothing
installed: the point of the section); the third, ``verify``, and the AWS CLI's
``describe-user-pool-client`` run against a local Cognito demo pool standing in
for the reader's pool. The venv-creating line is not re-run (this interpreter
is that venv).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import cognito_helpers as ch

ROOT = Path(__file__).resolve().parent.parent
HEADING = "## My app fails right now"


def section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(HEADING)
    return text[start:text.index("\n## ", start + len(HEADING))]


def blocks() -> list[str]:
    out, current = [], []
    for line in [*section().splitlines(), ""]:
        if line.startswith("    ") and line.strip():
            current.append(line[4:])
        elif current:
            out.append("\n".join(current))
            current = []
    return out


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "COGNITO_", "PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if ".venv" not in p)
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    env.update(extra)
    return env


def _bash(script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", script], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def demo() -> Iterator[ch.DemoPool]:
    with ch.LocalCognito() as lc:
        yield lc.demo()


def test_the_section_comes_first_and_is_short() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first = re.search(r"^## .+$", text, re.M)
    assert first and first.group(0) == HEADING, "the fast path is the first section"
    assert len(section().splitlines()) <= 60, "one screen"
    commands = " ".join(blocks())
    for needed in ("cognito_helpers explain", "cognito_helpers fingerprint",
                   "cognito_helpers verify", "describe-user-pool-client"):
        assert needed in commands
    for link in ("snippets/go/main.go", "snippets/node/signin.mjs"):
        assert f"({link})" in section()


def test_explain_and_fingerprint_need_nothing_installed() -> None:
    python3 = shutil.which("python3", path=_clean_env()["PATH"])
    if python3 is None:
        pytest.skip("no python3 outside the venv on this machine")
    explain, fingerprint = blocks()[0], blocks()[1]
    # a bare interpreter, run from the checkout, with no site-packages of ours
    env = _clean_env(PYTHONNOUSERSITE="1")
    result = _bash(explain.replace("python3", f"{shlex.quote(python3)} -S"), env)
    assert result.returncode == 0, result.stderr
    assert "Cause: The SECRET_HASH sent does not match" in result.stdout
    result = _bash(fingerprint.replace("python3 ", f"{shlex.quote(python3)} -S "), env)
    assert result.returncode == 1, result.stderr
    assert "Mistake found: hex digest instead of base64." in result.stdout
    assert "example0secret0from0your0secrets0store0abcdefghijkl" not in result.stdout


def test_verify_signs_in_to_the_pool_named_in_the_environment(demo: ch.DemoPool) -> None:
    install, verify = blocks()[2].splitlines()
    assert install.startswith("python3 -m venv .venv")
    env = _clean_env(**{k: v for k, v in demo.env().items() if k != "COGNITO_USER_POOL_ID"})
    result = _bash(verify.replace(".venv/bin/python", shlex.quote(sys.executable)), env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert demo.client_secret not in result.stdout + result.stderr
    assert demo.password not in result.stdout + result.stderr
    # and the same command tells a wrong secret apart
    env["COGNITO_CLIENT_SECRET"] = "0" * 51
    result = _bash(verify.replace(".venv/bin/python", shlex.quote(sys.executable)), env)
    assert result.returncode == 1
    assert "Unable to verify secret hash" in result.stdout


def test_the_aws_cli_command_prints_the_secret(demo: ch.DemoPool) -> None:
    aws = shutil.which("aws")
    if aws is None:
        pytest.skip("the AWS CLI is not installed here")
    (command,) = [b for b in blocks() if b.startswith("aws ")]
    command = (command.replace("eu-west-1_AbCdEf123", demo.user_pool_id)
               .replace("1example23456789abcdefghij", demo.client_id)
               + f" --endpoint-url {demo.endpoint_url} --region {demo.region}")
    env = _clean_env(AWS_ACCESS_KEY_ID=demo.env()["AWS_ACCESS_KEY_ID"],
                     AWS_SECRET_ACCESS_KEY=demo.env()["AWS_SECRET_ACCESS_KEY"],
                     HOME=os.environ.get("HOME", "/root"))
    env["PATH"] = os.environ["PATH"]
    result = _bash(command, env)
    if result.returncode != 0 and "No module named" in result.stderr:
        pytest.skip(f"the AWS CLI here is broken: {result.stderr.strip()[-200:]}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == demo.client_secret
    public = command.replace(demo.client_id, demo.public_client_id)
    assert _bash(public, env).stdout.strip() == "None"
