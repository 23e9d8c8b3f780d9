"""``make lab`` on a fresh clone until JupyterLab answers (issue 17: at most 40 s, a line per step).

Ours: ``git clone`` of this repository's committed HEAD into a temporary folder
(not timed; uncommitted changes are not in it), then ``make lab`` there, timed
from its start until the server answers ``GET /api``. That is a venv created,
pip and lock/lab.txt installed (requirements.txt pinned), the lab settings copied and
JupyterLab started. Baseline: the same steps by hand with the core set alone
(jupyterlab, ipywidgets, boto3, nbval, moto[cognitoidp], flask, flask-cors) and
the same ``jupyter lab`` command line.

Both install from the pip cache :mod:`.bench_install` uses (``.bench-cache/pip``),
warmed once by an untimed install of everything (:func:`.bench_install.warm`),
so the network is not what is measured. JupyterLab's port, config, data and
runtime folders are the run's own (``JUPYTER_PORT``, ``JUPYTER_*_DIR``), and
``BROWSER=true`` keeps it from opening a browser. The output is read for the
longest silence between two lines (the "line per step" half of the goal) and
for the port, and never printed (JupyterLab's URL carries its token).
"""

from __future__ import annotations

import itertools
import os
import re
import shlex
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from . import bench_install
from ._servers import free_port
from ._util import ROOT, Result, clean_env

TIMEOUT = 300.0
_PORT = re.compile(r"http://127\.0\.0\.1:(\d+)/")


def _env(tmp: Path) -> dict[str, str]:
    return clean_env(
        PIP_CACHE_DIR=str(bench_install.CACHE), PIP_DISABLE_PIP_VERSION_CHECK="1",
        BROWSER="true", JUPYTER_PORT=str(free_port()),
        JUPYTER_CONFIG_DIR=str(tmp / "jupyter-config"), JUPYTER_DATA_DIR=str(tmp / "jupyter-data"),
        JUPYTER_RUNTIME_DIR=str(tmp / "jupyter-runtime"), IPYTHONDIR=str(tmp / "ipython"),
    )


def _until_ready(argv: list[str], cwd: Path, env: dict[str, str]
                 ) -> tuple[float, float, int, list[str]]:
    """Start ``argv``; (seconds until JupyterLab answers, longest silence, lines printed,
    the seconds each of the Makefile's ``==>`` steps took)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    stamps: list[float] = [start]
    steps: list[tuple[float, str]] = []
    port: list[int] = []

    def read() -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            stamps.append(time.perf_counter())
            text = raw.decode(errors="replace")
            if text.startswith("==> "):  # the Makefile's own step lines (no token in them)
                steps.append((stamps[-1], text[4:].split(" (")[0].strip()[:40]))
            match = _PORT.search(text)
            if match and not port:
                port.append(int(match.group(1)))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        while True:
            if time.perf_counter() - start > TIMEOUT:
                raise RuntimeError(f"{argv[0]}: JupyterLab not ready after {TIMEOUT:.0f} s")
            if proc.poll() is not None:
                raise RuntimeError(f"{shlex.join(argv)[:80]} exited {proc.returncode} before "
                                   "JupyterLab was ready")
            if port:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port[0]}/api", timeout=2) as r:
                        if r.status == 200:
                            ready = time.perf_counter()
                            break
                except (urllib.error.URLError, OSError):
                    pass
            time.sleep(0.05)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        except ProcessLookupError:
            pass
        reader.join(5)
    shown = [t for t in stamps if t <= ready] + [ready]
    silence = max(b - a for a, b in itertools.pairwise(shown))
    return ready - start, silence, len(shown) - 2, _step_times(steps, ready)


def _step_times(steps: list[tuple[float, str]], ready: float) -> list[str]:
    """'name N.N s' for each step line seen before ``ready``: until the next one, the last
    until ready."""
    before = [(t, name) for t, name in steps if t <= ready]
    if not before:
        return []
    ends = [t for t, _ in before[1:]] + [ready]
    return [f"{name} {end - t:.1f} s" for (t, name), end in zip(before, ends, strict=True)]


def bench() -> list[Result]:
    bench_install.warm()
    root_flag = ["--allow-root"] if os.geteuid() == 0 else []
    with tempfile.TemporaryDirectory(prefix="bench-lab-") as tmp_:
        tmp = Path(tmp_)
        clone = tmp / "clone"
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], check=True,
                              capture_output=True, text=True).stdout.strip()
        subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)],
                       check=True, capture_output=True)
        subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", head], check=True,
                       capture_output=True)
        ours, ours_quiet, ours_lines, steps = _until_ready(["make", "lab"], clone,
                                                           _env(tmp / "ours"))
        venv = tmp / "core"
        pip = f"{venv}/bin/python -m pip install --quiet"
        script = " && ".join([
            f"python3 -m venv {venv}", f"{pip} --upgrade pip",
            f"{pip} {' '.join(shlex.quote(p) for p in bench_install.CORE)}",
            f"exec {venv}/bin/jupyter lab --ServerApp.ip=127.0.0.1 {' '.join(root_flag)} "
            f"--ServerApp.root_dir={clone}",
        ])
        core, core_quiet, _, _ = _until_ready(["sh", "-c", script], clone, _env(tmp / "core"))
    return [Result(
        "make lab on a fresh clone, until JupyterLab answers", ours, core, "s",
        baseline_name="the core set alone, same steps", goal="<= 40 s", ok=ours <= 40,
        notes=[f"one run each; {ours_lines} lines printed before ready, longest silence "
               f"{ours_quiet:.1f} s (core set by hand, silent: {core_quiet:.1f} s)",
               "steps (from each '==>' line to the next, the last to ready): "
               + ", ".join(steps),
               "pip installs from the warmed .bench-cache/pip (see install)"],
    )]
