"""What the checkers of the account-lifecycle and refresh lessons (06, 07) both do."""

from __future__ import annotations

from typing import Any

from ...hashing import secret_hash


def client_error_hint(exc: Any) -> str:
    error = exc.response["Error"]
    hint = ""
    if "secret hash" in error["Message"] or "SecretHash" in error["Message"]:
        hint = " Check which username your hash covers."
    return f"Cognito answered {error['Code']}: {error['Message']}.{hint}"


def sign_in(cip: Any, pool: Any) -> dict[str, Any]:
    return cip.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=pool.client_id,
        AuthParameters={
            "USERNAME": pool.username,
            "PASSWORD": pool.password,
            "SECRET_HASH": secret_hash(pool.username, pool.client_id, pool.client_secret),
        },
    )["AuthenticationResult"]
