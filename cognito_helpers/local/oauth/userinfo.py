"""``/oauth2/userInfo``: the user's attributes for an access token from the token endpoint.

Rules, from AWS's developer guide "The user attributes endpoint":

- GET (or POST) with ``Authorization: Bearer <access_token>``.
- The token must come from the token endpoint and carry the ``openid``
  scope; API access tokens (InitiateAuth) have no such scope and are refused.
- ``openid`` alone returns every attribute the app client can read; with
  ``profile``, ``email`` or ``phone`` the answer is limited to those groups
  (``email`` adds email and email_verified; ``phone`` phone_number and
  phone_number_verified).
- A bad token is ``401`` with a ``WWW-Authenticate: Bearer error="invalid_token"``
  header (RFC 6750 3.1); a request without a token is ``400 invalid_request``.
"""

from __future__ import annotations

import time
from typing import Any

from .. import tokens as local_tokens
from .config import ClientOAuth, Domain
from .minting import verify_access_token_signature
from .wire import OAuthError, Response, json_response

__all__ = ["userinfo", "verify_access_token"]

_PROFILE = (
    "name", "family_name", "given_name", "middle_name", "nickname", "preferred_username",
    "profile", "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at",
    "address",
)
_EMAIL = ("email", "email_verified")
_PHONE = ("phone_number", "phone_number_verified")


def verify_access_token(
    domain: Domain, token: str, revoked_origins: set[str] | frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The claims of ``token`` if it is a live access token of this pool (OAuthError if not)."""
    try:
        claims = verify_access_token_signature(domain.pool, token)
    except ValueError as exc:
        if str(exc) == "id-token":
            raise OAuthError("invalid_token", "this is the ID token; userInfo takes the access "
                             "token.", 401) from None
        raise OAuthError("invalid_token", "the access token is malformed or not signed by this "
                         "user pool.", 401) from None
    if claims.get("token_use") != "access":
        raise OAuthError("invalid_token", "this is not an access token (send the access token, "
                         "not the ID token).", 401)
    if claims.get("iss") != local_tokens.issuer_of(domain.pool):
        raise OAuthError("invalid_token", "the access token is from another user pool.", 401)
    if not isinstance(claims.get("exp"), int) or claims["exp"] < time.time():
        raise OAuthError("invalid_token", "the access token has expired.", 401)
    origin = claims.get("origin_jti")
    if origin is not None and origin in revoked_origins:
        raise OAuthError("invalid_token", "the access token was revoked (its refresh token was).",
                         401)
    return claims


def userinfo(layer: Any, domain: Domain, environ: dict[str, Any]) -> Response:
    if environ.get("REQUEST_METHOD") not in ("GET", "POST"):
        raise OAuthError("invalid_request", "userInfo takes GET or POST.", 405)
    header = environ.get("HTTP_AUTHORIZATION", "") or ""
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise OAuthError(
            "invalid_request", "send the access token as 'Authorization: Bearer <access_token>'."
        )
    claims = verify_access_token(domain, token.strip(), layer.oauth_store.revoked_origins)
    scopes = str(claims.get("scope", "")).split()
    if "openid" not in scopes:
        raise OAuthError(
            "invalid_token",
            "the access token has no openid scope (tokens from InitiateAuth never do; use one "
            "from the token endpoint).",
            401,
        )
    user = domain.pool._get_user(str(claims.get("username", "")))
    if user is None or not user.enabled:
        raise OAuthError("invalid_token", "the user of this token no longer exists.", 401)
    client = domain.pool.clients.get(str(claims.get("client_id", "")))
    readable = ClientOAuth.of(client).read_attributes if client is not None else ()
    attrs = {a["Name"]: a["Value"] for a in user.attributes}
    if readable:
        attrs = {k: v for k, v in attrs.items() if k in readable or k == "sub"}
    groups = {"profile": _PROFILE, "email": _EMAIL, "phone": _PHONE}
    chosen = [name for name in groups if name in scopes]
    if chosen:
        keep = {"sub"} | {a for g in chosen for a in groups[g]}
        attrs = {
            k: v
            for k, v in attrs.items()
            if k in keep or (k.startswith("custom:") and "profile" in chosen)
        }
    out: dict[str, Any] = {"sub": user.id}
    out.update(attrs)
    out["sub"] = user.id
    out["username"] = user.username
    return json_response(out)


def bearer_error_headers(err: OAuthError) -> list[tuple[str, str]]:
    if err.status == 401:
        return [("WWW-Authenticate", f'Bearer error="{err.error}"')]
    return []
