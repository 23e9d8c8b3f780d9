"""The local Cognito answers like AWS: each fidelity rule, through boto3 on loopback.

Expected texts come from the shared catalogue (cognito_helpers.local.answers),
which mirrors docs/facts.md#what-cognito-answers; a few are spelled out here on purpose
so a change to the catalogue cannot silently change what we claim AWS says.
"""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from cognito_helpers import secret_hash
from cognito_helpers.local.srp import N

ALL_FLOWS = [
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
]


def error_of(call, **kwargs) -> tuple[str, str]:
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    err = info.value.response["Error"]
    return err["Code"], err["Message"]


def password_auth(demo, username=None, password=None, secret_hash_value=None, client_id=None):
    params = {"USERNAME": username or demo.username, "PASSWORD": password or demo.password}
    if secret_hash_value is not None:
        params["SECRET_HASH"] = secret_hash_value
    return dict(
        ClientId=client_id or demo.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters=params,
    )


def good_hash(demo, username=None):
    return secret_hash(username or demo.username, demo.client_id, demo.client_secret)


# -- InitiateAuth USER_PASSWORD_AUTH: the article's three attempts ---------------


def test_no_hash_on_a_client_with_secret(cip, demo):
    code, message = error_of(cip.initiate_auth, **password_auth(demo))
    assert code == "NotAuthorizedException"
    assert message == (
        f"Client {demo.client_id} is configured with secret but SECRET_HASH was not received"
    )


def test_raw_secret_as_the_hash(cip, demo):
    code, message = error_of(
        cip.initiate_auth, **password_auth(demo, secret_hash_value=demo.client_secret)
    )
    assert (code, message) == (
        "NotAuthorizedException",
        f"Unable to verify secret hash for client {demo.client_id}",
    )


def test_right_hash_signs_in(cip, demo):
    result = cip.initiate_auth(**password_auth(demo, secret_hash_value=good_hash(demo)))
    tokens = result["AuthenticationResult"]
    assert {"AccessToken", "IdToken", "RefreshToken"} <= set(tokens)


def test_wrong_password_with_right_hash(cip, demo):
    code, message = error_of(
        cip.initiate_auth,
        **password_auth(demo, password="Wrong-pass-1", secret_hash_value=good_hash(demo)),
    )
    assert (code, message) == ("NotAuthorizedException", "Incorrect username or password.")


def test_hash_sent_to_a_client_without_secret(cip, demo):
    code, message = error_of(
        cip.initiate_auth,
        **password_auth(demo, client_id=demo.public_client_id, secret_hash_value="c29tZQ=="),
    )
    assert code == "InvalidParameterException"
    assert message == (
        f"App client {demo.public_client_id} is not configured for secret but secret hash was received"
    )


def test_public_client_signs_in_without_hash(cip, demo):
    result = cip.initiate_auth(**password_auth(demo, client_id=demo.public_client_id))
    assert "AccessToken" in result["AuthenticationResult"]


def test_unknown_client_id(cip, demo):
    code, message = error_of(
        cip.initiate_auth, **password_auth(demo, client_id="2nosuchclient0000000000000")
    )
    assert (code, message) == (
        "ResourceNotFoundException",
        "User pool client 2nosuchclient0000000000000 does not exist.",
    )


def test_hash_over_the_wrong_username_fails(cip, demo):
    wrong = secret_hash("bob", demo.client_id, demo.client_secret)
    code, _ = error_of(cip.initiate_auth, **password_auth(demo, secret_hash_value=wrong))
    assert code == "NotAuthorizedException"


def test_hash_is_utf8_for_non_ascii_usernames(cip, demo, local_cognito):
    username = "józef-ユーザー"
    cip.admin_create_user(UserPoolId=demo.user_pool_id, Username=username, MessageAction="SUPPRESS")
    cip.admin_set_user_password(
        UserPoolId=demo.user_pool_id, Username=username, Password="Józef-pass-1!", Permanent=True
    )
    ok = cip.initiate_auth(
        **password_auth(demo, username, "Józef-pass-1!", good_hash(demo, username))
    )
    assert "AccessToken" in ok["AuthenticationResult"]


def test_unconfirmed_user(cip, demo):
    cip.sign_up(
        ClientId=demo.client_id,
        Username="carol",
        Password="Carol-pass-1!",
        SecretHash=good_hash(demo, "carol"),
        UserAttributes=[{"Name": "email", "Value": "carol@example.com"}],
    )
    code, message = error_of(
        cip.initiate_auth, **password_auth(demo, "carol", "Carol-pass-1!", good_hash(demo, "carol"))
    )
    assert (code, message) == ("UserNotConfirmedException", "User is not confirmed.")


# -- AdminInitiateAuth -----------------------------------------------------------


def admin_auth(demo, secret_hash_value=None, flow="ADMIN_USER_PASSWORD_AUTH"):
    params = {"USERNAME": demo.username, "PASSWORD": demo.password}
    if secret_hash_value is not None:
        params["SECRET_HASH"] = secret_hash_value
    return dict(
        UserPoolId=demo.user_pool_id, ClientId=demo.client_id, AuthFlow=flow, AuthParameters=params
    )


def test_admin_flow_checks_the_hash(cip, demo):
    assert error_of(cip.admin_initiate_auth, **admin_auth(demo)) == (
        "NotAuthorizedException",
        f"Client {demo.client_id} is configured with secret but SECRET_HASH was not received",
    )
    assert error_of(cip.admin_initiate_auth, **admin_auth(demo, "AAAA")) == (
        "NotAuthorizedException",
        f"Unable to verify secret hash for client {demo.client_id}",
    )
    ok = cip.admin_initiate_auth(**admin_auth(demo, good_hash(demo)))
    assert "IdToken" in ok["AuthenticationResult"]


def test_admin_wrong_password_is_awss_text_not_the_username(cip, demo):
    args = admin_auth(demo, good_hash(demo))
    args["AuthParameters"]["PASSWORD"] = "Nope-nope-1"
    assert error_of(cip.admin_initiate_auth, **args) == (
        "NotAuthorizedException",
        "Incorrect username or password.",
    )


def test_admin_call_with_unknown_pool(cip, demo):
    args = admin_auth(demo, good_hash(demo))
    args["UserPoolId"] = "us-east-1_NoSuchPool"
    assert error_of(cip.admin_initiate_auth, **args) == (
        "ResourceNotFoundException",
        "User pool us-east-1_NoSuchPool does not exist.",
    )


# -- ExplicitAuthFlows ------------------------------------------------------------


def test_explicit_auth_flows_are_enforced(cip, demo):
    srp_only = cip.create_user_pool_client(
        UserPoolId=demo.user_pool_id,
        ClientName="srp-only",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    h = secret_hash(demo.username, srp_only["ClientId"], srp_only["ClientSecret"])
    code, message = error_of(
        cip.initiate_auth,
        **password_auth(demo, client_id=srp_only["ClientId"], secret_hash_value=h),
    )
    assert (code, message) == (
        "InvalidParameterException",
        "USER_PASSWORD_AUTH flow not enabled for this client",
    )
    args = admin_auth(demo, h)
    args["ClientId"] = srp_only["ClientId"]
    assert error_of(cip.admin_initiate_auth, **args) == (
        "InvalidParameterException",
        "Auth flow not enabled for this client",
    )


def test_default_flows_when_none_given(cip, demo):
    client = cip.create_user_pool_client(UserPoolId=demo.user_pool_id, ClientName="defaults")[
        "UserPoolClient"
    ]
    described = cip.describe_user_pool_client(
        UserPoolId=demo.user_pool_id, ClientId=client["ClientId"]
    )
    assert sorted(described["UserPoolClient"]["ExplicitAuthFlows"]) == [
        "ALLOW_CUSTOM_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
        "ALLOW_USER_SRP_AUTH",
    ]
    assert "ClientSecret" not in described["UserPoolClient"]
    code, _ = error_of(cip.initiate_auth, **password_auth(demo, client_id=client["ClientId"]))
    assert code == "InvalidParameterException"


# -- secrets look like Cognito's -------------------------------------------------------


def test_generated_secret_looks_like_cognitos(cip, demo):
    assert re.fullmatch(r"[a-z0-9]{51}", demo.client_secret)
    described = cip.describe_user_pool_client(UserPoolId=demo.user_pool_id, ClientId=demo.client_id)
    assert described["UserPoolClient"]["ClientSecret"] == demo.client_secret


def test_custom_client_secret_at_creation(cip, demo):
    custom = "My_custom+secret_0123456789abcdef"
    client = cip.create_user_pool_client(
        UserPoolId=demo.user_pool_id,
        ClientName="custom",
        ClientSecret=custom,
        ExplicitAuthFlows=ALL_FLOWS,
    )["UserPoolClient"]
    assert client["ClientSecret"] == custom
    h = secret_hash(demo.username, client["ClientId"], custom)
    assert cip.initiate_auth(
        **password_auth(demo, client_id=client["ClientId"], secret_hash_value=h)
    )


@pytest.mark.parametrize("bad", ["too-short", "has spaces in it but is long enough", "x" * 65])
def test_invalid_custom_secret_is_refused_without_echoing_it(local_cognito, demo, bad):
    import boto3
    from botocore.config import Config

    # boto3 checks lengths itself; switch that off so the server's answer is tested.
    raw = boto3.session.Session(
        aws_access_key_id="AKIATEST", aws_secret_access_key="test", region_name=local_cognito.region
    ).client(
        "cognito-idp",
        endpoint_url=local_cognito.endpoint_url,
        config=Config(parameter_validation=False),
    )
    code, message = error_of(
        raw.create_user_pool_client,
        UserPoolId=demo.user_pool_id,
        ClientName="bad",
        ClientSecret=bad,
    )
    assert code == "InvalidParameterException"
    assert bad not in message


def test_generate_and_custom_secret_together_is_refused(cip, demo):
    code, _ = error_of(
        cip.create_user_pool_client,
        UserPoolId=demo.user_pool_id,
        ClientName="both",
        GenerateSecret=True,
        ClientSecret="A" * 30,
    )
    assert code == "InvalidParameterException"


# -- the sign-up family: top-level SecretHash over the exact Username sent --------------


def test_sign_up_family_end_to_end(cip, demo, local_cognito):
    user = "dave"
    h = good_hash(demo, user)
    attrs = [{"Name": "email", "Value": "dave@example.com"}]
    # missing and wrong hash
    code, message = error_of(
        cip.sign_up,
        ClientId=demo.client_id,
        Username=user,
        Password="Dave-pass-1!",
        UserAttributes=attrs,
    )
    assert (code, message) == (
        "NotAuthorizedException",
        f"Client {demo.client_id} is configured for secret but secret was not received",
    )
    code, message = error_of(
        cip.sign_up,
        ClientId=demo.client_id,
        Username=user,
        Password="Dave-pass-1!",
        SecretHash=good_hash(demo, "someone-else"),
        UserAttributes=attrs,
    )
    assert message == f"Unable to verify secret hash for client {demo.client_id}"
    # right hash
    signed = cip.sign_up(
        ClientId=demo.client_id,
        Username=user,
        Password="Dave-pass-1!",
        SecretHash=h,
        UserAttributes=attrs,
    )
    assert signed["UserConfirmed"] is False
    assert signed["CodeDeliveryDetails"] == {
        "Destination": "d***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    first = local_cognito.last_code(user)
    assert re.fullmatch(r"\d{6}", first)
    # resend: needs the hash too, issues a new code
    assert (
        error_of(cip.resend_confirmation_code, ClientId=demo.client_id, Username=user)[0]
        == "NotAuthorizedException"
    )
    resent = cip.resend_confirmation_code(ClientId=demo.client_id, Username=user, SecretHash=h)
    assert resent["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    code_now = local_cognito.last_code(user)
    # confirm: hash checked, wrong code refused with AWS's text
    assert (
        error_of(
            cip.confirm_sign_up, ClientId=demo.client_id, Username=user, ConfirmationCode=code_now
        )[0]
        == "NotAuthorizedException"
    )
    wrong_code = "000000" if code_now != "000000" else "111111"
    assert error_of(
        cip.confirm_sign_up,
        ClientId=demo.client_id,
        Username=user,
        ConfirmationCode=wrong_code,
        SecretHash=h,
    ) == ("CodeMismatchException", "Invalid verification code provided, please try again.")
    cip.confirm_sign_up(
        ClientId=demo.client_id, Username=user, ConfirmationCode=code_now, SecretHash=h
    )
    assert cip.initiate_auth(**password_auth(demo, user, "Dave-pass-1!", h))["AuthenticationResult"]
    # already confirmed
    assert error_of(
        cip.resend_confirmation_code, ClientId=demo.client_id, Username=user, SecretHash=h
    ) == (
        "InvalidParameterException",
        "User is already confirmed.",
    )


def test_forgot_password_round_trip(cip, demo, local_cognito):
    h = good_hash(demo)
    assert (
        error_of(cip.forgot_password, ClientId=demo.client_id, Username=demo.username)[0]
        == "NotAuthorizedException"
    )
    sent = cip.forgot_password(ClientId=demo.client_id, Username=demo.username, SecretHash=h)
    assert sent["CodeDeliveryDetails"]["Destination"] == "a***@e***"
    code = local_cognito.last_code(demo.username)
    assert (
        error_of(
            cip.confirm_forgot_password,
            ClientId=demo.client_id,
            Username=demo.username,
            ConfirmationCode=code,
            Password="New-pass-123!",
            SecretHash="d3Jvbmc=",
        )[1]
        == f"Unable to verify secret hash for client {demo.client_id}"
    )
    cip.confirm_forgot_password(
        ClientId=demo.client_id,
        Username=demo.username,
        ConfirmationCode=code,
        Password="New-pass-123!",
        SecretHash=h,
    )
    assert cip.initiate_auth(**password_auth(demo, password="New-pass-123!", secret_hash_value=h))
    # the code is used up
    assert (
        error_of(
            cip.confirm_forgot_password,
            ClientId=demo.client_id,
            Username=demo.username,
            ConfirmationCode=code,
            Password="Other-pass-123!",
            SecretHash=h,
        )[0]
        == "ExpiredCodeException"
    )


def test_unknown_user_in_sign_up_family(cip, demo):
    h = good_hash(demo, "nobody")
    assert error_of(
        cip.resend_confirmation_code, ClientId=demo.client_id, Username="nobody", SecretHash=h
    ) == (
        "UserNotFoundException",
        "Username/client id combination not found.",
    )


# -- challenges: ChallengeResponses.SECRET_HASH over the canonical username ----------------


def test_new_password_required_challenge(cip, demo):
    cip.admin_create_user(
        UserPoolId=demo.user_pool_id,
        Username="erin",
        TemporaryPassword="Temp-pass-1!",
        MessageAction="SUPPRESS",
    )
    h = good_hash(demo, "erin")
    challenge = cip.initiate_auth(**password_auth(demo, "erin", "Temp-pass-1!", h))
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert challenge["ChallengeParameters"]["USERNAME"] == "erin"
    assert challenge["ChallengeParameters"]["requiredAttributes"] == "[]"
    assert "userAttributes" in challenge["ChallengeParameters"]
    base = dict(
        ClientId=demo.client_id, ChallengeName="NEW_PASSWORD_REQUIRED", Session=challenge["Session"]
    )
    _code, message = error_of(
        cip.respond_to_auth_challenge,
        **base,
        ChallengeResponses={"USERNAME": "erin", "NEW_PASSWORD": "Final-pass-1!"},
    )
    assert (
        message
        == f"Client {demo.client_id} is configured with secret but SECRET_HASH was not received"
    )
    done = cip.respond_to_auth_challenge(
        **base,
        ChallengeResponses={"USERNAME": "erin", "NEW_PASSWORD": "Final-pass-1!", "SECRET_HASH": h},
    )
    assert "AccessToken" in done["AuthenticationResult"]


def srp_start(cip, demo, password=None):
    """Begin USER_SRP_AUTH with pycognito's client (an independent SRP implementation)."""
    from pycognito.aws_srp import AWSSRP

    srp = AWSSRP(
        username=demo.username,
        password=password or demo.password,
        pool_id=demo.user_pool_id,
        client_id=demo.client_id,
        client=cip,
        client_secret=demo.client_secret,
    )
    auth_params = srp.get_auth_params()
    start = cip.initiate_auth(
        ClientId=demo.client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=auth_params
    )
    assert start["ChallengeName"] == "PASSWORD_VERIFIER"
    responses = srp.process_challenge(start["ChallengeParameters"], auth_params)
    return start, responses


def verifier_args(demo, start, responses):
    return dict(
        ClientId=demo.client_id,
        ChallengeName="PASSWORD_VERIFIER",
        Session=start.get("Session", ""),
        ChallengeResponses=responses,
    )


def test_srp_sign_in_verifies_the_proof(cip, demo):
    start, responses = srp_start(cip, demo)
    ok = cip.respond_to_auth_challenge(**verifier_args(demo, start, responses))
    assert "AccessToken" in ok["AuthenticationResult"]


def test_srp_with_a_wrong_password_fails(cip, demo):
    # moto alone accepts any proof; the fidelity layer checks it as Cognito does.
    start, responses = srp_start(cip, demo, password="Not-the-password-1")
    assert error_of(cip.respond_to_auth_challenge, **verifier_args(demo, start, responses)) == (
        "NotAuthorizedException",
        "Incorrect username or password.",
    )
    # and the challenge cannot be answered twice
    code, message = error_of(cip.respond_to_auth_challenge, **verifier_args(demo, start, responses))
    assert (code, message) == ("NotAuthorizedException", "Invalid session for the user.")


def test_srp_password_verifier_hash_uses_user_id_for_srp(cip, email_demo):
    demo = email_demo
    start, responses = srp_start(cip, demo)
    params = start["ChallengeParameters"]
    # AWS hands back the internal username, never the alias the user typed.
    assert params["USER_ID_FOR_SRP"] == demo.internal_username == params["USERNAME"]
    assert params["USER_ID_FOR_SRP"] != demo.username
    alias_hash = good_hash(demo, demo.username)
    assert error_of(
        cip.respond_to_auth_challenge,
        **verifier_args(demo, start, {**responses, "SECRET_HASH": alias_hash}),
    ) == ("NotAuthorizedException", f"Unable to verify secret hash for client {demo.client_id}")
    start, responses = srp_start(cip, demo)
    assert responses["SECRET_HASH"] == good_hash(demo, demo.internal_username)
    ok = cip.respond_to_auth_challenge(**verifier_args(demo, start, responses))
    assert "AccessToken" in ok["AuthenticationResult"]


@pytest.mark.parametrize("srp_a", ["not-hex", "0", format(N, "x"), format(2 * N, "x")])
def test_srp_rejects_an_invalid_public_value(cip, demo, srp_a):
    code, _ = error_of(
        cip.initiate_auth,
        ClientId=demo.client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters={"USERNAME": demo.username, "SRP_A": srp_a, "SECRET_HASH": good_hash(demo)},
    )
    assert code == "InvalidParameterException"


def test_srp_initiate_checks_the_hash(cip, demo):
    _code, message = error_of(
        cip.initiate_auth,
        ClientId=demo.client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters={"USERNAME": demo.username, "SRP_A": "abc123"},
    )
    assert (
        message
        == f"Client {demo.client_id} is configured with secret but SECRET_HASH was not received"
    )


def test_unknown_session(cip, demo):
    assert error_of(
        cip.respond_to_auth_challenge,
        ClientId=demo.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session="x" * 40,
        ChallengeResponses={
            "USERNAME": "alice",
            "NEW_PASSWORD": "x",
            "SECRET_HASH": good_hash(demo),
        },
    ) == ("NotAuthorizedException", "Invalid session for the user.")


# -- refresh: the internal username -------------------------------------------------------


def test_refresh_needs_the_internal_username(cip, email_demo):
    demo = email_demo
    signed = cip.initiate_auth(**password_auth(demo, secret_hash_value=good_hash(demo)))
    refresh = signed["AuthenticationResult"]["RefreshToken"]
    args = dict(ClientId=demo.client_id, AuthFlow="REFRESH_TOKEN_AUTH")
    code, message = error_of(
        cip.initiate_auth,
        **args,
        AuthParameters={"REFRESH_TOKEN": refresh, "SECRET_HASH": good_hash(demo, demo.username)},
    )
    assert (code, message) == (
        "NotAuthorizedException",
        f"Unable to verify secret hash for client {demo.client_id}",
    )
    ok = cip.initiate_auth(
        **args,
        AuthParameters={
            "REFRESH_TOKEN": refresh,
            "SECRET_HASH": good_hash(demo, demo.internal_username),
        },
    )
    assert "AccessToken" in ok["AuthenticationResult"]
    assert "RefreshToken" not in ok["AuthenticationResult"]


def test_invalid_refresh_token(cip, demo):
    assert error_of(
        cip.initiate_auth,
        ClientId=demo.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": "not-a-token", "SECRET_HASH": good_hash(demo)},
    ) == ("NotAuthorizedException", "Invalid Refresh Token")


def test_get_tokens_from_refresh_token_takes_the_raw_secret(cip, demo):
    refresh = cip.initiate_auth(**password_auth(demo, secret_hash_value=good_hash(demo)))[
        "AuthenticationResult"
    ]["RefreshToken"]
    ok = cip.get_tokens_from_refresh_token(
        RefreshToken=refresh, ClientId=demo.client_id, ClientSecret=demo.client_secret
    )
    assert "AccessToken" in ok["AuthenticationResult"]
    code, _ = error_of(
        cip.get_tokens_from_refresh_token,
        RefreshToken=refresh,
        ClientId=demo.client_id,
        ClientSecret="w" * 51,
    )
    assert code == "NotAuthorizedException"


# -- rotation: two active secrets, either accepted ----------------------------------------


def test_secret_rotation(cip, demo, local_cognito):
    ids = dict(UserPoolId=demo.user_pool_id, ClientId=demo.client_id)
    listed = cip.list_user_pool_client_secrets(**ids)["ClientSecrets"]
    assert len(listed) == 1
    old_id = listed[0]["ClientSecretId"]
    assert re.fullmatch(rf"{demo.client_id}--\d+", old_id)
    assert "ClientSecretValue" not in listed[0]

    added = cip.add_user_pool_client_secret(**ids)["ClientSecretDescriptor"]
    new_secret = added["ClientSecretValue"]
    assert re.fullmatch(r"[a-z0-9]{51}", new_secret) and new_secret != demo.client_secret
    listed = cip.list_user_pool_client_secrets(**ids)["ClientSecrets"]
    assert [s["ClientSecretId"] for s in listed] == [old_id, added["ClientSecretId"]]
    assert all("ClientSecretValue" not in s for s in listed)

    # during rotation a hash from either secret signs in
    for secret in (demo.client_secret, new_secret):
        h = secret_hash(demo.username, demo.client_id, secret)
        assert cip.initiate_auth(**password_auth(demo, secret_hash_value=h))["AuthenticationResult"]

    # at most two
    assert error_of(cip.add_user_pool_client_secret, **ids)[0] == "LimitExceededException"

    cip.delete_user_pool_client_secret(**ids, ClientSecretId=old_id)
    old_hash = secret_hash(demo.username, demo.client_id, demo.client_secret)
    assert error_of(cip.initiate_auth, **password_auth(demo, secret_hash_value=old_hash)) == (
        "NotAuthorizedException",
        f"Unable to verify secret hash for client {demo.client_id}",
    )
    # the last secret cannot be deleted
    assert error_of(
        cip.delete_user_pool_client_secret, **ids, ClientSecretId=added["ClientSecretId"]
    )[0] == ("InvalidParameterException")
    assert (
        error_of(cip.delete_user_pool_client_secret, **ids, ClientSecretId="nope")[0]
        == "ResourceNotFoundException"
    )


def test_custom_rotation_secret_value_is_not_returned(cip, demo):
    ids = dict(UserPoolId=demo.user_pool_id, ClientId=demo.client_id)
    added = cip.add_user_pool_client_secret(**ids, ClientSecret="Rotated_secret_value_0123456789")
    assert "ClientSecretValue" not in added["ClientSecretDescriptor"]
    h = secret_hash(demo.username, demo.client_id, "Rotated_secret_value_0123456789")
    assert cip.initiate_auth(**password_auth(demo, secret_hash_value=h))


# -- the wire: malformed requests get AWS-shaped errors, and the server keeps serving -------


def test_malformed_requests(local_cognito, demo, cip):
    import http.client
    import json
    from urllib.parse import urlparse

    url = urlparse(local_cognito.endpoint_url)

    def post(body: bytes, target: str | None) -> tuple[int, dict]:
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        headers = {"Content-Type": "application/x-amz-json-1.1"}
        if target:
            headers["X-Amz-Target"] = target
        conn.request("POST", "/", body=body, headers=headers)
        resp = conn.getresponse()
        data = json.loads(resp.read() or b"{}")
        conn.close()
        return resp.status, data

    status, data = post(b"{not json", "AWSCognitoIdentityProviderService.InitiateAuth")
    assert status == 400 and data["__type"] == "SerializationException"
    status, data = post(b"[1, 2]", "AWSCognitoIdentityProviderService.SignUp")
    assert status == 400 and data["__type"] == "SerializationException"
    status, data = post(b"{}", None)
    assert status == 400 and data["__type"] == "UnknownOperationException"
    status, data = post(
        json.dumps({"AuthFlow": "USER_PASSWORD_AUTH"}).encode(),
        "AWSCognitoIdentityProviderService.InitiateAuth",
    )
    assert status == 400 and data["__type"] == "InvalidParameterException"
    # still serving
    assert cip.initiate_auth(**password_auth(demo, secret_hash_value=good_hash(demo)))


def test_on_check_reports_each_hash_check():
    from cognito_helpers import LocalCognito

    seen = []
    with LocalCognito(on_check=seen.append) as lc:
        demo = lc.demo()
        cip = lc.client()
        with pytest.raises(ClientError):
            cip.initiate_auth(**password_auth(demo, secret_hash_value="AAAA"))
        cip.initiate_auth(**password_auth(demo, secret_hash_value=good_hash(demo)))
    assert [(c.operation, c.outcome, c.expected_username) for c in seen] == [
        ("InitiateAuth", "mismatch", "alice"),
        ("InitiateAuth", "ok", "alice"),
    ]
    assert seen[1].secret_id and seen[1].secret_id.startswith(demo.client_id + "--")


def test_signed_calls_see_only_their_regions_pools(local_cognito, demo):
    # The right ids in the wrong region: ResourceNotFoundException, not a hash error.
    elsewhere = local_cognito.client(region="eu-west-1")
    assert error_of(
        elsewhere.describe_user_pool_client, UserPoolId=demo.user_pool_id, ClientId=demo.client_id
    ) == ("ResourceNotFoundException", f"User pool {demo.user_pool_id} does not exist.")
    assert error_of(elsewhere.admin_initiate_auth, **admin_auth(demo, good_hash(demo))) == (
        "ResourceNotFoundException",
        f"User pool {demo.user_pool_id} does not exist.",
    )
    # the pool's own region works
    assert local_cognito.client(region=demo.region).admin_initiate_auth(
        **admin_auth(demo, good_hash(demo))
    )["AuthenticationResult"]
