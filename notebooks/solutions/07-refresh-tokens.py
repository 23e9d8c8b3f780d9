"""Solutions to the exercises of notebooks/07-refresh-tokens.ipynb.

``exercise_K`` returns what the reader puts in ``answer_K``; tests/test_exercises.py
runs each through the notebook's check (``ch.check_exercise("07.K", ...)``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cognito_helpers as ch


def exercise_1(email_demo: Any, local_cognito: Any) -> Callable[[str, str, str], str]:
    def refresh_hash(access_token: str, client_id: str, client_secret: str) -> str:
        # The access token's `username` claim is the internal username (the UUID `sub`
        # in an email-as-username pool): the name a refresh is checked against.
        internal = ch.peek_token(access_token).claims["username"]
        return ch.secret_hash(internal, client_id, client_secret)

    return refresh_hash
