"""Checkers for the exercises of ``notebooks/09-troubleshooting.ipynb``: three support tickets.

The tickets are printed in the notebook as literals (``TICKETS`` and ``NOTES``
here are the same data; ``tests/test_exercises.py`` checks they agree). The answer to each
names its cause: the key of the diagnosis (``ANSWERS``) or any words that say the same
(``RIGHT``); a tempting wrong answer is told why it is wrong (``WRONG``).
"""

from __future__ import annotations

import re
from typing import Any

from . import exercise

TICKETS: dict[int, dict[str, Any]] = {
    1: {
        "error": (
            "An error occurred (ResourceNotFoundException) when calling the InitiateAuth "
            "operation: User pool client 4example56789012345678abcd does not exist."
        ),
    },
    2: {
        "error": (
            "An error occurred (NotAuthorizedException) when calling the InitiateAuth "
            "operation: Unable to verify secret hash for client 5example67890123456789abcd"
        ),
        "username": "7f3c2a10-1b2c-4d5e-8f90-123456789abc",
        "other_usernames": "maria@example.com",
        "client_id": "5example67890123456789abcd",
        "client_secret": "fake_secret_for_ticket_two_only",
        "sent": "4tVnRHq5rZBjrgr+x6pPx8jaYZ6JHEv969GxPwWwGik=",
    },
    3: {
        "error": (
            "An error occurred (NotAuthorizedException) when calling the InitiateAuth "
            "operation: Unable to verify secret hash for client 6example78901234567890abcd"
        ),
        "username": "ops-bot",
        "client_id": "6example78901234567890abcd",
        "client_secret": "fake_secret_for_ticket_three",
        "sent": "kXu6sFgsIiO8LuzoEfDUp+gQSfG+GcQ5PuG0fLhtLtU=",
    },
}

NOTES = {
    1: "Java app; pool eu-west-1_Example12; the app's AWS_REGION is us-east-1.",
    2: "Node app, REFRESH_TOKEN_AUTH fails, sign-in works. Users sign in by e-mail.",
    3: "Go service on Kubernetes; worked on a laptop; the secret comes from a mounted file.",
}

ANSWERS = {1: "client_not_found", 2: "other_username", 3: "secret_whitespace"}

# The check grades the reasoning, not this tool's key names: an answer is a diagnosis
# (or its key), or a few words of your own ("wrong region", "the e-mail was hashed",
# "trailing newline in the secret"). Words are compared after lower-casing, with
# everything that is not a letter or digit turned into "_".
#
# ticket -> the words any one of which names the cause
RIGHT: dict[int, tuple[str, ...]] = {
    1: ("client_not_found", "region", "us_east_1", "eu_west_1", "endpoint"),
    2: ("other_username", "alias", "email", "e_mail", "maria", "internal", "sub", "uuid",
        "wrong_username", "username_hashed"),
    3: ("secret_whitespace", "newline", "new_line", "line_feed", "trailing", "whitespace",
        "strip", "n_at_the_end", "line_ending"),
}

# ticket -> (words of a tempting wrong answer, why it is wrong[, words that make it right
# after all]); without the third, an answer that also holds RIGHT words is right
WRONG: dict[int, tuple[tuple[Any, ...], ...]] = {
    1: (
        (("hash", "secret"), "The error is ResourceNotFoundException: Cognito never got as "
         "far as the hash, because it found no such app client where the call went."),
        (("pool_not_found",), "The message names a user pool *client*, not the pool; and the "
         "pool id in the notes is well formed. Ask why the client cannot be found."),
        (("typo", "wrong_client", "client_id", "deleted"), "Possible in general, but read the "
         "notes: the pool lives in eu-west-1 (its id's prefix) and the app calls "
         "AWS_REGION=us-east-1, so no client id can be found there. Fix the region first."),
        (("credential", "permission", "iam", "access"), "InitiateAuth is a public call that "
         "needs no AWS credentials; a missing permission would be another exception."),
    ),
    2: (
        (("refresh_invalid", "refresh_revoked", "expired", "refresh_token"), "The refresh "
         "token is not the problem: the error is 'Unable to verify secret hash', so the hash "
         "of the refresh call is wrong. Which name did the app hash?"),
        (("secret_whitespace", "previous_secret", "rotation", "old_secret"), "The secret is "
         "fine: the hash the app sent is the right HMAC with this secret, over another name."),
        (("hex", "urlsafe", "padding", "base64", "order", "reversed"), "The hash is 44 "
         "characters of standard base64 and the sign-in works with the same code: the "
         "encoding is right. What differs between sign-in and refresh?"),
    ),
    3: (
        (("username", "user_name"), "The username 'ops-bot' is what the call sent, and it "
         "is fine: look at where the secret comes from (a mounted file).", ("secret",)),
        (("previous_secret", "rotation", "old_secret"), "Nothing in the ticket rotated; the "
         "same code worked on a laptop. What does a file add that an environment variable "
         "on the laptop did not?"),
        (("hex", "urlsafe", "padding", "order", "reversed"), "The hash is 44 characters of "
         "standard base64, and the same code worked on a laptop: the code is right, one of "
         "its inputs is not."),
        (("region", "client_not_found"), "The error names the client, so Cognito found "
         "it; the hash it received is wrong."),
    ),
}

_HINT = {
    1: "Paste the error into ch.troubleshoot(...) and read the notes: where does the "
       "pool live, and where does the app call?",
    2: "Pass the e-mail as other_usernames: which name did the app hash?",
    3: "Use ch.troubleshoot with every field of the ticket.",
}


def _key(answer: Any) -> Any:
    # a Diagnosis, or a Troubleshooting result, is accepted for its key
    if hasattr(answer, "keys") and isinstance(answer.keys, tuple) and answer.keys:
        return answer.keys[-1]
    return getattr(answer, "key", answer)


def _words(text: str) -> str:
    return "_" + re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") + "_"


def _has(words: str, needles: tuple[str, ...]) -> bool:
    return any(f"_{n}" in words for n in needles)


def _check(ticket: int, answer: Any) -> str | None:
    key = _key(answer)
    if not isinstance(key, str):
        return ("Expected the cause, as a diagnosis key such as 'client_not_found' or a few "
                f"words of your own (str), got {type(key).__name__}.")
    if not key.strip():
        return "The answer is empty: name the cause (a diagnosis key or a few words)."
    words = _words(key)
    if words.strip("_") == "hash_mismatch":
        return (
            "That is what the error says, not why. Fill in the hash inputs too: "
            f"ch.troubleshoot(**tickets[{ticket}]) names the mistake."
        )
    right = _has(words, RIGHT[ticket])
    for needles, why, *unless in WRONG[ticket]:
        # a right answer may mention a wrong word in passing ("the hash is fine, the region")
        if _has(words, needles) and not _has(words, unless[0] if unless else RIGHT[ticket]):
            return why
    if right:
        return None
    return _HINT[ticket]


@exercise("09.1", "Ticket 1: the Java app")
def _check_1(answer: Any) -> str | None:
    return _check(1, answer)


@exercise("09.2", "Ticket 2: refresh in an e-mail pool")
def _check_2(answer: Any) -> str | None:
    return _check(2, answer)


@exercise("09.3", "Ticket 3: the Kubernetes secret")
def _check_3(answer: Any) -> str | None:
    return _check(3, answer)
