"""cognito_helpers.lessons.troubleshooting: what the troubleshooting form shows, for any partial input."""

from __future__ import annotations

import pytest

import cognito_helpers as ch
from cognito_helpers.lessons.troubleshooting import troubleshoot

U, C, S = "username", "EPswPGbpdBLZnh9XW134hK7qYe", "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b"
MISMATCH = (
    "An error occurred (NotAuthorizedException) when calling the InitiateAuth operation: "
    f"Unable to verify secret hash for client {C}"
)


def test_nothing_filled_in_asks_for_the_error() -> None:
    result = troubleshoot()
    assert result.diagnoses == () and result.keys == ()
    assert result.next_step.startswith("Paste the complete error")


def test_a_hash_error_alone_asks_for_the_hash_inputs() -> None:
    result = troubleshoot(MISMATCH)
    assert result.keys == ("hash_mismatch",)
    assert "username, client id, client secret, the hash your app sent" in result.next_step


def test_a_non_hash_error_needs_nothing_more() -> None:
    result = troubleshoot(f"User pool client {C} does not exist.")
    assert result.keys == ("client_not_found",)
    assert result.next_step == ""


def test_unknown_text_asks_for_the_complete_error() -> None:
    result = troubleshoot("login failed")
    assert result.diagnoses[0][1].status == "unknown"
    assert "complete error" in result.next_step


@pytest.mark.parametrize(
    ("mistake", "key"),
    [("hex", "hex_digest"), ("reversed", "reversed_order"), ("newline", "secret_whitespace"),
     ("raw_secret", "raw_secret"), ("correct", "correct")],
)
def test_error_plus_inputs_names_the_mistake(mistake: str, key: str) -> None:
    sent = ch.hash_variants(U, C, S)[mistake].value
    result = troubleshoot(MISMATCH, username=U, client_id=C, client_secret=S, sent=sent)
    assert result.keys == ("hash_mismatch", key)
    assert result.next_step == ""
    shown = repr(result) + result._repr_html_()
    assert S not in shown


def test_alias_is_found_among_other_usernames() -> None:
    sent = ch.secret_hash("maria@example.com", C, S)
    result = troubleshoot(username="7f3c2a10-1b2c-4d5e-8f90-123456789abc", client_id=C,
                          client_secret=S, sent=sent, other_usernames=" maria@example.com, x ")
    assert result.keys == ("other_username",)


def test_the_error_names_another_client() -> None:
    result = troubleshoot(MISMATCH, client_id="1example23456789abcdefghij")
    assert any("names app client" in p for p in result.problems)


def test_bad_input_is_a_problem_line_not_an_exception() -> None:
    result = troubleshoot(username="a b", client_id=C, client_secret=S, sent="x" * 44)
    assert result.problems or result.diagnoses  # never raises
    result = troubleshoot(None, username=5, client_id=C, client_secret=S, sent="abc")  # type: ignore[arg-type]
    assert result.keys == ()
    assert "username" in result.next_step
