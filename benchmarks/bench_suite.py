"""Test suite: the notebooks under nbval against the floor, and where the time goes.

Floor: as many trivial notebooks (one cell, ``1 + 1``) as the project has, run
by the same pytest + nbval (``--nbval-current-env``) in the same venv: what
any notebook project pays for pytest, nbval and one kernel per notebook.
Goal: the project's notebooks at most 1.5x the floor. The whole suite
(``make test``: tests/ + notebooks/) is timed too, for the record.

The breakdown times, each in a fresh interpreter: ``import nbformat`` (which
imports jsonschema, whose format checkers import rfc3987-syntax, a Lark
grammar built at import), the same with that module blocked, a kernel start
to ready, and a kernel's first ``get_target()`` (imports boto3 + moto, starts
the local Cognito, provisions the demo pool).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ._util import PYTHON, ROOT, Result, clean_env, median, run


def _trivial_notebooks(folder: Path, count: int) -> None:
    import nbformat

    for i in range(count):
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell("1 + 1", execution_count=1)
        cell.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"},
                                               execution_count=1)]
        nb.cells = [nbformat.v4.new_markdown_cell(f"# Trivial {i}"), cell]
        nbformat.write(nb, folder / f"{i:02d}-trivial.ipynb")


def _pytest(args: list[str], cwd: Path) -> float:
    return run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], clean_env(), cwd)


_KERNEL_START = """
from jupyter_client.manager import start_new_kernel
km, kc = start_new_kernel(kernel_name="python3")
kc.stop_channels(); km.shutdown_kernel(now=True)
"""
_FIRST_TARGET = "import cognito_helpers as ch; ch.get_target()"


def bench(rounds: int = 3, full: bool = True) -> list[Result]:
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        floor_dir = Path(tmp)
        _trivial_notebooks(floor_dir, len(notebooks))
        (floor_dir / "pytest.ini").write_text("[pytest]\n")
        floor_cmd = ["--nbval", "--nbval-current-env", "-c", str(floor_dir / "pytest.ini"),
                     str(floor_dir)]
        floor_t, ours_t = [], []
        for _ in range(rounds):
            floor_t.append(_pytest(floor_cmd, floor_dir))
            ours_t.append(_pytest(["notebooks/"], ROOT))
        floor, ours = median(floor_t), median(ours_t)
        results.append(Result(
            f"test suite: the {len(notebooks)} notebooks under nbval", ours, floor, "s",
            baseline_name=f"{len(notebooks)} trivial notebooks under nbval",
            goal="<= 1.5x", ok=ours / floor <= 1.5, notes=[f"median of {rounds}"],
        ))
        if full:
            whole = _pytest([], ROOT)
            results.append(Result(
                "test suite: all of make test (tests/ + notebooks/)", whole, floor, "s",
                baseline_name=f"{len(notebooks)} trivial notebooks under nbval",
                goal="(report)", notes=["one run"],
            ))
    # -- where the time goes ----------------------------------------------------------------
    parts = {
        "import nbformat (jsonschema format checkers)": [PYTHON, "-c", "import nbformat"],
        "import nbformat, rfc3987_syntax blocked": [
            PYTHON, "-c", "import sys; sys.modules['rfc3987_syntax'] = None; import nbformat"],
        "kernel start to ready": [PYTHON, "-c", _KERNEL_START],
        "first get_target() in a fresh interpreter": [PYTHON, "-c", _FIRST_TARGET],
    }
    empty = [PYTHON, "-c", "pass"]
    base = median([run(empty, clean_env()) for _ in range(5)])
    for name, cmd in parts.items():
        t = median([run(cmd, clean_env()) for _ in range(rounds)])
        results.append(Result(f"suite breakdown: {name}", t, base, "s",
                              baseline_name="python -c pass", goal="(report)"))
    return results


def cleanup() -> None:  # pragma: no cover - nothing persistent
    shutil.rmtree(ROOT / ".pytest_cache", ignore_errors=True)
