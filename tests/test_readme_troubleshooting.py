"""Every command of the README's "My login fails: what now?" runs here, as written.

The section's code blocks are run in order with bash (".venv/bin/python" is
this interpreter): the proxy in the background with its demo pool, the others
while it runs, against it. The README's claims about their output are checked.
"""

from __future__ import annotations

import os
import queue
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADING = "## My login fails: what now?"


def section_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(HEADING)
    end = text.find("\n## ", start + len(HEADING))
    body = text[start:end if end != -1 else len(text)]
    blocks, current = [], []
    for line in body.splitlines():
        if line.startswith("    ") and line.strip():
            current.append(line[4:])
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return [b.replace(".venv/bin/python", shlex.quote(sys.executable)) for b in blocks]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "COGNITO_"))}
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    return env


def _reader(stream, q: queue.Queue) -> None:
    for line in stream:
        q.put(line)


def _wait_for_settings(path: Path, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and "COGNITO_PASSWORD=" in path.read_text():
            time.sleep(0.1)  # written in one go; let the writer close it
            return True
        time.sleep(0.1)
    return False


def test_readme_section_commands_run(tmp_path: Path) -> None:
    blocks = section_blocks()
    assert len(blocks) >= 6
    assert all("cognito_helpers" in b for b in blocks)
    proxy = None
    out_q: queue.Queue = queue.Queue()
    results: list[tuple[str, subprocess.CompletedProcess[str]]] = []
    try:
        for block in blocks:
            if " proxy " in block:
                assert "\n" not in block
                proxy = subprocess.Popen(["bash", "-c", "exec " + block], cwd=tmp_path,
                                         env=_env(), stdout=subprocess.PIPE,
                                         stderr=subprocess.STDOUT, text=True)
                reader = threading.Thread(target=_reader, args=(proxy.stdout, out_q),
                                          daemon=True)
                reader.start()
                assert _wait_for_settings(tmp_path / "demo.env"), "the proxy wrote no demo.env"
                continue
            proc = subprocess.run(["bash", "-c", "set -e\n" + block], cwd=tmp_path, env=_env(),
                                  capture_output=True, text=True, timeout=120, check=False)
            results.append((block, proc))
    finally:
        if proxy is not None:
            proxy.send_signal(signal.SIGTERM)
            proxy.wait(timeout=30)
            reader.join(timeout=10)
            proxy.stdout.close()
    for block, proc in results:
        assert proc.returncode in (0, 1), (block, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr
        assert proc.stdout.startswith("Cause:"), (block, proc.stdout)
    by_command = {re.search(r"cognito_helpers (\S+)", b).group(1) + ("|" if "|" in b else ""): p
                  for b, p in results}
    assert by_command["explain"].returncode == 0
    assert "does not match the one Cognito computed" in by_command["explain"].stdout
    assert by_command["explain|"].returncode == 0
    assert "not confirmed" in by_command["explain|"].stdout
    fp = by_command["fingerprint"]
    assert fp.returncode == 1
    assert "Cause: Mistake found: hex digest instead of base64." in fp.stdout  # the README says
    assert "example0secret0from0your0secrets0store" not in fp.stdout + fp.stderr
    assert by_command["check-client"].returncode == 0
    assert "has a secret" in by_command["check-client"].stdout
    assert by_command["verify"].returncode == 0
    assert "Every step passed" in by_command["verify"].stdout
    shown = ""
    while not out_q.empty():
        shown += out_q.get_nowait()
    assert proxy is not None and proxy.returncode == 0, shown
    assert "[OK  ] InitiateAuth USER_PASSWORD_AUTH" in shown  # verify's calls, judged live
    assert "[OK  ] InitiateAuth REFRESH_TOKEN_AUTH" in shown
    settings = dict(line.split("=", 1) for line in
                    (tmp_path / "demo.env").read_text().splitlines())
    for value in (settings["COGNITO_CLIENT_SECRET"], settings["COGNITO_PASSWORD"]):
        assert value not in shown
        for _, proc in results:
            assert value not in proc.stdout + proc.stderr
