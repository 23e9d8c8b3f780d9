"""`make bench` stays runnable: a smoke run of the cheapest benchmark, and the table format.

No speed is asserted here (speed goals live in benchmarks/ only); this checks
that the README's `make bench` command works and reports what it claims.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_run_prints_a_table_with_ratio_and_goal():
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "diagnosis", "--quick", "--markdown"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("Measured ") and " UTC on " in lines[0] and "cores" in lines[0]
    assert "| benchmark | ours | baseline | baseline is | ratio | goal |" in lines
    rows = [ln for ln in lines if ln.startswith("| diagnosis:")]
    assert len(rows) == 2
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[1].endswith(" ms") and cells[4].endswith("x")
        assert cells[5].startswith("< 5 ms")


def test_unknown_benchmark_is_refused():
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "nosuch"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode != 0
    assert "unknown benchmark 'nosuch'" in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr


def test_table_formats_results():
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks.__main__ import table
        from benchmarks._util import Result
    finally:
        sys.path.remove(str(ROOT))
    text = table([Result("x", 3.0, 2.0, "ms", baseline_name="y", goal="<= 1.5x", ok=True,
                         notes=["n"])])
    assert "1.50x" in text and "<= 1.5x met" in text and "- x: n" in text
