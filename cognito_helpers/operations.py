"""Which Cognito operations carry a secret hash, where, and over which username.

One table, used by the local Cognito (to check hashes as AWS does) and by the
inspecting proxy and diagnosis (to say what an app should have sent). Taught
in ``notebooks/06-account-lifecycle.ipynb``.

Source: ``docs/facts.md#where-the-hash-goes``, from the AWS API
reference (botocore ``cognito-idp/2016-04-18/service-2.json``: ``SecretHash``
members; ``AuthParameters`` / ``ChallengeResponses`` documentation) and, for
the refresh rule, public reports (pycognito #18/#196, boto3 #2736).
Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .validate import mapping, text

__all__ = [
    "AUTH_OPERATIONS",
    "CHALLENGE_OPERATIONS",
    "HASHED_FLOWS",
    "REFRESH_FLOWS",
    "TOP_LEVEL_OPERATIONS",
    "HashSite",
    "hash_site",
]

#: Operations whose request has a top-level ``SecretHash`` over the exact ``Username`` sent.
TOP_LEVEL_OPERATIONS = frozenset(
    {"SignUp", "ConfirmSignUp", "ForgotPassword", "ConfirmForgotPassword", "ResendConfirmationCode"}
)
#: Operations with ``AuthParameters.SECRET_HASH``.
AUTH_OPERATIONS = frozenset({"InitiateAuth", "AdminInitiateAuth"})
#: Operations with ``ChallengeResponses.SECRET_HASH`` over the canonical username.
CHALLENGE_OPERATIONS = frozenset({"RespondToAuthChallenge", "AdminRespondToAuthChallenge"})

REFRESH_FLOWS = frozenset({"REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"})
#: Auth flows that carry SECRET_HASH when the client has a secret.
HASHED_FLOWS = frozenset(
    {
        "USER_PASSWORD_AUTH",
        "ADMIN_USER_PASSWORD_AUTH",
        "ADMIN_NO_SRP_AUTH",
        "USER_SRP_AUTH",
        "CUSTOM_AUTH",
        "USER_AUTH",
    }
    | REFRESH_FLOWS
)

UsernameRule = Literal["sent", "internal", "canonical"]


@dataclass(frozen=True)
class HashSite:
    """Where one request carries its secret hash and which username the hash must cover.

    ``rule`` is ``"sent"`` (the exact username in the request), ``"internal"``
    (the user's internal Cognito username, for refresh: in email-as-username
    pools the UUID ``sub``) or ``"canonical"`` (the ``USERNAME`` /
    ``USER_ID_FOR_SRP`` from the challenge, never an alias).
    """

    operation: str
    field: str
    sent_hash: str | None
    sent_username: str | None
    rule: UsernameRule


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _as_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def hash_site(operation: str, params: dict[str, Any]) -> HashSite | None:
    """Where ``operation``'s request ``params`` carry a secret hash; None if it has none."""
    text("operation", operation, what="an operation name (str), e.g. 'InitiateAuth'")
    mapping("params", params, values=None, what="the request's parameters (a dict)")
    if operation in TOP_LEVEL_OPERATIONS:
        return HashSite(
            operation,
            "SecretHash",
            _as_str(params.get("SecretHash")),
            _as_str(params.get("Username")),
            "sent",
        )
    if operation in AUTH_OPERATIONS:
        flow = params.get("AuthFlow")
        if not isinstance(flow, str) or flow not in HASHED_FLOWS:
            return None
        auth = _as_dict(params.get("AuthParameters"))
        return HashSite(
            operation,
            "AuthParameters.SECRET_HASH",
            _as_str(auth.get("SECRET_HASH")),
            _as_str(auth.get("USERNAME")),
            "internal" if flow in REFRESH_FLOWS else "sent",
        )
    if operation in CHALLENGE_OPERATIONS:
        responses = _as_dict(params.get("ChallengeResponses"))
        return HashSite(
            operation,
            "ChallengeResponses.SECRET_HASH",
            _as_str(responses.get("SECRET_HASH")),
            _as_str(responses.get("USERNAME")),
            "canonical",
        )
    return None
