"""Lessons read as lessons (issue 14): a check sits in the cell whose result it proves.

No code cell of a lesson is asserts alone: the asserts go in the cell that shows the
result (after its print, or just before the expression Jupyter displays). The one
exception is the check right after a widget cell, whose widget must be the last thing
the cell displays (notebooks/README.md, section 5). Every assert is kept, so the
notebooks still fail CI when they stop teaching the right thing.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
WIDGET_MARKERS = ("hash_calculator", "troubleshooter", "widgets.")


def code_cells(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def only_asserts(source: str) -> bool:
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    return bool(body) and all(isinstance(node, ast.Assert) for node in body)


def test_every_lesson_is_found() -> None:
    assert len(NOTEBOOKS) >= 8


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_cell_is_checks_alone(path: Path) -> None:
    cells = code_cells(path)
    bare = [f"code cell {i}: {src.splitlines()[0]}" for i, src in enumerate(cells)
            if only_asserts(src) and not (i and any(m in cells[i - 1] for m in WIDGET_MARKERS))]
    assert not bare, (f"{path.name}: put these checks in the cell whose result they prove:\n"
                      + "\n".join(bare))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_lessons_still_check_what_they_show(path: Path) -> None:
    asserts = sum(isinstance(n, ast.Assert) for src in code_cells(path)
                  for n in ast.walk(ast.parse(src)))
    assert asserts >= 5, f"{path.name} has {asserts} asserts: key demonstrations end in one"


def test_only_asserts_is_what_it_says() -> None:
    assert only_asserts("assert 1\nassert 2")
    assert not only_asserts("x = 1\nassert x")
    assert not only_asserts("")
    assert not only_asserts("this is not python(")
