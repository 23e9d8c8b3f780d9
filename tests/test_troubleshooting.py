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


# -- the form assumes no terminal (issue 14 items 5 and 10) -------------------------------

HASH_ERROR = "Unable to verify secret hash for client 1example23456789abcdefghij"


def test_the_form_offers_itself_not_a_terminal_command() -> None:
    result = troubleshoot(HASH_ERROR)
    d = result.diagnoses[0][1]
    assert "cognito_helpers fingerprint" not in d.fix + " ".join(d.confirm)
    assert "fill in the username the failing call hashed" in d.fix
    assert any(c.startswith("This form names the mistake") for c in d.confirm)
    assert "in the Cognito console" in " ".join(d.confirm)
    # the engine itself, for terminal users, still names the command
    assert "python -m cognito_helpers fingerprint" in ch.explain(HASH_ERROR).fix


def test_backticks_render_as_code() -> None:
    html_out = troubleshoot(HASH_ERROR)._repr_html_()
    assert "`" not in html_out
    assert "<code>sub</code>" in html_out and "<code>python -m cognito_helpers check-client" in html_out


def test_urlsafe_evidence_shows_where_the_hashes_differ() -> None:
    import base64

    from cognito_helpers.hashing import hmac_sha256

    u, c, s = "username", "EPswPGbpdBLZnh9XW134hK7qYe", "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b"
    sent = base64.urlsafe_b64encode(hmac_sha256(s.encode(), (u + c).encode())).decode()
    result = troubleshoot(username=u, client_id=c, client_secret=s, sent=sent)
    evidence = result.diagnoses[-1][1].evidence
    assert evidence[0].split(": ")[1] == evidence[1].split(": ")[1]  # masked, they look the same
    assert "'-' where '+' is expected (character 35)" in evidence[2]
    text = repr(result) + result._repr_html_()
    assert s not in text and ch.secret_hash(u, c, s) not in text and sent not in text


def test_no_duplicate_evidence_and_no_stutter() -> None:
    u, c, s = "alice", "1example23456789abcdefghij", "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b"
    d = ch.fingerprint(u, c, s, s)  # the raw secret sent as the hash
    assert len(d.evidence) == len(set(d.evidence))
    assert not any("trimmed" in e for e in d.evidence)
    title = ch.explain("App client is not configured for secret but secret hash was received").cause
    assert "app the app" not in title and "but the app client has no client secret" in title
