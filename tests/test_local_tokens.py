"""The tokens the local Cognito issues (cognito_helpers.local.tokens): claims, keys, shapes.

Each rule cites its AWS source: developer guide "Understanding the identity
(ID) token", "Understanding the access token", "Verifying a JSON Web Token",
"Refresh tokens"; OpenID Connect Core 12.2 for auth_time on refresh.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request

import jwt
import pytest

from cognito_helpers import secret_hash
from cognito_helpers.local import tokens as local_tokens


def sign_in(cip, demo, client_id=None, secret=None):
    client_id = client_id or demo.client_id
    params = {"USERNAME": demo.username, "PASSWORD": demo.password}
    if secret is not False:
        params["SECRET_HASH"] = secret_hash(demo.username, client_id, secret or demo.client_secret)
    return cip.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=params
    )["AuthenticationResult"]


def claims(token):
    return jwt.decode(token, options={"verify_signature": False})


def pool_jwks(demo):
    url = f"{demo.endpoint_url}/{demo.user_pool_id}/.well-known/jwks.json"
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
        return json.load(response)


def verify(token, jwks, demo, **options):
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in jwt.PyJWKSet.from_dict(jwks).keys if k.key_id == kid)
    return jwt.decode(
        token,
        key.key,
        algorithms=["RS256"],
        issuer=f"{demo.endpoint_url}/{demo.user_pool_id}",
        **options,
    )


# -- ID token claims -------------------------------------------------------------


def test_id_token_carries_the_users_standard_attributes(cip, demo):
    # With no ReadAttributes the app reads every attribute, and the ID token
    # carries those the user has (CreateUserPoolClient API reference, ReadAttributes).
    id_claims = claims(sign_in(cip, demo)["IdToken"])
    assert id_claims["email"] == demo.email
    assert id_claims["email_verified"] is True  # a boolean, as in AWS's example token
    assert id_claims["cognito:username"] == demo.internal_username
    assert id_claims["token_use"] == "id"
    assert id_claims["aud"] == demo.client_id
    for name in ("jti", "origin_jti", "event_id", "auth_time", "iat", "exp", "sub"):
        assert name in id_claims, name
    assert "sub" not in [n for n in id_claims if n.startswith("custom:")]


def test_id_token_honours_read_attributes(cip, demo):
    client_id = cip.create_user_pool_client(
        UserPoolId=demo.user_pool_id,
        ClientName="reads-email-only",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
        ReadAttributes=["email"],
    )["UserPoolClient"]["ClientId"]
    cip.admin_update_user_attributes(
        UserPoolId=demo.user_pool_id,
        Username=demo.username,
        UserAttributes=[{"Name": "name", "Value": "Alice Liddell"}],
    )
    everything = claims(sign_in(cip, demo)["IdToken"])
    assert everything["name"] == "Alice Liddell"
    limited = claims(sign_in(cip, demo, client_id=client_id, secret=False)["IdToken"])
    assert limited["email"] == demo.email
    assert "name" not in limited and "email_verified" not in limited


def test_access_token_claims_as_aws(cip, demo):
    access = claims(sign_in(cip, demo)["AccessToken"])
    assert access["version"] == 2
    assert access["token_use"] == "access"
    assert access["client_id"] == demo.client_id
    assert access["username"] == demo.internal_username
    assert access["scope"] == "aws.cognito.signin.user.admin"
    assert "aud" not in access  # access tokens have no audience
    for name in ("jti", "origin_jti", "event_id", "auth_time"):
        assert name in access, name


def test_one_sign_in_ties_its_tokens_together(cip, demo):
    result = sign_in(cip, demo)
    id_claims, access = claims(result["IdToken"]), claims(result["AccessToken"])
    assert id_claims["origin_jti"] == access["origin_jti"]
    assert id_claims["event_id"] == access["event_id"]
    assert id_claims["jti"] != access["jti"]
    again = claims(sign_in(cip, demo)["IdToken"])
    assert again["origin_jti"] != id_claims["origin_jti"]


def test_email_as_username_pool_claims(cip, email_demo):
    id_claims = claims(sign_in(cip, email_demo)["IdToken"])
    # cognito:username is the internal name (the sub), the e-mail is an attribute.
    assert id_claims["cognito:username"] == email_demo.internal_username == id_claims["sub"]
    assert id_claims["email"] == email_demo.email


def test_tokens_work_with_moto_user_calls(cip, demo):
    # GetUser finds the user behind our access token, as AWS does.
    result = sign_in(cip, demo)
    assert cip.get_user(AccessToken=result["AccessToken"])["Username"] == demo.internal_username


# -- keys, ids, shapes ---------------------------------------------------------------


def test_each_pool_has_its_own_keys_and_tokens_verify(cip, local_cognito):
    first, second = local_cognito.demo(), local_cognito.demo()
    assert first.user_pool_id != second.user_pool_id
    jwks_first, jwks_second = pool_jwks(first), pool_jwks(second)
    kids_first = {k["kid"] for k in jwks_first["keys"]}
    kids_second = {k["kid"] for k in jwks_second["keys"]}
    assert len(kids_first) == 2 and not kids_first & kids_second
    assert "dummy" not in kids_first
    for key in jwks_first["keys"]:
        assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig"
        assert len(jwt.PyJWK(key).key.public_numbers().n.to_bytes(256, "big")) == 256
    result = sign_in(cip, first)
    id_claims = verify(result["IdToken"], jwks_first, first, audience=first.client_id)
    assert id_claims["token_use"] == "id"
    access = verify(result["AccessToken"], jwks_first, first, options={"verify_aud": False})
    assert access["token_use"] == "access"
    # ID and access tokens are signed by the pool's two different keys (developer guide).
    assert (
        jwt.get_unverified_header(result["IdToken"])["kid"]
        != jwt.get_unverified_header(result["AccessToken"])["kid"]
    )
    # Another pool's keys do not verify this pool's token.
    with pytest.raises((jwt.InvalidSignatureError, StopIteration)):
        verify(result["IdToken"], jwks_second, first, audience=first.client_id)


def test_token_header_is_kid_and_alg_only(cip, demo):
    header = jwt.get_unverified_header(sign_in(cip, demo)["IdToken"])
    assert set(header) == {"kid", "alg"} and header["alg"] == "RS256"
    assert re.fullmatch(r"[A-Za-z0-9+/]{43}=", header["kid"])


def test_pool_ids_are_shaped_like_aws(demo):
    assert re.fullmatch(r"us-east-1_[A-Za-z0-9]{9}", demo.user_pool_id)


def test_pool_arn_follows_the_id(cip, demo):
    pool = cip.describe_user_pool(UserPoolId=demo.user_pool_id)["UserPool"]
    assert pool["Id"] == demo.user_pool_id
    assert pool["Arn"].endswith(f":userpool/{demo.user_pool_id}")


def test_refresh_token_is_opaque_five_part(cip, demo):
    token = sign_in(cip, demo)["RefreshToken"]
    parts = token.split(".")
    assert len(parts) == 5
    header = json.loads(jwt.utils.base64url_decode(parts[0]))
    assert header == {"cty": "JWT", "enc": "A256GCM", "alg": "RSA-OAEP"}
    assert not re.fullmatch(r"[0-9a-f-]{36}", token)
    assert 1500 < len(token) < 2100


def test_refresh_keeps_auth_time(cip, demo):
    first = sign_in(cip, demo)
    time.sleep(1.1)
    refreshed = cip.initiate_auth(
        ClientId=demo.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={
            "REFRESH_TOKEN": first["RefreshToken"],
            "SECRET_HASH": secret_hash(demo.internal_username, demo.client_id, demo.client_secret),
        },
    )["AuthenticationResult"]
    before, after = claims(first["IdToken"]), claims(refreshed["IdToken"])
    # OpenID Connect Core 12.2: a refreshed ID token keeps the original auth_time.
    assert after["auth_time"] == before["auth_time"]
    assert after["iat"] > before["iat"]
    assert after["origin_jti"] == before["origin_jti"]
    assert claims(refreshed["AccessToken"])["auth_time"] == before["auth_time"]


def test_token_validity_follows_the_client(cip, demo):
    client_id = cip.create_user_pool_client(
        UserPoolId=demo.user_pool_id,
        ClientName="short-tokens",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
        AccessTokenValidity=5,
        IdTokenValidity=10,
        TokenValidityUnits={"AccessToken": "minutes", "IdToken": "minutes"},
    )["UserPoolClient"]["ClientId"]
    result = sign_in(cip, demo, client_id=client_id, secret=False)
    assert result["ExpiresIn"] == 300
    access, id_claims = claims(result["AccessToken"]), claims(result["IdToken"])
    assert access["exp"] - access["iat"] == 300
    assert id_claims["exp"] - id_claims["iat"] == 600


# -- the module's API (what the OAuth endpoints call) ----------------------------------


def test_mint_tokens_api(local_cognito, demo):
    from moto.cognitoidp.models import cognitoidp_backends

    pool = cognitoidp_backends[local_cognito.account_id][demo.region].user_pools[demo.user_pool_id]
    client, user = pool.clients[demo.client_id], pool._get_user(demo.username)
    issued = local_tokens.mint_tokens(
        pool, client, user, auth_time=1_700_000_000, scope="openid email", nonce="n-1"
    )
    assert "token" not in repr(issued).split("(", 1)[1].split("expires_in")[0]
    id_claims = claims(issued.id_token)
    assert id_claims["auth_time"] == 1_700_000_000 and id_claims["nonce"] == "n-1"
    assert claims(issued.access_token)["scope"] == "openid email"
    grant = local_tokens.refresh_grant(pool, issued.refresh_token)
    assert grant is not None and grant.auth_time == 1_700_000_000
    assert grant.origin_jti == id_claims["origin_jti"]
    m2m = local_tokens.mint_tokens(pool, client, None, scope="api/read")
    assert m2m.id_token is None and m2m.refresh_token is None
    assert claims(m2m.access_token)["sub"] == demo.client_id
    result = issued.authentication_result()
    assert set(result) == {"AccessToken", "IdToken", "RefreshToken", "ExpiresIn", "TokenType"}


def test_jwks_of_unknown_pool_is_not_found(demo):
    url = f"{demo.endpoint_url}/us-east-1_NoSuchPo0/.well-known/jwks.json"
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(url, timeout=10)  # noqa: S310 - loopback
    info.value.close()
    assert info.value.code == 400


def test_challenge_path_mints_the_same_way(cip, demo):
    # NEW_PASSWORD_REQUIRED goes through moto's RespondToAuthChallenge: same keys, same claims.
    cip.admin_create_user(
        UserPoolId=demo.user_pool_id,
        Username="carol",
        TemporaryPassword="Temp-Pw1!abc",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "carol@example.com"}],
    )
    start = cip.initiate_auth(
        ClientId=demo.public_client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "carol", "PASSWORD": "Temp-Pw1!abc"},
    )
    assert start["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    result = cip.respond_to_auth_challenge(
        ClientId=demo.public_client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=start["Session"],
        ChallengeResponses={"USERNAME": "carol", "NEW_PASSWORD": "Final-Pw1!abc"},
    )["AuthenticationResult"]
    jwks = pool_jwks(demo)
    id_claims = verify(result["IdToken"], jwks, demo, audience=demo.public_client_id)
    access = verify(result["AccessToken"], jwks, demo, options={"verify_aud": False})
    assert id_claims["email"] == "carol@example.com"
    assert id_claims["origin_jti"] == access["origin_jti"]
    assert id_claims["auth_time"] == access["auth_time"]
    assert len(result["RefreshToken"].split(".")) == 5


def test_creating_a_pool_does_not_import_motos_key(local_cognito):
    """moto imports its bundled private key for every pool (0.1-0.2 s of CPU each, recovering
    its primes); ours sign with their own keys, so that import waits until something reads it."""
    from moto.cognitoidp.models import cognitoidp_backends

    from cognito_helpers.local.moto_key import DeferredKey

    pool_id = local_cognito.client().create_user_pool(PoolName="no-moto-key")["UserPool"]["Id"]
    pool = cognitoidp_backends[local_cognito.account_id][local_cognito.region].user_pools[pool_id]
    deferred = pool.__dict__["json_web_key"]
    assert isinstance(deferred, DeferredKey) and "not imported" in repr(deferred)


def test_motos_own_signing_still_works_on_our_pools(cip, local_cognito, demo):
    """Reading the deferred key imports it: moto's create_jwt signs with its "dummy" key."""
    from joserfc import jwk as joserfc_jwk
    from moto.cognitoidp.models import cognitoidp_backends

    pool = cognitoidp_backends[local_cognito.account_id][demo.region].user_pools[demo.user_pool_id]
    token, _ = pool.create_jwt(demo.client_id, demo.username, "id")
    assert isinstance(pool.__dict__["json_web_key"], joserfc_jwk.RSAKey)
    assert jwt.get_unverified_header(token)["kid"] == "dummy"
    assert claims(token)["token_use"] == "id"


def test_plain_moto_pools_in_the_same_process_still_sign(local_cognito):
    """A pool moto makes on its own (a suite that also uses moto's mock_aws, the benchmarks'
    bare moto) signs with moto's bundled key, imported when it first needs it."""
    from joserfc import jwk as joserfc_jwk
    from moto.cognitoidp.models import CognitoIdpUserPool, cognitoidp_backends

    backend = cognitoidp_backends["000000000017"]["us-east-1"]  # an account no test uses
    pool = backend.create_user_pool("plain-moto", {})
    try:
        assert type(pool) is CognitoIdpUserPool  # not adopted: moto's own
        client = backend.create_user_pool_client(pool.id, False, {"ClientName": "plain"})
        backend.admin_create_user(pool.id, "someone", "SUPPRESS", "Temp-pass-1!", [])
        token, _ = pool.create_jwt(client.id, "someone", "access")
        assert isinstance(pool.__dict__["json_web_key"], joserfc_jwk.RSAKey)
        assert jwt.get_unverified_header(token)["kid"] == "dummy"
    finally:
        backend.user_pools.pop(pool.id, None)


# -- issue 25 item 6: a sign-in's look-up does not scan every grant of the pool ---------


class _CountingGrants(dict):
    """The pool's refresh-grant table, counting whole-table walks."""

    walks = 0

    def values(self):
        type(self).walks += 1
        return super().values()

    def items(self):
        type(self).walks += 1
        return super().items()

    def __iter__(self):
        type(self).walks += 1
        return super().__iter__()


def test_sign_ins_look_up_their_grant_without_walking_every_grant(local_cognito, cip, demo):
    from moto.cognitoidp.models import cognitoidp_backends

    pool = cognitoidp_backends[local_cognito.account_id][demo.region].user_pools[demo.user_pool_id]
    sign_in(cip, demo)  # the table exists
    pool.__dict__["_local_refresh_grants"] = _CountingGrants(pool.__dict__["_local_refresh_grants"])
    _CountingGrants.walks = 0
    results = [sign_in(cip, demo) for _ in range(5)]
    assert _CountingGrants.walks == 0  # the old _grant_of walked the table twice a sign-in
    for result in results:
        grant = local_tokens.refresh_grant(pool, result["RefreshToken"])
        id_claims, access = claims(result["IdToken"]), claims(result["AccessToken"])
        # each sign-in's tokens still carry its own grant's origin_jti, auth_time, event_id
        assert id_claims["origin_jti"] == access["origin_jti"] == grant.origin_jti
        assert id_claims["auth_time"] == access["auth_time"] == grant.auth_time
        assert id_claims["event_id"] == access["event_id"] == grant.event_id
    assert len({claims(r["IdToken"])["origin_jti"] for r in results}) == 5


def test_a_rotated_sign_ins_lookup_finds_its_first_grant(local_cognito, demo):
    from moto.cognitoidp.models import cognitoidp_backends

    pool = cognitoidp_backends[local_cognito.account_id][demo.region].user_pools[demo.user_pool_id]
    client, user = pool.clients[demo.client_id], pool._get_user(demo.username)
    first = local_tokens.mint_tokens(pool, client, user, auth_time=1_700_000_000)
    grant = local_tokens.refresh_grant(pool, first.refresh_token)
    rotated = local_tokens.mint_from_grant(pool, grant, refresh_token=True)
    successor = local_tokens.refresh_grant(pool, rotated.refresh_token)
    assert successor is not grant and successor.origin_jti == grant.origin_jti
    # moto's flows ask by origin_jti: the answer is the sign-in's first grant, as before
    assert pool._grant_of(demo.client_id, demo.username, grant.origin_jti) is grant
    unknown = pool._grant_of(demo.client_id, demo.username, "not-issued-here")
    assert unknown.origin_jti == "not-issued-here" and unknown.username == user.username
