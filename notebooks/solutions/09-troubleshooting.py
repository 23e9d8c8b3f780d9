"""Solutions to the exercises of notebooks/09-troubleshooting.ipynb.

``exercise_K`` returns what the reader puts in ``answer_K``; tests/test_exercises.py
runs each through the notebook's check (``ch.check_exercise("07.K", ...)``). The
tickets are the notebook's ``tickets`` (same data as ``exercises/nb09.py``).
"""

from __future__ import annotations

import cognito_helpers as ch
from cognito_helpers.lessons.exercises.nb09 import TICKETS


def _diagnose(ticket: int) -> str:
    return ch.troubleshoot(**TICKETS[ticket]).keys[-1]


def exercise_1() -> str:
    return _diagnose(1)  # the id does not exist in us-east-1: the pool lives in eu-west-1


def exercise_2() -> str:
    return _diagnose(2)  # the app hashed the e-mail; refresh needs the internal username


def exercise_3() -> str:
    return _diagnose(3)  # the mounted file ends with a newline
