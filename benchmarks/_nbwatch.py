"""A pytest plugin for the suite benchmark: per-notebook time, and SDK retry waits in kernels.

Loaded with ``-p benchmarks._nbwatch`` when ``BENCH_NBWATCH_OUT`` names a folder.
Before each notebook's first cell is set up (when nbval starts its kernel), it
puts the notebook's name in ``BENCH_NOTEBOOK``, which the kernel inherits; the
``sitecustomize`` written by :func:`write_sitecustomize` (on the kernels'
``PYTHONPATH``) wraps ``time.sleep`` and appends a line to ``retries.jsonl``
for every sleep botocore asks for (``botocore.endpoint`` sleeps only between
retries) and every sleep a lesson's own code makes. At the end, the plugin
writes each notebook's seconds (first setup to last teardown) to ``times.json``.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

_spans: dict[str, list[float]] = {}

SITECUSTOMIZE = '''
import os
if os.environ.get("BENCH_NBWATCH_OUT"):
    import json, sys, time
    _sleep = time.sleep

    def _watched_sleep(seconds):
        caller = sys._getframe(1).f_globals.get("__name__", "")
        kind = "botocore" if caller.startswith("botocore") else "lesson" if caller == "__main__" else ""
        if kind:
            line = {"notebook": os.environ.get("BENCH_NOTEBOOK", ""), "kind": kind,
                    "caller": caller, "seconds": float(seconds)}
            with open(os.path.join(os.environ["BENCH_NBWATCH_OUT"], "retries.jsonl"), "a") as fh:
                fh.write(json.dumps(line) + "\\n")
        return _sleep(seconds)

    time.sleep = _watched_sleep
'''


def write_sitecustomize(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    name = item.path.name
    os.environ["BENCH_NOTEBOOK"] = name
    _spans.setdefault(name, [time.perf_counter(), 0.0])


def pytest_runtest_logfinish(nodeid: str, location: tuple[str, int | None, str]) -> None:
    name = Path(nodeid.split("::", 1)[0]).name
    if name in _spans:
        _spans[name][1] = time.perf_counter()


def pytest_sessionfinish(session: pytest.Session) -> None:
    out = os.environ.get("BENCH_NBWATCH_OUT")
    if out:
        times = {name: end - start for name, (start, end) in _spans.items() if end}
        Path(out, "times.json").write_text(json.dumps(times))


def read(folder: Path) -> tuple[dict[str, float], list[dict[str, object]]]:
    """(seconds per notebook, the sleeps seen) from one watched run."""
    times_file, sleeps_file = folder / "times.json", folder / "retries.jsonl"
    times = json.loads(times_file.read_text()) if times_file.exists() else {}
    sleeps = ([json.loads(line) for line in sleeps_file.read_text().splitlines() if line]
              if sleeps_file.exists() else [])
    return times, sleeps
