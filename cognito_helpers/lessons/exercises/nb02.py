"""Checkers for the exercises of ``notebooks/02-reproduce-the-error.ipynb``."""

from __future__ import annotations

from typing import Any

from ...local.answers import aws_error
from . import exercise


@exercise("02.1", "Sign in yourself")
def _check_1(answer: Any, target: Any) -> str | None:
    if not isinstance(answer, dict):
        return (
            f"Expected the AuthenticationResult dict, got {type(answer).__name__}. "
            "It is response['AuthenticationResult']."
        )
    if "ChallengeName" in answer or "AuthenticationResult" in answer:
        return "That is the whole response; take its 'AuthenticationResult'."
    token = answer.get("AccessToken")
    if not isinstance(token, str):
        return "It has no AccessToken: is it the AuthenticationResult of a successful sign-in?"
    from botocore.exceptions import ClientError

    try:
        user = target.client().get_user(AccessToken=token)
    except ClientError as err:
        return f"Cognito does not accept its access token: {err.response['Error']['Code']}."
    if user["Username"] not in (target.username, target.internal_username):
        return f"Those are tokens for {user['Username']!r}; sign in as target.username."
    return None


@exercise("02.2", "Predict the message")
def _check_2(answer: Any, target: Any) -> str | None:
    if not isinstance(answer, str):
        return f"Expected the message as text (str), got {type(answer).__name__}."
    expected = aws_error("hash_mismatch").message(client_id=target.client_id)
    if answer.strip() == expected:
        return None
    if "NotAuthorizedException" in answer:
        return "Just the message, without the exception code."
    if "Incorrect username or password" in answer:
        return "The hash is checked for the exact USERNAME sent, before the password."
    return "Try it: compute the hash for 'ALICE', send USERNAME 'alice', read the message."
