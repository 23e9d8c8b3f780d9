"""Solutions to the exercises of notebooks/02-reproduce-the-error.ipynb.

``exercise_K`` returns what the reader puts in ``answer_K``; tests/test_exercises.py
runs each through the notebook's check (``ch.check_exercise("02.K", ...)``).
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

import cognito_helpers as ch


def exercise_1(target: Any) -> dict[str, Any]:
    cip = target.client()
    response = cip.initiate_auth(
        ClientId=target.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": target.username,
            "PASSWORD": target.password,
            "SECRET_HASH": ch.secret_hash(target.username, target.client_id, target.client_secret),
        },
    )
    return response["AuthenticationResult"]


def exercise_2(target: Any) -> str:
    cip = target.client()
    try:
        cip.initiate_auth(
            ClientId=target.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={
                "USERNAME": target.username,
                "PASSWORD": target.password,
                "SECRET_HASH": ch.secret_hash(
                    target.username.upper(), target.client_id, target.client_secret
                ),
            },
        )
    except ClientError as err:
        return err.response["Error"]["Message"]
    raise AssertionError("Cognito accepted a hash over another username")
