"""Solutions to the exercises of notebooks/11-client-secret-on-oauth-endpoints.ipynb.

``exercise_K`` returns what the reader puts in ``answer_K``; tests/test_exercises.py
runs each through the notebook's check (``ch.check_exercise("09.K", ...)``).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any

import cognito_helpers as ch


def exercise_1() -> Callable[[str, str], str]:
    def header(client_id: str, client_secret: str) -> str:
        pair = f"{client_id}:{client_secret}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")

    return header


def exercise_2() -> Callable[[str], str]:
    def challenge(verifier: str) -> str:
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    return challenge


def exercise_3(demo: Any) -> Callable[[str, str, str], str]:
    def m2m_token(token_url: str, client_id: str, client_secret: str) -> str:
        answer = ch.token_request(
            token_url,
            {"grant_type": "client_credentials", "scope": "demo-api/read"},
            authorization=ch.basic_authorization(client_id, client_secret),
        )
        return str(answer.body["access_token"])

    return m2m_token
