"""explain, fingerprint_authorization, the CLI and the troubleshooting form on the
OAuth endpoints' answers and Authorization headers (notebook 11)."""

from __future__ import annotations

import base64
import json

import pytest

import cognito_helpers as ch
from cognito_helpers.cli import main
from cognito_helpers.diagnosis.authorization import AUTHORIZATION_MISTAKES
from cognito_helpers.diagnosis.causes import OAUTH_CAUSES

CID = "1example23456789abcdefghij"
SECRET = "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmno"
OLD = "zyxwvutsrqponmlkjihgfedcba9876543210zyxwvutsrqponml"


def _basic(text: str) -> str:
    return "Basic " + base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize("error", [k.removeprefix("oauth_") for k in OAUTH_CAUSES])
@pytest.mark.parametrize(
    "form",
    ['{{"error":"{e}"}}', 'HTTP 400 {{"error": "{e}"}}',
     "http://localhost:8080/callback?error={e}&error_description=x&state=s"],
)
def test_explain_recognises_every_oauth_error(error, form):
    d = ch.explain(form.format(e=error))
    assert (d.status, d.key, d.confidence) == ("found", f"oauth_{error}", "high")
    assert d.fix and d.facts["oauth_error"] == error


def test_explain_oauth_names_the_endpoint_and_reads_a_bare_word():
    d = ch.explain("POST https://x.auth.us-east-1.amazoncognito.com/oauth2/token -> 400 "
                   '{"error":"invalid_client"}')
    assert d.facts["endpoint"] == "/oauth2/token" and "raw client secret" in d.fix
    word = ch.explain("OAuth2RequestError: invalid_client")
    assert word.key == "oauth_invalid_client" and word.confidence == "medium"


def test_catalogue_messages_still_win_over_oauth_words():
    d = ch.explain("NotAuthorizedException: Unable to verify secret hash for client abc "
                   "(invalid_request)")
    assert d.key == "hash_mismatch"


@pytest.mark.parametrize(
    ("header", "kwargs", "key"),
    [
        (_basic(f"{CID}:{SECRET}"), {}, "ok"),
        (_basic(f"{CID}:{ch.secret_hash('alice', CID, SECRET)}"), {"usernames": ["alice"]},
         "secret_hash_as_secret"),
        (_basic(f"{CID}:{ch.secret_hash('bob', CID, SECRET)}"), {}, "secret_hash_as_secret"),
        (_basic(ch.secret_hash("alice", CID, SECRET)), {"usernames": ["alice"]}, "hash_alone"),
        (_basic(f"{SECRET}:{CID}"), {}, "swapped"),
        (_basic(SECRET), {}, "secret_alone"),
        (_basic(CID), {}, "id_alone"),
        (f"Basic {CID}:{SECRET}", {}, "not_encoded"),
        ("Basic ***", {}, "not_base64"),
        (_basic(f"{CID}:{SECRET}\n"), {}, "secret_whitespace"),
        (_basic(f"{CID}:{OLD}"), {"previous_secrets": [OLD]}, "previous_secret"),
        (_basic(f"{CID}:{OLD}"), {}, "wrong_secret"),
        (_basic(f"other-client:{SECRET}"), {}, "wrong_client_id"),
        (f"Bearer {SECRET}", {}, "not_basic"),
        ("", {}, "missing"),
        (f"Authorization: {_basic(f'{CID}:{SECRET}')}", {}, "ok"),
    ],
)
def test_fingerprint_authorization_names_the_mistake(header, kwargs, key):
    d = ch.fingerprint_authorization(header, CID, SECRET, **kwargs)
    assert d.key == key, d.to_text()
    assert key in AUTHORIZATION_MISTAKES
    text = d.to_text() + json.dumps(d.to_json() if hasattr(d, "to_json") else "")
    assert SECRET not in text and OLD not in text


def test_urlsafe_base64_is_named():
    # a secret whose Basic encoding holds '+' or '/', sent with '-' and '_'
    secret = "a" * 40 + "?>?>?>"
    standard = base64.b64encode(f"{CID}:{secret}".encode()).decode()
    assert set(standard) & set("+/")
    urlsafe = standard.replace("+", "-").replace("/", "_")
    assert ch.fingerprint_authorization(f"Basic {urlsafe}", CID, secret).key == "urlsafe_base64"


def test_public_client():
    assert ch.fingerprint_authorization(_basic(f"{CID}:{SECRET}"), CID, public=True).key == (
        "secret_on_public_client")
    assert ch.fingerprint_authorization("", CID, public=True).status == "ok"


def test_without_the_secret_only_the_shape():
    hashed = _basic(f"{CID}:{ch.secret_hash('alice', CID, SECRET)}")
    assert ch.fingerprint_authorization(hashed, CID).key == "secret_hash_as_secret"
    assert ch.fingerprint_authorization(_basic(f"{CID}:{SECRET}"), CID).key == "no_secret_given"


@pytest.mark.parametrize("bad", [None, 3, "x" * 5000])
def test_bad_input_is_refused_clearly(bad):
    with pytest.raises(ch.InvalidInputError):
        ch.fingerprint_authorization(bad, CID, SECRET)


def test_cli_fingerprint_authorization(capsys, monkeypatch):
    monkeypatch.setenv("COGNITO_CLIENT_SECRET", SECRET)
    header = _basic(f"{CID}:{ch.secret_hash('alice', CID, SECRET)}")
    code = main(["fingerprint", "--client-id", CID, "--username", "alice",
                 "--authorization", header, "--json"])
    out = capsys.readouterr().out
    assert code == 1 and json.loads(out)["key"] == "secret_hash_as_secret"
    assert SECRET not in out
    assert main(["fingerprint", "--client-id", CID, "--authorization",
                 _basic(f"{CID}:{SECRET}")]) == 0


def test_cli_fingerprint_still_needs_sent_without_authorization(capsys, monkeypatch):
    monkeypatch.setenv("COGNITO_CLIENT_SECRET", SECRET)
    assert main(["fingerprint", "--client-id", CID, "--username", "alice"]) != 0
    assert "--sent" in capsys.readouterr().err


def test_troubleshoot_names_the_header_mistake():
    result = ch.troubleshoot('{"error":"invalid_client"}', client_id=CID, client_secret=SECRET,
                             authorization=_basic(f"{SECRET}:{CID}"))
    assert result.keys == ("oauth_invalid_client", "swapped") and not result.next_step
    assert SECRET not in repr(result) and SECRET not in result._repr_html_()


def test_troubleshooter_widget_has_the_authorization_box():
    form = ch.troubleshooter('{"error":"invalid_client"}', client_id=CID,
                             client_secret=SECRET)
    form.authorization.value = _basic(f"{CID}:{ch.secret_hash('alice', CID, SECRET)}")
    assert form.last.keys[-1] == "secret_hash_as_secret"
