"""Checkers for the exercises of ``notebooks/07-refresh-tokens.ipynb``."""

from __future__ import annotations

from typing import Any

from ...hashing import secret_hash
from . import exercise
from ._calls import client_error_hint, sign_in


@exercise("07.1", "The refresh hash")
def _check_1(answer: Any, email_demo: Any, local_cognito: Any) -> str | None:
    from botocore.exceptions import ClientError

    if not callable(answer):
        return (
            "Expected a function (access_token, client_id, client_secret) -> str, "
            f"got {type(answer).__name__}."
        )
    cip = local_cognito.client()
    result = sign_in(cip, email_demo)
    got = answer(result["AccessToken"], email_demo.client_id, email_demo.client_secret)
    if not isinstance(got, str):
        return f"It returned {type(got).__name__}; return the base64 hash as text (str)."
    if got == secret_hash(email_demo.username, email_demo.client_id, email_demo.client_secret):
        return (
            "That is the hash over the e-mail the user signs in with. A refresh is checked "
            "against the user's internal username: read it from the access token."
        )
    try:
        cip.initiate_auth(
            AuthFlow="REFRESH_TOKEN_AUTH",
            ClientId=email_demo.client_id,
            AuthParameters={"REFRESH_TOKEN": result["RefreshToken"], "SECRET_HASH": got},
        )
    except ClientError as exc:
        return "The refresh with your hash failed. " + client_error_hint(exc)
    return None
