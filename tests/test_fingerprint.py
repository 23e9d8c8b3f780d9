"""fingerprint(): every mistake in the list is named exactly, and nothing else is claimed."""

from __future__ import annotations

import json

import pytest
from diagnosis_cases import CLIENT_ID, PREVIOUS_SECRET, SECRET, FpCase, fingerprint_cases, right

from cognito_helpers import InvalidInputError, fingerprint, mask
from cognito_helpers.diagnosis.fingerprint import MISTAKES

CASES = fingerprint_cases()


def _outputs(d) -> str:
    return "\n".join([d.to_text(), d.to_json(), d._repr_html_(), repr(d)])


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_mistake_is_named(case: FpCase) -> None:
    d = fingerprint(case.username, CLIENT_ID, SECRET, case.sent,
                    other_usernames=case.others, previous_secrets=case.previous)
    assert d.key == case.key, d.to_text()
    assert d.kind == "fingerprint"
    if case.key == "correct":
        assert d.status == "ok" and d.ok
    elif case.key == "no_match":
        assert d.status == "unknown" and d.confidence == "none"
        assert d.cause == "No known mistake matches this hash."
    else:
        assert d.status == "found" and d.confidence == "high"
        for part in case.key.split("+"):
            assert MISTAKES[part][1] in d.fix  # each mistake's fix is given
        assert d.facts["mistakes"] == case.key.split("+")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_no_secret_in_any_rendering(case: FpCase) -> None:
    d = fingerprint(case.username, CLIENT_ID, SECRET, case.sent,
                    other_usernames=case.others, previous_secrets=case.previous)
    out = _outputs(d)
    assert SECRET not in out
    assert PREVIOUS_SECRET not in out
    # the sent value is shown masked only (it may be the secret itself)
    if len(case.sent) >= 10:
        assert case.sent.strip() not in out
        assert mask(case.sent) in out


def test_every_listed_mistake_has_a_case() -> None:
    covered = {part for c in CASES for part in c.key.split("+")}
    assert set(MISTAKES) <= covered | {"correct"}, set(MISTAKES) - covered


def test_exact_match_only_a_near_miss_is_no_match() -> None:
    good = right("alice")
    near = good[:-2] + ("A=" if good[-2] != "A" else "B=")
    assert fingerprint("alice", CLIENT_ID, SECRET, near).key == "no_match"
    # a hex digest one character short is not "hex digest"
    hexed = fingerprint("alice", CLIENT_ID, SECRET, bytes(32).hex()[:-1])
    assert hexed.key == "no_match"


def test_alias_needs_the_other_username_to_be_named() -> None:
    sent = right("alice@example.com")
    sub = "7d1f0c3e-5a2b-4c6d-9e8f-0a1b2c3d4e5f"
    assert fingerprint(sub, CLIENT_ID, SECRET, sent).key == "no_match"
    d = fingerprint(sub, CLIENT_ID, SECRET, sent, other_usernames=["alice@example.com"])
    assert d.key == "other_username"
    assert "'alice@example.com' instead of '7d1f0c3e" in d.cause


def test_known_answer_vectors_are_correct() -> None:
    # docs/facts.md#known-answer-vectors
    d = fingerprint("username", "EPswPGbpdBLZnh9XW134hK7qYe",
                    "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b",
                    "oUkNFqfm7UjLds8vXFWarT1l3gqORGoztf+EyFmoX2Q=")
    assert d.key == "correct"
    d = fingerprint("a@b.com", "user-pool-client-id", "user-pool-client-secret",
                    "hJAY3VKwKQyz2H1A6+Jgy7nUxmNepNrLTL8ltH+BzX8=")
    assert d.key == "correct"


def test_json_is_parseable_and_complete() -> None:
    d = fingerprint("alice", CLIENT_ID, SECRET, right("alice")[:-1])
    data = json.loads(d.to_json())
    assert data["key"] == "missing_padding"
    assert data["status"] == "found"
    assert set(data) >= {"cause", "fix", "evidence", "confidence", "confirm", "facts"}
    assert data["facts"]["client_id"] == CLIENT_ID


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"username": ""}, "username"),
        ({"client_id": ""}, "client_id"),
        ({"client_secret": ""}, "client_secret"),
        ({"sent": ""}, "sent"),
        ({"sent": None}, "sent"),
        ({"sent": "x" * 5000}, "sent"),
        ({"username": 5}, "username"),
    ],
)
def test_bad_input_names_the_field(kwargs: dict, field: str) -> None:
    args = {"username": "alice", "client_id": CLIENT_ID, "client_secret": SECRET,
            "sent": right("alice")} | kwargs
    with pytest.raises(InvalidInputError) as info:
        fingerprint(**args)
    assert info.value.field == field
    assert SECRET not in str(info.value)


def test_other_usernames_given_as_one_string() -> None:
    d = fingerprint("sub-1", CLIENT_ID, SECRET, right("bob"), other_usernames="bob")
    assert d.key == "other_username"


def test_lone_surrogates_render_printably() -> None:
    # bytes that are not UTF-8 on a command line arrive as lone surrogates
    d = fingerprint("al\udcc3ice", CLIENT_ID, SECRET, "000000000\ud800")
    for text in (d.to_text(), d.to_json(), d._repr_html_()):
        text.encode("utf-8")  # raises if a surrogate is left
    assert "\\ud800" in d.to_text()
