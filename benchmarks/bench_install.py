"""Install: size and time of a fresh venv from requirements.txt against the core set alone.

Both are built the way the Makefile builds .venv (``python -m venv``, upgrade
pip, ``pip install``; the Makefile installs the same packages pinned, from
lock/lab.txt, where this takes the newest releases of the ranges), from a local pip cache (``.bench-cache/pip``, warmed by
one untimed install of both first, so the network is not what is measured). Core set:
jupyterlab, ipywidgets, boto3, nbval, moto[cognitoidp], flask, flask-cors.
Goal: at most 1.3x in size and time. The largest extra distributions are
listed, to say what the rest is.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
from pathlib import Path

from ._util import ROOT, Result, clean_env

CORE = ["jupyterlab", "ipywidgets", "boto3", "nbval", "moto[cognitoidp]", "flask", "flask-cors"]
CACHE = ROOT / ".bench-cache" / "pip"

_SIZES = r"""
import json, os
from importlib.metadata import distributions
out = {}
for d in distributions():
    total = 0
    for f in d.files or ():
        p = f.locate()
        try:
            total += os.path.getsize(p)
        except OSError:
            pass
    out[d.metadata["Name"].lower()] = total
print(json.dumps(out))
"""


def _du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def _build(venv: Path, requirements: list[str]) -> float:
    env = clean_env(PIP_CACHE_DIR=str(CACHE), PIP_DISABLE_PIP_VERSION_CHECK="1")
    start = time.perf_counter()
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    for cmd in (["python3", "-m", "venv", str(venv)], [*pip, "--upgrade", "pip"],
                [*pip, *requirements]):
        proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stderr[-3000:]}")
    return time.perf_counter() - start


def _sizes(venv: Path) -> dict[str, int]:
    out = subprocess.run([str(venv / "bin" / "python"), "-c", _SIZES], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout)


_warmed: list[bool] = []


def warm() -> None:
    """Fill the cache once per run (untimed): one venv with requirements.txt and the core set
    (nbval is not in requirements.txt), so neither timed build downloads anything, and one
    with lock/lab.txt, the pinned versions `make lab` installs (:mod:`.bench_lab`)."""
    if _warmed:
        return
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-venv-") as tmp:
        _build(Path(tmp) / "warm", ["-r", "requirements.txt", *CORE])
        _build(Path(tmp) / "warm-lock", ["--require-hashes", "-r", "lock/lab.txt"])
    _warmed.append(True)


def bench() -> list[Result]:
    warm()
    full_req = ["-r", "requirements.txt"]
    with tempfile.TemporaryDirectory(prefix="bench-venv-") as tmp:
        tmpdir = Path(tmp)
        full_t = _build(tmpdir / "full", full_req)
        core_t = _build(tmpdir / "core", CORE)
        full_mb, core_mb = _du(tmpdir / "full") / 1e6, _du(tmpdir / "core") / 1e6
        full_sizes, core_sizes = _sizes(tmpdir / "full"), _sizes(tmpdir / "core")
    extra = {k: v for k, v in full_sizes.items() if k not in core_sizes}
    top = sorted(extra.items(), key=lambda kv: -kv[1])
    listing = ", ".join(f"{name} {size / 1e6:.0f} MB" for name, size in top[:12] if size > 5e5)
    note = f"{len(extra)} extra distributions ({sum(extra.values()) / 1e6:.0f} MB): {listing}"
    cached = any(p.is_file() for p in CACHE.rglob("*"))
    where = (
        "downloads came from the local pip cache, warmed by a first untimed build"
        if cached
        else "pip found every package in local files (find-links / a file:// index), so its "
        "cache stayed empty; the first untimed build warmed the OS file cache"
    )
    return [
        Result("install: venv size from requirements.txt", full_mb, core_mb, "MB",
               baseline_name="core set alone, same way", goal="<= 1.3x",
               ok=full_mb / core_mb <= 1.3, notes=[note]),
        Result("install: venv build time from requirements.txt", full_t, core_t, "s",
               baseline_name="core set alone, same way", goal="<= 1.3x",
               ok=full_t / core_t <= 1.3, notes=[where]),
    ]
