"""USER_AUTH, choice-based sign-in (cognito_helpers.local.user_auth): each factor, with and without a secret.

Sources: InitiateAuth API reference (AuthParameters for USER_AUTH: USERNAME,
PREFERRED_CHALLENGE; "Add a SECRET_HASH parameter if your app client has a
client secret"), RespondToAuthChallenge ChallengeResponses (SELECT_CHALLENGE
with ANSWER; PASSWORD; PASSWORD_SRP; EMAIL_OTP with EMAIL_OTP_CODE; "You must
provide a SECRET_HASH parameter in all challenge responses to an app client
that has a client secret"), InitiateAuth output AvailableChallenges.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from cognito_helpers import secret_hash


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    err = info.value.response["Error"]
    return err["Code"], err["Message"]


@pytest.fixture(params=["secret", "public"])
def app(request, cip, demo):
    """(client id, secret or None, demo): the demo's clients allow ALLOW_USER_AUTH."""
    if request.param == "secret":
        return demo.client_id, demo.client_secret, demo
    return demo.public_client_id, None, demo


def with_hash(params, app, username):
    client_id, secret, _ = app
    if secret is not None:
        params["SECRET_HASH"] = secret_hash(username, client_id, secret)
    return params


def start(cip, app, **extra):
    client_id, _, demo = app
    return cip.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_AUTH",
        AuthParameters=with_hash({"USERNAME": demo.username, **extra}, app, demo.username),
    )


def respond(cip, app, result, name, **responses):
    client_id = app[0]
    canonical = result["ChallengeParameters"]["USERNAME"]
    return cip.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName=name,
        Session=result["Session"],
        ChallengeResponses=with_hash({"USERNAME": canonical, **responses}, app, canonical),
    )


def test_no_preference_offers_the_available_challenges(cip, app):
    result = start(cip, app)
    assert result["ChallengeName"] == "SELECT_CHALLENGE"
    assert result["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]
    assert result["ChallengeParameters"]["USERNAME"] == app[2].internal_username


def test_preferred_password_signs_in_at_once(cip, app):
    result = start(cip, app, PREFERRED_CHALLENGE="PASSWORD", PASSWORD=app[2].password)
    assert set(result["AuthenticationResult"]) >= {"AccessToken", "IdToken", "RefreshToken"}


def test_select_password(cip, app):
    result = respond(
        cip, app, start(cip, app), "SELECT_CHALLENGE", ANSWER="PASSWORD", PASSWORD=app[2].password
    )
    assert "AccessToken" in result["AuthenticationResult"]


def test_wrong_password_counts_for_lockout(cip, app, local_cognito):
    demo = app[2]
    code = error_of(
        cip.initiate_auth,
        ClientId=app[0],
        AuthFlow="USER_AUTH",
        AuthParameters=with_hash(
            {"USERNAME": demo.username, "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "No-Pw1!x"},
            app,
            demo.username,
        ),
    )
    assert code == ("NotAuthorizedException", "Incorrect username or password.")
    assert local_cognito.lockout_state(demo.user_pool_id, demo.internal_username)[0] == 1


def test_email_otp(cip, app, local_cognito):
    demo = app[2]
    challenge = start(cip, app, PREFERRED_CHALLENGE="EMAIL_OTP")
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "a***@e***"
    code = local_cognito.last_code(demo.username)
    wrong = error_of(
        respond,
        cip,
        app,
        challenge,
        "EMAIL_OTP",
        EMAIL_OTP_CODE="0" * len(code) if code != "0" * len(code) else "1" * len(code),
    )
    assert wrong == ("CodeMismatchException", "Invalid code or auth state for the user.")
    result = respond(cip, app, challenge, "EMAIL_OTP", EMAIL_OTP_CODE=code)
    assert "IdToken" in result["AuthenticationResult"]


def test_select_email_otp(cip, app, local_cognito):
    challenge = respond(cip, app, start(cip, app), "SELECT_CHALLENGE", ANSWER="EMAIL_OTP")
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    code = local_cognito.last_code(app[2].username)
    assert respond(cip, app, challenge, "EMAIL_OTP", EMAIL_OTP_CODE=code)["AuthenticationResult"]


def test_password_srp(cip, app):
    client_id, secret, demo = app
    helper = AWSSRP(
        username=demo.username,
        password=demo.password,
        pool_id=demo.user_pool_id,
        client_id=client_id,
        client_secret=secret,
        client=cip,
    )
    srp_a = helper.get_auth_params()["SRP_A"]
    verifier = start(cip, app, PREFERRED_CHALLENGE="PASSWORD_SRP", SRP_A=srp_a)
    assert verifier["ChallengeName"] == "PASSWORD_VERIFIER"
    cp = verifier["ChallengeParameters"]
    assert cp["USER_ID_FOR_SRP"] == cp["USERNAME"] == demo.internal_username
    answer = helper.process_challenge(cp, {"USERNAME": cp["USERNAME"]})
    answer.pop("SECRET_HASH", None)
    result = respond(
        cip,
        app,
        verifier,
        "PASSWORD_VERIFIER",
        **{k: v for k, v in answer.items() if k != "USERNAME"},
    )
    assert "AccessToken" in result["AuthenticationResult"]


def test_password_srp_wrong_password_is_refused(cip, app):
    client_id, secret, demo = app
    helper = AWSSRP(
        username=demo.username,
        password="Not-The-Pw1!",
        pool_id=demo.user_pool_id,
        client_id=client_id,
        client_secret=secret,
        client=cip,
    )
    verifier = respond(
        cip,
        app,
        start(cip, app),
        "SELECT_CHALLENGE",
        ANSWER="PASSWORD_SRP",
        SRP_A=helper.get_auth_params()["SRP_A"],
    )
    cp = verifier["ChallengeParameters"]
    answer = helper.process_challenge(cp, {"USERNAME": cp["USERNAME"]})
    answer.pop("SECRET_HASH", None)
    answer.pop("USERNAME", None)
    assert error_of(respond, cip, app, verifier, "PASSWORD_VERIFIER", **answer) == (
        "NotAuthorizedException",
        "Incorrect username or password.",
    )


# -- SECRET_HASH: at InitiateAuth and in every challenge response --------------------------


def test_no_hash_at_initiate(cip, demo):
    code = error_of(
        cip.initiate_auth,
        ClientId=demo.client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": demo.username},
    )
    assert code == (
        "NotAuthorizedException",
        f"Client {demo.client_id} is configured with secret but SECRET_HASH was not received",
    )


def test_wrong_hash_at_initiate(cip, demo):
    code = error_of(
        cip.initiate_auth,
        ClientId=demo.client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={
            "USERNAME": demo.username,
            "SECRET_HASH": secret_hash(demo.username, demo.client_id, "x" * 51),
        },
    )
    assert code == (
        "NotAuthorizedException",
        f"Unable to verify secret hash for client {demo.client_id}",
    )


def test_hash_on_a_public_client(cip, demo):
    code = error_of(
        cip.initiate_auth,
        ClientId=demo.public_client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": demo.username, "SECRET_HASH": "abc="},
    )
    assert code[0] == "InvalidParameterException"


@pytest.mark.parametrize("mistake", ["missing", "wrong", "alias"])
def test_challenge_responses_need_the_hash_over_the_canonical_name(cip, email_demo, mistake):
    demo = email_demo
    first = cip.initiate_auth(
        ClientId=demo.client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={
            "USERNAME": demo.username,
            "SECRET_HASH": secret_hash(demo.username, demo.client_id, demo.client_secret),
        },
    )
    canonical = first["ChallengeParameters"]["USERNAME"]
    assert canonical == demo.internal_username != demo.username
    responses = {"USERNAME": canonical, "ANSWER": "PASSWORD", "PASSWORD": demo.password}
    if mistake == "wrong":
        responses["SECRET_HASH"] = secret_hash(canonical, demo.client_id, "y" * 51)
    elif mistake == "alias":  # the e-mail typed at sign-in: Cognito wants the canonical name
        responses["SECRET_HASH"] = secret_hash(demo.username, demo.client_id, demo.client_secret)
    code = error_of(
        cip.respond_to_auth_challenge,
        ClientId=demo.client_id,
        ChallengeName="SELECT_CHALLENGE",
        Session=first["Session"],
        ChallengeResponses=responses,
    )
    if mistake == "missing":
        assert code == (
            "NotAuthorizedException",
            f"Client {demo.client_id} is configured with secret but SECRET_HASH was not received",
        )
    else:
        assert code == (
            "NotAuthorizedException",
            f"Unable to verify secret hash for client {demo.client_id}",
        )


def test_email_otp_answer_needs_the_hash(cip, demo):
    app = (demo.client_id, demo.client_secret, demo)
    challenge = start(cip, app, PREFERRED_CHALLENGE="EMAIL_OTP")
    code = error_of(
        cip.respond_to_auth_challenge,
        ClientId=demo.client_id,
        ChallengeName="EMAIL_OTP",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": demo.username, "EMAIL_OTP_CODE": "12345678"},
    )
    assert code[1].endswith("SECRET_HASH was not received")


# -- configuration ---------------------------------------------------------------------------


def test_client_without_allow_user_auth(cip, demo):
    client_id = cip.create_user_pool_client(
        UserPoolId=demo.user_pool_id,
        ClientName="no-user-auth",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
    )["UserPoolClient"]["ClientId"]
    code = error_of(
        cip.initiate_auth,
        ClientId=client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": demo.username},
    )
    assert code == ("InvalidParameterException", "USER_AUTH flow not enabled for this client")


def test_pool_without_email_otp_offers_passwords_only(cip, local_cognito):
    pool_id = cip.create_user_pool(PoolName="passwords-only")["UserPool"]["Id"]
    client_id = cip.create_user_pool_client(
        UserPoolId=pool_id, ClientName="c", ExplicitAuthFlows=["ALLOW_USER_AUTH"]
    )["UserPoolClient"]["ClientId"]
    cip.admin_create_user(
        UserPoolId=pool_id,
        Username="bob",
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": "bob@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    cip.admin_set_user_password(
        UserPoolId=pool_id, Username="bob", Password="Bob-Pw1!xyz", Permanent=True
    )
    result = cip.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": "bob", "PREFERRED_CHALLENGE": "EMAIL_OTP"},
    )
    # EMAIL_OTP is not an allowed first factor of this pool: back to the choice.
    assert result["ChallengeName"] == "SELECT_CHALLENGE"
    assert result["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP"]


def test_answer_outside_the_choice_is_refused(cip, demo):
    app = (demo.public_client_id, None, demo)
    code = error_of(respond, cip, app, start(cip, app), "SELECT_CHALLENGE", ANSWER="WEB_AUTHN")
    assert code[0] == "InvalidParameterException"


def test_session_expires_on_the_layer_clock(cip, demo, local_cognito):
    app = (demo.public_client_id, None, demo)
    first = start(cip, app)
    local_cognito.advance_clock(3 * 60 + 1)  # AuthSessionValidity: 3 minutes by default
    code = error_of(
        respond, cip, app, first, "SELECT_CHALLENGE", ANSWER="PASSWORD", PASSWORD=demo.password
    )
    assert code == ("NotAuthorizedException", "Invalid session for the user, session is expired.")


def test_unknown_user(cip, demo):
    code = error_of(
        cip.initiate_auth,
        ClientId=demo.public_client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": "nobody"},
    )
    assert code == ("UserNotFoundException", "User does not exist.")


def test_unanswered_sessions_are_bounded_and_expired_ones_dropped(monkeypatch):
    # USER_AUTH's first step needs no password: what it keeps must not grow without end
    # (issue 12 item 6, as for USER_SRP_AUTH's challenges).
    from cognito_helpers import LocalCognito
    from cognito_helpers.local import user_auth

    monkeypatch.setattr(user_auth, "MAX_PENDING", 3)
    with LocalCognito() as lc:
        demo, cip = lc.demo(), lc.client()
        app = (demo.public_client_id, None, demo)
        first = start(cip, app)
        for _ in range(4):
            last = start(cip, app)
        layer = lc._layer
        assert layer is not None and len(layer._user_auth) == 3
        assert error_of(respond, cip, app, first, "SELECT_CHALLENGE", ANSWER="PASSWORD") == (
            "NotAuthorizedException", "Invalid session for the user.")
        assert respond(cip, app, last, "SELECT_CHALLENGE", ANSWER="PASSWORD")["ChallengeName"]
        lc.advance_clock(3 * 60 + 1)
        start(cip, app)
        assert len(layer._user_auth) == 1  # the expired ones went when a new one came
