"""The README's "Run a workshop" commands, run here as written.

* The rehearsal block runs with bash exactly as written (only the port, 5000
  in the README, becomes a free one, and ``.venv/bin/python`` this interpreter).
* The real-pool blocks (``workshop up`` / ``down`` with an AWS profile) run with
  the profile line swapped for dummy credentials and ``--endpoint-url``
  pointing at a local Cognito: nothing reaches AWS. The participant's Python
  block runs in between, with the env file ``up`` wrote.
* ``make app APP=...`` is ``python -m cognito_helpers app ...``, which
  ``tests/test_apps.py`` starts and reads; here the apps it names must exist.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from cognito_helpers.lessons.apps import available_apps
from cognito_helpers.local.server import LocalCognito

ROOT = Path(__file__).resolve().parents[1]
HEADING = "## Run a workshop"
PY = shlex.quote(sys.executable)


def _blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(HEADING)
    end = text.find("\n## ", start + len(HEADING))
    blocks, current = [], []
    for line in text[start:end].splitlines():
        if line.startswith("    ") and line.strip():
            current.append(line[4:])
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def _block(starting: str) -> str:
    found = [b for b in _blocks() if b.startswith(starting)]
    assert len(found) == 1, f"expected one README block starting with {starting!r}"
    return found[0]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "COGNITO_"))}
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    return env


def _bash(script: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.Popen(
        ["bash", "-euo", "pipefail", "-c", script], cwd=cwd, env=env or _env(), text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=180)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # anything the script left in the background
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_rehearsal_block_runs_as_written(tmp_path: Path):
    block = _block(".venv/bin/python -m cognito_helpers local --port 5000")
    script = block.replace(".venv/bin/python", PY).replace("5000", str(_free_port()))
    result = _bash(script, tmp_path)
    log = tmp_path / "local.log"  # why the local Cognito did not start, if it did not
    assert result.returncode == 0, (result.stderr[-3000:], log.read_text()[-3000:] if log.exists() else None)
    assert "ready: 3 participants" in result.stdout and "removed" in result.stdout
    assert not (tmp_path / "rehearsal").exists()  # down removed everything up wrote
    assert "Local Cognito ready" in (tmp_path / "local.log").read_text()


def test_the_rehearsal_block_ends_when_the_port_is_taken(tmp_path: Path):
    block = _block(".venv/bin/python -m cognito_helpers local --port 5000")
    with socket.socket() as holder:  # someone else's listener (macOS: AirPlay on 5000)
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        script = block.replace(".venv/bin/python", PY).replace("5000", str(port))
        started = time.monotonic()
        result = _bash(script, tmp_path)
        elapsed = time.monotonic() - started
    assert elapsed < 25, f"the block waited {elapsed:.0f} s"  # stopped when the server exited
    log = (tmp_path / "local.log").read_text()
    assert "cannot listen" in log and "Cognito ready" not in log
    assert "cannot listen" in result.stdout  # the block shows why
    assert "ready: 3 participants" not in result.stdout
    assert not (tmp_path / "rehearsal").exists()  # up never ran


def test_the_real_pool_blocks_and_the_participant_snippet(tmp_path: Path):
    up = _block("export AWS_PROFILE=")
    down = _block(".venv/bin/python -m cognito_helpers workshop down")
    participant = _block("import cognito_helpers as ch")
    region = re.search(r"AWS_REGION=(\S+)", up)[1]
    with LocalCognito(region=region) as lc:
        env = _env() | {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}
        # the profile line stays in the README; here it becomes dummy credentials + the region
        script = re.sub(r"export AWS_PROFILE=\S+ ", "export ", up).replace(".venv/bin/python", PY)
        script = script.replace("workshop up ", f"workshop up --endpoint-url {lc.endpoint_url} ")
        result = _bash(script, tmp_path, env)
        assert result.returncode == 0, result.stderr[-3000:]
        out = tmp_path / "workshop"
        assert len(list((out / "env").glob("*.env"))) == 20
        [pool] = lc.client().list_user_pools(MaxResults=60)["UserPools"]

        name = re.search(r'load_env_file\("([^"]+)"\)', participant)[1]
        (tmp_path / name).write_bytes((out / "env" / name).read_bytes())
        ran = subprocess.run([sys.executable, "-c", participant], cwd=tmp_path, env=_env(),
                             capture_output=True, text=True, timeout=120)
        assert ran.returncode == 0, ran.stderr[-3000:]
        assert "real user pool" in ran.stdout and pool["Id"] in ran.stdout
        assert "COGNITO_PASSWORD" not in ran.stdout

        result = _bash(down.replace(".venv/bin/python", PY), tmp_path, env)
        assert result.returncode == 0, result.stderr[-3000:]
        assert lc.client().list_user_pools(MaxResults=60)["UserPools"] == []
        assert not out.exists()


def test_the_apps_the_readme_names_exist():
    named = set(re.findall(r"APP=(\w+)", "\n".join(_blocks()) + (ROOT / "README.md").read_text()))
    named |= set(re.findall(r"voila/render/apps/(\w+)\.ipynb", (ROOT / "README.md").read_text()))
    assert named and named <= set(available_apps())
