"""The local Cognito's OAuth 2.0 endpoints answer as Cognito's do (local/oauth/).

Each test names the rule it pins; the rules and their AWS sources are in the
docstrings of cognito_helpers/local/oauth/*.py.
"""

from __future__ import annotations

import base64
import html
import http.cookiejar
import json
import re
import socket
import urllib.parse
import urllib.request

import jwt
import pytest

import cognito_helpers as ch
from cognito_helpers.hashing import secret_hash
from cognito_helpers.lessons.oauth import _fetch, _opener


def _urls(demo):
    return demo.oauth_urls()


def _get(url, headers=None, opener=None, data=None, method=None):
    request = urllib.request.Request(url, headers=headers or {}, data=data, method=method)  # noqa: S310 - loopback test URLs
    return _fetch(opener or _opener(), request, 10)


def _authorize_url(demo, client_id=None, **params):
    query = {
        "response_type": "code",
        "client_id": client_id or demo.client_id,
        "redirect_uri": demo.callback_url,
        "state": "st-1",
        "scope": "openid email",
    }
    query.update({k: v for k, v in params.items() if v is not None})
    query = {k: v for k, v in query.items() if v != ""}
    return _urls(demo)["authorize"] + "?" + urllib.parse.urlencode(query)


def _code_tokens(demo, *, client_id=None, secret=None, **params):
    verifier, challenge = ch.pkce_pair()
    url = _authorize_url(
        demo, client_id, code_challenge=challenge, code_challenge_method="S256", **params
    )
    result = ch.sign_in_on_page(url, demo.username, demo.password)
    assert result.code, result
    form = {
        "grant_type": "authorization_code",
        "code": result.code,
        "redirect_uri": demo.callback_url,
        "code_verifier": verifier,
    }
    auth = None
    if secret is not None:
        auth = ch.basic_authorization(client_id or demo.client_id, secret)
    else:
        form["client_id"] = client_id or demo.public_client_id
    return ch.token_request(_urls(demo)["token"], form, authorization=auth)


def _cc(demo, authorization=None, **form):
    return ch.token_request(
        _urls(demo)["token"], {"grant_type": "client_credentials", **form},
        authorization=authorization,
    )


def _claims(token):
    return jwt.decode(token, options={"verify_signature": False})


# -- discovery ------------------------------------------------------------------


def test_discovery_document_names_every_endpoint(demo):
    status, _, body = _get(_urls(demo)["discovery"])
    doc = json.loads(body)
    assert status == 200
    for key in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint",
                "revocation_endpoint", "end_session_endpoint"):
        assert doc[key].startswith(f"{demo.endpoint_url}/{demo.domain}/"), key
    assert doc["token_endpoint_auth_methods_supported"] == ["client_secret_basic",
                                                             "client_secret_post"]
    # OIDC Discovery 4.3: the issuer is the URL the document was fetched from, less the
    # /.well-known/openid-configuration suffix; every token's iss is that issuer
    assert doc["issuer"] == f"{demo.endpoint_url}/{demo.user_pool_id}"
    assert doc["jwks_uri"] == f"{demo.endpoint_url}/{demo.user_pool_id}/.well-known/jwks.json"
    assert doc["userinfo_endpoint"].endswith("/oauth2/userInfo")


def test_discovery_without_a_domain_has_no_oauth_endpoints(local_cognito, cip):
    pool_id = cip.create_user_pool(PoolName="no-domain")["UserPool"]["Id"]
    _, _, body = _get(f"{local_cognito.endpoint_url}/{pool_id}/.well-known/openid-configuration")
    doc = json.loads(body)
    assert "token_endpoint" not in doc and doc["jwks_uri"].endswith("/jwks.json")


def test_unknown_domain_is_404_json(local_cognito):
    answer = ch.token_request(f"{local_cognito.endpoint_url}/no-such-domain/oauth2/token",
                              {"grant_type": "client_credentials"})
    assert answer.status == 404 and answer.error == "invalid_request"


# -- client credentials and client authentication ---------------------------------


def test_client_credentials_with_basic(demo):
    answer = _cc(demo, ch.basic_authorization(demo.m2m_client_id, demo.m2m_client_secret),
                 scope="demo-api/read")
    assert answer.status == 200, answer.reason
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert set(answer.body) == {"access_token", "expires_in", "token_type"}
    claims = _claims(answer.body["access_token"])
    assert claims["scope"] == "demo-api/read" and claims["token_use"] == "access"
    assert claims["sub"] == claims["client_id"] == demo.m2m_client_id
    assert "aud" not in claims and "username" not in claims


def test_client_credentials_without_scope_gets_all_allowed_custom_scopes(demo):
    answer = _cc(demo, ch.basic_authorization(demo.m2m_client_id, demo.m2m_client_secret))
    assert _claims(answer.body["access_token"])["scope"].split() == ["demo-api/read",
                                                                      "demo-api/write"]


def test_client_secret_post_is_accepted(demo):
    answer = _cc(demo, client_id=demo.m2m_client_id, client_secret=demo.m2m_client_secret)
    assert answer.status == 200


def test_either_of_two_active_secrets_authenticates(demo, cip):
    added = cip.add_user_pool_client_secret(UserPoolId=demo.user_pool_id,
                                            ClientId=demo.m2m_client_id)
    second = added["ClientSecretDescriptor"]["ClientSecretValue"]
    for secret in (demo.m2m_client_secret, second):
        assert _cc(demo, ch.basic_authorization(demo.m2m_client_id, secret)).status == 200


@pytest.mark.parametrize(
    "mistake",
    ["secret_hash_as_secret", "swapped", "no_auth", "wrong_secret", "secret_alone", "bearer"],
)
def test_bad_client_authentication_is_invalid_client_400(demo, mistake):
    cid, secret = demo.m2m_client_id, demo.m2m_client_secret
    header = {
        "secret_hash_as_secret": ch.basic_authorization(cid, secret_hash("alice", cid, secret)),
        "swapped": ch.basic_authorization(secret, cid),
        "no_auth": None,
        "wrong_secret": ch.basic_authorization(cid, secret[:-1] + "x"),
        "secret_alone": "Basic " + base64.b64encode(secret.encode()).decode(),
        "bearer": f"Bearer {secret}",
    }[mistake]
    answer = _cc(demo, header)
    assert (answer.status, answer.body) == (400, {"error": "invalid_client"})
    assert secret not in (answer.reason or "")  # the reason never echoes the secret


def test_a_secret_on_a_public_client_is_invalid_client(demo):
    answer = ch.token_request(
        _urls(demo)["token"],
        {"grant_type": "refresh_token", "refresh_token": "x"},
        authorization=ch.basic_authorization(demo.public_client_id, demo.client_secret),
    )
    assert answer.body == {"error": "invalid_client"} and "has no secret" in answer.reason


def test_secret_in_header_and_body_is_invalid_request(demo):
    answer = _cc(demo, ch.basic_authorization(demo.m2m_client_id, demo.m2m_client_secret),
                 client_secret=demo.m2m_client_secret)
    assert answer.body == {"error": "invalid_request"}


def test_wrong_grant_for_the_client_is_unauthorized_client(demo):
    answer = _cc(demo, ch.basic_authorization(demo.client_id, demo.client_secret))
    assert answer.body == {"error": "unauthorized_client"}


def test_unknown_grant_and_missing_grant(demo):
    auth = ch.basic_authorization(demo.client_id, demo.client_secret)
    password = ch.token_request(_urls(demo)["token"], {"grant_type": "password"},
                                authorization=auth)
    missing = ch.token_request(_urls(demo)["token"], {}, authorization=auth)
    assert password.body == {"error": "unsupported_grant_type"}
    assert missing.body == {"error": "invalid_request"}


@pytest.mark.parametrize("scope", ["openid", "demo-api/delete", "other/read"])
def test_client_credentials_scope_not_allowed_is_invalid_scope(demo, scope):
    answer = _cc(demo, ch.basic_authorization(demo.m2m_client_id, demo.m2m_client_secret),
                 scope=scope)
    assert (answer.status, answer.body) == (400, {"error": "invalid_scope"})


# -- authorization code with PKCE ---------------------------------------------------


def test_code_grant_with_pkce_confidential_client(demo):
    answer = _code_tokens(demo, client_id=demo.client_id, secret=demo.client_secret, nonce="n-1")
    assert answer.status == 200, answer.reason
    assert set(answer.body) == {"id_token", "access_token", "refresh_token", "expires_in",
                                "token_type"}
    access, idt = _claims(answer.body["access_token"]), _claims(answer.body["id_token"])
    assert access["scope"] == "openid email" and access["client_id"] == demo.client_id
    assert "aud" not in access and access["username"] == demo.username
    assert idt["aud"] == demo.client_id and idt["nonce"] == "n-1" and idt["email"] == demo.email
    assert idt["auth_time"] == access["auth_time"]


def test_tokens_verify_with_the_pools_jwks(demo):
    answer = _code_tokens(demo, client_id=demo.client_id, secret=demo.client_secret)
    keys = ch.fetch_jwks(ch.jwks_url(demo.region, demo.user_pool_id, demo.endpoint_url))
    issuer = ch.expected_issuer(demo.region, demo.user_pool_id, demo.endpoint_url)
    for kind in ("id", "access"):
        checked = ch.verify_token(answer.body[f"{kind}_token"], jwks=keys, issuer=issuer,
                                  client_id=demo.client_id, token_use=kind)
        assert checked.claims["token_use"] == kind


def test_code_grant_public_client_with_client_id_in_body(demo):
    answer = _code_tokens(demo, client_id=demo.public_client_id)
    assert answer.status == 200, answer.reason


def test_without_openid_there_is_no_id_token(demo):
    answer = _code_tokens(demo, client_id=demo.public_client_id, scope="demo-api/read")
    assert "id_token" not in answer.body and "access_token" in answer.body


def test_code_is_single_use_and_bound_to_redirect_uri_and_verifier(demo):
    verifier, challenge = ch.pkce_pair()
    base = {"grant_type": "authorization_code", "client_id": demo.public_client_id}
    url = _authorize_url(demo, demo.public_client_id, code_challenge=challenge,
                         code_challenge_method="S256")
    token = _urls(demo)["token"]

    def code():
        return ch.sign_in_on_page(url, demo.username, demo.password).code

    wrong_uri = ch.token_request(token, {**base, "code": code(), "code_verifier": verifier,
                                         "redirect_uri": demo.callback_url + "/"})
    wrong_verifier = ch.token_request(token, {**base, "code": code(), "code_verifier": "x" * 43,
                                              "redirect_uri": demo.callback_url})
    one = code()
    good = {**base, "code": one, "code_verifier": verifier, "redirect_uri": demo.callback_url}
    first, second = ch.token_request(token, good), ch.token_request(token, good)
    assert wrong_uri.body == wrong_verifier.body == {"error": "invalid_grant"}
    assert first.status == 200 and second.body == {"error": "invalid_grant"}


def test_redirect_uri_differing_by_a_slash_gets_the_error_page(demo):
    status, headers, _ = _get(_authorize_url(demo, redirect_uri=demo.callback_url + "/"))
    location = headers["Location"]
    assert status == 302 and location.startswith(f"{demo.endpoint_url}/{demo.domain}/error?")
    assert "error=redirect_mismatch" in location and f"client_id={demo.client_id}" in location
    page_status, _, page = _get(location)
    assert page_status == 400 and b"redirect_mismatch" in page


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"scope": "phone"}, "invalid_scope"),
        ({"scope": "email"}, "invalid_scope"),
        ({"response_type": "token"}, "unauthorized_client"),
        ({"response_type": "id_token"}, "unsupported_response_type"),
        ({"response_type": ""}, "invalid_request"),
        ({"code_challenge": "a" * 43, "code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge_method": "S256"}, "invalid_request"),
        ({"identity_provider": "Google"}, "invalid_request"),
    ],
)
def test_other_authorize_errors_go_back_to_the_app_with_state(demo, params, error):
    status, headers, _ = _get(_authorize_url(demo, **params))
    location = headers["Location"]
    assert status == 302 and location.split("?")[0].split("#")[0] == demo.callback_url
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query or
                                        urllib.parse.urlsplit(location).fragment))
    assert query["error"] == error and query["state"] == "st-1"


def test_wrong_password_stays_on_the_page_with_cognitos_text(demo):
    result = ch.sign_in_on_page(_authorize_url(demo), demo.username, "not-the-password")
    assert result.code is None and result.message == "Incorrect username or password."


def test_sign_in_session_skips_the_form_until_logout(demo):
    opener = _opener(http.cookiejar.CookieJar())
    url = _authorize_url(demo)
    status, headers, _ = _get(url, opener=opener)
    assert status == 302 and "/login?" in headers["Location"]
    _, _, page = _get(headers["Location"], opener=opener)
    fields = {k: html.unescape(v)
              for k, v in re.findall(r'name="([^"]+)" value="([^"]*)"', page.decode())}
    fields.update(username=demo.username, password=demo.password)
    _, posted, _ = _get(f"{demo.endpoint_url}/{demo.domain}/login", opener=opener,
                        data=urllib.parse.urlencode(fields).encode())
    assert "code=" in posted["Location"]
    _, again, _ = _get(url, opener=opener)
    assert again["Location"].startswith(demo.callback_url + "?code=")
    _, out, _ = _get(_urls(demo)["logout"] + "?" + urllib.parse.urlencode(
        {"client_id": demo.client_id, "logout_uri": demo.logout_url}), opener=opener)
    assert out["Location"] == demo.logout_url
    assert "/login?" in _get(url, opener=opener)[1]["Location"]


def test_login_post_without_the_csrf_cookie_is_refused(demo):
    form = {"response_type": "code", "client_id": demo.client_id,
            "redirect_uri": demo.callback_url, "username": demo.username,
            "password": demo.password, "_csrf": "forged"}
    status, headers, _ = _get(f"{demo.endpoint_url}/{demo.domain}/login",
                              data=urllib.parse.urlencode(form).encode())
    assert status == 400 and "Location" not in headers


# -- userInfo, revoke, logout ---------------------------------------------------------


def test_userinfo_then_revoke(demo):
    tokens = _code_tokens(demo, client_id=demo.client_id, secret=demo.client_secret).body
    bearer = {"Authorization": "Bearer " + tokens["access_token"]}
    status, _, body = _get(_urls(demo)["userinfo"], bearer)
    info = json.loads(body)
    assert status == 200 and info["email"] == demo.email and info["username"] == demo.username
    assert info["email_verified"] == "true"
    auth = ch.basic_authorization(demo.client_id, demo.client_secret)
    revoked = ch.token_request(_urls(demo)["revoke"], {"token": tokens["refresh_token"]},
                               authorization=auth)
    assert revoked.status == 200
    refresh = ch.token_request(_urls(demo)["token"], {"grant_type": "refresh_token",
                               "refresh_token": tokens["refresh_token"]}, authorization=auth)
    assert refresh.body == {"error": "invalid_grant"}
    status, headers, _ = _get(_urls(demo)["userinfo"], bearer)
    assert status == 401 and 'error="invalid_token"' in headers["WWW-Authenticate"]


def test_refresh_grant_returns_new_id_and_access_tokens(demo):
    tokens = _code_tokens(demo, client_id=demo.client_id, secret=demo.client_secret).body
    answer = ch.token_request(_urls(demo)["token"], {"grant_type": "refresh_token",
                              "refresh_token": tokens["refresh_token"]},
                              authorization=ch.basic_authorization(demo.client_id,
                                                                   demo.client_secret))
    assert answer.status == 200 and "refresh_token" not in answer.body
    assert _claims(answer.body["access_token"])["scope"] == "openid email"


def test_userinfo_refuses_an_api_access_token(demo, cip):
    result = cip.initiate_auth(
        ClientId=demo.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": demo.username, "PASSWORD": demo.password,
                        "SECRET_HASH": secret_hash(demo.username, demo.client_id,
                                                   demo.client_secret)},
    )["AuthenticationResult"]
    status, _, body = _get(_urls(demo)["userinfo"],
                           {"Authorization": "Bearer " + result["AccessToken"]})
    assert status == 401 and json.loads(body) == {"error": "invalid_token"}


def test_revoke_needs_client_auth_and_a_refresh_token(demo):
    url = _urls(demo)["revoke"]
    no_token = ch.token_request(url, {}, authorization=ch.basic_authorization(
        demo.client_id, demo.client_secret))
    no_auth = ch.token_request(url, {"token": "x"})
    assert no_token.body == {"error": "invalid_request"}
    assert no_auth.body == {"error": "invalid_client"}


def test_logout_uri_must_be_a_logout_url(demo):
    query = urllib.parse.urlencode({"client_id": demo.client_id,
                                    "logout_uri": demo.callback_url})
    status, headers, _ = _get(_urls(demo)["logout"] + "?" + query)
    assert status == 302 and "error=redirect_mismatch" in headers["Location"]


# -- bad input: OAuth error JSON, and the server keeps serving -------------------------


def _raw_post(local, path, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", local.port), timeout=10) as sock:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}"
                     f"Connection: close\r\n\r\n".encode() + body)
        data = b""
        while b"\r\n\r\n" not in data and (chunk := sock.recv(65536)):
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        length = int(re.search(rb"Content-Length: (\d+)", head, re.I).group(1))
        while len(rest) < length and (chunk := sock.recv(65536)):
            rest += chunk
    return int(head.split(b" ", 2)[1]), rest


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (b'{"grant_type": "client_credentials"}', {"Content-Type": "application/json"}),
        (b"grant_type=client_credentials", {}),
        (b"x" * 70000, {"Content-Type": "application/x-www-form-urlencoded"}),
        (b"grant_type=\xff\xfe", {"Content-Type": "application/x-www-form-urlencoded"}),
        (b"grant_type=a&grant_type=b", {"Content-Type": "application/x-www-form-urlencoded"}),
        (b"&".join(b"k%d=v" % i for i in range(200)),
         {"Content-Type": "application/x-www-form-urlencoded"}),
    ],
    ids=["json", "no-content-type", "huge", "not-utf8", "repeated", "many-fields"],
)
def test_bad_token_requests_get_oauth_json_and_the_server_keeps_serving(
    local_cognito, demo, body, headers
):
    headers = {**headers, "Content-Length": str(len(body))}
    status, answer = _raw_post(local_cognito, f"/{demo.domain}/oauth2/token", body, headers)
    assert status == 400 and json.loads(answer) == {"error": "invalid_request"}
    assert _cc(demo, ch.basic_authorization(demo.m2m_client_id, demo.m2m_client_secret)).status \
        == 200


def test_get_on_the_token_endpoint_is_405_json(demo):
    status, headers, body = _get(_urls(demo)["token"])
    assert status == 405 and json.loads(body) == {"error": "invalid_request"}
    assert "POST" in headers["Allow"]


def test_cors_preflight_on_the_token_endpoint(demo):
    status, headers, _ = _get(_urls(demo)["token"], method="OPTIONS")
    assert status == 204 and headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("header", ["Basic !!!", "Basic " + base64.b64encode(b"\xff").decode()])
def test_malformed_basic_is_invalid_client(demo, header):
    assert _cc(demo, header).body == {"error": "invalid_client"}


def test_demo_banner_prints_the_oauth_urls(capsys, monkeypatch):
    import threading

    from cognito_helpers.local import console

    monkeypatch.setattr(threading.Event, "wait", lambda self, timeout=None: True)
    assert console.serve_forever(demo=True) == 0
    out = capsys.readouterr().out
    assert "/oauth2/token" in out and "openid-configuration" in out and "m2m client" in out


def test_an_api_refresh_token_works_at_the_token_endpoint(demo, cip):
    result = cip.initiate_auth(
        ClientId=demo.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": demo.username, "PASSWORD": demo.password,
                        "SECRET_HASH": secret_hash(demo.username, demo.client_id,
                                                   demo.client_secret)},
    )["AuthenticationResult"]
    answer = ch.token_request(_urls(demo)["token"], {"grant_type": "refresh_token",
                              "refresh_token": result["RefreshToken"]},
                              authorization=ch.basic_authorization(demo.client_id,
                                                                   demo.client_secret))
    assert answer.status == 200 and {"id_token", "access_token"} <= set(answer.body)
    assert _claims(answer.body["access_token"])["scope"] == "aws.cognito.signin.user.admin"


def test_sign_in_page_counts_towards_the_apis_lockout(demo, cip):
    url = _authorize_url(demo)
    for _ in range(5):
        assert ch.sign_in_on_page(url, demo.username, "wrong").message == (
            "Incorrect username or password.")
    locked = ch.sign_in_on_page(url, demo.username, demo.password)
    assert locked.code is None and locked.message == "Password attempts exceeded"
    with pytest.raises(cip.exceptions.NotAuthorizedException, match="Password attempts exceeded"):
        cip.initiate_auth(
            ClientId=demo.client_id, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": demo.username, "PASSWORD": demo.password,
                            "SECRET_HASH": secret_hash(demo.username, demo.client_id,
                                                       demo.client_secret)})


# -- issue 25 item 3: PKCE downgrade, a disabled user's session, Host names ---------------


def test_a_code_verifier_for_a_code_without_challenge_is_invalid_grant(demo):
    # RFC 9700 4.8.2: a verifier is refused when the authorize request had no challenge;
    # else an attacker who strips the challenge redeems a stolen code with any verifier.
    url = _authorize_url(demo, demo.public_client_id)  # no code_challenge
    token = _urls(demo)["token"]
    base = {"grant_type": "authorization_code", "client_id": demo.public_client_id,
            "redirect_uri": demo.callback_url}
    for verifier in ("x" * 43, ch.pkce_pair()[0], ""):
        code = ch.sign_in_on_page(url, demo.username, demo.password).code
        answer = ch.token_request(token, {**base, "code": code, "code_verifier": verifier})
        assert answer.status == 400 and answer.body == {"error": "invalid_grant"}, verifier
        # the code was spent on that refusal, as every failed redemption spends it
        assert ch.token_request(token, {**base, "code": code}).body == {"error": "invalid_grant"}
    code = ch.sign_in_on_page(url, demo.username, demo.password).code
    plain = ch.token_request(token, {**base, "code": code})  # no PKCE at all: still allowed
    assert plain.status == 200 and "access_token" in plain.body


def _implicit_client(cip, demo):
    return cip.create_user_pool_client(
        UserPoolId=demo.user_pool_id, ClientName="implicit", GenerateSecret=False,
        AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["code", "implicit"],
        AllowedOAuthScopes=["openid", "email"], CallbackURLs=[demo.callback_url],
        SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]["ClientId"]


def _sign_in_keeping_the_session(demo, url):
    opener = _opener(http.cookiejar.CookieJar())
    _, headers, _ = _get(url, opener=opener)
    _, _, page = _get(headers["Location"], opener=opener)
    fields = {k: html.unescape(v)
              for k, v in re.findall(r'name="([^"]+)" value="([^"]*)"', page.decode())}
    fields.update(username=demo.username, password=demo.password)
    _, posted, _ = _get(f"{demo.endpoint_url}/{demo.domain}/login", opener=opener,
                        data=urllib.parse.urlencode(fields).encode())
    return opener, posted["Location"]


def test_a_disabled_user_gets_nothing_from_a_live_session(demo, cip):
    client_id = _implicit_client(cip, demo)
    implicit = _authorize_url(demo, client_id, response_type="token", nonce="n-1")
    code_url = _authorize_url(demo, client_id)
    opener, first = _sign_in_keeping_the_session(demo, implicit)
    assert first.startswith(demo.callback_url + "#") and "id_token=" in first
    assert "id_token=" in _get(implicit, opener=opener)[1]["Location"]  # the session works
    cip.admin_disable_user(UserPoolId=demo.user_pool_id, Username=demo.username)
    try:
        for url in (implicit, code_url):
            status, headers, _ = _get(url, opener=opener)
            location = headers["Location"]
            assert status == 302 and "/login?" in location, location
            assert "token=" not in location and "code=" not in location
        # the sign-in page then says what InitiateAuth says
        result = ch.sign_in_on_page(implicit, demo.username, demo.password)
        assert result.code is None and result.message == "User is disabled."
        cip.admin_enable_user(UserPoolId=demo.user_pool_id, Username=demo.username)
        # the session ended with the refusal: enabling the user again does not revive it
        assert "/login?" in _get(implicit, opener=opener)[1]["Location"]
    finally:
        cip.admin_enable_user(UserPoolId=demo.user_pool_id, Username=demo.username)


def test_a_disabled_users_refresh_token_gets_invalid_grant(demo, cip):
    tokens = _code_tokens(demo, client_id=demo.client_id, secret=demo.client_secret).body
    auth = ch.basic_authorization(demo.client_id, demo.client_secret)
    form = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    cip.admin_disable_user(UserPoolId=demo.user_pool_id, Username=demo.username)
    try:
        answer = ch.token_request(_urls(demo)["token"], form, authorization=auth)
        assert answer.status == 400 and answer.body == {"error": "invalid_grant"}
    finally:
        cip.admin_enable_user(UserPoolId=demo.user_pool_id, Username=demo.username)
    assert ch.token_request(_urls(demo)["token"], form, authorization=auth).status == 200


def _raw_get(local, path: str, host: str) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", local.port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    return int(lines[0].split()[1]), headers, body


@pytest.mark.parametrize("evil", ["evil.example/.localhost", "evil.example?.localhost",
                                  "evil.example#.localhost", "evil.example\\.localhost"])
def test_discovery_and_authorize_never_advertise_a_host_that_is_no_host_name(
    local_cognito, demo, evil
):
    host = f"{evil}:{local_cognito.port}"
    discovery = f"/{demo.user_pool_id}/.well-known/openid-configuration"
    # redirect_uri mismatch: authorize's error redirect is built from the Host
    bad_authorize = f"/{demo.domain}/oauth2/authorize?" + urllib.parse.urlencode(
        {"response_type": "code", "client_id": demo.client_id, "redirect_uri": "http://x/"})
    for path in (discovery, bad_authorize):
        status, headers, body = _raw_get(local_cognito, path, host)
        assert status == 400, (path, status)
        assert "Location" not in headers and b"http://evil.example" not in body
        assert "Host header" in json.loads(body)["message"]
    # the same requests with a real name: answered, and URLs carry that name
    status, _, body = _raw_get(local_cognito, discovery, f"localhost:{local_cognito.port}")
    assert status == 200
    assert json.loads(body)["token_endpoint"].startswith(f"http://localhost:{local_cognito.port}/")
    status, headers, _ = _raw_get(local_cognito, bad_authorize, f"app.localhost:{local_cognito.port}")
    assert status == 302
    assert headers["Location"].startswith(f"http://app.localhost:{local_cognito.port}/")
