"""Checkers for the exercises of ``notebooks/07-troubleshooting.ipynb``: three support tickets.

The tickets are printed in the notebook as literals (``TICKETS`` and ``NOTES``
here are the same data; ``tests/test_exercises.py`` checks they agree). The answer to each
is the key of the diagnosis that names its cause.
"""

from __future__ import annotations

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


def _key(answer: Any) -> Any:
    # a Diagnosis, or a Troubleshooting result, is accepted for its key
    if hasattr(answer, "keys") and isinstance(answer.keys, tuple) and answer.keys:
        return answer.keys[-1]
    return getattr(answer, "key", answer)


def _check(ticket: int, answer: Any, hint: str) -> str | None:
    key = _key(answer)
    if not isinstance(key, str):
        return f"Expected a diagnosis key (str) such as 'hash_mismatch', got {type(key).__name__}."
    if key == ANSWERS[ticket]:
        return None
    if key == "hash_mismatch":
        return (
            "That is what the error says, not why. Fill in the hash inputs too: "
            f"ch.troubleshoot(**tickets[{ticket}]) names the mistake."
        )
    return hint


@exercise("07.1", "Ticket 1: the Java app")
def _check_1(answer: Any) -> str | None:
    return _check(1, answer, "Paste the error into ch.troubleshoot(...) and read the key.")


@exercise("07.2", "Ticket 2: refresh in an e-mail pool")
def _check_2(answer: Any) -> str | None:
    return _check(
        2, answer, "Pass the e-mail as other_usernames: which name did the app hash?"
    )


@exercise("07.3", "Ticket 3: the Kubernetes secret")
def _check_3(answer: Any) -> str | None:
    return _check(3, answer, "Use ch.troubleshoot with every field of the ticket.")
