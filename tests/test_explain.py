"""explain(): every row of the error table, in every form people paste, and honest misses."""

from __future__ import annotations

import json
import re

import pytest
from botocore.exceptions import ClientError
from diagnosis_cases import CLIENT_ID, POOL_ID, REQUEST_ID, all_error_cases, message

from cognito_helpers import InvalidInputError, explain, secret_hash
from cognito_helpers.diagnosis.explain import CAUSES, MESSAGE_ENDS, MESSAGE_PREFIXES
from cognito_helpers.local.answers import CATALOGUE

CASES = all_error_cases()


@pytest.mark.parametrize(("key", "form", "text", "expected"), CASES,
                         ids=[f"{k}-{f}" for k, f, _, _ in CASES])
def test_every_catalogue_entry_in_every_form(key: str, form: str, text: str,
                                             expected: str) -> None:
    d = explain(text)
    assert d.status == "found", d.to_text()
    assert d.key == expected
    assert d.kind == "explain"
    assert d.fix and d.confirm
    assert d.alternatives == ()  # one error in the text: no others claimed
    template = CATALOGUE[key].template
    if "{client_id}" in template:
        assert d.facts["client_id"].lower() == CLIENT_ID
    if "{user_pool_id}" in template:
        assert d.facts["user_pool_id"].lower() == POOL_ID.lower()
    if "{flow}" in template:
        assert d.facts["auth_flow"].upper() == "USER_PASSWORD_AUTH"


def test_every_catalogue_entry_has_a_cause() -> None:
    assert set(CATALOGUE) <= set(CAUSES)


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_a_real_botocore_client_error(key: str) -> None:
    entry = CATALOGUE[key]
    exc = ClientError({"Error": {"Code": entry.code, "Message": message(key)},
                       "ResponseMetadata": {"RequestId": REQUEST_ID, "HTTPStatusCode": 400}},
                      "RespondToAuthChallenge")
    d = explain(str(exc))
    assert d.key == key
    assert d.facts["exception"] == entry.code
    assert d.facts["operation"] == "RespondToAuthChallenge"
    assert d.confidence == "high"


def test_facts_from_the_sdk_forms() -> None:
    d = explain("operation error Cognito Identity Provider: InitiateAuth, https response error "
                f"StatusCode: 400, RequestID: {REQUEST_ID}, NotAuthorizedException: "
                f"Unable to verify secret hash for client {CLIENT_ID}")
    assert d.facts["form"] == "AWS SDK for Go v2"
    assert d.facts["operation"] == "InitiateAuth"
    assert d.facts["request_id"] == REQUEST_ID
    assert d.facts["status_code"] == "400"
    d = explain(f"NotAuthorizedException: Incorrect username or password.\n\tstatus code: 400, "
                f"request id: {REQUEST_ID}")
    assert d.facts["form"] == "AWS SDK for Go v1"
    d = explain(json.dumps({"__type": "UserNotFoundException", "message": "User does not exist."}))
    assert d.facts["form"].startswith("JSON error body")


def test_message_with_the_wrong_exception_is_flagged() -> None:
    d = explain("UserNotFoundException: Unable to verify secret hash for client abc")
    assert d.key == "hash_mismatch"
    assert d.confidence == "medium"
    assert any("AWS sends this message with NotAuthorizedException" in e for e in d.evidence)


def test_limit_exceeded_keeps_its_exception() -> None:
    text = "LimitExceededException: Attempt limit exceeded, please try after some time."
    assert explain(text).key == "limit_exceeded"
    text = "TooManyRequestsException: Attempt limit exceeded, please try after some time."
    assert explain(text).key == "throttled"


def test_exception_name_alone() -> None:
    d = explain("UserNotConfirmedException")
    assert d.key == "user_not_confirmed" and d.confidence == "medium"
    d = explain("botocore.errorfactory.NotAuthorizedException")
    assert d.status == "unknown" and d.key == "not_recognised"
    keys = {k for k, _ in d.alternatives}
    assert {"hash_mismatch", "secret_missing", "wrong_password"} <= keys


def test_unknown_text_is_not_a_guess() -> None:
    d = explain("PasswordResetRequiredException: Password reset required for the user")
    assert d.status == "unknown"
    assert d.confidence == "none"
    assert d.cause.startswith("Not recognised")
    assert any(k == "wrong_password" for k, _ in d.alternatives)  # shares "password"
    assert len(d.alternatives) <= 3
    d = explain("segmentation fault (core dumped)")
    assert d.status == "unknown" and d.alternatives == ()


def test_unknown_text_is_not_echoed() -> None:
    pasted = "weird failure token=eyJraWQiOiJhYmMiLCJhbGciOiJSUzI1NiJ9.payload.sig"
    d = explain(pasted)
    assert "eyJraWQ" not in d.to_text() + d.to_json()


def test_moto_style_hash_message_is_masked() -> None:
    sent = secret_hash("alice", CLIENT_ID, "k2v8w0xq1l7n4c9p3r6t5y8u2i0o7e1a4s6d9f3g5h8j2k4l6z8")
    d = explain(f"An error occurred (NotAuthorizedException) when calling the InitiateAuth "
                f"operation: {sent}")
    assert d.key == "moto_hash_message"
    assert sent not in d.to_text() + d.to_json() + d._repr_html_()


def test_validation_error_on_the_hash_characters() -> None:
    d = explain("InvalidParameterException: 1 validation error detected: Value at 'secretHash' "
                "failed to satisfy constraint: Member must satisfy regular expression pattern: "
                "[\\w+=/]+")
    assert d.key == "secret_hash_format"


def test_renderings() -> None:
    d = explain(f"An error occurred (NotAuthorizedException) when calling the InitiateAuth "
                f"operation: Client {CLIENT_ID} is configured with secret but SECRET_HASH was "
                "not received")
    text = d.to_text()
    assert text.startswith(f"Cause: App client {CLIENT_ID} has a client secret")
    assert "Fix:" in text and "To confirm:" in text
    data = json.loads(d.to_json())
    assert data["key"] == "secret_missing" and data["facts"]["client_id"] == CLIENT_ID
    assert data == d.to_dict()
    html = explain("<script>alert(1)</script> User does not exist.")._repr_html_()
    assert "<script>" not in html and "User does not exist" in html


@pytest.mark.parametrize("bad", ["", "   \n", None, 42])
def test_bad_input(bad: object) -> None:
    with pytest.raises(InvalidInputError) as info:
        explain(bad)  # type: ignore[arg-type]
    assert info.value.field == "text"


# -- against what the local Cognito really answers --------------------------------------


def _error(call, **kwargs) -> str:
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    return str(info.value)


def test_errors_from_the_local_cognito(local_cognito, demo, cip) -> None:
    h = secret_hash(demo.username, demo.client_id, demo.client_secret)
    auth = {"USERNAME": demo.username, "PASSWORD": demo.password}
    seen = {}
    seen["secret_missing"] = _error(cip.initiate_auth, ClientId=demo.client_id,
                                    AuthFlow="USER_PASSWORD_AUTH", AuthParameters=auth)
    seen["hash_mismatch"] = _error(cip.initiate_auth, ClientId=demo.client_id,
                                   AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters=auth | {"SECRET_HASH": h[:-1] + "A"})
    seen["hash_not_configured"] = _error(cip.initiate_auth, ClientId=demo.public_client_id,
                                         AuthFlow="USER_PASSWORD_AUTH",
                                         AuthParameters=auth | {"SECRET_HASH": h})
    seen["wrong_password"] = _error(cip.initiate_auth, ClientId=demo.client_id,
                                    AuthFlow="USER_PASSWORD_AUTH",
                                    AuthParameters=auth | {"SECRET_HASH": h, "PASSWORD": "x"})
    seen["client_not_found"] = _error(cip.initiate_auth, ClientId="nosuchclient0000000000000",
                                      AuthFlow="USER_PASSWORD_AUTH", AuthParameters=auth)
    seen["pool_not_found"] = _error(cip.describe_user_pool, UserPoolId="us-east-1_NoSuch1")
    seen["refresh_invalid"] = _error(
        cip.initiate_auth, ClientId=demo.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": "not-a-token", "SECRET_HASH": h})
    limited = cip.create_user_pool_client(UserPoolId=demo.user_pool_id, ClientName="srp-only",
                                          ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"])
    seen["flow_not_enabled"] = _error(
        cip.initiate_auth, ClientId=limited["UserPoolClient"]["ClientId"],
        AuthFlow="USER_PASSWORD_AUTH", AuthParameters=auth)
    seen["admin_flow_not_enabled"] = _error(
        cip.admin_initiate_auth, UserPoolId=demo.user_pool_id,
        ClientId=limited["UserPoolClient"]["ClientId"], AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters=auth)
    h_bob = secret_hash("bob", demo.client_id, demo.client_secret)
    cip.sign_up(ClientId=demo.client_id, Username="bob", Password="Bob-pass-123!",
                SecretHash=h_bob, UserAttributes=[{"Name": "email", "Value": "b@example.com"}])
    seen["user_not_confirmed"] = _error(
        cip.initiate_auth, ClientId=demo.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bob", "PASSWORD": "Bob-pass-123!", "SECRET_HASH": h_bob})
    seen["code_mismatch"] = _error(cip.confirm_sign_up, ClientId=demo.client_id, Username="bob",
                                   ConfirmationCode="000000" if local_cognito.last_code("bob")
                                   != "000000" else "111111", SecretHash=h_bob)
    seen["secret_missing_legacy"] = _error(cip.resend_confirmation_code,
                                           ClientId=demo.client_id, Username="bob")
    seen["user_not_found"] = _error(cip.admin_get_user, UserPoolId=demo.user_pool_id,
                                    Username="nobody")
    for key, text in seen.items():
        d = explain(text)
        assert d.key == key, (key, text, d.to_text())
        assert demo.client_secret not in d.to_json()


@pytest.mark.parametrize(
    "text",
    ["x" * 20_000, "a_" * 10_000, '"message": "' + "\\\\" * 5_000, "\\" * 20_000,
     "NotAuthorizedException: " + "A" * 20_000, "user pool " + "a-" * 10_000],
    ids=["letters", "underscores", "escaped-json", "backslashes", "hash-like", "pool-like"],
)
def test_long_pasted_text_is_handled(text: str) -> None:
    # These once took seconds each (a pattern retried from every position);
    # they must come back as an ordinary result.
    d = explain(text)
    assert d.status in ("unknown", "found")
    assert text[:200] not in d.to_text()


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("An error occurred (NotAuthorizedException) when calling the InitiateAuth operation "
         "(REFRESH_TOKEN_AUTH): Unable to verify secret hash for client abc",
         "must cover the internal username"),
        ("An error occurred (NotAuthorizedException) when calling the RespondToAuthChallenge "
         "operation: Unable to verify secret hash for client abc",
         "USERNAME (or USER_ID_FOR_SRP) from the challenge"),
        ("An error occurred (NotAuthorizedException) when calling the SignUp operation: "
         "Unable to verify secret hash for client abc", "covers the exact Username it sends"),
        ("An error occurred (NotAuthorizedException) when calling the ResendConfirmationCode "
         "operation: Client abc is configured for secret but secret was not received",
         "leave the hash out of this one"),
    ],
    ids=["refresh", "challenge", "sign-up", "resend-missing"],
)
def test_the_failing_operation_shapes_the_fix(text: str, hint: str) -> None:
    d = explain(text)
    assert any(hint in e for e in d.evidence)
    assert hint in d.fix


def test_wrong_region_from_the_endpoint_in_the_text() -> None:
    d = explain(f"ResourceNotFoundException: User pool {POOL_ID} does not exist. "
                "(POST https://cognito-idp.us-east-1.amazonaws.com/)")
    assert d.key == "pool_not_found"
    assert d.facts["endpoint_region"] == "us-east-1"
    assert any("pool lives in eu-west-1" in e and "the region is the cause" in e
               for e in d.evidence)
    d = explain(f"ResourceNotFoundException: User pool client {CLIENT_ID} does not exist. "
                "https://cognito-idp.ap-south-1.amazonaws.com")
    assert any("its id must start with ap-south-1_" in e for e in d.evidence)


def test_a_log_with_several_errors_names_the_others() -> None:
    log = (f"12:00:01 NotAuthorizedException: Incorrect username or password.\n"
           f"12:00:05 NotAuthorizedException: Unable to verify secret hash for client {CLIENT_ID}\n")
    d = explain(log)
    assert d.key == "hash_mismatch"  # the table's order: hash problems first
    assert [k for k, _ in d.alternatives] == ["wrong_password"]
    assert any("other Cognito errors too" in e for e in d.evidence)
    # one error alone lists no others (throttled and limit_exceeded share a text)
    assert explain(message("throttled")).alternatives == ()
    assert explain(message("hash_mismatch")).alternatives == ()


# -- partial pastes (issue 14 item 3): how people paste and search the message ------------


def _same_message(key: str) -> set[str]:
    """Keys whose message reads the same (throttled / limit_exceeded: the code tells them apart)."""
    return {k for k, e in CATALOGUE.items() if e.template == CATALOGUE[key].template}


def _placeholder_free(template: str) -> str:
    return " ".join(re.sub(r"\{\w+\}", " ", template).split())


def test_every_message_has_a_characteristic_prefix() -> None:
    assert set(MESSAGE_PREFIXES) == set(CATALOGUE)
    for key, prefix in MESSAGE_PREFIXES.items():
        whole = _placeholder_free(CATALOGUE[key].template)
        assert whole.lower().startswith(prefix.lower()), (key, prefix)
        assert len(prefix.split()) >= min(5, len(whole.split())), (key, prefix)
        others = [_placeholder_free(e.template).lower() for k, e in CATALOGUE.items()
                  if k not in _same_message(key)]
        assert not any(o.startswith(prefix.lower()) for o in others), (key, prefix)


PARTIAL_FORMS = {
    "as is": "{p}",
    "lower-case": "{lower}",
    "trailing punctuation": "{p}...",
    "exclamation": "'{lower}!'",
    "boto3 prefix": "An error occurred ({code}) when calling the InitiateAuth operation: {p}",
    "boto3 prefix, lower-case": "an error occurred ({code}) when calling the initiateauth "
                                "operation: {lower}.",
    "exception name": "{code}: {lower}",
}


@pytest.mark.parametrize("form", list(PARTIAL_FORMS))
@pytest.mark.parametrize("key", list(CATALOGUE))
def test_partial_pastes_of_every_message_are_recognised(key: str, form: str) -> None:
    prefix = MESSAGE_PREFIXES[key]
    text = PARTIAL_FORMS[form].format(p=prefix, lower=prefix.lower(), code=CATALOGUE[key].code)
    d = explain(text)
    assert d.status == "found", (text, d.to_text())
    assert d.key in _same_message(key), text
    assert "client_id" not in d.facts  # nothing invented


def test_every_message_has_a_characteristic_end() -> None:
    assert set(MESSAGE_ENDS) == set(CATALOGUE)
    for key, end in MESSAGE_ENDS.items():
        whole = _placeholder_free(CATALOGUE[key].template).rstrip(".")
        assert whole.lower().endswith(end.lower()), (key, end)
        assert len(end.split()) >= min(4, len(whole.split())), (key, end)
        if end.lower() == whole.lower():  # no shorter end names it alone: the whole message
            continue
        others = [_placeholder_free(e.template).rstrip(".").lower() for k, e in CATALOGUE.items()
                  if k not in _same_message(key)]
        assert not any(o.endswith(end.lower()) for o in others), (key, end)


@pytest.mark.parametrize("form", list(PARTIAL_FORMS))
@pytest.mark.parametrize("key", list(CATALOGUE))
def test_the_end_of_every_message_pasted_alone_is_recognised(key: str, form: str) -> None:
    end = MESSAGE_ENDS[key]
    text = PARTIAL_FORMS[form].format(p=end, lower=end.lower(), code=CATALOGUE[key].code)
    d = explain(text)
    assert d.status == "found", (text, d.to_text())
    assert d.key in _same_message(key), text


def test_the_end_of_the_flagship_message_alone() -> None:
    # what a log line cut after the client id shows (issue 26, item 3)
    d = explain("SECRET_HASH was not received")
    assert (d.status, d.key) == ("found", "secret_missing")
    assert "the end of what AWS sends" in d.evidence[0]
    assert explain("... is configured with secret but SECRET_HASH was not received.").key == (
        "secret_missing")
    legacy = explain("secret was not received")
    assert legacy.key == "secret_missing_legacy"
    assert explain(f"{CLIENT_ID} is not configured for secret but secret hash was received"
                   ).key == "hash_not_configured"
    # a word of a message is not a message: fewer words than its end stay unknown
    assert explain("was not received").status == "unknown"
    assert explain("the parcel was not received").status == "unknown"


def test_the_issue_s_paste() -> None:
    d = explain("Unable to verify secret hash")
    assert (d.status, d.key) == ("found", "hash_mismatch")
    assert "the start of what AWS sends" in d.evidence[0]
    with_id = explain(f"unable to verify secret hash for client {CLIENT_ID}.")
    assert with_id.facts["client_id"] == CLIENT_ID
    partial_with_id = explain(f"Client {CLIENT_ID} is configured with secret but")
    assert (partial_with_id.key, partial_with_id.facts["client_id"]) == ("secret_missing", CLIENT_ID)


def test_too_little_is_still_not_a_guess() -> None:
    for text in ("Unable to verify", "does not exist", "not enabled", "secret hash"):
        assert explain(text).status == "unknown", text
