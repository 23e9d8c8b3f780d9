"""Exercises of notebooks/05-verify-the-tokens.ipynb (checked by ch.check_exercise)."""

from __future__ import annotations

from typing import Any

from ...hashing import secret_hash
from ...tokens import with_edited_claims
from . import exercise


def _sign_in(target: Any, client_id: str, secret: str | None) -> dict[str, Any]:
    params = {"USERNAME": target.username, "PASSWORD": target.password}
    if secret:
        params["SECRET_HASH"] = secret_hash(target.username, client_id, secret)
    return target.client().initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH", ClientId=client_id, AuthParameters=params
    )["AuthenticationResult"]


@exercise("05.1", "Accept only our own access tokens")
def _check_1(answer: Any, target: Any) -> str | None:
    if not callable(answer):
        return f"Expected a function (token) -> bool, got {type(answer).__name__}."
    ours = _sign_in(target, target.client_id, target.client_secret)
    cases = [
        (ours["AccessToken"], True, "a valid access token of our app client"),
        (ours["IdToken"], False, "our ID token (APIs take access tokens)"),
        (
            with_edited_claims(ours["AccessToken"], username="mallory"),
            False,
            "an access token whose claims were altered",
        ),
    ]
    if target.public_client_id:
        other = _sign_in(target, target.public_client_id, None)
        cases.append((other["AccessToken"], False, "an access token issued to another client"))
    for token, expected, what in cases:
        got = answer(token)
        if not isinstance(got, bool):
            return f"It returned {type(got).__name__}; return True or False."
        if got != expected:
            verdict = "accepted" if got else "refused"
            return f"It {verdict} {what}."
    return None
