"""secret_hash: known answers, an independent implementation, input rules."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cognito_helpers import CognitoHelpersError, InvalidInputError, secret_hash
from cognito_helpers.hashing import check_client_id, check_client_secret, check_username

# Public known-answer vectors (docs/facts.md#known-answer-vectors).
VECTOR_1 = (
    "username",
    "EPswPGbpdBLZnh9XW134hK7qYe",
    "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b",
    "oUkNFqfm7UjLds8vXFWarT1l3gqORGoztf+EyFmoX2Q=",
)
VECTOR_2 = (
    "a@b.com",
    "user-pool-client-id",
    "user-pool-client-secret",
    "hJAY3VKwKQyz2H1A6+Jgy7nUxmNepNrLTL8ltH+BzX8=",
)
CLIENT_ID = "1example23456789abcdefghij"
SECRET = "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b"


def test_known_answer_vector_1():
    username, client_id, secret, expected = VECTOR_1
    assert secret_hash(username, client_id, secret) == expected


def test_known_answer_vector_2_needs_non_strict():
    # The vector's placeholder ids contain '-', which real Cognito ids never do.
    username, client_id, secret, expected = VECTOR_2
    assert secret_hash(username, client_id, secret, strict=False) == expected
    with pytest.raises(InvalidInputError, match="client_id: contains '-'"):
        secret_hash(username, client_id, secret)


def test_shape_is_standard_padded_base64_of_32_bytes():
    value = secret_hash("alice", CLIENT_ID, SECRET)
    assert len(value) == 44 and value.endswith("=")
    assert len(base64.b64decode(value, validate=True)) == 32


NON_ASCII = ["józef", "ユーザー", "пользователь", "😀user", "e\u0301cole", "Zoë@example.com"]


@pytest.mark.parametrize("username", NON_ASCII)
def test_non_ascii_usernames_hash_their_utf8_bytes(username):
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), (username + CLIENT_ID).encode("utf-8"), hashlib.sha256).digest()
    ).decode()
    assert secret_hash(username, CLIENT_ID, SECRET) == expected


def test_utf8_not_latin1():
    # moto encodes with latin-1; AWS (and we) use UTF-8: the two differ for 'é'.
    latin1 = base64.b64encode(
        hmac.new(SECRET.encode(), ("josé" + CLIENT_ID).encode("latin-1"), hashlib.sha256).digest()
    ).decode()
    assert secret_hash("josé", CLIENT_ID, SECRET) != latin1


@pytest.mark.parametrize("username", ["username", "a@b.com", *NON_ASCII])
def test_agrees_with_pycognito(username):
    from pycognito.aws_srp import AWSSRP

    assert AWSSRP.get_secret_hash(username, CLIENT_ID, SECRET) == secret_hash(
        username, CLIENT_ID, SECRET
    )


@given(
    username=st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs", "Cc", "Cf", "Co", "Cn", "Zs", "Zl", "Zp")
        ),
        min_size=1,
        max_size=40,
    ).filter(lambda s: not any(c.isspace() for c in s)),
    client_id=st.from_regex(r"[a-z0-9]{26}", fullmatch=True),
    secret=st.from_regex(r"[a-z0-9]{51}", fullmatch=True),
)
def test_agrees_with_pycognito_on_arbitrary_input(username, client_id, secret):
    from pycognito.aws_srp import AWSSRP

    assert secret_hash(username, client_id, secret) == AWSSRP.get_secret_hash(
        username, client_id, secret
    )


@pytest.mark.parametrize(
    ("secret", "says"),
    [
        (SECRET + "\n", "ends with a newline"),
        (SECRET + "\r\n", "carriage return"),
        (" " + SECRET, "starts with a space"),
        (SECRET + "\t", "ends with a tab"),
        ("\ufeff" + SECRET, "byte-order mark"),
    ],
)
def test_whitespace_in_secret_is_refused_not_stripped(secret, says):
    with pytest.raises(InvalidInputError) as info:
        secret_hash("alice", CLIENT_ID, secret)
    text = str(info.value)
    assert text.startswith("client_secret:")
    assert says in text
    assert SECRET not in text  # the message never shows the secret


def test_non_strict_hashes_whitespace_exactly_as_given():
    with_newline = secret_hash("alice", CLIENT_ID, SECRET + "\n", strict=False)
    assert with_newline != secret_hash("alice", CLIENT_ID, SECRET)
    expected = base64.b64encode(
        hmac.new((SECRET + "\n").encode(), ("alice" + CLIENT_ID).encode(), hashlib.sha256).digest()
    ).decode()
    assert with_newline == expected


@pytest.mark.parametrize(
    ("args", "field", "says"),
    [
        ((None, CLIENT_ID, SECRET), "username", "expected text (str), got NoneType"),
        ((b"alice", CLIENT_ID, SECRET), "username", "got bytes"),
        (("", CLIENT_ID, SECRET), "username", "is empty"),
        (("alice", "", SECRET), "client_id", "is empty"),
        (("alice", CLIENT_ID, ""), "client_secret", "is empty"),
        (("alice", CLIENT_ID, 42), "client_secret", "got int"),
        (("alice bob", CLIENT_ID, SECRET), "username", "a space"),
        (("alice\n", CLIENT_ID, SECRET), "username", "ends with a newline"),
        (("a" * 129, CLIENT_ID, SECRET), "username", "at most 128"),
        (("alice", "us-east-1_AbCdEf123", SECRET), "client_id", "user pool id"),
        (("alice", CLIENT_ID, "sec-ret-" + "x" * 30), "client_secret", "contains '-'"),
        (("alice", CLIENT_ID, "x" * 65), "client_secret", "at most 64"),
        (("alice\ud800", CLIENT_ID, SECRET), "username", "lone surrogate"),
        (("al\x00ice", CLIENT_ID, SECRET), "username", "U+0000"),
    ],
)
def test_bad_input_names_the_field(args, field, says):
    with pytest.raises(InvalidInputError) as info:
        secret_hash(*args)
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}:")
    assert says in str(info.value)
    assert isinstance(info.value, ValueError) and isinstance(info.value, CognitoHelpersError)


def test_non_strict_still_refuses_surrogates_with_a_clear_error():
    with pytest.raises(InvalidInputError, match="lone surrogate"):
        secret_hash("al\udcffice", CLIENT_ID, SECRET, strict=False)


def test_checkers_return_the_value():
    assert check_username("józef") == "józef"
    assert check_client_id(CLIENT_ID) == CLIENT_ID
    assert check_client_secret(SECRET) == SECRET
