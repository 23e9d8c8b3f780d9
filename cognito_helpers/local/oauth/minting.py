"""Tokens the OAuth endpoints issue: the same keys and claims as the API's.

Access tokens carry ``scope``, ``client_id`` and ``token_use``, and no ``aud``
(developer guide, "Understanding the access token"); ID tokens carry ``aud``,
``nonce`` when the authorize request had one, and ``at_hash`` (OIDC Core
3.1.3.6); a client-credentials token has no user: its ``sub`` is the client id
(developer guide, "Scopes, M2M, and resource servers").

Signing goes through :func:`_sign`, the one place that knows the pool's key,
so a change of keys is a change here only.
"""

from __future__ import annotations

import base64
import hashlib
import time
import uuid
from dataclasses import dataclass
from typing import Any

from .config import ClientOAuth, token_lifetime

__all__ = ["IssuedTokens", "mint_client_credentials", "mint_user_tokens"]


def _sign(pool: Any, payload: dict[str, Any]) -> str:
    from joserfc import jwt

    # moto's own header and key (create_jwt): its JWKS serves the matching public key.
    return str(jwt.encode({"kid": "dummy", "alg": "RS256"}, payload, pool.json_web_key))


def _issuer(pool: Any) -> str:
    return f"https://cognito-idp.{pool.region}.amazonaws.com/{pool.id}"


def _at_hash(access_token: str) -> str:
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    expires_in: int
    id_token: str | None = None
    refresh_token: str | None = None

    def body(self) -> dict[str, Any]:
        """The token endpoint's JSON answer (token endpoint page, "Example response")."""
        out: dict[str, Any] = {}
        if self.id_token is not None:
            out["id_token"] = self.id_token
        out["access_token"] = self.access_token
        if self.refresh_token is not None:
            out["refresh_token"] = self.refresh_token
        out.update(expires_in=self.expires_in, token_type="Bearer")  # noqa: S106 - not a secret
        return out


def _user_attributes(user: Any, settings: ClientOAuth) -> dict[str, str]:
    attrs = {a["Name"]: a["Value"] for a in user.attributes}
    if settings.read_attributes:
        attrs = {k: v for k, v in attrs.items() if k in settings.read_attributes or k == "sub"}
    return attrs


def mint_user_tokens(
    pool: Any,
    client: Any,
    user: Any,
    scopes: list[str],
    *,
    auth_time: int,
    nonce: str | None = None,
    origin_jti: str | None = None,
    with_refresh: bool = True,
) -> IssuedTokens:
    """ID (when ``openid`` is in scope), access and refresh tokens for a signed-in user."""
    settings = ClientOAuth.of(client)
    now = int(time.time())
    refresh = None
    if with_refresh:
        refresh, origin_jti = pool.create_refresh_token(client.id, user.username)
    origin_jti = origin_jti or str(uuid.uuid4())
    groups = [g.group_name for g in getattr(user, "groups", [])]
    access_life = token_lifetime(settings.config, "access")
    access: dict[str, Any] = {
        "sub": user.id,
        "iss": _issuer(pool),
        "version": 2,
        "client_id": client.id,
        "origin_jti": origin_jti,
        "event_id": str(uuid.uuid4()),
        "token_use": "access",
        "scope": " ".join(scopes),
        "auth_time": auth_time,
        "exp": now + access_life,
        "iat": now,
        "jti": str(uuid.uuid4()),
        "username": user.username,
    }
    if groups:
        access["cognito:groups"] = groups
    access_token = _sign(pool, access)
    # Known to moto too, so GetUser & co. accept it (aws.cognito.signin.user.admin).
    pool.access_tokens[access_token] = (client.id, user.username)
    id_token = None
    if "openid" in scopes:
        claims: dict[str, Any] = _user_attributes(user, settings)
        claims.update(
            {
                "at_hash": _at_hash(access_token),
                "sub": user.id,
                "iss": _issuer(pool),
                "cognito:username": user.username,
                "origin_jti": origin_jti,
                "aud": client.id,
                "event_id": access["event_id"],
                "token_use": "id",
                "auth_time": auth_time,
                "exp": now + token_lifetime(settings.config, "id"),
                "iat": now,
                "jti": str(uuid.uuid4()),
            }
        )
        if nonce is not None:
            claims["nonce"] = nonce
        if groups:
            claims["cognito:groups"] = groups
        id_token = _sign(pool, claims)
        pool.id_tokens[id_token] = (client.id, user.username)
    return IssuedTokens(access_token, access_life, id_token, refresh)


def mint_client_credentials(pool: Any, client: Any, scopes: list[str]) -> IssuedTokens:
    """A machine-to-machine access token: no user, ``sub`` is the client id."""
    settings = ClientOAuth.of(client)
    now = int(time.time())
    life = token_lifetime(settings.config, "access")
    payload = {
        "sub": client.id,
        "token_use": "access",
        "scope": " ".join(scopes),
        "auth_time": now,
        "iss": _issuer(pool),
        "exp": now + life,
        "iat": now,
        "version": 2,
        "jti": str(uuid.uuid4()),
        "client_id": client.id,
    }
    return IssuedTokens(_sign(pool, payload), life)
