"""The local Cognito's issuer is the URL it serves, and managed login's ID tokens carry at_hash.

OIDC Discovery 1.0, section 4.3: the ``issuer`` in a discovery document is the URL
the document was fetched from (less ``/.well-known/openid-configuration``), and
every token's ``iss`` is that issuer; on AWS it is. OIDC Core 1.0, 3.1.3.6 and
3.2.2.10: ``at_hash`` is base64url of the left half of SHA-256 of the access token.
"""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.parse
import urllib.request

import jwt
import pytest
from authlib.oidc.core import CodeIDToken, ImplicitIDToken

import cognito_helpers as ch
from cognito_helpers.exceptions import InvalidInputError
from cognito_helpers.hashing import secret_hash
from cognito_helpers.lessons.oauth import _fetch, _opener
from cognito_helpers.local.server import LocalCognito


def _claims(token):
    return jwt.decode(token, options={"verify_signature": False})


def _discovery(endpoint_url, pool_id):
    url = f"{endpoint_url}/{pool_id}/.well-known/openid-configuration"
    status, _, body = _fetch(_opener(), url, 10)
    assert status == 200
    return url, json.loads(body)


def _api_tokens(lc, demo):
    return lc.client().initiate_auth(
        ClientId=demo.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": demo.username,
            "PASSWORD": demo.password,
            "SECRET_HASH": secret_hash(demo.username, demo.client_id, demo.client_secret),
        },
    )["AuthenticationResult"]


def _code_grant(demo):
    verifier, challenge = ch.pkce_pair()
    urls = demo.oauth_urls()
    query = {"response_type": "code", "client_id": demo.client_id,
             "redirect_uri": demo.callback_url, "scope": "openid email", "nonce": "n-1",
             "code_challenge": challenge, "code_challenge_method": "S256"}
    result = ch.sign_in_on_page(urls["authorize"] + "?" + urllib.parse.urlencode(query),
                                demo.username, demo.password)
    assert result.code, result
    answer = ch.token_request(
        urls["token"],
        {"grant_type": "authorization_code", "code": result.code,
         "redirect_uri": demo.callback_url, "code_verifier": verifier},
        authorization=ch.basic_authorization(demo.client_id, demo.client_secret),
    )
    assert answer.status == 200, answer.reason
    return answer.body


def _implicit(lc, demo):
    client_id = lc.client().create_user_pool_client(
        UserPoolId=demo.user_pool_id, ClientName="implicit", GenerateSecret=False,
        AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["implicit"],
        AllowedOAuthScopes=["openid", "email"], CallbackURLs=[demo.callback_url],
        SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]["ClientId"]
    query = {"response_type": "token", "client_id": client_id,
             "redirect_uri": demo.callback_url, "scope": "openid email", "nonce": "n-2"}
    result = ch.sign_in_on_page(demo.oauth_urls()["authorize"] + "?" +
                                urllib.parse.urlencode(query), demo.username, demo.password)
    fragment = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(result.location).fragment))
    assert "id_token" in fragment and "access_token" in fragment, result
    return client_id, fragment


def _at_hash(access_token):
    digest = hashlib.sha256(access_token.encode()).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


# -- the issuer ---------------------------------------------------------------------


def test_discovery_issuer_is_the_url_it_was_fetched_from_and_every_token_says_so(
        local_cognito, demo):
    url, doc = _discovery(demo.endpoint_url, demo.user_pool_id)
    issuer = url.removesuffix("/.well-known/openid-configuration")
    assert doc["issuer"] == issuer == f"{local_cognito.endpoint_url}/{demo.user_pool_id}"
    # the JWKS lives under the issuer, as on AWS
    assert doc["jwks_uri"] == f"{issuer}/.well-known/jwks.json"
    api = _api_tokens(local_cognito, demo)
    oauth = _code_grant(demo)
    machine = ch.token_request(
        demo.oauth_urls()["token"], {"grant_type": "client_credentials", "scope": "demo-api/read"},
        authorization=ch.basic_authorization(demo.m2m_client_id, demo.m2m_client_secret),
    ).body
    for token in (api["IdToken"], api["AccessToken"], oauth["id_token"],
                  oauth["access_token"], machine["access_token"]):
        assert _claims(token)["iss"] == issuer
    # a refresh keeps it
    refreshed = local_cognito.client().initiate_auth(
        ClientId=demo.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": api["RefreshToken"], "SECRET_HASH": secret_hash(
            demo.internal_username, demo.client_id, demo.client_secret)},
    )["AuthenticationResult"]
    assert _claims(refreshed["IdToken"])["iss"] == issuer


def test_verify_helpers_take_the_local_issuer(local_cognito, demo):
    tokens = _api_tokens(local_cognito, demo)
    issuers = ch.accepted_issuers(demo.region, demo.user_pool_id, demo.endpoint_url)
    assert issuers == (f"{demo.endpoint_url}/{demo.user_pool_id}",
                       ch.expected_issuer(demo.region, demo.user_pool_id))
    keys = ch.fetch_jwks(ch.jwks_url(demo.region, demo.user_pool_id, demo.endpoint_url))
    checked = ch.verify_token(tokens["IdToken"], jwks=keys, issuer=issuers,
                              client_id=demo.client_id, token_use="id")
    assert checked.claims["iss"] == issuers[0]
    # AWS's issuer alone refuses a token of the local issuer, and says both
    with pytest.raises(ch.TokenError, match="expected 'https://cognito-idp"):
        ch.verify_token(tokens["IdToken"], jwks=keys, issuer=issuers[1],
                        client_id=demo.client_id)


@pytest.mark.parametrize("bad", [[], (), ["x", 3], 7, [""]])
def test_verify_token_refuses_an_issuer_that_is_not_strings(local_cognito, demo, bad):
    tokens = _api_tokens(local_cognito, demo)
    with pytest.raises(InvalidInputError, match="issuer"):
        ch.verify_token(tokens["IdToken"], jwks={"keys": []}, issuer=bad,
                        client_id=demo.client_id)


def test_aws_issuer_opt_in_mints_and_advertises_awss_url():
    with LocalCognito(aws_issuer=True) as lc:
        demo = lc.demo()
        aws = f"https://cognito-idp.{demo.region}.amazonaws.com/{demo.user_pool_id}"
        _, doc = _discovery(demo.endpoint_url, demo.user_pool_id)
        assert doc["issuer"] == aws
        tokens = _api_tokens(lc, demo)
        assert _claims(tokens["AccessToken"])["iss"] == aws
        assert _claims(_code_grant(demo)["id_token"])["iss"] == aws
        # userInfo takes the pool's own tokens in this mode too
        access = _code_grant(demo)["access_token"]
        request = urllib.request.Request(  # noqa: S310 - the local Cognito on loopback
            demo.oauth_urls()["userinfo"], headers={"Authorization": f"Bearer {access}"})
        status, _, _ = _fetch(_opener(), request, 10)
        assert status == 200
        # the target helpers accept either issuer
        keys = ch.fetch_jwks(ch.jwks_url(demo.region, demo.user_pool_id, demo.endpoint_url))
        ch.verify_token(tokens["AccessToken"], jwks=keys, client_id=demo.client_id,
                        issuer=ch.accepted_issuers(demo.region, demo.user_pool_id,
                                                   demo.endpoint_url))


def test_the_environment_picks_the_issuer(monkeypatch):
    monkeypatch.setenv("COGNITO_LOCAL_ISSUER", "aws")
    assert LocalCognito().aws_issuer is True
    monkeypatch.setenv("COGNITO_LOCAL_ISSUER", "local")
    assert LocalCognito().aws_issuer is False
    assert LocalCognito(aws_issuer=True).aws_issuer is True  # the argument wins
    monkeypatch.setenv("COGNITO_LOCAL_ISSUER", "amazon")
    with pytest.raises(InvalidInputError, match=r"COGNITO_LOCAL_ISSUER.*'local'.*'aws'"):
        LocalCognito()


# -- at_hash ------------------------------------------------------------------------


def test_code_grant_id_token_carries_at_hash_of_its_access_token(demo):
    body = _code_grant(demo)
    claims = _claims(body["id_token"])
    assert claims["at_hash"] == _at_hash(body["access_token"])
    # an independent OIDC implementation (Authlib) checks it the same way
    token = CodeIDToken(claims, {"alg": "RS256"},
                        params={"access_token": body["access_token"]})
    token.validate_at_hash()
    other = _code_grant(demo)
    with pytest.raises(Exception, match="at_hash"):
        CodeIDToken(claims, {"alg": "RS256"},
                    params={"access_token": other["access_token"]}).validate_at_hash()


def test_implicit_id_token_carries_at_hash_and_nonce(local_cognito, demo):
    client_id, fragment = _implicit(local_cognito, demo)
    claims = _claims(fragment["id_token"])
    assert claims["aud"] == client_id and claims["nonce"] == "n-2"
    ImplicitIDToken(claims, {"alg": "RS256"},
                    params={"access_token": fragment["access_token"]}).validate_at_hash()
    assert claims["at_hash"] == _at_hash(fragment["access_token"])
    # Cognito has no hybrid response type (code id_token), so no c_hash
    assert "c_hash" not in claims


def test_api_id_tokens_have_no_at_hash(local_cognito, demo):
    # AWS's user-flow API (InitiateAuth) ID tokens carry no at_hash (pycognito#20)
    assert "at_hash" not in _claims(_api_tokens(local_cognito, demo)["IdToken"])


def test_the_demo_pool_names_its_issuer(local_cognito, demo):
    assert demo.issuer == f"{local_cognito.endpoint_url}/{demo.user_pool_id}"
    assert demo.env()["COGNITO_ISSUER"] == demo.issuer
    with LocalCognito(aws_issuer=True) as lc:
        other = lc.demo()
        assert other.issuer == ch.expected_issuer(other.region, other.user_pool_id)


def test_cli_local_aws_issuer_flag_reaches_the_server(monkeypatch):
    from cognito_helpers import cli

    seen = {}
    monkeypatch.setattr("cognito_helpers.local.console.serve_forever",
                        lambda **kwargs: seen.update(kwargs) or 0)
    assert cli.main(["local", "--aws-issuer"]) == 0
    assert seen["aws_issuer"] is True
    assert cli.main(["local"]) == 0
    assert seen["aws_issuer"] is None  # then COGNITO_LOCAL_ISSUER decides
