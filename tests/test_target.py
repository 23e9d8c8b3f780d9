"""get_target(): local by default, a real pool from the environment, clear errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cognito_helpers import ConfigurationError, get_target, reset_local_target, secret_hash
from cognito_helpers.target import ENV_VARS, Target

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


# -- issue 14 item 1: the README's example values, and a way to non-strict -------------

REPO = Path(__file__).resolve().parent.parent


def _readme_examples() -> dict[str, str]:
    """The "Use a real user pool" table of the README: variable -> its fake example."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Use a real user pool", 1)[1].split("\n## ", 1)[0]
    out: dict[str, str] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not cells[0].startswith("`"):
            continue
        names = re.findall(r"`([^`]+)`", cells[0])
        values = re.findall(r"`([^`]+)`", cells[1])
        assert len(names) == len(values), line
        out.update(zip(names, values, strict=True))
    return out


def _profile_file(tmp_path: Path, *names: str) -> dict[str, str]:
    config = tmp_path / "config"
    config.write_text("".join(f"[profile {n}]\nregion = eu-west-1\n" for n in names))
    return {"AWS_CONFIG_FILE": str(config),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials")}


def test_readme_example_values_pass_get_target(tmp_path):
    examples = _readme_examples()
    assert set(ENV_VARS) <= set(examples)
    assert {k: examples[k] for k in ENV_VARS} == ENV_VARS  # one set of examples
    env = {k: v for k, v in examples.items() if k != "COGNITO_STRICT"}  # strict: Cognito's rules
    target = get_target({**env, **_profile_file(tmp_path, env["AWS_PROFILE"])})
    assert target.kind == "real" and target.strict is True
    assert (target.user_pool_id, target.client_id) == (env["COGNITO_USER_POOL_ID"],
                                                        env["COGNITO_CLIENT_ID"])
    assert len(target.client_id) == 26 and len(target.client_secret) == 51
    assert target.secret_hash()  # the example secret hashes under Cognito's rules
    assert examples["COGNITO_STRICT"] == "0"


def test_cognito_strict_0_hashes_values_as_given():
    odd = {**REAL, "COGNITO_CLIENT_SECRET": "example-secret-read-from-your-secrets-store"}
    with pytest.raises(ConfigurationError) as info:
        get_target(odd)
    message = str(info.value)
    assert "COGNITO_CLIENT_SECRET contains '-'" in message
    assert "set COGNITO_STRICT=0" in message and "strict=False" not in message
    assert odd["COGNITO_CLIENT_SECRET"] not in message
    for off in ("0", "false", "No", " off "):
        target = get_target({**odd, "COGNITO_STRICT": off})
        assert target.strict is False
        assert target.secret_hash("alice") == secret_hash(
            "alice", REAL["COGNITO_CLIENT_ID"], odd["COGNITO_CLIENT_SECRET"], strict=False)
    assert get_target(odd, strict=False).strict is False
    assert get_target({**REAL, "COGNITO_STRICT": "1"}).strict is True
    with pytest.raises(ConfigurationError, match="COGNITO_STRICT='maybe' is neither on nor off"):
        get_target({**REAL, "COGNITO_STRICT": "maybe"})
    with pytest.raises(ConfigurationError, match="COGNITO_STRICT"):
        get_target({"COGNITO_STRICT": "2"})  # refused for the local Cognito too


# -- issue 12 item 14: half-set environments and malformed values, before any call ------


@pytest.mark.parametrize("stray", [
    {"COGNITO_CLIENT_SECRET": REAL["COGNITO_CLIENT_SECRET"]},
    {"COGNITO_ENDPOINT_URL": "http://127.0.0.1:5000"},
    {"COGNITO_USERNAME": "alice", "COGNITO_PASSWORD": "Passw0rd!"},
])
def test_half_set_environment_is_not_silently_local(stray):
    with pytest.raises(ConfigurationError) as info:
        get_target(stray)
    message = str(info.value)
    for var in stray:
        assert var in message
    assert "COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID are not" in message
    assert "to use the local Cognito, unset" in message
    for value in stray.values():
        if "PASSWORD" in value or value == REAL["COGNITO_CLIENT_SECRET"]:
            assert value not in message


@pytest.mark.parametrize(("endpoint", "says"), [
    ("ftp://127.0.0.1:5000", "must start with http:// or https://, not ftp://"),
    ("127.0.0.1:5000", "must start with http:// or https://"),
    ("http://127.0.0.1:5000\n", "ends with '\\n'"),
    ("http://127.0.0.1:5000\nhttp://evil", "contains '\\n'"),
    ("http://", "has no host"),
    ("http://127.0.0.1:99999", "is not a URL"),
    ("http://[::1", "is not a URL"),
    ("http://user:pw@127.0.0.1:5000", "carries a user name or password"),
    ("http://127.0.0.1:5000/?x=1", "query or fragment"),
])
def test_malformed_endpoint_is_reported_before_any_call(endpoint, says):
    with pytest.raises(ConfigurationError) as info:
        get_target({**REAL, "COGNITO_ENDPOINT_URL": endpoint})
    assert says in str(info.value)
    assert "COGNITO_ENDPOINT_URL" in str(info.value)
    assert "pw@" not in str(info.value)


def test_good_endpoints_pass():
    for url in ("http://127.0.0.1:5000", "https://cognito-idp.eu-west-1.amazonaws.com",
                "http://[::1]:8700/", "http://localhost:8701"):
        assert get_target({**REAL, "COGNITO_ENDPOINT_URL": url}).endpoint_url == url


@pytest.mark.parametrize(("var", "value", "says"), [
    ("COGNITO_USERNAME", "alice\n", "COGNITO_USERNAME ends with a newline"),
    ("COGNITO_USERNAME", " alice", "COGNITO_USERNAME starts with a space"),
    ("COGNITO_PASSWORD", "Passw0rd!\n", "COGNITO_PASSWORD ends with a newline"),
    ("COGNITO_PASSWORD", "Passw0rd! ", "COGNITO_PASSWORD ends with whitespace"),
    ("COGNITO_PASSWORD", "Pass\nw0rd!", "COGNITO_PASSWORD contains a line break"),
])
def test_stray_newline_in_login_is_reported(var, value, says):
    with pytest.raises(ConfigurationError) as info:
        get_target({**REAL, "COGNITO_USERNAME": "alice", "COGNITO_PASSWORD": "Passw0rd!",
                    var: value})
    assert says in str(info.value)
    if var == "COGNITO_PASSWORD":
        assert "Passw0rd" not in str(info.value) and "w0rd" not in str(info.value)


# -- issue 14 item 7: an AWS_PROFILE that does not exist --------------------------------


def test_missing_aws_profile_is_named(tmp_path):
    files = _profile_file(tmp_path, "workshop-admin")
    with pytest.raises(ConfigurationError) as info:
        get_target({**REAL, **files, "AWS_PROFILE": "no-such-profile"})
    message = str(info.value)
    assert "AWS_PROFILE='no-such-profile' names a profile that does not exist" in message
    assert "workshop-admin" in message and str(tmp_path / "config") in message
    assert "aws configure --profile no-such-profile" in message
    assert get_target({**REAL, **files, "AWS_PROFILE": "workshop-admin"}).profile == "workshop-admin"


def test_require_credentials_names_the_missing_profile(monkeypatch, tmp_path):
    """No ProfileNotFound traceback and no "set AWS_PROFILE" while it is set."""
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    for var, value in _profile_file(tmp_path, "empty-profile").items():
        monkeypatch.setenv(var, value)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    gone = Target("real", "eu-west-1", REAL["COGNITO_USER_POOL_ID"], REAL["COGNITO_CLIENT_ID"],
                  None, None, profile="no-such-profile")
    assert gone.has_credentials is False
    with pytest.raises(ConfigurationError, match="names a profile that does not exist"):
        gone.require_credentials()
    with pytest.raises(ConfigurationError, match="names a profile that does not exist"):
        gone.client()
    empty = Target("real", "eu-west-1", REAL["COGNITO_USER_POOL_ID"], REAL["COGNITO_CLIENT_ID"],
                   None, None, profile="empty-profile")
    with pytest.raises(ConfigurationError, match=r"'empty-profile' .* exists but holds no credentials"):
        empty.require_credentials()


def test_client_can_ask_once_and_refuses_odd_attempt_counts(demo):
    from cognito_helpers import InvalidInputError
    from cognito_helpers.target import Target

    target = Target.from_demo(demo)
    assert target.client().meta.config.retries["total_max_attempts"] == 4  # as before
    assert target.client(attempts=1).meta.config.retries["total_max_attempts"] == 1
    for bad in (0, 11, True, "1", 1.5):
        with pytest.raises(InvalidInputError, match="attempts"):
            target.client(attempts=bad)
