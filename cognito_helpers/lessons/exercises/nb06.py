"""Checkers for the exercises of ``notebooks/06-account-lifecycle.ipynb``."""

from __future__ import annotations

import secrets
from typing import Any

from ...hashing import secret_hash
from ...operations import hash_site
from . import exercise
from ._calls import client_error_hint


@exercise("06.1", "NEW_PASSWORD_REQUIRED on an email-as-username pool")
def _check_2(answer: Any, email_demo: Any, local_cognito: Any) -> str | None:
    from botocore.exceptions import ClientError

    if not callable(answer):
        return (
            "Expected a function (cip, client_id, client_secret, username, challenge, "
            "new_password) -> "
            f"AuthenticationResult dict, got {type(answer).__name__}."
        )
    cip = local_cognito.client()
    email = f"new-{secrets.token_hex(3)}@example.com"
    temporary = f"Tmp-{secrets.token_hex(5)}-Aa1!"
    cip.admin_create_user(
        UserPoolId=email_demo.user_pool_id,
        Username=email,
        TemporaryPassword=temporary,
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    challenge = cip.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=email_demo.client_id,
        AuthParameters={
            "USERNAME": email,
            "PASSWORD": temporary,
            "SECRET_HASH": secret_hash(email, email_demo.client_id, email_demo.client_secret),
        },
    )
    new_password = f"New-{secrets.token_hex(5)}-Aa1!"
    try:
        result = answer(
            cip, email_demo.client_id, email_demo.client_secret, email, challenge, new_password
        )
    except ClientError as exc:
        return client_error_hint(exc) + (
            " Challenge responses need the canonical username from the challenge, not the e-mail."
        )
    if not isinstance(result, dict) or "AccessToken" not in result:
        return "Return the AuthenticationResult dict of RespondToAuthChallenge's answer."
    try:
        cip.initiate_auth(
            AuthFlow="USER_PASSWORD_AUTH",
            ClientId=email_demo.client_id,
            AuthParameters={
                "USERNAME": email,
                "PASSWORD": new_password,
                "SECRET_HASH": secret_hash(email, email_demo.client_id, email_demo.client_secret),
            },
        )
    except ClientError as exc:
        return "After your answer the user cannot sign in with new_password. " + (
            client_error_hint(exc)
        )
    return None


#: Exercise 3: the requests the reader classifies, as (label, operation, params).
EX3_REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    ("SignUp", "SignUp", {"Username": "u"}),
    ("ConfirmForgotPassword", "ConfirmForgotPassword", {"Username": "u"}),
    (
        "InitiateAuth USER_SRP_AUTH",
        "InitiateAuth",
        {"AuthFlow": "USER_SRP_AUTH", "AuthParameters": {"USERNAME": "u"}},
    ),
    (
        "InitiateAuth REFRESH_TOKEN_AUTH",
        "InitiateAuth",
        {"AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": {"REFRESH_TOKEN": "t"}},
    ),
    (
        "RespondToAuthChallenge NEW_PASSWORD_REQUIRED",
        "RespondToAuthChallenge",
        {"ChallengeName": "NEW_PASSWORD_REQUIRED", "ChallengeResponses": {"USERNAME": "u"}},
    ),
    (
        "AdminRespondToAuthChallenge SOFTWARE_TOKEN_MFA",
        "AdminRespondToAuthChallenge",
        {"ChallengeName": "SOFTWARE_TOKEN_MFA", "ChallengeResponses": {"USERNAME": "u"}},
    ),
]
EX3_RULES = ("sent", "internal", "canonical")


@exercise("06.2", "Which username goes in each hash")
def _check_3(answer: Any) -> str | None:
    labels = [label for label, _, _ in EX3_REQUESTS]
    if not isinstance(answer, dict):
        return f"Expected a dict {{request: rule}}, got {type(answer).__name__}."
    missing = [label for label in labels if label not in answer]
    if missing:
        return f"Give a rule for every request; missing: {', '.join(missing)}."
    bad = [v for v in answer.values() if v not in EX3_RULES]
    if bad:
        return f"Each rule is one of {', '.join(EX3_RULES)}; got {bad[0]!r}."
    wrong = [
        label
        for label, operation, params in EX3_REQUESTS
        if answer[label] != hash_site(operation, params).rule  # type: ignore[union-attr]
    ]
    if wrong:
        return f"{len(wrong)} wrong, for example {wrong[0]!r}. The table in the notebook helps."
    return None
