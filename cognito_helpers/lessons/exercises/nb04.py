"""Checkers for the exercises of ``notebooks/04-sign-in-flows.ipynb``."""

from __future__ import annotations

from typing import Any

from ...hashing import secret_hash
from ...tokens import expected_issuer, fetch_jwks, jwks_url, verify_token
from . import exercise

# Exercise 1: what an email-as-username pool answers to USER_SRP_AUTH. The
# reader typed the e-mail; Cognito answers with the internal username (a UUID).
EX1_CLIENT_ID = "4example56789abcdefghijklm"
EX1_SECRET = "exercise_04_1_made_up_secret_0123456789"  # noqa: S105 - exercise data
EX1_CASES = [
    (
        "maria@example.com",
        {
            "USERNAME": "7c1e5d2a-3b4f-4a6e-9d8c-0f1e2d3c4b5a",
            "USER_ID_FOR_SRP": "7c1e5d2a-3b4f-4a6e-9d8c-0f1e2d3c4b5a",
            "SALT": "c0ffee",
            "SRP_B": "beef",
            "SECRET_BLOCK": "c2VjcmV0LWJsb2Nr",
        },
    ),
    (
        "alice",
        {
            "USERNAME": "alice",
            "USER_ID_FOR_SRP": "alice",
            "SALT": "c0ffee",
            "SRP_B": "beef",
            "SECRET_BLOCK": "c2VjcmV0LWJsb2Nr",
        },
    ),
]


@exercise("04.1", "The PASSWORD_VERIFIER hash")
def _check_1(answer: Any) -> str | None:
    if not callable(answer):
        return (
            "Expected a function (typed_username, challenge_parameters, client_id, "
            f"client_secret) -> str, got {type(answer).__name__}."
        )
    for typed, params in EX1_CASES:
        got = answer(typed, dict(params), EX1_CLIENT_ID, EX1_SECRET)
        if not isinstance(got, str):
            return f"It returned {type(got).__name__}; return the base64 hash as text (str)."
        if got == secret_hash(params["USER_ID_FOR_SRP"], EX1_CLIENT_ID, EX1_SECRET):
            continue
        if got == secret_hash(typed, EX1_CLIENT_ID, EX1_SECRET):
            return (
                f"For a user who typed {typed!r} you hashed the name they typed. Challenge "
                "responses need the canonical name Cognito sent back in the challenge."
            )
        return f"Wrong for a user who typed {typed!r}: compare with ch.secret_hash(...)."
    return None


@exercise("04.2", "USER_SRP_AUTH on an email-as-username pool")
def _check_2(answer: Any, email_demo: Any, local_cognito: Any) -> str | None:
    from botocore.exceptions import ClientError

    if not callable(answer):
        return (
            "Expected a function (cip, user_pool_id, client_id, client_secret, username, "
            f"password) -> AuthenticationResult dict, got {type(answer).__name__}."
        )
    cip = local_cognito.client()
    # A client that allows SRP only: USER_PASSWORD_AUTH would be refused.
    client = cip.create_user_pool_client(
        UserPoolId=email_demo.user_pool_id,
        ClientName="exercise-04-2-srp-only",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    try:
        result = answer(
            cip,
            email_demo.user_pool_id,
            client["ClientId"],
            client["ClientSecret"],
            email_demo.username,
            email_demo.password,
        )
    except ClientError as exc:
        error = exc.response["Error"]
        hint = ""
        if "secret hash" in error["Message"]:
            hint = (
                " Which username does each hash cover? InitiateAuth: the USERNAME you send; "
                "PASSWORD_VERIFIER: USER_ID_FOR_SRP from the challenge."
            )
        elif "flow not enabled" in error["Message"]:
            hint = " This client allows USER_SRP_AUTH only."
        return f"Cognito answered {error['Code']}: {error['Message']}.{hint}"
    if not isinstance(result, dict) or "AccessToken" not in result:
        return (
            "Return the AuthenticationResult dict of the final response (it holds AccessToken, "
            "IdToken, RefreshToken)."
        )
    try:
        verified = verify_token(
            result["AccessToken"],
            jwks=fetch_jwks(
                jwks_url(email_demo.region, email_demo.user_pool_id, email_demo.endpoint_url)
            ),
            issuer=expected_issuer(email_demo.region, email_demo.user_pool_id,
                                   email_demo.endpoint_url),
            client_id=client["ClientId"],
            token_use="access",  # noqa: S106 - a claim value, not a password
        )
    except Exception as exc:  # TokenError and friends: say what failed, never the token
        return f"The access token you returned does not verify: {exc}"
    if verified.username != email_demo.internal_username:
        return "The access token belongs to another user."
    return None
