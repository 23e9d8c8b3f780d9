"""Checkers for the exercises of ``notebooks/10-other-languages.ipynb``."""

from __future__ import annotations

from typing import Any

from ...hashing import secret_hash
from ...tokens import peek_token
from ..snippets import LANGUAGES, mistaken_hash
from . import exercise

# The first public known-answer vector (docs/facts.md#known-answer-vectors).
VECTOR_1 = (
    "username",
    "EPswPGbpdBLZnh9XW134hK7qYe",
    "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b",
)
# Exercise 1: what a colleague's service sent for VECTOR_1 (it looks like a real hash).
MYSTERY_SENT = mistaken_hash("shell", *VECTOR_1)
# Exercise 2: the users of an app whose Java backend uses Base64.getUrlEncoder().
JAVA_USERS = [f"user{i}" for i in range(1000)]


@exercise("10.1", "Which snippet's mistake sent this hash?")
def _check_1(answer: Any) -> str | None:
    if not isinstance(answer, str) or answer not in LANGUAGES:
        return f"Answer with one of the keys of ch.SNIPPET_LANGUAGES: {', '.join(LANGUAGES)}."
    if mistaken_hash(answer, *VECTOR_1) == MYSTERY_SENT:
        return None
    return (
        f"The {LANGUAGES[answer].name} mistake sends something else for this vector. "
        "Compare ch.snippet_mistake_hash(lang, *V1) with `mystery` for every lang."
    )


def _locked_out() -> int:
    return sum(
        1 for user in JAVA_USERS
        if {"+", "/"} & set(secret_hash(user, VECTOR_1[1], VECTOR_1[2]))
    )


@exercise("10.2", "How many users does the URL-safe bug lock out?")
def _check_2(answer: Any) -> str | None:
    if isinstance(answer, bool) or not isinstance(answer, int):
        return f"Expected a whole number of users (int), got {type(answer).__name__}."
    locked = _locked_out()
    if answer == locked:
        return None
    if answer == len(JAVA_USERS) - locked:
        return "That is how many can still sign in: count the others."
    return (
        "Not that many. A user is locked out when the correct hash contains a character "
        "that getUrlEncoder() changes."
    )


@exercise("10.3", "Sign in the way Amplify does (SRP, public client)")
def _check_3(answer: Any, target: Any) -> str | None:
    if not target.public_client_id:
        return "This target has no public client (COGNITO_PUBLIC_CLIENT_ID); use the local one."
    if not isinstance(answer, dict):
        return f"Expected the InitiateAuth response (a dict), got {type(answer).__name__}."
    result = answer.get("AuthenticationResult")
    if not isinstance(result, dict) or "IdToken" not in result:
        return "The response has no AuthenticationResult: did the sign-in succeed?"
    audience = peek_token(result["IdToken"]).claims.get("aud")
    if audience == target.client_id:
        return "Those tokens are from the client with the secret; use target.public_client_id."
    if audience != target.public_client_id:
        return "Those tokens were issued to another app client."
    return None
