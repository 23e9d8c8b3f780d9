"""Solutions to the exercises of notebooks/01-setup-check.ipynb.

``exercise_K`` returns what the reader puts in ``answer_K``; tests/test_exercises.py
runs each through the notebook's check (``ch.check_exercise("01.K", ...)``).
"""

from __future__ import annotations

from typing import Any

import cognito_helpers as ch


def exercise_1() -> str:
    pool_id = "ap-southeast-2_Ab12Cd34E"
    return pool_id.split("_")[0]  # the region is the part before the '_'


def exercise_2() -> dict[str, str]:
    return {
        "COGNITO_USER_POOL_ID": "eu-central-1_Example1",
        "COGNITO_CLIENT_ID": "1example23456789abcdefghij",
        "COGNITO_CLIENT_SECRET": "my_fake_secret_for_the_exercise",
        "AWS_REGION": "eu-central-1",
    }


def exercise_3(target: Any) -> str:
    return ch.mask(target.client_secret)
