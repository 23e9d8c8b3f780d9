"""Token verification: against the local Cognito's real tokens, and against tokens we sign
ourselves to reach every failure (expired, wrong key, wrong alg, altered, wrong client)."""

from __future__ import annotations

import base64
import json
import socket
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from cognito_helpers import secret_hash
from cognito_helpers.exceptions import InvalidInputError, TokenError
from cognito_helpers.tokens import (
    expected_issuer,
    fetch_jwks,
    jwks_url,
    peek_token,
    verify_for_target,
    verify_token,
    with_edited_claims,
)

REGION = "eu-west-1"
POOL = "eu-west-1_AbCdEf123"
CLIENT = "1example23456789abcdefghij"
ISSUER = f"https://cognito-idp.{REGION}.amazonaws.com/{POOL}"


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def jwks(key: rsa.RSAPrivateKey) -> dict[str, Any]:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update(kid="test-key-1", alg="RS256", use="sig")
    return {"keys": [jwk]}


def _sign(key: Any, *, kid: str = "test-key-1", alg: str = "RS256", **overrides: Any) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "sub": "0b5e1c3a-1111-2222-3333-444455556666",
        "token_use": "access",
        "client_id": CLIENT,
        "username": "alice",
        "iat": now,
        "exp": now + 3600,
    }
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


def _verify(token: str, jwks: dict[str, Any], **kw: Any):
    kw.setdefault("issuer", ISSUER)
    kw.setdefault("client_id", CLIENT)
    return verify_token(token, jwks=jwks, **kw)


# -- addresses ---------------------------------------------------------------------


def test_issuer_and_jwks_url_on_aws_and_on_a_local_endpoint() -> None:
    assert expected_issuer(REGION, POOL) == ISSUER
    assert jwks_url(REGION, POOL) == f"{ISSUER}/.well-known/jwks.json"
    assert (
        jwks_url(REGION, POOL, "http://127.0.0.1:5000/")
        == f"http://127.0.0.1:5000/{POOL}/.well-known/jwks.json"
    )
    with pytest.raises(InvalidInputError, match="user_pool_id"):
        jwks_url(REGION, "", "http://127.0.0.1:5000")


# -- self-signed tokens: each check -----------------------------------------------


def test_a_good_access_token_verifies(key, jwks) -> None:
    v = _verify(_sign(key), jwks, token_use="access")
    assert v.token_use == "access"
    assert v.username == "alice"
    assert v.client_id == CLIENT
    assert v.lifetime == 3600
    assert 3590 <= v.expires_in() <= 3600


def test_a_good_id_token_is_checked_against_aud(key, jwks) -> None:
    token = _sign(
        key,
        token_use="id",
        client_id=None,
        username=None,
        aud=CLIENT,
        **{"cognito:username": "alice"},
    )
    v = _verify(token, jwks, token_use="id")
    assert (v.token_use, v.username, v.client_id) == ("id", "alice", CLIENT)
    other = _sign(key, token_use="id", client_id=None, aud="2another0client0id00000000")
    with pytest.raises(
        TokenError, match=r"issued to app client '2another0client0id00000000' \(aud\)"
    ):
        _verify(other, jwks)


def test_access_token_of_another_client_is_refused(key, jwks) -> None:
    with pytest.raises(TokenError, match=r"\(client_id\), not to '1example"):
        _verify(_sign(key, client_id="2another0client0id00000000"), jwks)


def test_expired_token(key, jwks) -> None:
    past = int(time.time()) - 7200
    token = _sign(key, iat=past, exp=past + 3600)
    with pytest.raises(TokenError, match=r"expired \d+ s ago .*REFRESH_TOKEN_AUTH"):
        _verify(token, jwks)
    # leeway is honoured
    assert _verify(token, jwks, leeway=7200).token_use == "access"


def test_expiry_at_a_given_time(key, jwks) -> None:
    now = int(time.time())
    token = _sign(key, iat=now, exp=now + 3600)
    assert _verify(token, jwks, at=now + 3599).expires_in(now + 3599) == 1
    with pytest.raises(TokenError, match=r"expired 60 s ago"):
        _verify(token, jwks, at=now + 3660)
    with pytest.raises(TokenError, match=r"expired 0 s ago"):
        _verify(token, jwks, at=now + 3600)  # exp itself is already too late (RFC 7519)
    assert _verify(token, jwks, at=now + 3660, leeway=61).token_use == "access"
    # at= replaces "now": an expired token is accepted when checked at a time it was valid
    past = now - 7200
    old = _sign(key, iat=past, exp=past + 3600)
    assert _verify(old, jwks, at=past + 10).token_use == "access"
    with pytest.raises(TokenError, match="expired"):
        _verify(old, jwks)


def test_issuer_of_another_pool(key, jwks) -> None:
    token = _sign(key, iss="https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other1234")
    with pytest.raises(TokenError, match=r"us-east-1_Other1234.*expected.*another user pool"):
        _verify(token, jwks)


def test_unknown_kid_names_the_known_ones(key, jwks) -> None:
    with pytest.raises(TokenError, match=r"kid='rotated-away'.*'test-key-1'"):
        _verify(_sign(key, kid="rotated-away"), jwks)


def test_signed_by_another_key(jwks) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(TokenError, match="signature does not verify"):
        _verify(_sign(other), jwks)


def test_altered_claims_break_the_signature(key, jwks) -> None:
    token = _sign(key)
    forged = with_edited_claims(token, username="mallory")
    assert peek_token(forged).claims["username"] == "mallory"
    assert forged.split(".")[2] == token.split(".")[2]  # the signature is kept
    with pytest.raises(TokenError, match="signature does not verify"):
        _verify(forged, jwks)
    # by hand, as an attacker would: same result
    header, payload, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["client_id"] = "2another0client0id00000000"
    by_hand = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    with pytest.raises(TokenError, match="signature does not verify"):
        _verify(f"{header}.{by_hand}.{sig}", jwks)


def test_hs256_and_none_are_refused(key, jwks) -> None:
    hs = jwt.encode(
        {"token_use": "access"},
        "a-shared-key-of-32-bytes-or-more!!",
        algorithm="HS256",
        headers={"kid": "test-key-1"},
    )
    with pytest.raises(TokenError, match="alg='HS256'"):
        _verify(hs, jwks)
    unsigned = jwt.encode({"token_use": "access"}, None, algorithm="none")
    with pytest.raises(TokenError, match="alg='none'"):
        _verify(unsigned, jwks)


def test_wrong_token_use(key, jwks) -> None:
    with pytest.raises(TokenError, match="is an access token, but an id token is expected"):
        _verify(_sign(key), jwks, token_use="id")
    with pytest.raises(TokenError, match="token_use='refresh'"):
        _verify(_sign(key, token_use="refresh"), jwks)
    with pytest.raises(InvalidInputError, match="token_use"):
        _verify(_sign(key), jwks, token_use="ID")


def test_missing_claim(key, jwks) -> None:
    with pytest.raises(TokenError, match="lacks the 'token_use' claim"):
        _verify(_sign(key, token_use=None), jwks)


def test_not_a_jwt() -> None:
    with pytest.raises(TokenError, match=r"not a JWT.*refresh token"):
        peek_token("a1fcf488-b5f8-40a5-8685-474bf8341b94")
    with pytest.raises(InvalidInputError, match="token"):
        peek_token(b"eyJ.a.b")  # type: ignore[arg-type]
    with pytest.raises(TokenError, match="cannot be decoded"):
        peek_token("not.a.jwt")


def test_messages_and_reprs_never_contain_the_token(key, jwks) -> None:
    token = _sign(key, client_id="2another0client0id00000000")
    with pytest.raises(TokenError) as info:
        _verify(token, jwks)
    assert token not in str(info.value)
    assert token[20:60] not in str(info.value)
    good = _verify(_sign(key), jwks)
    assert _sign(key)[:40] not in repr(good)
    assert "chars)" in repr(good)
    parts = peek_token(token)
    assert parts.token_use == "access" and token not in repr(parts)


def test_bad_jwks(key) -> None:
    with pytest.raises(TokenError, match="JWKS cannot be used"):
        _verify(_sign(key), {"keys": [{"kty": "nonsense"}]})


# -- fetching the JWKS ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_fetch_jwks_unreachable_and_bad_scheme() -> None:
    with pytest.raises(TokenError, match=r"cannot fetch the JWKS.*running"):
        fetch_jwks(f"http://127.0.0.1:{_free_port()}/{POOL}/.well-known/jwks.json", timeout=2)
    with pytest.raises(InvalidInputError, match="url"):
        fetch_jwks("file:///etc/passwd")


def test_fetch_jwks_from_a_non_jwks_address(local_cognito) -> None:
    with pytest.raises(TokenError, match=r"HTTP 404|not JSON|not a JWKS"):
        fetch_jwks(f"{local_cognito.endpoint_url}/no/such/path")


# -- the local Cognito's own tokens ----------------------------------------------------


def _sign_in(cip, demo) -> dict[str, str]:
    return cip.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=demo.client_id,
        AuthParameters={
            "USERNAME": demo.username,
            "PASSWORD": demo.password,
            "SECRET_HASH": secret_hash(demo.username, demo.client_id, demo.client_secret),
        },
    )["AuthenticationResult"]


def test_local_cognito_tokens_verify(cip, demo) -> None:
    result = _sign_in(cip, demo)
    jwks = fetch_jwks(jwks_url(demo.region, demo.user_pool_id, demo.endpoint_url))
    issuer = expected_issuer(demo.region, demo.user_pool_id, demo.endpoint_url)
    access = verify_token(
        result["AccessToken"],
        jwks=jwks,
        issuer=issuer,
        client_id=demo.client_id,
        token_use="access",
    )
    id_token = verify_token(
        result["IdToken"], jwks=jwks, issuer=issuer, client_id=demo.client_id, token_use="id"
    )
    assert access.username == id_token.username == demo.internal_username
    assert access.claims["sub"] == id_token.claims["sub"]
    assert access.lifetime == result.get("ExpiresIn", 3600)
    with pytest.raises(TokenError, match="not to"):
        verify_token(
            result["AccessToken"], jwks=jwks, issuer=issuer, client_id=demo.public_client_id
        )
    with pytest.raises(TokenError, match="expected"):
        verify_token(
            result["IdToken"],
            jwks=jwks,
            issuer=expected_issuer("eu-west-1", demo.user_pool_id),
            client_id=demo.client_id,
        )


def test_email_pool_token_username_is_the_uuid(cip, email_demo) -> None:
    result = _sign_in(cip, email_demo)
    v = verify_token(
        result["AccessToken"],
        jwks=fetch_jwks(
            jwks_url(email_demo.region, email_demo.user_pool_id, email_demo.endpoint_url)
        ),
        issuer=expected_issuer(email_demo.region, email_demo.user_pool_id,
                               email_demo.endpoint_url),
        client_id=email_demo.client_id,
    )
    assert v.username == email_demo.internal_username == v.claims["sub"]
    assert v.username != email_demo.username


def test_verify_for_target(cip, demo) -> None:
    from cognito_helpers.target import Target

    target = Target.from_demo(demo)
    result = _sign_in(cip, demo)
    assert verify_for_target(result["IdToken"], target, token_use="id").token_use == "id"
