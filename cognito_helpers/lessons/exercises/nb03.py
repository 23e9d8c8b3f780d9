"""Checkers for the exercises of ``notebooks/03-compute-the-hash.ipynb``."""

from __future__ import annotations

from typing import Any

from ...hashing import secret_hash
from ..calculator import MISTAKES, hash_variants
from . import exercise

# The second public known-answer vector (docs/facts.md#known-answer-vectors).
VECTOR_2 = ("a@b.com", "user-pool-client-id", "user-pool-client-secret")
VECTOR_2_HASH = "hJAY3VKwKQyz2H1A6+Jgy7nUxmNepNrLTL8ltH+BzX8="

# The first public vector, and what a colleague's service sent for it (exercise 2).
VECTOR_1 = (
    "username",
    "EPswPGbpdBLZnh9XW134hK7qYe",
    "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b",
)
COLLEAGUE_SENT = "/hR1bOd66Qan+672x743RZWtYDRor+ZkqVA02o/1xbY="

# Inputs exercise 3 runs the reader's function on: both vectors, a non-ASCII
# username (UTF-8 bytes != characters) and inputs whose hash contains '+' and '/'.
EXERCISE_3_INPUTS = [
    VECTOR_1,
    VECTOR_2,
    ("josé", "1example23456789example234", "secret+value_with_underscore_and_plus"),
    ("ana", "2abcdefghijklmnopqrstuvwxy", "b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4"),
]


def _name_the_mistake(username: str, client_id: str, secret: str, sent: str) -> str:
    m = hash_variants(username, client_id, secret, sent=sent).match
    if m is None:
        return "It matches none of the usual mistakes: print key and message bytes and compare."
    return f"Your value is what this mistake produces: {m.label} ({m.how})."


@exercise("03.1", "Hash the second public vector by hand")
def _check_1(answer: Any) -> str | None:
    if isinstance(answer, bytes):
        return "That is bytes; decode it to text with .decode('ascii')."
    if not isinstance(answer, str):
        return f"Expected the hash as text (str), got {type(answer).__name__}."
    if answer == VECTOR_2_HASH:
        return None
    return _name_the_mistake(*VECTOR_2, answer.strip())


@exercise("03.2", "Name the colleague's mistake")
def _check_2(answer: Any) -> str | None:
    if not isinstance(answer, str) or answer not in MISTAKES:
        return f"Answer with one of the keys of ch.MISTAKES: {', '.join(MISTAKES)}."
    produced = hash_variants(*VECTOR_1)[answer].value
    if produced == COLLEAGUE_SENT:
        return None
    return (
        f"'{answer}' would have sent a different value. Try "
        "ch.hash_variants(username, client_id, client_secret, sent=colleague_sent)."
    )


@exercise("03.3", "Fix the buggy secret_hash function")
def _check_3(answer: Any) -> str | None:
    if not callable(answer):
        return (
            f"Expected a function (username, client_id, client_secret) -> str, "
            f"got {type(answer).__name__}."
        )
    for username, client_id, secret in EXERCISE_3_INPUTS:
        got = answer(username, client_id, secret)
        if got == secret_hash(username, client_id, secret, strict=False):
            continue
        if not isinstance(got, str):
            return f"It returned {type(got).__name__}; return the base64 text (str)."
        return f"Wrong for username {username!r}. " + _name_the_mistake(
            username, client_id, secret, got
        )
    return None
