"""Checked exercises: every notebook's check cells call :func:`check_exercise`.

The convention (written out for authors in ``notebooks/README.md``):

* An exercise id is ``"NN.K"``: exercise ``K`` of ``notebooks/NN-*.ipynb``.
* Its checker lives in ``cognito_helpers/exercises/nbNN.py``, registered with
  ``@exercise("NN.K", "short title")``. A checker receives the reader's answer
  and the context keywords the check cell passes (for example ``target=target``)
  and returns ``None`` when the answer is right, or a string saying what is
  wrong: a hint, never the solution, never a secret in full.
* The reader's exercise cell sets ``answer_K = ...``; the literal ``...``
  (Ellipsis) means "not answered yet" and is reported as such, so a notebook
  committed with its placeholders runs clean under nbval.
* The solution is ``exercise_K(**context)`` in ``notebooks/solutions/NN-*.py``
  (same file name as the notebook); ``tests/test_exercises.py`` runs it
  through this same checker.
"""

from __future__ import annotations

import contextlib
import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from ...exceptions import InvalidInputError
from ...validate import shown, text

__all__ = ["CheckResult", "Exercise", "check_exercise", "exercise", "registered"]

Checker = Callable[..., "str | None"]

_ID = re.compile(r"(\d\d)\.(\d+)")
_REGISTRY: dict[str, Exercise] = {}

_ICONS = {"right": "✅", "wrong": "❌", "todo": "✏️"}


@dataclass(frozen=True)
class Exercise:
    """One registered exercise: its id, title and checker."""

    id: str
    title: str
    checker: Checker


@dataclass(frozen=True)
class CheckResult:
    """What a check cell shows: ✅ right, ❌ wrong (with a hint) or ✏️ not answered yet."""

    exercise: str
    status: Literal["right", "wrong", "todo"]
    message: str

    @property
    def ok(self) -> bool:
        """True only when the answer is right."""
        return self.status == "right"

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        return f"{_ICONS[self.status]} Exercise {self.exercise}: {self.message}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # IPython display: the plain line
        p.text(str(self))


def exercise(exercise_id: str, title: str) -> Callable[[Checker], Checker]:
    """Register the decorated function as the checker of ``exercise_id`` ("NN.K")."""
    text("exercise_id", exercise_id, what="an exercise id like '03.1' (str)")
    text("title", title)
    if not _ID.fullmatch(exercise_id):
        raise InvalidInputError("exercise_id", f"{exercise_id!r} is not of the form 'NN.K'.")

    def register(checker: Checker) -> Checker:
        _REGISTRY[exercise_id] = Exercise(exercise_id, title, checker)
        return checker

    return register


def _load(exercise_id: str) -> Exercise:
    m = _ID.fullmatch(exercise_id) if isinstance(exercise_id, str) else None
    if m is None:
        raise InvalidInputError(
            "exercise_id", f"{exercise_id!r} is not of the form 'NN.K' (for example '03.1')."
        )
    if exercise_id not in _REGISTRY:
        with contextlib.suppress(ModuleNotFoundError):
            importlib.import_module(f".nb{m.group(1)}", __name__)
    if exercise_id not in _REGISTRY:
        raise InvalidInputError(
            "exercise_id", f"no exercise {exercise_id!r}; check the id in the check cell."
        )
    return _REGISTRY[exercise_id]


def registered(notebook: str) -> dict[str, Exercise]:
    """The exercises of notebook ``notebook`` ("03"), by id, in order."""
    text("notebook", notebook, what="a notebook's two-digit number like '03' (str)")
    if not re.fullmatch(r"\d\d", notebook):
        raise InvalidInputError("notebook", f"{shown(notebook)} is not a notebook's two digits ('03').")
    try:
        importlib.import_module(f".nb{notebook}", __name__)
    except ModuleNotFoundError:
        return {}
    found = {k: v for k, v in _REGISTRY.items() if k.startswith(f"{notebook}.")}
    return dict(sorted(found.items(), key=lambda kv: int(kv[0].split(".")[1])))


def check_exercise(exercise_id: str, answer: Any, **context: Any) -> CheckResult:
    """Check the reader's ``answer`` to exercise ``exercise_id``; show the result in the cell.

    ``...`` (the placeholder) gives "not answered yet". An exception raised
    while checking (for example by a function the reader wrote) is reported as
    a wrong answer naming the exception, not as a traceback.
    """
    ex = _load(exercise_id)
    if answer is Ellipsis:
        return CheckResult(
            exercise_id,
            "todo",
            f"{ex.title}: not answered yet. Replace the `...` in the exercise cell "
            "with your answer, run it, then run this cell again.",
        )
    try:
        problem = ex.checker(answer, **context)
    except Exception as exc:  # the reader's code failed inside the check: show, don't crash
        text = str(exc)
        if len(text) > 200:
            text = text[:200] + "…"
        problem = f"checking your answer raised {type(exc).__name__}: {text}"
    if problem is None:
        result = CheckResult(exercise_id, "right", f"{ex.title}: right.")
    else:
        result = CheckResult(exercise_id, "wrong", f"{ex.title}: not yet. {problem}")
    _record(result)
    return result


#: Set in a workshop room's servers (``workshop room``): where check results are recorded,
#: in the participant's own home, for the instructor's ``workshop status``.
PROGRESS_ENV = "COGNITO_LAB_PROGRESS_FILE"


def _record(result: CheckResult) -> None:
    """Append the result (id and right or wrong, never the answer) to the progress file, if any."""
    import os

    path = os.environ.get(PROGRESS_ENV)
    if not path:
        return
    import json
    import time

    line = json.dumps({"exercise": result.exercise, "passed": result.ok, "at": int(time.time())})
    try:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
    except OSError:  # a record the instructor misses is no reason to break the lesson
        pass
