"""Solutions to the exercises of notebooks/08-rotate-the-secret.ipynb.

``exercise_K`` returns what the reader puts in ``answer_K``; tests/test_exercises.py
runs each through the notebook's check (``ch.check_exercise("06.K", ...)``).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any

import cognito_helpers as ch


def exercise_1() -> Callable[[list[dict[str, Any]]], str]:
    def to_delete(client_secrets: list[dict[str, Any]]) -> str:
        oldest = min(client_secrets, key=lambda d: d["ClientSecretCreateDate"])
        return oldest["ClientSecretId"]

    return to_delete


def exercise_2(demo: Any, local_cognito: Any) -> Callable[[Any, str, str], str]:
    def rotate(cip: Any, user_pool_id: str, client_id: str) -> str:
        before = cip.list_user_pool_client_secrets(UserPoolId=user_pool_id, ClientId=client_id)
        old_ids = [d["ClientSecretId"] for d in before["ClientSecrets"]]
        added = cip.add_user_pool_client_secret(UserPoolId=user_pool_id, ClientId=client_id)
        new_secret = added["ClientSecretDescriptor"]["ClientSecretValue"]
        # ... here every app is switched to new_secret, one at a time ...
        for secret_id in old_ids:
            cip.delete_user_pool_client_secret(
                UserPoolId=user_pool_id, ClientId=client_id, ClientSecretId=secret_id
            )
        return new_secret

    return rotate


def exercise_3() -> Callable[[str, str, str, list[str]], bool]:
    def accepted(sent_hash: str, username: str, client_id: str, active_secrets: list[str]) -> bool:
        return any(
            hmac.compare_digest(ch.secret_hash(username, client_id, secret), sent_hash)
            for secret in active_secrets
        )

    return accepted
