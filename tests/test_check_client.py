"""check_client() against the local Cognito, and what it says when it cannot check."""

from __future__ import annotations

import socket

import boto3
import pytest
from botocore.config import Config
from botocore.stub import Stubber

from cognito_helpers import InvalidInputError, check_client
from cognito_helpers.diagnosis import pool_region


def _checks(d) -> dict[str, tuple[str, str]]:
    return {c.name: (c.status, c.text) for c in d.checks}


def test_client_with_secret(demo, cip) -> None:
    d = check_client(cip, demo.user_pool_id, demo.client_id)
    assert d.status == "ok", d.to_text()
    assert d.facts["has_secret"] is True
    checks = _checks(d)
    assert checks["secret"][0] == "info" and "must carry a SECRET_HASH" in checks["secret"][1]
    assert "ALLOW_USER_PASSWORD_AUTH" in checks["flows"][1]
    assert "rotation is off" in checks["refresh_rotation"][1]
    assert checks["secrets"][1].startswith("1 active secret")
    assert checks["region"][0] == "ok"
    assert demo.client_secret not in d.to_text() + d.to_json() + d._repr_html_()


def test_client_without_secret(demo, cip) -> None:
    d = check_client(cip, demo.user_pool_id, demo.public_client_id)
    assert d.status == "ok"
    assert d.facts["has_secret"] is False
    assert "send no SECRET_HASH" in _checks(d)["secret"][1]
    assert "has no secret" in d.cause


def test_rotation_shows_two_secrets(demo, cip) -> None:
    added = cip.add_user_pool_client_secret(UserPoolId=demo.user_pool_id, ClientId=demo.client_id)
    d = check_client(cip, demo.user_pool_id, demo.client_id)
    text = _checks(d)["secrets"][1]
    assert text.startswith("2 active secrets") and "rotation in progress" in text
    assert len(d.facts["client_secret_ids"]) == 2
    new_value = added["ClientSecretDescriptor"].get("ClientSecretValue")
    assert new_value and new_value not in d.to_json()


def test_refresh_token_rotation_on(demo, cip) -> None:
    current = cip.describe_user_pool_client(UserPoolId=demo.user_pool_id,
                                            ClientId=demo.public_client_id)["UserPoolClient"]
    cip.update_user_pool_client(UserPoolId=demo.user_pool_id, ClientId=demo.public_client_id,
                                ExplicitAuthFlows=current["ExplicitAuthFlows"],
                                RefreshTokenRotation={"Feature": "ENABLED",
                                                      "RetryGracePeriodSeconds": 10})
    d = check_client(cip, demo.user_pool_id, demo.public_client_id)
    assert d.facts["refresh_token_rotation"] is True
    assert "GetTokensFromRefreshToken" in _checks(d)["refresh_rotation"][1]


def test_region_mismatch(local_cognito, demo) -> None:
    other = local_cognito.client(region="eu-west-1")
    d = check_client(other, demo.user_pool_id, demo.client_id)
    assert d.status == "problem"
    status, text = _checks(d)["region"]
    assert status == "problem" and "us-east-1" in text and "eu-west-1" in text
    assert "Call region us-east-1" in d.fix


def test_endpoint_region_overrides(demo, cip) -> None:
    d = check_client(cip, demo.user_pool_id, demo.client_id, endpoint_region="ap-south-1")
    assert _checks(d)["region"][0] == "problem"


def test_unknown_client(demo, cip) -> None:
    d = check_client(cip, demo.user_pool_id, "nosuchclient0000000000000")
    assert d.status == "problem"
    assert _checks(d)["client"][0] == "problem"
    assert "does not exist" in _checks(d)["client"][1]
    assert _checks(d)["secret"][0] == "unchecked"


def test_access_denied_says_what_was_not_checked(demo) -> None:
    cip = boto3.client("cognito-idp", region_name="us-east-1", aws_access_key_id="x",
                       aws_secret_access_key="y", endpoint_url="http://127.0.0.1:9")
    with Stubber(cip) as stub:
        stub.add_client_error("describe_user_pool_client",
                              service_error_code="AccessDeniedException",
                              service_message="User is not authorized", http_status_code=400)
        d = check_client(cip, demo.user_pool_id, demo.client_id)
    assert d.status == "incomplete"
    checks = _checks(d)
    assert checks["client"][0] == "unchecked" and "AccessDeniedException" in checks["client"][1]
    assert "cognito-idp:DescribeUserPoolClient" in checks["client"][1]
    for name in ("secret", "flows", "refresh_rotation", "secrets"):
        assert checks[name][0] == "unchecked"
    assert checks["region"][0] == "ok"  # the region is still checked, from the ids alone
    assert "credentials" in d.fix


def test_list_secrets_denied(demo, cip) -> None:
    described = cip.describe_user_pool_client(UserPoolId=demo.user_pool_id,
                                              ClientId=demo.client_id)
    with Stubber(cip) as stub:
        stub.add_response("describe_user_pool_client", described)
        stub.add_client_error("list_user_pool_client_secrets",
                              service_error_code="AccessDeniedException")
        d = check_client(cip, demo.user_pool_id, demo.client_id)
    assert d.status == "incomplete"
    assert _checks(d)["secrets"][0] == "unchecked"
    assert _checks(d)["flows"][0] == "info"


def test_no_credentials(demo, local_cognito, monkeypatch, tmp_path) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    cip = boto3.session.Session(region_name="us-east-1").client(
        "cognito-idp", endpoint_url=local_cognito.endpoint_url)
    d = check_client(cip, demo.user_pool_id, demo.client_id)
    assert d.status == "incomplete"
    assert "no AWS credentials" in _checks(d)["client"][1]


def test_unreachable_endpoint(demo) -> None:
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cip = boto3.client("cognito-idp", region_name="us-east-1", aws_access_key_id="x",
                       aws_secret_access_key="y", endpoint_url=f"http://127.0.0.1:{port}",
                       config=Config(retries={"max_attempts": 1}, connect_timeout=2))
    d = check_client(cip, demo.user_pool_id, demo.client_id)
    assert d.status == "incomplete"
    assert d.facts["unreachable"] is True
    assert "could not reach" in _checks(d)["client"][1]
    # the network failed: no advice about credentials, which would change nothing
    assert "credentials" not in d.fix and f"127.0.0.1:{port}" in d.fix and "reachable" in d.fix


@pytest.mark.parametrize(
    ("pool", "client", "field"),
    [("not-a-pool", "abc", "user_pool_id"), ("us-east-1_Abc", "", "client_id"),
     ("us-east-1_Abc", " abc", "client_id"), (None, "abc", "user_pool_id")],
)
def test_bad_input(cip, pool, client, field) -> None:
    with pytest.raises(InvalidInputError) as info:
        check_client(cip, pool, client)
    assert info.value.field == field


def test_pool_region() -> None:
    assert pool_region("eu-west-1_AbCdEf123") == "eu-west-1"
    assert pool_region("us-gov-west-1_Abc") == "us-gov-west-1"
    with pytest.raises(InvalidInputError):
        pool_region("AbCdEf123")
