"""verify_flow(): sign-in and refresh with a correct hash; the first failing step, explained."""

from __future__ import annotations

import pytest

from cognito_helpers import InvalidInputError, verify_flow


def _secrets_absent(d, *values: str) -> None:
    out = d.to_text() + d.to_json() + d._repr_html_()
    for v in values:
        assert v not in out


def test_user_password_flow_passes(demo, cip) -> None:
    d = verify_flow(cip, demo.client_id, demo.username, demo.password,
                    client_secret=demo.client_secret)
    assert d.status == "ok", d.to_text()
    assert [c.status for c in d.checks] == ["ok", "ok", "ok"]
    _secrets_absent(d, demo.client_secret, demo.password)


def test_email_pool_refresh_uses_the_internal_username(email_demo, cip) -> None:
    d = verify_flow(cip, email_demo.client_id, email_demo.username, email_demo.password,
                    client_secret=email_demo.client_secret, user_pool_id=email_demo.user_pool_id,
                    flow="ADMIN_USER_PASSWORD_AUTH")
    assert d.status == "ok", d.to_text()
    assert d.facts["internal_username"] == email_demo.internal_username
    assert email_demo.internal_username in d.fix


def test_public_client(demo, cip) -> None:
    d = verify_flow(cip, demo.public_client_id, demo.username, demo.password)
    assert d.status == "ok"


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"password": "Wrong-password-1!"}, "wrong_password"),
        ({"client_secret": None}, "secret_missing"),
        ({"client_secret": "a" * 51}, "hash_mismatch"),
        ({"username": "nobody"}, "user_not_found"),
    ],
)
def test_first_failing_step_is_explained(demo, cip, change, key) -> None:
    args = {"client_id": demo.client_id, "username": demo.username, "password": demo.password,
            "client_secret": demo.client_secret} | change
    d = verify_flow(cip, args.pop("client_id"), args.pop("username"), args.pop("password"),
                    **args)
    assert d.status == "problem"
    assert d.key == key, d.to_text()
    assert d.checks[-1].status == "problem" and d.checks[-1].name.startswith("sign in")
    _secrets_absent(d, demo.client_secret, demo.password)


def test_hash_sent_to_public_client(demo, cip) -> None:
    d = verify_flow(cip, demo.public_client_id, demo.username, demo.password,
                    client_secret=demo.client_secret)
    assert d.key == "hash_not_configured"


def test_new_password_challenge_stops_there(demo, cip) -> None:
    cip.admin_create_user(UserPoolId=demo.user_pool_id, Username="carol",
                          TemporaryPassword="Temp-pass-123!", MessageAction="SUPPRESS")
    d = verify_flow(cip, demo.client_id, "carol", "Temp-pass-123!",
                    client_secret=demo.client_secret)
    assert d.status == "incomplete" and d.key == "challenge"
    assert "NEW_PASSWORD_REQUIRED" in d.cause and "'carol'" in d.fix


def test_bad_secret_characters_fail_the_hash_step(demo, cip) -> None:
    d = verify_flow(cip, demo.client_id, demo.username, demo.password,
                    client_secret=demo.client_secret + "\n")
    assert d.status == "problem" and d.key == "bad_input"
    assert "client_secret" in d.cause
    _secrets_absent(d, demo.client_secret)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"flow": "USER_SRP_AUTH"}, "flow"), ({"password": ""}, "password"),
     ({"flow": "ADMIN_USER_PASSWORD_AUTH"}, "user_pool_id")],
)
def test_bad_input(cip, kwargs, field) -> None:
    args = {"client_id": "abc", "username": "alice", "password": "pw"} | kwargs
    with pytest.raises(InvalidInputError) as info:
        verify_flow(cip, args.pop("client_id"), args.pop("username"), args.pop("password"),
                    **args)
    assert info.value.field == field


def test_non_strict_hashes_the_secret_as_given(demo, cip) -> None:
    """strict=False (COGNITO_STRICT=0, verify --no-strict) reaches Cognito with an odd secret."""
    odd = "not-a-cognito-secret"
    refused = verify_flow(cip, demo.client_id, demo.username, demo.password, client_secret=odd)
    assert refused.key == "bad_input"
    assert "set COGNITO_STRICT=0" in refused.cause and odd not in refused.cause
    sent = verify_flow(cip, demo.client_id, demo.username, demo.password, client_secret=odd,
                       strict=False)
    assert sent.checks[0].status == "ok"  # hashed as given, then Cognito refuses the wrong secret
    assert sent.key == "hash_mismatch"
