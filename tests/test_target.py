"""get_target(): local by default, a real pool from the environment, clear errors."""

from __future__ import annotations

import pytest

from cognito_helpers import ConfigurationError, get_target, reset_local_target
from cognito_helpers.target import Target

REAL = {
    "COGNITO_USER_POOL_ID": "eu-west-1_AbCdEf123",
    "COGNITO_CLIENT_ID": "1example23456789abcdefghij",
    "COGNITO_CLIENT_SECRET": "examplesecret0123456789abcdefghijklmnopqrstuvwxyz",
    "AWS_REGION": "eu-west-1",
}


def test_real_target_from_environment():
    target = get_target(REAL)
    assert target.kind == "real" and target.region == "eu-west-1"
    assert target.endpoint_url is None
    text = repr(target) + target.describe()
    assert REAL["COGNITO_CLIENT_SECRET"] not in text
    assert "ex…yz (49 chars)" in text


def test_region_defaults_to_the_pool_prefix():
    env = {k: v for k, v in REAL.items() if k != "AWS_REGION"}
    assert get_target(env).region == "eu-west-1"


def test_region_mismatch_is_caught_before_any_call():
    with pytest.raises(
        ConfigurationError, match="lives in eu-west-1 but the AWS region is us-east-1"
    ):
        get_target({**REAL, "AWS_REGION": "us-east-1"})


@pytest.mark.parametrize("missing", ["COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID"])
def test_half_configured_is_an_error(missing):
    env = {k: v for k, v in REAL.items() if k != missing}
    with pytest.raises(ConfigurationError, match=f"{missing} not set"):
        get_target(env)


def test_not_a_pool_id():
    with pytest.raises(ConfigurationError, match="is not a user pool id"):
        get_target({**REAL, "COGNITO_USER_POOL_ID": "my-pool"})


def test_secret_with_trailing_newline_from_env():
    with pytest.raises(ConfigurationError) as info:
        get_target({**REAL, "COGNITO_CLIENT_SECRET": REAL["COGNITO_CLIENT_SECRET"] + "\n"})
    assert "COGNITO_CLIENT_SECRET ends with a newline" in str(info.value)
    assert REAL["COGNITO_CLIENT_SECRET"] not in str(info.value)


def test_missing_credentials_message(monkeypatch, tmp_path):
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    target = get_target(REAL)
    assert target.has_credentials is False
    with pytest.raises(ConfigurationError, match="no AWS credentials found"):
        target.require_credentials()


def test_local_target_by_default_and_reused():
    reset_local_target()
    try:
        first = get_target({})
        assert first.kind == "local" and first.endpoint_url.startswith("http://127.0.0.1:")
        assert get_target({}) is first
        fresh = get_target({}, fresh=True)
        assert fresh.user_pool_id != first.user_pool_id
        result = fresh.client().initiate_auth(
            ClientId=fresh.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={
                "USERNAME": fresh.username,
                "PASSWORD": fresh.password,
                "SECRET_HASH": fresh.secret_hash(),
            },
        )
        assert "AccessToken" in result["AuthenticationResult"]
    finally:
        reset_local_target()


def test_real_path_runs_against_a_local_endpoint(demo):
    # Code for real AWS, exercised against the local Cognito via COGNITO_ENDPOINT_URL.
    env = {
        "COGNITO_USER_POOL_ID": demo.user_pool_id.split("_")[0]
        + "_"
        + demo.user_pool_id.split("_")[1],
        "COGNITO_CLIENT_ID": demo.client_id,
        "COGNITO_CLIENT_SECRET": demo.client_secret,
        "COGNITO_USERNAME": demo.username,
        "COGNITO_PASSWORD": demo.password,
        "COGNITO_ENDPOINT_URL": demo.endpoint_url,
        "AWS_REGION": demo.region,
    }
    target = get_target(env)
    assert target.kind == "real"
    result = target.client().initiate_auth(
        ClientId=target.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": target.username,
            "PASSWORD": target.password,
            "SECRET_HASH": target.secret_hash(),
        },
    )
    assert "IdToken" in result["AuthenticationResult"]


def test_secret_hash_without_secret_says_why():
    target = Target("real", "eu-west-1", "eu-west-1_Abc", "abc", None, None, username="u")
    with pytest.raises(ConfigurationError, match="has no secret"):
        target.secret_hash()
