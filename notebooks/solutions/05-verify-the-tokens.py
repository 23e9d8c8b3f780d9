"""Solutions to the exercises of notebooks/05-verify-the-tokens.ipynb.

``exercise_K`` returns what the reader puts in ``answer_K``; tests/test_exercises.py
runs each through the notebook's check (``ch.check_exercise("05.K", ...)``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cognito_helpers as ch


def exercise_1(target: Any) -> Callable[[str], bool]:
    url = ch.jwks_url(target.region, target.user_pool_id, target.endpoint_url)
    jwks = ch.fetch_jwks(url)
    issuer = ch.expected_issuer(target.region, target.user_pool_id, target.endpoint_url)

    def accept(token: str) -> bool:
        try:
            ch.verify_token(
                token, jwks=jwks, issuer=issuer, client_id=target.client_id, token_use="access"
            )
        except ch.TokenError:
            return False
        return True

    return accept
