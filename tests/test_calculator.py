"""cognito_helpers.lessons.calculator: the correct hash and the common mistakes, secret never shown."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cognito_helpers as ch
from cognito_helpers.lessons.calculator import hash_variants

U, C, S = "username", "EPswPGbpdBLZnh9XW134hK7qYe", "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b"
RIGHT = "oUkNFqfm7UjLds8vXFWarT1l3gqORGoztf+EyFmoX2Q="


def _mac(key: str, msg: str) -> bytes:
    return hmac.new(key.encode(), msg.encode(), hashlib.sha256).digest()


def test_correct_matches_the_public_vector() -> None:
    hv = hash_variants(U, C, S)
    assert hv.correct == RIGHT == ch.secret_hash(U, C, S)
    assert next(iter(hv)).key == "correct"
    assert hv.problems == ()


def test_each_mistake_is_what_its_label_says() -> None:
    hv = hash_variants(U, C, S)
    assert hv["hex"].value == _mac(S, U + C).hex()
    assert hv["reversed"].value == base64.b64encode(_mac(S, C + U)).decode()
    assert hv["urlsafe"].value == base64.urlsafe_b64encode(_mac(S, U + C)).decode()
    assert hv["newline"].value == base64.b64encode(_mac(S + "\n", U + C)).decode()
    assert hv["raw_secret"].value == S
    assert hv["swapped"].value == base64.b64encode(_mac(U + C, S)).decode()
    assert hv["sha256"].value == base64.b64encode(hashlib.sha256((S + U + C).encode()).digest()).decode()
    assert len({v.value for v in hv}) == len(ch.MISTAKES), "all variants differ here"


def test_secret_never_shown() -> None:
    hv = hash_variants(U, C, S, sent=S)
    shown = repr(hv) + hv._repr_html_() + repr(list(hv)) + hv.verdict()
    assert S not in shown
    assert ch.mask(S) in shown
    assert hv.match is not None and hv.match.key == "raw_secret"
    assert "Raw secret" in hv.verdict()


def test_sent_marks_the_matching_row() -> None:
    hv = hash_variants(U, C, S, sent=" " + hash_variants(U, C, S)["reversed"].value + "\n")
    assert hv.match.key == "reversed"
    assert "<- your app sent this" in repr(hv)
    assert "background" in hv._repr_html_()
    assert hash_variants(U, C, S, sent=RIGHT).verdict().endswith("is correct for these inputs.")
    assert "matches none" in hash_variants(U, C, S, sent="nope").verdict()
    assert hash_variants(U, C, S).verdict() == ""


def test_problems_name_the_field_and_keep_hashing() -> None:
    hv = hash_variants(U, "us-east-1_AbC", S + "\n")
    assert any(p.startswith("client_id:") for p in hv.problems)
    assert any(p.startswith("client_secret:") and "newline" in p for p in hv.problems)
    # hashed exactly as given, like secret_hash(strict=False)
    assert hv.correct == ch.secret_hash(U, "us-east-1_AbC", S + "\n", strict=False)
    assert "\\n (52 chars)" in repr(hv), "an invisible character in the mask is escaped"
    assert S not in repr(hv)


@pytest.mark.parametrize(
    ("args", "field"),
    [(("", C, S), "username"), ((U, 5, S), "client_id"), ((U, C, ""), "client_secret"),
     ((U, C, "a\udc80b"), "client_secret")],
)
def test_bad_input_is_a_clear_error(args: tuple, field: str) -> None:
    with pytest.raises(ch.InvalidInputError) as info:
        hash_variants(*args)
    assert info.value.field == field


def test_unknown_variant_key() -> None:
    with pytest.raises(KeyError, match="known: correct, hex"):
        hash_variants(U, C, S)["nope"]


@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20),
    st.from_regex(r"[a-z0-9]{26}", fullmatch=True),
    st.from_regex(r"[a-z0-9]{51}", fullmatch=True),
)
def test_correct_agrees_with_secret_hash(username: str, client_id: str, secret: str) -> None:
    hv = hash_variants(username, client_id, secret)
    assert hv.correct == ch.secret_hash(username, client_id, secret, strict=False)
    assert secret not in repr(hv) + hv._repr_html_()
