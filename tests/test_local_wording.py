"""AWS's texts, never moto's, and AWS's parameter validation (issue 11, items 4 and 5).

cognito_helpers/local/wording.py (moto's wordings replaced, AWS's password policy)
and cognito_helpers/local/validation.py (the API model's lengths and patterns).
"""

from __future__ import annotations

import base64

import botocore.exceptions
import pytest

import cognito_helpers as ch
from cognito_helpers.local import LocalCognito


@pytest.fixture(scope="module")
def lc():
    with LocalCognito() as server:
        yield server


@pytest.fixture(scope="module")
def demo(lc):
    return lc.demo()


@pytest.fixture(scope="module")
def cip(lc):
    return lc.client()


@pytest.fixture(scope="module")
def raw(lc):
    """A client that sends what it is given (botocore checks some lengths itself)."""
    import boto3
    from botocore.config import Config

    return boto3.session.Session(
        aws_access_key_id="x", aws_secret_access_key="y", region_name=lc.region
    ).client("cognito-idp", endpoint_url=lc.endpoint_url,
             config=Config(parameter_validation=False, retries={"max_attempts": 1}))


def error(call, **kwargs) -> tuple[str, str]:
    with pytest.raises(botocore.exceptions.ClientError) as info:
        call(**kwargs)
    err = info.value.response["Error"]
    return err["Code"], err["Message"]


def h(demo, username: str) -> str:
    return ch.secret_hash(username, demo.client_id, demo.client_secret)


@pytest.mark.parametrize(
    "password, text",
    [
        ("Ab1!x", "Password not long enough"),
        ("abcdefg1!", "Password must have uppercase characters"),
        ("ABCDEFG1!", "Password must have lowercase characters"),
        ("Abcdefgh!", "Password must have numeric characters"),
        ("Abcdefgh1", "Password must have symbol characters"),
    ],
)
def test_sign_up_password_policy_one_rule_per_text(cip, demo, password, text):
    # moto said "The provided password does not confirm to the configured password policy"
    # and accepted 5-character passwords (AWS's default minimum is 8).
    assert error(
        cip.sign_up, ClientId=demo.client_id, Username="polly", Password=password,
        SecretHash=h(demo, "polly"),
    ) == ("InvalidPasswordException", f"Password did not conform with policy: {text}")


def test_admin_calls_word_the_policy_their_way(cip, demo):
    assert error(
        cip.admin_create_user, UserPoolId=demo.user_pool_id, Username="tmp-user",
        TemporaryPassword="Sh1!x",
    ) == ("InvalidPasswordException", "Password did not conform with password policy: Password not long enough")
    code, message = error(
        cip.admin_set_user_password, UserPoolId=demo.user_pool_id, Username=demo.username,
        Password="alllowercase1!", Permanent=True,
    )
    assert (code, message) == (
        "InvalidPasswordException",
        "Password did not conform with policy: Password must have uppercase characters",
    )


def test_username_exists_texts(cip, demo):
    # moto said "UsernameExistsException: alice"
    assert error(
        cip.sign_up, ClientId=demo.client_id, Username=demo.username, Password=demo.password,
        SecretHash=h(demo, demo.username),
    ) == ("UsernameExistsException", "User already exists")
    assert error(
        cip.admin_create_user, UserPoolId=demo.user_pool_id, Username=demo.username,
    ) == ("UsernameExistsException", "User account already exists")


def test_password_is_checked_after_the_hash(cip, demo):
    code, message = error(
        cip.sign_up, ClientId=demo.client_id, Username="polly", Password="weak",
        SecretHash=base64.b64encode(b"x" * 32).decode(),
    )
    assert (code, message) == ("NotAuthorizedException", f"Unable to verify secret hash for client {demo.client_id}")


# -- validation from the API model -------------------------------------------------


def urlsafe_hash(demo, username: str) -> str:
    # '_' is in \w and fits the pattern; only a '-' breaks it (a hash without '+' has none)
    good = h(demo, username).replace("+", "-").replace("/", "_")
    return good if "-" in good else "-" + good[1:]


@pytest.mark.parametrize(
    "operation", ["sign_up", "confirm_sign_up", "forgot_password", "resend_confirmation_code",
                  "confirm_forgot_password"],
)
def test_url_safe_secret_hash_fails_the_pattern_before_the_hash_check(cip, demo, operation):
    kwargs = {"ClientId": demo.client_id, "Username": demo.username,
              "SecretHash": urlsafe_hash(demo, demo.username)}
    if operation == "sign_up":
        kwargs["Password"] = demo.password
    if operation.startswith("confirm"):
        kwargs["ConfirmationCode"] = "123456"
    if operation == "confirm_forgot_password":
        kwargs["Password"] = demo.password
    # before: NotAuthorizedException "Unable to verify secret hash for client ..."
    assert error(getattr(cip, operation), **kwargs) == (
        "InvalidParameterException",
        "1 validation error detected: Value at 'secretHash' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\w+=/]+",
    )


def test_sensitive_values_are_left_out_and_others_quoted(cip, raw, demo):
    # ClientId is sensitive in the model: its value is not echoed
    code, message = error(
        cip.initiate_auth, ClientId="us-east-1_notaclient", AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "a", "PASSWORD": "b"},
    )
    assert code == "InvalidParameterException"
    assert message == (
        "1 validation error detected: Value at 'clientId' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\w+]+"
    )
    # ConfirmationCode is not: AWS quotes it; an empty one breaks two constraints
    code, message = error(
        raw.confirm_sign_up, ClientId=demo.client_id, Username=demo.username,
        ConfirmationCode="", SecretHash=h(demo, demo.username),
    )
    assert message == (
        "2 validation errors detected: Value '' at 'confirmationCode' failed to satisfy "
        "constraint: Member must have length greater than or equal to 1; Value '' at "
        "'confirmationCode' failed to satisfy constraint: Member must satisfy regular "
        "expression pattern: [\\S]+"
    )


def test_username_pattern_and_lengths(cip, raw, demo):
    _, message = error(
        cip.forgot_password, ClientId=demo.client_id, Username="has space\n",
        SecretHash=ch.secret_hash("has space\n", demo.client_id, demo.client_secret, strict=False),
    )
    assert message == (
        "1 validation error detected: Value at 'username' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+"
    )
    _, message = error(
        raw.admin_get_user, UserPoolId=demo.user_pool_id, Username="u" * 129,
    )
    assert message == (
        "1 validation error detected: Value at 'username' failed to satisfy constraint: "
        "Member must have length less than or equal to 128"
    )
    # a non-Latin username fits \\p{L}: no validation error (the user does not exist)
    assert error(cip.admin_get_user, UserPoolId=demo.user_pool_id, Username="josé")[0] == (
        "UserNotFoundException"
    )


def test_pool_id_value_is_quoted(cip):
    assert error(cip.describe_user_pool, UserPoolId="YOUR-POOL-ID")[1] == (
        "1 validation error detected: Value 'YOUR-POOL-ID' at 'userPoolId' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"
    )


def test_explain_recognises_what_the_local_cognito_answers(cip, demo):
    code, message = error(
        cip.sign_up, ClientId=demo.client_id, Username="x", Password=demo.password,
        SecretHash=urlsafe_hash(demo, "x"),
    )
    d = ch.explain(f"An error occurred ({code}) when calling the SignUp operation: {message}")
    assert (d.key, d.confidence) == ("secret_hash_format", "high")
    d = ch.explain(f"{code}: 1 validation error detected: Value at 'clientId' failed to "
                   "satisfy constraint: Member must satisfy regular expression pattern: [\\w+]+")
    assert d.key == "parameter_validation"
    for text, key in [("UsernameExistsException: User already exists", "username_exists"),
                      ("InvalidPasswordException: Password did not conform with policy: "
                       "Password must have numeric characters", "password_no_number")]:
        assert ch.explain(text).key == key


# -- PreventUserExistenceErrors beyond sign-in ---------------------------------------
# AWS developer guide, "Managing user existence error responses": with ENABLED and a
# user that does not exist, ForgotPassword and ResendConfirmationCode answer a
# simulated CodeDeliveryDetails; ConfirmForgotPassword and ConfirmSignUp answer
# CodeMismatchException. Through the API the default is LEGACY (UserNotFoundException).


@pytest.fixture(scope="module")
def pue_client(cip, demo):
    client = cip.create_user_pool_client(
        UserPoolId=demo.user_pool_id, ClientName="pue", GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        PreventUserExistenceErrors="ENABLED",
    )["UserPoolClient"]
    return client["ClientId"], client["ClientSecret"]


def test_prevent_user_existence_errors_enabled(lc, cip, pue_client):
    cid, secret = pue_client
    ghost = "nobody-here"
    sh = ch.secret_hash(ghost, cid, secret)
    before = len(lc.outbox)
    for call in (cip.forgot_password, cip.resend_confirmation_code):
        details = call(ClientId=cid, Username=ghost, SecretHash=sh)["CodeDeliveryDetails"]
        assert details["DeliveryMedium"] == "EMAIL" and details["Destination"].startswith("n***@")
    assert len(lc.outbox) == before  # simulated: nothing was sent
    assert error(cip.confirm_forgot_password, ClientId=cid, Username=ghost, SecretHash=sh,
                 ConfirmationCode="123456", Password="Abcdefg1!")[0] == "CodeMismatchException"
    assert error(cip.confirm_sign_up, ClientId=cid, Username=ghost, SecretHash=sh,
                 ConfirmationCode="123456") == (
        "CodeMismatchException", "Invalid verification code provided, please try again.")
    # the hash is still checked first
    assert error(cip.forgot_password, ClientId=cid, Username=ghost, SecretHash="d3Jvbmc=")[0] == (
        "NotAuthorizedException")


def test_prevent_user_existence_errors_default_is_legacy(cip, demo):
    ghost = "nobody-here"
    sh = h(demo, ghost)
    for call, extra in [
        (cip.forgot_password, {}),
        (cip.resend_confirmation_code, {}),
        (cip.confirm_sign_up, {"ConfirmationCode": "123456"}),
    ]:
        assert error(call, ClientId=demo.client_id, Username=ghost, SecretHash=sh, **extra)[0] == (
            "UserNotFoundException")
