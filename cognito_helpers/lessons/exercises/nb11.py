"""Checkers for the exercises of ``notebooks/11-client-secret-on-oauth-endpoints.ipynb``."""

from __future__ import annotations

import base64
from typing import Any

from . import exercise

# A made-up client id and secret in Cognito's shapes (26 and 51 characters).
_CASES = [
    ("1example23456789abcdefghij", "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmno"),
    ("9zyxwvu8765432109876543210", "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcde"),
]

# RFC 7636 appendix B: the known-answer pair of PKCE S256.
_RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
_RFC_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


@exercise("11.1", "The Basic header of a confidential client")
def _check_1(answer: Any) -> str | None:
    if not callable(answer):
        return (
            "Expected a function (client_id, client_secret) -> header value (str), "
            f"got {type(answer).__name__}."
        )
    for client_id, secret in _CASES:
        got = answer(client_id, secret)
        if not isinstance(got, str):
            return f"It returned {type(got).__name__}; return the header value as text."
        if not got.startswith("Basic "):
            return "The value starts with the scheme: 'Basic ' then the base64 text."
        try:
            decoded = base64.b64decode(got[6:], validate=True).decode("utf-8")
        except ValueError:
            return "After 'Basic ' comes standard base64 (with padding) of UTF-8 text."
        if decoded == f"{secret}:{client_id}":
            return "Id and secret are swapped: the client id comes first."
        if ":" not in decoded:
            return "What is encoded is 'client_id:client_secret', with a colon between them."
        if decoded != f"{client_id}:{secret}":
            return "Encode exactly client_id, a colon, and the raw secret (no hash, no spaces)."
    return None


@exercise("11.2", "A PKCE code challenge")
def _check_2(answer: Any) -> str | None:
    if not callable(answer):
        return f"Expected a function (code_verifier) -> code_challenge, got {type(answer).__name__}."
    got = answer(_RFC_VERIFIER)
    if not isinstance(got, str):
        return f"It returned {type(got).__name__}; return the challenge as text."
    if got == _RFC_CHALLENGE:
        return None
    if got == _RFC_VERIFIER:
        return "That is the 'plain' method, which Cognito refuses: hash the verifier (S256)."
    if got.rstrip("=") == _RFC_CHALLENGE and got != _RFC_CHALLENGE:
        return "Drop the '=' padding: the challenge is base64url without padding."
    if got.replace("+", "-").replace("/", "_").rstrip("=") == _RFC_CHALLENGE:
        return "Use the URL-safe alphabet of base64 ('-' and '_' instead of '+' and '/')."
    return "S256 is base64url(SHA-256(the verifier's ASCII bytes)), without padding."


@exercise("11.3", "A machine-to-machine token")
def _check_3(answer: Any, demo: Any) -> str | None:
    from ...tokens import peek_token

    if not callable(answer):
        return (
            "Expected a function (token_url, client_id, client_secret) -> access token (str), "
            f"got {type(answer).__name__}."
        )
    token = answer(demo.oauth_urls()["token"], demo.m2m_client_id, demo.m2m_client_secret)
    if not isinstance(token, str) or token.count(".") != 2:
        return "Return the access_token of the answer (a JWT), not the whole answer."
    claims = peek_token(token).claims
    if claims.get("client_id") != demo.m2m_client_id or claims.get("token_use") != "access":
        return "That is not an access token of the machine-to-machine client."
    if "demo-api/read" not in str(claims.get("scope", "")).split():
        return "Ask for the custom scope demo-api/read (scope=demo-api/read in the form)."
    return None
