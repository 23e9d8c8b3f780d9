"""Refresh and refresh-token rotation (cognito_helpers.local.refresh).

Sources: API reference, RefreshTokenRotationType ("the original refresh token
... can remain valid for a period of time of up to 60 seconds ... When
RetryGracePeriodSeconds is 0, ... a successful request immediately invalidates
the submitted refresh token"; "Refresh token rotation must be completed with
GetTokensFromRefreshToken"); GetTokensFromRefreshToken (raw ClientSecret;
RefreshTokenReuseException); OpenID Connect Core 12.2 (auth_time kept).
"""

from __future__ import annotations

import jwt
import pytest
from botocore.exceptions import ClientError

from cognito_helpers import explain, secret_hash

REUSED = "RefreshTokenReuseException"


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    err = info.value.response["Error"]
    return err["Code"], err["Message"]


def rotating_client(cip, demo, grace):
    client = cip.create_user_pool_client(
        UserPoolId=demo.user_pool_id,
        ClientName=f"rotating-{grace}",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": grace},
    )["UserPoolClient"]
    return client["ClientId"], client["ClientSecret"]


def sign_in(cip, demo, client_id, secret):
    return cip.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": demo.username,
            "PASSWORD": demo.password,
            "SECRET_HASH": secret_hash(demo.username, client_id, secret),
        },
    )["AuthenticationResult"]


def refresh(cip, client_id, secret, token):
    return cip.get_tokens_from_refresh_token(
        ClientId=client_id, ClientSecret=secret, RefreshToken=token
    )["AuthenticationResult"]


def test_rotation_returns_a_new_refresh_token(cip, demo):
    client_id, secret = rotating_client(cip, demo, 10)
    first = sign_in(cip, demo, client_id, secret)
    renewed = refresh(cip, client_id, secret, first["RefreshToken"])
    assert renewed["RefreshToken"] != first["RefreshToken"]
    assert len(renewed["RefreshToken"].split(".")) == 5
    # The sign-in the tokens stand for does not change: same auth_time and origin_jti.
    before = jwt.decode(first["IdToken"], options={"verify_signature": False})
    after = jwt.decode(renewed["IdToken"], options={"verify_signature": False})
    assert after["auth_time"] == before["auth_time"]
    assert after["origin_jti"] == before["origin_jti"]
    # the new one keeps working, and rotates again
    assert refresh(cip, client_id, secret, renewed["RefreshToken"])["RefreshToken"]


def test_old_token_works_during_the_grace_period_then_is_refused(cip, demo, local_cognito):
    client_id, secret = rotating_client(cip, demo, 10)
    old = sign_in(cip, demo, client_id, secret)["RefreshToken"]
    refresh(cip, client_id, secret, old)
    local_cognito.advance_clock(9)
    assert refresh(cip, client_id, secret, old)["AccessToken"]  # a retry inside the grace
    local_cognito.advance_clock(2)
    code, message = error_of(
        cip.get_tokens_from_refresh_token, ClientId=client_id, ClientSecret=secret, RefreshToken=old
    )
    assert code == REUSED
    assert explain(f"{code}: {message}").key == "refresh_token_reused"


def test_zero_grace_invalidates_at_once(cip, demo):
    client_id, secret = rotating_client(cip, demo, 0)
    old = sign_in(cip, demo, client_id, secret)["RefreshToken"]
    refresh(cip, client_id, secret, old)
    code, _ = error_of(
        cip.get_tokens_from_refresh_token, ClientId=client_id, ClientSecret=secret, RefreshToken=old
    )
    assert code == REUSED


def test_refresh_token_auth_refused_on_rotating_clients(cip, demo):
    client_id, secret = rotating_client(cip, demo, 10)
    token = sign_in(cip, demo, client_id, secret)["RefreshToken"]
    code, message = error_of(
        cip.initiate_auth,
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={
            "REFRESH_TOKEN": token,
            "SECRET_HASH": secret_hash(demo.internal_username, client_id, secret),
        },
    )
    assert code == "InvalidParameterException"
    assert "GetTokensFromRefreshToken" in message


def test_without_rotation_no_new_refresh_token(cip, demo):
    first = sign_in(cip, demo, demo.client_id, demo.client_secret)
    renewed = refresh(cip, demo.client_id, demo.client_secret, first["RefreshToken"])
    assert "RefreshToken" not in renewed
    # ...and the same token keeps working (no rotation, no reuse rule)
    assert refresh(cip, demo.client_id, demo.client_secret, first["RefreshToken"])


def test_get_tokens_needs_the_raw_secret(cip, demo):
    token = sign_in(cip, demo, demo.client_id, demo.client_secret)["RefreshToken"]
    code, _ = error_of(
        cip.get_tokens_from_refresh_token,
        ClientId=demo.client_id,
        ClientSecret=secret_hash(demo.internal_username, demo.client_id, demo.client_secret),
        RefreshToken=token,
    )
    # A base64 hash (with '=', maybe '/') does not even fit ClientSecretType ([\w+]+, 24-64
    # chars, API model): AWS's validation refuses it before any secret is compared.
    assert code == "InvalidParameterException"
    code, _ = error_of(
        cip.get_tokens_from_refresh_token,
        ClientId=demo.client_id,
        ClientSecret="x" * 51,  # fits the type, is not the secret
        RefreshToken=token,
    )
    assert code == "NotAuthorizedException"


def test_revoked_token(cip, demo):
    result = sign_in(cip, demo, demo.client_id, demo.client_secret)
    token = result["RefreshToken"]
    cip.global_sign_out(AccessToken=result["AccessToken"])
    code, message = error_of(
        cip.get_tokens_from_refresh_token,
        ClientId=demo.client_id,
        ClientSecret=demo.client_secret,
        RefreshToken=token,
    )
    assert code == "NotAuthorizedException"
    assert message == "Refresh Token has been revoked"


def test_token_of_another_client_is_invalid(cip, demo):
    token = sign_in(cip, demo, demo.client_id, demo.client_secret)["RefreshToken"]
    assert error_of(
        cip.get_tokens_from_refresh_token, ClientId=demo.public_client_id, RefreshToken=token
    ) == ("NotAuthorizedException", "Invalid Refresh Token")


@pytest.mark.parametrize(
    ("rotation", "where"),
    [
        ({"Feature": "ENABLED", "RetryGracePeriodSeconds": 61}, "retryGracePeriodSeconds"),
        ({"Feature": "SOMETIMES"}, "refreshTokenRotation.feature"),
    ],
)
def test_rotation_setting_is_validated(cip, demo, rotation, where):
    # RefreshTokenRotationType: Feature ENABLED | DISABLED, RetryGracePeriodSeconds 0-60.
    code, message = error_of(
        cip.create_user_pool_client,
        UserPoolId=demo.user_pool_id,
        ClientName="bad-rotation",
        RefreshTokenRotation=rotation,
    )
    assert code == "InvalidParameterException"
    assert message.startswith("1 validation error detected") and where in message


# -- issue 25 item 3 (b): a disabled user's refresh token signs nobody in ------------------


def test_a_disabled_users_refresh_token_is_refused_by_both_refresh_calls(cip, demo):
    # AdminDisableUser (API reference): "A deactivated user can't sign in"; every
    # sign-in flow answers NotAuthorizedException "User is disabled.".
    first = sign_in(cip, demo, demo.client_id, demo.client_secret)
    token = first["RefreshToken"]
    hashed = secret_hash(demo.username, demo.client_id, demo.client_secret)
    cip.admin_disable_user(UserPoolId=demo.user_pool_id, Username=demo.username)
    try:
        assert error_of(cip.initiate_auth, ClientId=demo.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                        AuthParameters={"REFRESH_TOKEN": token, "SECRET_HASH": hashed}) == (
            "NotAuthorizedException", "User is disabled.")
        assert error_of(cip.get_tokens_from_refresh_token, ClientId=demo.client_id,
                        ClientSecret=demo.client_secret, RefreshToken=token) == (
            "NotAuthorizedException", "User is disabled.")
        # a refresh token that is not one still says so first (nothing about the user leaks)
        assert error_of(cip.get_tokens_from_refresh_token, ClientId=demo.client_id,
                        ClientSecret=demo.client_secret, RefreshToken="x" * 40)[0] == (
            "NotAuthorizedException")
    finally:
        cip.admin_enable_user(UserPoolId=demo.user_pool_id, Username=demo.username)
