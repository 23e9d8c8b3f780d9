"""The whole ``make test`` (issue 17: at most 200 s with all the new tests), one run.

Runs ``make test`` itself in the repository, after bringing its venv up to date
(``make .venv/.installed-test``, untimed, so the time is the tests', not pip's),
as CI's ``.ci/run`` does after its installs.
Baseline: the same pytest collecting every test and running none
(``--collect-only``): the fixed cost of starting pytest and importing every test
module, what is left when no test runs. A red ``make test`` is reported as such,
with its summary line, and the row is marked not met: a time bought by failing
or skipped tests is no time. The number of skipped tests is in the row's notes.

Slow (minutes): ``python -m benchmarks maketest``; ``make bench`` runs it last
but one (before ``install``), ``--skip maketest`` leaves it out.
"""

from __future__ import annotations

import re
import subprocess
import time

from ._util import PYTHON, ROOT, Result, clean_env, run

_SUMMARY = re.compile(r"^=+ (.*\d+ (?:passed|failed|error).*) in [\d.]+s", re.M)


def bench() -> list[Result]:
    collect = run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--collect-only"],
                  clean_env(), ROOT)
    # the venv's stamps first, untimed: a requirements file newer than them would make
    # `make test` reinstall, and that is install's time, not the tests'
    subprocess.run(["make", ".venv/.installed-test"], cwd=ROOT, env=clean_env(), check=True,
                   capture_output=True, stdin=subprocess.DEVNULL)
    start = time.perf_counter()
    proc = subprocess.run(["make", "test"], cwd=ROOT, env=clean_env(), capture_output=True,
                          text=True, stdin=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    found = _SUMMARY.findall(proc.stdout)
    summary = found[-1] if found else "no pytest summary line"
    notes = [f"one run: {summary}"]
    if proc.returncode != 0:
        notes.append(f"make test FAILED (exit {proc.returncode}): the time does not count")
    return [Result(
        "test suite: all of make test (tests/ + notebooks/)", seconds, collect, "s",
        baseline_name="the same pytest, --collect-only", goal="<= 200 s",
        ok=proc.returncode == 0 and seconds <= 200, notes=notes,
    )]
