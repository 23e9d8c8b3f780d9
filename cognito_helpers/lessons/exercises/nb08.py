"""Checkers for the exercises of ``notebooks/08-rotate-the-secret.ipynb``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ...hashing import secret_hash
from . import exercise

_UTC = dt.timezone.utc
_CLIENT = "6example789abcdefghijklmno"


def _descriptor(epoch_ms: int) -> dict[str, Any]:
    return {
        "ClientSecretId": f"{_CLIENT}--{epoch_ms}",
        "ClientSecretCreateDate": dt.datetime.fromtimestamp(epoch_ms / 1000, tz=_UTC),
    }


#: Exercise 1: ListUserPoolClientSecrets answers, in the order a reader may get them.
EX1_CASES = [
    [_descriptor(1767225600000), _descriptor(1780272000000)],
    [_descriptor(1790000000000), _descriptor(1785000000000)],
]


@exercise("08.1", "Which secret to delete")
def _check_1(answer: Any) -> str | None:
    if not callable(answer):
        return (
            f"Expected a function (client_secrets) -> ClientSecretId, got {type(answer).__name__}."
        )
    for case in EX1_CASES:
        got = answer([dict(d) for d in case])
        oldest = min(case, key=lambda d: d["ClientSecretCreateDate"])["ClientSecretId"]
        newest = max(case, key=lambda d: d["ClientSecretCreateDate"])["ClientSecretId"]
        if got == oldest:
            continue
        if got == newest:
            return "That is the secret you just added: delete the older one."
        return f"Return a ClientSecretId from the list (a str like {oldest[:28]}…)."
    return None


def _sign_in(cip: Any, demo: Any, secret: str) -> str | None:
    """None when the sign-in works, else the error text."""
    from botocore.exceptions import ClientError

    try:
        cip.initiate_auth(
            AuthFlow="USER_PASSWORD_AUTH",
            ClientId=demo.client_id,
            AuthParameters={
                "USERNAME": demo.username,
                "PASSWORD": demo.password,
                "SECRET_HASH": secret_hash(demo.username, demo.client_id, secret),
            },
        )
    except ClientError as exc:
        return f"{exc.response['Error']['Code']}: {exc.response['Error']['Message']}"
    return None


@exercise("08.2", "Rotate a client secret")
def _check_2(answer: Any, demo: Any, local_cognito: Any) -> str | None:
    if not callable(answer):
        return (
            "Expected a function (cip, user_pool_id, client_id) -> new secret (str), "
            f"got {type(answer).__name__}."
        )
    cip = local_cognito.client()
    new_secret = answer(cip, demo.user_pool_id, demo.client_id)
    if not isinstance(new_secret, str):
        return (
            f"It returned {type(new_secret).__name__}; return the new secret's value "
            "(ClientSecretValue from AddUserPoolClientSecret)."
        )
    if new_secret == demo.client_secret:
        return "It returned the old secret; return the one you added."
    active = cip.list_user_pool_client_secrets(
        UserPoolId=demo.user_pool_id, ClientId=demo.client_id
    )["ClientSecrets"]
    if len(active) != 1:
        return (
            f"The client has {len(active)} active secrets afterwards; a finished rotation "
            "leaves one."
        )
    problem = _sign_in(cip, demo, new_secret)
    if problem is not None:
        return f"A hash made with the secret you returned is refused ({problem})."
    if _sign_in(cip, demo, demo.client_secret) is None:
        return "The old secret still works: delete it at the end of the rotation."
    return None


EX3_USER, EX3_CLIENT = "alice", "7example89abcdefghijklmnop"
EX3_OLD = "old_secret_for_the_exercise_0123456789"
EX3_NEW = "new_secret_for_the_exercise_9876543210"
EX3_OTHER = "someone_elses_secret_000000000000000"


@exercise("08.3", "What Cognito accepts during a rotation")
def _check_3(answer: Any) -> str | None:
    if not callable(answer):
        return (
            "Expected a function (sent_hash, username, client_id, active_secrets) -> bool, "
            f"got {type(answer).__name__}."
        )

    def h(secret: str, user: str = EX3_USER) -> str:
        return secret_hash(user, EX3_CLIENT, secret)

    cases = [
        (h(EX3_OLD), [EX3_OLD, EX3_NEW], True, "a hash made with the old secret mid-rotation"),
        (h(EX3_NEW), [EX3_OLD, EX3_NEW], True, "a hash made with the new secret mid-rotation"),
        (h(EX3_OLD), [EX3_NEW], False, "a hash made with a deleted secret"),
        (h(EX3_OTHER), [EX3_OLD, EX3_NEW], False, "a hash made with another secret"),
        (h(EX3_NEW, "bob"), [EX3_OLD, EX3_NEW], False, "a hash over another username"),
        ("", [EX3_OLD], False, "an empty hash"),
    ]
    for sent, active, expected, what in cases:
        got = answer(sent, EX3_USER, EX3_CLIENT, list(active))
        if not isinstance(got, bool):
            return f"It returned {type(got).__name__}; return True or False."
        if got != expected:
            return f"It {'accepted' if got else 'refused'} {what}."
    return None
