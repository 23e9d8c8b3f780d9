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


def _bench_modules():
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks import _nbwatch, _report
        from benchmarks.__main__ import NAMES, _run_one
        from benchmarks._util import Result
    finally:
        sys.path.remove(str(ROOT))
    return _report, _nbwatch, NAMES, _run_one, Result


def test_readme_table_is_the_one_results_json_renders():
    _report, _, names, _, _ = _bench_modules()
    import json

    recorded = json.loads((ROOT / "benchmarks" / "results.json").read_text())
    text = (ROOT / "README.md").read_text()
    block = text[text.index(_report.START):text.index(_report.END) + len(_report.END)]
    assert block == _report.render(recorded, list(names)), (
        "README's benchmarks table was edited by hand: run `python -m benchmarks "
        "--write-readme NAME` (or `make bench`) instead")


def test_write_readme_replaces_the_benchmarks_run_and_keeps_the_others(tmp_path):
    _report, _, _, _, Result = _bench_modules()
    readme, results = tmp_path / "README.md", tmp_path / "results.json"
    readme.write_text(f"# t\n\n{_report.START}\nold\n{_report.END}\n\nafter\n")
    first = _report.Run(["cli"], "python -m benchmarks cli", "2026-01-01 00:00 UTC", 1.0,
                        "box", 2, 0.1, 0.2)
    _report.write(first, {"cli": [Result("cli row", 2.0, 1.0, "ms", "b", "<= 1.5x", False)],
                          "load": [Result("load row", 9.0, 10.0, "req/s", "b", "(report)")]},
                  readme, results)
    second = _report.Run(["load"], "python -m benchmarks load", "2026-01-02 00:00 UTC", 1.0,
                         "box", 2, 1.9, 1.5)
    _report.write(second, {"load": [Result("load row", 12.0, 10.0, "req/s", "b", "(report)")]},
                  readme, results)
    text = readme.read_text()
    assert text.startswith("# t\n\n") and text.endswith("\n\nafter\n") and "old" not in text
    assert "| cli row | 2.00 ms | 1.00 ms | b | 2.00x | <= 1.5x NOT met |" in text
    assert "| load row | 12 req/s | 10 req/s | b | 1.20x | (report) |" in text
    assert "9 req/s" not in text
    assert "- cli: 2026-01-01 00:00 UTC on box, load average 0.10 -> 0.20 " in text
    assert "- load: 2026-01-02 00:00 UTC on box, load average 1.90 -> 1.50; the machine " \
        "was busy (2 cores): provisional figures" in text


def test_a_benchmark_that_fails_gives_a_row_saying_so(monkeypatch):
    _, _, _, run_one, _ = _bench_modules()
    import benchmarks.__main__ as main

    def broken(name, quick):
        def fail():
            raise RuntimeError("no Chromium\nhere")
        return fail

    monkeypatch.setattr(main, "_runner", broken)
    (row,) = run_one("site", False)
    assert row.name == "site: did not run" and row.ok is False
    assert row.notes == ["RuntimeError: no Chromium here"]


def test_retry_watch_sees_botocore_sleeping_between_retries(tmp_path):
    """The 'no lesson waits in a retry' row can fail: a retried call is recorded."""
    _, nbwatch, _, _, _ = _bench_modules()
    import socket

    nbwatch.write_sitecustomize(tmp_path / "site")
    with socket.socket() as s:  # a loopback port with nobody listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = (
        "import boto3\nfrom botocore.config import Config\n"
        "c = boto3.client('cognito-idp', region_name='us-east-1', aws_access_key_id='a', "
        f"aws_secret_access_key='b', endpoint_url='http://127.0.0.1:{port}', "
        "config=Config(retries={'mode': 'standard', 'total_max_attempts': 2}))\n"
        "try:\n    c.list_user_pools(MaxResults=1)\nexcept Exception:\n    pass\n"
    )
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("AWS_")}
    env.update(PYTHONPATH=str(tmp_path / "site"), BENCH_NBWATCH_OUT=str(tmp_path),
               BENCH_NOTEBOOK="99-x.ipynb")
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    _, sleeps = nbwatch.read(tmp_path)
    assert [(x["notebook"], x["kind"], x["caller"]) for x in sleeps] == [
        ("99-x.ipynb", "botocore", "botocore.endpoint")]


def test_lab_step_times_and_percentiles():
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks._servers import percentile
        from benchmarks.bench_lab import _step_times
    finally:
        sys.path.remove(str(ROOT))
    # each step until the next, the last until ready; lines after ready are not steps
    assert _step_times([(1.0, "creating .venv"), (3.5, "starting JupyterLab"), (9.0, "late")],
                       5.0) == ["creating .venv 2.5 s", "starting JupyterLab 1.5 s"]
    assert _step_times([], 5.0) == []  # the core set by hand prints no step lines
    values = [float(i) for i in range(1, 101)]
    assert percentile(values, 50) == 50.0 and percentile(values, 99) == 99.0
    assert percentile([7.0], 99) == 7.0
