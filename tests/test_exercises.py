"""Every notebook exercise: its solution passes its check, a placeholder or a wrong answer doesn't.

The convention (notebooks/README.md): a check cell ``ch.check_exercise("NN.K",
answer_K, name=value, ...)`` in ``notebooks/NN-*.ipynb``; the placeholder cell
``answer_K = ...``; the solution ``exercise_K(name, ...)`` in
``notebooks/solutions/NN-*.py``; the checker in ``cognito_helpers/exercises/nbNN.py``.
Context keywords a check cell passes are built here by ``CONTEXT`` (add a
provider when a notebook passes a new one).
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import json
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import cognito_helpers as ch
from cognito_helpers.lessons.exercises import registered
from cognito_helpers.lessons.exercises.nb03 import COLLEAGUE_SENT, VECTOR_1, VECTOR_2
from cognito_helpers.target import Target

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def _local_target(request: pytest.FixtureRequest) -> Target:
    return Target.from_demo(request.getfixturevalue("demo"))


#: keyword a check cell passes -> how a test builds it (fresh local demo pool per test)
CONTEXT = {
    "target": _local_target,
    "demo": lambda request: request.getfixturevalue("demo"),
    "email_demo": lambda request: request.getfixturevalue("email_demo"),
    "local_cognito": lambda request: request.getfixturevalue("local_cognito"),
}


@dataclass(frozen=True)
class CheckCell:
    notebook: Path
    exercise_id: str
    answer_name: str
    keywords: tuple[str, ...]
    committed_output: str

    def __str__(self) -> str:
        return self.exercise_id


def _text_of(outputs: list[dict[str, Any]]) -> str:
    parts = []
    for out in outputs:
        if out.get("output_type") == "stream":
            parts.append("".join(out["text"]))
        elif "data" in out:
            parts.append("".join(out["data"].get("text/plain", "")))
    return "".join(parts)


def _check_cells(path: Path) -> list[CheckCell]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        for node in ast.walk(ast.parse(source)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "check_exercise"
            ):
                exercise_id = node.args[0].value  # type: ignore[attr-defined]
                answer = node.args[1].id  # type: ignore[attr-defined]
                keywords = tuple(k.arg for k in node.keywords if k.arg)
                found.append(
                    CheckCell(path, exercise_id, answer, keywords, _text_of(cell["outputs"]))
                )
    return found


def _placeholders(path: Path) -> set[str]:
    """Names set to the literal ``...`` in some code cell (``answer_K = ...``)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    names = set()
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        for node in ast.walk(ast.parse("".join(cell["source"]))):
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Constant)
                and node.value.value is Ellipsis
            ):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _solutions(notebook: Path) -> ModuleType:
    path = NOTEBOOKS / "solutions" / f"{notebook.stem}.py"
    assert path.exists(), f"{notebook.name} has exercises but no solutions file {path}"
    spec = importlib.util.spec_from_file_location(f"solutions_{notebook.stem[:2]}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


NOTEBOOK_FILES = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
CHECKS = [c for nb in NOTEBOOK_FILES for c in _check_cells(nb)]


def _context(cell: CheckCell, request: pytest.FixtureRequest) -> dict[str, Any]:
    unknown = [k for k in cell.keywords if k not in CONTEXT]
    assert not unknown, f"add a provider for {unknown} to CONTEXT in {__file__}"
    return {k: CONTEXT[k](request) for k in cell.keywords}


@pytest.mark.parametrize("notebook", NOTEBOOK_FILES, ids=lambda p: p.stem)
def test_every_notebook_has_checked_exercises(notebook: Path) -> None:
    cells = _check_cells(notebook)
    assert cells, f"{notebook.name} has no check cell (ch.check_exercise(...))"
    number = notebook.name[:2]
    ids = [c.exercise_id for c in cells]
    assert all(i.startswith(f"{number}.") for i in ids), ids
    assert ids == sorted(set(ids), key=lambda i: int(i.split(".")[1])), "ids unique, in order"
    assert sorted(registered(number)) == sorted(ids), "checkers and check cells disagree"


@pytest.mark.parametrize("cell", CHECKS, ids=str)
def test_check_cell_follows_the_convention(cell: CheckCell) -> None:
    k = cell.exercise_id.split(".")[1]
    assert cell.answer_name == f"answer_{k}"
    assert cell.answer_name in _placeholders(cell.notebook), (
        f"{cell.notebook.name}: commit the exercise cell as `{cell.answer_name} = ...`"
    )
    # committed with the placeholder, so the check cell shows "not answered yet"
    assert "not answered yet" in cell.committed_output, cell.committed_output
    solution = getattr(_solutions(cell.notebook), f"exercise_{k}", None)
    assert solution is not None, f"no exercise_{k} in solutions/{cell.notebook.stem}.py"
    assert tuple(inspect.signature(solution).parameters) == cell.keywords


@pytest.mark.parametrize("cell", CHECKS, ids=str)
def test_solution_passes_the_check(cell: CheckCell, request: pytest.FixtureRequest) -> None:
    context = _context(cell, request)
    solution = getattr(_solutions(cell.notebook), f"exercise_{cell.exercise_id.split('.')[1]}")
    result = ch.check_exercise(cell.exercise_id, solution(**context), **context)
    assert result.status == "right", str(result)
    assert str(result).startswith("✅")


@pytest.mark.parametrize("cell", CHECKS, ids=str)
def test_placeholder_and_wrong_answer_are_not_right(
    cell: CheckCell, request: pytest.FixtureRequest
) -> None:
    context = _context(cell, request)
    todo = ch.check_exercise(cell.exercise_id, ..., **context)
    assert todo.status == "todo" and not todo
    wrong = ch.check_exercise(cell.exercise_id, None, **context)
    assert wrong.status == "wrong" and str(wrong).startswith("❌"), str(wrong)


# -- notebook 03: the hints name the mistake --------------------------------------


def test_03_1_hint_names_the_mistake() -> None:
    hex_digest = ch.hash_variants(*VECTOR_2)["hex"].value
    result = ch.check_exercise("03.1", hex_digest)
    assert result.status == "wrong" and "Hex digest" in result.message
    assert "decode" in ch.check_exercise("03.1", b"bytes").message


def test_03_2_accepts_only_the_mistake_that_produces_the_value() -> None:
    right = [k for k in ch.MISTAKES if ch.check_exercise("03.2", k).ok]
    assert right == ["newline"]
    assert ch.hash_variants(*VECTOR_1, sent=COLLEAGUE_SENT).match.key == "newline"
    assert "one of the keys" in ch.check_exercise("03.2", "typo").message


def test_03_3_runs_the_function_and_reports_failures() -> None:
    def urlsafe(u: str, c: str, s: str) -> str:
        return ch.hash_variants(u, c, s, sent=None)["urlsafe"].value

    def boom(u: str, c: str, s: str) -> str:
        raise RuntimeError("x" * 500)

    assert "URL-safe" in ch.check_exercise("03.3", urlsafe).message
    crashed = ch.check_exercise("03.3", boom)
    assert "RuntimeError" in crashed.message and len(crashed.message) < 400
    assert "function" in ch.check_exercise("03.3", "not callable").message


def test_unknown_exercise_id_is_a_clear_error() -> None:
    with pytest.raises(ch.InvalidInputError, match="exercise_id"):
        ch.check_exercise("3.1", 1)
    with pytest.raises(ch.InvalidInputError, match=r"no exercise '03\.99'"):
        ch.check_exercise("03.99", 1)


# -- notebook 09: the tickets the reader sees are the ones the checks know ------------


def test_09_tickets_in_the_notebook_match_the_checker() -> None:
    from cognito_helpers.lessons.exercises.nb09 import ANSWERS, NOTES, TICKETS

    nb = json.loads((NOTEBOOKS / "09-troubleshooting.ipynb").read_text(encoding="utf-8"))
    found: dict[str, Any] = {}
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        for node in ast.parse("".join(cell["source"])).body:
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id in ("tickets", "notes")
            ):
                found[node.targets[0].id] = ast.literal_eval(node.value)
    assert found == {"notes": NOTES, "tickets": TICKETS}
    for k, ticket in TICKETS.items():
        assert ch.troubleshoot(**ticket).keys[-1] == ANSWERS[k]


# -- notebook 09: the reasoning is graded, not the tool's key names (issue 14 item 4) ----

RIGHT_09 = {
    1: ["client_not_found", "wrong_region", "Wrong region", "region mismatch",
        "the app calls us-east-1, the pool is in eu-west-1", "the hash is fine, the region is not"],
    2: ["other_username", "alias", "the e-mail was hashed", "email instead of the sub",
        "internal username", "hashed maria@example.com"],
    3: ["secret_whitespace", "trailing newline", "newline in the secret",
        "whitespace in the secret", "strip the secret read from the file"],
}
WRONG_09 = {
    1: {"hash_mismatch": "not why", "secret_missing": "never got as far as the hash",
        "pool_not_found": "user pool *client*", "typo in the client id": "AWS_REGION=us-east-1",
        "missing IAM permission": "needs no AWS credentials", "banana": "where does the pool live"},
    2: {"refresh_invalid": "Unable to verify secret hash", "secret_whitespace": "secret is fine",
        "hex_digest": "encoding is right", "previous_secret": "secret is fine"},
    3: {"username_whitespace": "'ops-bot'", "previous_secret": "Nothing in the ticket rotated",
        "hex_digest": "the code is right", "wrong_region": "Cognito found it", "": "empty"},
}


@pytest.mark.parametrize("ticket", [1, 2, 3])
def test_09_accepts_every_right_answer(ticket: int) -> None:
    from cognito_helpers.lessons.exercises.nb09 import TICKETS

    for answer in [*RIGHT_09[ticket], ch.troubleshoot(**TICKETS[ticket])]:
        assert ch.check_exercise(f"09.{ticket}", answer).ok, answer


@pytest.mark.parametrize("ticket", [1, 2, 3])
def test_09_says_why_a_wrong_answer_is_wrong(ticket: int) -> None:
    for answer, why in WRONG_09[ticket].items():
        result = ch.check_exercise(f"09.{ticket}", answer)
        assert result.status == "wrong", answer
        assert why in result.message, (answer, result.message)
