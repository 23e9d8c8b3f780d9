"""What `python -m cognito_helpers <command>` imports: the fast commands stay light.

`hash` (and the stdlib-only `explain` / `fingerprint`) must start about as fast
as `python -c "import hmac, hashlib, base64"` (benchmarks/, "CLI start"): no
boto3, moto or Jupyter on their path, and for `hash` none of the other
subcommands' modules either. Each command runs in a fresh interpreter and
reports its `sys.modules` after `main` returned.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from canaries import CANARY_SECRET, VECTOR

ROOT = Path(__file__).resolve().parent.parent

# Runs the package as `-m cognito_helpers` would, then dumps sys.modules.
_PROBE = """
import runpy, sys
out = sys.argv[1]
sys.argv = ["cognito_helpers", *sys.argv[2:]]
code = None
try:
    runpy.run_module("cognito_helpers", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code
modules = sorted(sys.modules)
import json
with open(out, "w") as fh:
    json.dump({"code": code, "modules": modules}, fh)
"""

HEAVY = (
    "boto3",
    "botocore",
    "moto",
    "flask",
    "werkzeug",
    "jupyter_client",
    "jupyter_core",
    "ipykernel",
    "IPython",
    "ipywidgets",
    "nbformat",
    "jsonschema",
    "jwt",
    "cryptography",
    "urllib3",
    "requests",
)


def _modules_after(args: list[str], tmp_path: Path, env: dict[str, str]) -> tuple[int, set[str]]:
    out = tmp_path / "modules.json"
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, str(out), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.exists(), proc.stderr
    data = json.loads(out.read_text())
    return data["code"], set(data["modules"])


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


@pytest.fixture
def env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COGNITO_", "AWS_"))}
    env["COGNITO_CLIENT_SECRET"] = VECTOR["client_secret"]
    return env


def test_hash_imports_nothing_heavy(tmp_path, env):
    code, modules = _modules_after(
        ["hash", "-u", VECTOR["username"], "-c", VECTOR["client_id"]], tmp_path, env
    )
    assert code == 0
    assert _heavy(modules) == []
    # typing, json and shutil cost ~5 ms of a ~40 ms start; hash needs none of them
    assert not {"typing", "json", "shutil"} & modules
    # nor the other subcommands' modules: building their parsers costs ~35 ms
    ours = sorted(m for m in modules if m.startswith("cognito_helpers."))
    assert ours == [
        "cognito_helpers.cli",
        "cognito_helpers.cli_common",
        "cognito_helpers.exceptions",
        "cognito_helpers.hashing",
        "cognito_helpers.redact",
    ]


def test_hash_bad_input_imports_nothing_heavy(tmp_path, env):
    env["COGNITO_CLIENT_SECRET"] = CANARY_SECRET + "\n"
    code, modules = _modules_after(["hash", "-u", "alice", "-c", "abc"], tmp_path, env)
    assert code == 2
    assert _heavy(modules) == []


@pytest.mark.parametrize(
    "args",
    [
        ["explain", "NotAuthorizedException: Unable to verify secret hash for client abc"],
        [
            "fingerprint",
            "--username",
            VECTOR["username"],
            "--client-id",
            VECTOR["client_id"],
            "--sent",
            "AAAA",
        ],
    ],
    ids=["explain", "fingerprint"],
)
def test_diagnosis_commands_are_stdlib_only(tmp_path, env, args):
    from cognito_helpers.cli import build_parser

    parser = build_parser()
    names = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    if args[0] not in names:
        pytest.skip(f"no '{args[0]}' subcommand yet")
    code, modules = _modules_after(args, tmp_path, env)
    assert code in (0, 1, 2), code
    assert _heavy(modules) == []


def test_help_still_lists_every_command(tmp_path, env):
    from cognito_helpers.cli import _SUBCOMMANDS

    proc = subprocess.run(
        [sys.executable, "-m", "cognito_helpers", "--help"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0
    for add in _SUBCOMMANDS:
        name = add.__name__.removeprefix("_add_").replace("_", "-")
        assert name in proc.stdout
