"""The local Cognito's SRP server (cognito_helpers.local.srp) and what it keeps between calls.

Starting an SRP challenge needs no password, so its cost and what it leaves
behind are bounded (issue 12 item 6): the server's work is a few fixed-base
multiplications, not a 3072-bit ``pow``; an unanswered challenge lasts the
client's AuthSessionValidity (3 minutes by default), then AWS answers
``Invalid session for the user, session is expired.``; and at most
``MAX_PENDING_SRP`` wait at once, the oldest dropped first. Expiry is tested on
the local Cognito's clock (``advance_clock``), never by sleeping.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError

from cognito_helpers import LocalCognito
from cognito_helpers.local import signin, srp
from cognito_helpers.local.answers import aws_error

EXPIRED = ("NotAuthorizedException", "Invalid session for the user, session is expired.")
INVALID = ("NotAuthorizedException", "Invalid session for the user.")


@pytest.fixture
def lc() -> Iterator[LocalCognito]:
    """A local Cognito of its own: these tests move its clock forward."""
    with LocalCognito() as server:
        yield server


def error_of(call, **kwargs) -> tuple[str, str]:
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    err = info.value.response["Error"]
    return err["Code"], err["Message"]


def srp_start(cip, demo):
    """USER_SRP_AUTH on the public client with pycognito (an independent SRP client)."""
    from pycognito.aws_srp import AWSSRP

    client = AWSSRP(username=demo.username, password=demo.password, pool_id=demo.user_pool_id,
                    client_id=demo.public_client_id, client=cip)
    params = client.get_auth_params()
    start = cip.initiate_auth(ClientId=demo.public_client_id, AuthFlow="USER_SRP_AUTH",
                              AuthParameters=params)
    assert start["ChallengeName"] == "PASSWORD_VERIFIER"
    return start, client.process_challenge(start["ChallengeParameters"], params)


def answer(cip, demo, start, responses):
    return cip.respond_to_auth_challenge(
        ClientId=demo.public_client_id, ChallengeName="PASSWORD_VERIFIER",
        Session=start.get("Session", ""), ChallengeResponses=responses,
    )


# -- the math stays right and cheap -------------------------------------------------------


@pytest.mark.parametrize("bits", [0, 1, 4, 255, 256, 257, 511, 512, 513, 3072])
def test_g_pow_is_pow(bits: int):
    for _ in range(5):
        exponent = secrets.randbits(bits) if bits else 0
        assert srp.g_pow(exponent) == pow(srp.G, exponent, srp.N)


def test_starting_a_challenge_does_no_full_size_exponentiation(monkeypatch):
    # Every pow a challenge needs: the old code raised g to a ~3072-bit b (~50 ms of CPU
    # under the server's lock, for a request that needs no password).
    exponents: list[int] = []

    def counting_pow(base, exponent, mod=None):
        exponents.append(exponent)
        return pow(base, exponent, mod)

    monkeypatch.setattr(srp, "pow", counting_pow, raising=False)
    srp_a = format(pow(srp.G, secrets.randbits(256), srp.N), "x")
    challenge = srp.start_challenge("us-east-1_AbCdEf123", "alice", "Passw0rd!", srp_a)
    assert challenge is not None
    assert 0 < challenge.b_value.bit_length() <= srp.EXPONENT_BITS == 256
    assert all(e.bit_length() <= srp.EXPONENT_BITS for e in exponents)
    srp.verify_claim(challenge, "Tue Dec 1 10:00:00 UTC 2026", "AAAA")
    assert all(e.bit_length() <= srp.EXPONENT_BITS for e in exponents)


def test_a_right_proof_still_signs_in_and_a_replay_does_not(lc: LocalCognito):
    demo, cip = lc.demo(), lc.client()
    start, responses = srp_start(cip, demo)
    assert "AccessToken" in answer(cip, demo, start, responses)["AuthenticationResult"]
    assert error_of(answer, cip=cip, demo=demo, start=start, responses=responses) == INVALID


# -- unanswered challenges expire -----------------------------------------------------------


def test_the_expired_text_is_the_catalogues():
    entry = aws_error("session_expired")
    assert (entry.code, entry.template) == EXPIRED


def test_a_challenge_answered_after_three_minutes_is_expired(lc: LocalCognito):
    demo, cip = lc.demo(), lc.client()
    start, responses = srp_start(cip, demo)
    lc.advance_clock(2 * 60 + 50)  # still inside the 3 minutes
    assert "AccessToken" in answer(cip, demo, start, responses)["AuthenticationResult"]

    start, responses = srp_start(cip, demo)
    lc.advance_clock(3 * 60 + 1)
    assert error_of(answer, cip=cip, demo=demo, start=start, responses=responses) == EXPIRED
    # and it is gone: asked again, the session is simply unknown
    assert error_of(answer, cip=cip, demo=demo, start=start, responses=responses) == INVALID
    layer = lc._layer
    assert layer is not None and not layer._srp


def test_the_clients_auth_session_validity_sets_the_expiry(lc: LocalCognito):
    demo, cip = lc.demo(), lc.client()
    cip.update_user_pool_client(
        UserPoolId=demo.user_pool_id, ClientId=demo.public_client_id,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        AuthSessionValidity=10,
    )
    start, responses = srp_start(cip, demo)
    lc.advance_clock(9 * 60)
    assert "AccessToken" in answer(cip, demo, start, responses)["AuthenticationResult"]
    start, responses = srp_start(cip, demo)
    lc.advance_clock(10 * 60 + 1)
    assert error_of(answer, cip=cip, demo=demo, start=start, responses=responses) == EXPIRED


def test_expired_challenges_are_dropped_when_new_ones_come(lc: LocalCognito):
    demo, cip = lc.demo(), lc.client()
    for _ in range(3):
        srp_start(cip, demo)
    layer = lc._layer
    assert layer is not None and len(layer._srp) == 3
    lc.advance_clock(3 * 60 + 1)
    srp_start(cip, demo)
    assert len(layer._srp) == 1  # the three expired ones went, with their sessions
    assert len(layer._sessions) <= 3  # the new challenge's names, nothing older


# -- at most MAX_PENDING_SRP wait at once ----------------------------------------------------


def test_pending_challenges_are_bounded_oldest_first(lc: LocalCognito, monkeypatch):
    monkeypatch.setattr(signin, "MAX_PENDING_SRP", 3)
    demo, cip = lc.demo(), lc.client()
    from moto.cognitoidp.models import cognitoidp_backends

    layer = lc._layer
    assert layer is not None
    moto_sessions = cognitoidp_backends[layer.account_id][lc.region].sessions
    before = len(moto_sessions)
    started = [srp_start(cip, demo) for _ in range(5)]
    assert len(layer._srp) == 3
    assert len(moto_sessions) - before == 3  # moto's sessions behind the dropped ones went too
    oldest_start, oldest_responses = started[0]
    assert error_of(answer, cip=cip, demo=demo, start=oldest_start,
                    responses=oldest_responses) == INVALID
    newest_start, newest_responses = started[-1]
    assert "AccessToken" in answer(cip, demo, newest_start, newest_responses)[
        "AuthenticationResult"]
