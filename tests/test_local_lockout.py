"""Lockout after failed passwords (cognito_helpers.local.lockout), on the clock a test controls.

AWS developer guide, "Lockout behavior for failed sign-in attempts": after five
failed password sign-ins the user is locked for 1 s, doubling per further
failure up to about 15 min (2^(n-5) s); attempts during a lock answer
"Password attempts exceeded" and do not lengthen it; a success after the lock
resets the count, as do 15 quiet minutes after a lockout.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from cognito_helpers import secret_hash
from cognito_helpers.exceptions import InvalidInputError
from cognito_helpers.local.clock import Clock
from cognito_helpers.local.lockout import Lockout, lock_seconds
from cognito_helpers.local.srp import N

EXCEEDED = ("NotAuthorizedException", "Password attempts exceeded")
WRONG = ("NotAuthorizedException", "Incorrect username or password.")


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    err = info.value.response["Error"]
    return err["Code"], err["Message"]


def password_call(cip, demo, password):
    return dict(
        ClientId=demo.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": demo.username,
            "PASSWORD": password,
            "SECRET_HASH": secret_hash(demo.username, demo.client_id, demo.client_secret),
        },
    )


def fail(cip, demo, times):
    for _ in range(times):
        assert error_of(cip.initiate_auth, **password_call(cip, demo, "Wrong-Pw1!")) in (
            WRONG,
            EXCEEDED,
        )


def test_lock_durations_follow_the_guide():
    assert [lock_seconds(n) for n in range(1, 5)] == [0, 0, 0, 0]
    assert [lock_seconds(n) for n in (5, 6, 7, 8)] == [1, 2, 4, 8]
    assert lock_seconds(14) == 512 and lock_seconds(15) == 900 and lock_seconds(40) == 900


def test_five_failures_lock_even_the_right_password(cip, demo, local_cognito):
    for _ in range(5):
        assert error_of(cip.initiate_auth, **password_call(cip, demo, "Wrong-Pw1!")) == WRONG
    assert error_of(cip.initiate_auth, **password_call(cip, demo, demo.password)) == EXCEEDED
    failures, left = local_cognito.lockout_state(demo.user_pool_id, demo.internal_username)
    assert failures == 5 and 0 < left <= 1
    local_cognito.advance_clock(1.01)
    result = cip.initiate_auth(**password_call(cip, demo, demo.password))
    assert "AccessToken" in result["AuthenticationResult"]
    assert local_cognito.lockout_state(demo.user_pool_id, demo.internal_username) == (0, 0.0)


def test_lock_doubles_and_attempts_during_it_do_not_count(cip, demo, local_cognito):
    fail(cip, demo, 5)
    local_cognito.advance_clock(1.01)
    assert error_of(cip.initiate_auth, **password_call(cip, demo, "Wrong-Pw1!")) == WRONG
    _, left = local_cognito.lockout_state(demo.user_pool_id, demo.internal_username)
    assert 1 < left <= 2  # the sixth failure: 2 s
    for _ in range(3):  # refused by the lock: not counted
        assert error_of(cip.initiate_auth, **password_call(cip, demo, "Wrong-Pw1!")) == EXCEEDED
    assert local_cognito.lockout_state(demo.user_pool_id, demo.internal_username)[0] == 6
    local_cognito.advance_clock(1.0)
    assert error_of(cip.initiate_auth, **password_call(cip, demo, demo.password)) == EXCEEDED
    local_cognito.advance_clock(1.01)
    assert cip.initiate_auth(**password_call(cip, demo, demo.password))["AuthenticationResult"]


def test_a_success_before_the_lock_resets_the_count(cip, demo, local_cognito):
    fail(cip, demo, 4)
    cip.initiate_auth(**password_call(cip, demo, demo.password))
    fail(cip, demo, 4)
    assert error_of(cip.initiate_auth, **password_call(cip, demo, "Wrong-Pw1!")) == WRONG
    assert local_cognito.lockout_state(demo.user_pool_id, demo.internal_username)[0] == 5


def test_fifteen_quiet_minutes_reset(cip, demo, local_cognito):
    fail(cip, demo, 9)  # 5 counted + lock-refused ones
    local_cognito.advance_clock(15 * 60 + 1)
    assert error_of(cip.initiate_auth, **password_call(cip, demo, "Wrong-Pw1!")) == WRONG
    assert local_cognito.lockout_state(demo.user_pool_id, demo.internal_username)[0] == 1


def test_admin_flow_shares_the_count(cip, demo):
    fail(cip, demo, 5)
    code = error_of(
        cip.admin_initiate_auth,
        UserPoolId=demo.user_pool_id,
        ClientId=demo.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": demo.username,
            "PASSWORD": demo.password,
            "SECRET_HASH": secret_hash(demo.username, demo.client_id, demo.client_secret),
        },
    )
    assert code == EXCEEDED


def test_srp_proof_counts_and_is_locked(cip, demo):
    # A wrong SRP proof is a failed password; during the lock even a right one is refused.
    def srp_attempt():
        start = cip.initiate_auth(
            ClientId=demo.public_client_id,
            AuthFlow="USER_SRP_AUTH",
            AuthParameters={"USERNAME": demo.username, "SRP_A": format(pow(2, 12345, N), "x")},
        )
        cp = start["ChallengeParameters"]
        return error_of(
            cip.respond_to_auth_challenge,
            ClientId=demo.public_client_id,
            ChallengeName="PASSWORD_VERIFIER",
            Session=start.get("Session", "x"),
            ChallengeResponses={
                "USERNAME": cp["USERNAME"],
                "PASSWORD_CLAIM_SECRET_BLOCK": cp["SECRET_BLOCK"],
                "PASSWORD_CLAIM_SIGNATURE": "AAAA",
                "TIMESTAMP": "Tue Dec 1 10:00:00 UTC 2026",
            },
        )

    for _ in range(5):
        assert srp_attempt() == WRONG
    assert srp_attempt() == EXCEEDED
    assert error_of(cip.initiate_auth, **password_call(cip, demo, demo.password)) == EXCEEDED


def test_one_user_locked_does_not_lock_another(cip, demo, local_cognito):
    other = local_cognito.demo()
    fail(cip, demo, 5)
    assert cip.initiate_auth(**password_call(cip, other, other.password))["AuthenticationResult"]


def test_clock_refuses_bad_input(local_cognito):
    with pytest.raises(InvalidInputError):
        local_cognito.advance_clock(-1)
    with pytest.raises(InvalidInputError):
        local_cognito.advance_clock(float("nan"))
    with pytest.raises(InvalidInputError):
        Clock(source=42)  # type: ignore[arg-type]


def test_lockout_on_a_clock_of_our_own():
    ticks = [1000.0]
    lockout = Lockout(Clock(lambda: ticks[0]))
    for _ in range(5):
        lockout.guard("p", "u")
        lockout.record("p", "u", ok=False)
    with pytest.raises(Exception, match="Password attempts exceeded"):
        lockout.guard("p", "u")
    ticks[0] += 1.0
    lockout.guard("p", "u")  # the 1 s lock is over
