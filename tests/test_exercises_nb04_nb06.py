"""The hints of notebooks 04-08's exercises: each classic mistake gets the hint that names it.

tests/test_exercises.py already runs every solution through its check and
refuses ``...`` and ``None``; these tests feed the checkers the wrong answers a
reader is likely to write (the alias in a challenge hash, the e-mail in a refresh
hash, a rotation that forgets the delete) and assert what the reader is told.
"""

from __future__ import annotations

import hmac
from typing import Any

import pytest
from pycognito.aws_srp import AWSSRP

import cognito_helpers as ch
from cognito_helpers.target import Target


def _target(demo: Any) -> Target:
    return Target.from_demo(demo)


# -- 04 ------------------------------------------------------------------------------


def test_04_1_hashing_the_typed_name_is_named() -> None:
    def typed(name: str, params: dict[str, str], client_id: str, secret: str) -> str:
        return ch.secret_hash(name, client_id, secret)

    result = ch.check_exercise("04.1", typed)
    assert result.status == "wrong"
    assert "hashed the name they typed" in result.message
    assert "function" in ch.check_exercise("04.1", "a hash").message


def _srp_sign_in(verifier_name: str):
    """An SRP sign-in whose PASSWORD_VERIFIER hash covers ``verifier_name`` ('typed'/'srp')."""

    def sign_in(cip, pool_id, client_id, secret, username, password):
        srp = AWSSRP(
            username=username, password=password, pool_id=pool_id, client_id=client_id, client=cip
        )
        params = dict(
            srp.get_auth_params(), SECRET_HASH=ch.secret_hash(username, client_id, secret)
        )
        challenge = cip.initiate_auth(
            AuthFlow="USER_SRP_AUTH", ClientId=client_id, AuthParameters=params
        )
        cp = challenge["ChallengeParameters"]
        responses = srp.process_challenge(cp, params)
        name = username if verifier_name == "typed" else cp["USER_ID_FOR_SRP"]
        responses["SECRET_HASH"] = ch.secret_hash(name, client_id, secret)
        return cip.respond_to_auth_challenge(
            ClientId=client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses
        )["AuthenticationResult"]

    return sign_in


def test_04_2_alias_in_the_verifier_hash_gets_the_hint(email_demo, local_cognito) -> None:
    wrong = ch.check_exercise(
        "04.2", _srp_sign_in("typed"), email_demo=email_demo, local_cognito=local_cognito
    )
    assert wrong.status == "wrong"
    assert "Unable to verify secret hash" in wrong.message
    assert "USER_ID_FOR_SRP" in wrong.message
    right = ch.check_exercise(
        "04.2", _srp_sign_in("srp"), email_demo=email_demo, local_cognito=local_cognito
    )
    assert right.ok, str(right)


def test_04_2_password_flow_is_refused_by_the_srp_only_client(email_demo, local_cognito) -> None:
    def password_flow(cip, pool_id, client_id, secret, username, password):
        return cip.initiate_auth(
            AuthFlow="USER_PASSWORD_AUTH",
            ClientId=client_id,
            AuthParameters={
                "USERNAME": username,
                "PASSWORD": password,
                "SECRET_HASH": ch.secret_hash(username, client_id, secret),
            },
        )["AuthenticationResult"]

    result = ch.check_exercise(
        "04.2", password_flow, email_demo=email_demo, local_cognito=local_cognito
    )
    assert result.status == "wrong" and "USER_SRP_AUTH only" in result.message


def test_04_3_a_gate_that_accepts_everything_or_forgets_token_use(demo) -> None:
    target = _target(demo)
    assert "accepted" in ch.check_exercise("05.1", lambda token: True, target=target).message
    jwks = ch.fetch_jwks(ch.jwks_url(target.region, target.user_pool_id, target.endpoint_url))
    issuer = ch.expected_issuer(target.region, target.user_pool_id, target.endpoint_url)

    def any_kind(token: str) -> bool:
        try:
            ch.verify_token(token, jwks=jwks, issuer=issuer, client_id=target.client_id)
        except ch.TokenError:
            return False
        return True

    result = ch.check_exercise("05.1", any_kind, target=target)
    assert result.status == "wrong" and "ID token" in result.message
    assert "True or False" in ch.check_exercise("05.1", lambda token: "yes", target=target).message


# -- 05 ------------------------------------------------------------------------------


def test_05_1_the_email_in_the_refresh_hash_is_named(email_demo, local_cognito) -> None:
    def over_email(access_token: str, client_id: str, secret: str) -> str:
        return ch.secret_hash(email_demo.username, client_id, secret)

    result = ch.check_exercise(
        "07.1", over_email, email_demo=email_demo, local_cognito=local_cognito
    )
    assert result.status == "wrong" and "internal username" in result.message

    def over_sub(access_token: str, client_id: str, secret: str) -> str:
        sub = ch.peek_token(access_token).claims["sub"]
        return ch.secret_hash(sub, client_id, secret)

    # sub == internal username in an email-as-username pool: also right
    assert ch.check_exercise(
        "07.1", over_sub, email_demo=email_demo, local_cognito=local_cognito
    ).ok


def test_05_2_the_email_in_the_challenge_hash_is_refused(email_demo, local_cognito) -> None:
    def over_email(cip, client_id, secret, username, challenge, new_password):
        canonical = challenge["ChallengeParameters"]["USER_ID_FOR_SRP"]
        return cip.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=challenge["Session"],
            ChallengeResponses={
                "USERNAME": canonical,
                "NEW_PASSWORD": new_password,
                "SECRET_HASH": ch.secret_hash(username, client_id, secret),
            },
        )["AuthenticationResult"]

    result = ch.check_exercise(
        "06.1", over_email, email_demo=email_demo, local_cognito=local_cognito
    )
    assert result.status == "wrong"
    assert "Unable to verify secret hash" in result.message and "canonical" in result.message


def test_05_3_quiz_hints() -> None:
    assert "missing" in ch.check_exercise("06.2", {"SignUp": "sent"}).message
    everything_sent = {
        label: "sent"
        for label in (
            "SignUp",
            "ConfirmForgotPassword",
            "InitiateAuth USER_SRP_AUTH",
            "InitiateAuth REFRESH_TOKEN_AUTH",
            "RespondToAuthChallenge NEW_PASSWORD_REQUIRED",
            "AdminRespondToAuthChallenge SOFTWARE_TOKEN_MFA",
        )
    }
    assert "3 wrong" in ch.check_exercise("06.2", everything_sent).message
    assert "one of" in ch.check_exercise("06.2", dict(everything_sent, SignUp="alias")).message


# -- 06 ------------------------------------------------------------------------------


def test_06_1_newest_is_named() -> None:
    def newest(secrets: list[dict[str, Any]]) -> str:
        return max(secrets, key=lambda d: d["ClientSecretCreateDate"])["ClientSecretId"]

    assert "just added" in ch.check_exercise("08.1", newest).message
    assert "from the list" in ch.check_exercise("08.1", lambda secrets: "x").message


def test_06_2_a_rotation_that_forgets_the_delete(demo, local_cognito) -> None:
    def add_only(cip, pool_id, client_id):
        added = cip.add_user_pool_client_secret(UserPoolId=pool_id, ClientId=client_id)
        return added["ClientSecretDescriptor"]["ClientSecretValue"]

    result = ch.check_exercise("08.2", add_only, demo=demo, local_cognito=local_cognito)
    assert result.status == "wrong" and "2 active secrets" in result.message


def test_06_2_returning_the_old_secret(demo, local_cognito) -> None:
    result = ch.check_exercise(
        "08.2", lambda cip, p, c: demo.client_secret, demo=demo, local_cognito=local_cognito
    )
    assert "old secret" in result.message


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda sent, user, client, secrets: True, "accepted a hash made with a deleted secret"),
        (
            lambda sent, user, client, secrets: hmac.compare_digest(
                ch.secret_hash(user, client, secrets[-1]), sent
            ),
            "refused a hash made with the old secret mid-rotation",
        ),
    ],
)
def test_06_3_hints(answer, hint) -> None:
    result = ch.check_exercise("08.3", answer)
    assert result.status == "wrong" and hint in result.message
