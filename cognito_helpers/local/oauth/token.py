"""``POST /oauth2/token``: the authorization-code, refresh-token and client-credentials grants.

Rules, from AWS's developer guide "The token issuer endpoint" unless another
source is named:

- POST only, ``Content-Type: application/x-www-form-urlencoded``.
- ``grant_type`` is ``authorization_code``, ``refresh_token`` or
  ``client_credentials``; anything else is ``unsupported_grant_type``; a
  missing parameter (``grant_type``, ``code``, ``redirect_uri``,
  ``refresh_token``) is ``invalid_request``.
- Client authentication: :mod:`.client_auth` (``invalid_client``).
- ``authorization_code``: ``redirect_uri`` must be the one the code was issued
  for; ``code_verifier`` is required when the authorize request had a
  ``code_challenge`` (S256: base64url(SHA-256(verifier)), RFC 7636 4.6); a
  code that was used, expired, or is not this client's is ``invalid_grant``
  ("Authorization code has been consumed already or does not exist"). A
  ``code_verifier`` for a code whose authorize request had no ``code_challenge``
  is ``invalid_grant`` too: accepting it would let an attacker who strips the
  challenge redeem a stolen code (PKCE downgrade; RFC 9700, 2.1.1 and 4.8.2).
- ``unauthorized_client``: "Client is not allowed for code grant flow or for
  refreshing tokens" (``AllowedOAuthFlows`` lacks the grant, or the client is
  not enabled for OAuth).
- ``refresh_token``: returns new ID and access tokens (no new refresh token);
  a revoked or unknown refresh token is ``invalid_grant`` ("Refresh token has
  been revoked"). Refresh tokens from InitiateAuth work here too.
- ``client_credentials``: only for a client with a secret; ``scope`` names
  custom scopes of resource servers the client is allowed; with no ``scope``
  it gets all the custom scopes it is allowed; a scope it is not allowed is
  ``invalid_scope`` (public reports of Cognito's answer).
- Every error is ``400 Bad Request`` with ``{"error": "..."}``.
- CORS: "The token endpoint returns an Access-Control-Allow-Origin: *
  response header" (no custom origin policy).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from .. import tokens as local_tokens
from .client_auth import authenticate_client
from .config import ClientOAuth, Domain, custom_scopes
from .minting import mint_client_credentials, mint_user_tokens
from .wire import OAuthError, Response, json_response, read_form

__all__ = ["CORS_HEADERS", "preflight", "token"]

GRANTS = ("authorization_code", "refresh_token", "client_credentials")
CORS_HEADERS = [("Access-Control-Allow-Origin", "*")]


def preflight() -> Response:
    """OPTIONS /oauth2/token: a browser app's CORS preflight."""
    headers = [*CORS_HEADERS, ("Access-Control-Allow-Methods", "POST, OPTIONS"), ("Access-Control-Allow-Headers", "Authorization, Content-Type"), ("Access-Control-Max-Age", "600"), ("Content-Length", "0")]
    return "204 No Content", headers, b""


def _require(form: dict[str, str], name: str, grant: str) -> str:
    value = form.get(name)
    if not value:
        raise OAuthError("invalid_request", f"{name} is missing (required for {grant}).")
    return value


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _authorization_code(layer: Any, domain: Domain, form: dict[str, str], client: Any) -> Response:
    settings = ClientOAuth.of(client)
    if "code" not in settings.flows:
        raise OAuthError(
            "unauthorized_client", "AllowedOAuthFlows of the client does not include code."
        )
    code = _require(form, "code", "authorization_code")
    redirect_uri = _require(form, "redirect_uri", "authorization_code")
    grant = layer.oauth_store.take_code(code)
    if grant is None or grant.pool_id != domain.pool_id or grant.client_id != client.id:
        raise OAuthError(
            "invalid_grant",
            "the code was already used, has expired (5 minutes), or was issued to another client.",
        )
    if not hmac.compare_digest(grant.redirect_uri.encode(), redirect_uri.encode()):
        raise OAuthError(
            "invalid_grant",
            "redirect_uri differs from the one sent to /oauth2/authorize (they must be equal, "
            "character for character).",
        )
    if grant.code_challenge is not None:
        verifier = form.get("code_verifier")
        if not verifier:
            raise OAuthError(
                "invalid_request", "code_verifier is missing (the authorize request used PKCE)."
            )
        if not hmac.compare_digest(_s256(verifier).encode(), grant.code_challenge.encode()):
            raise OAuthError(
                "invalid_grant", "code_verifier does not match the code_challenge (S256)."
            )
    elif "code_verifier" in form:
        raise OAuthError(
            "invalid_grant",
            "code_verifier was sent, but the authorize request had no code_challenge (a PKCE "
            "downgrade, RFC 9700 4.8.2): send code_challenge and code_challenge_method=S256 to "
            "/oauth2/authorize, or no code_verifier here.",
        )
    user = domain.pool._get_user(grant.username)
    if user is None or not user.enabled:
        raise OAuthError("invalid_grant", "the user of this code no longer exists or is disabled.")
    tokens = mint_user_tokens(
        domain.pool, client, user, list(grant.scopes), auth_time=grant.auth_time,
        nonce=grant.nonce,
    )
    if tokens.refresh_token is not None:
        layer.oauth_store.refresh_scopes[tokens.refresh_token] = grant.scopes
    return json_response(tokens.body(), headers=CORS_HEADERS)


def _refresh_token(layer: Any, domain: Domain, form: dict[str, str], client: Any) -> Response:
    refresh = _require(form, "refresh_token", "refresh_token")
    grant = local_tokens.refresh_grant(domain.pool, refresh)
    if grant is None:
        raise OAuthError("invalid_grant", "the refresh token does not exist in this user pool.")
    if domain.pool.refresh_tokens.get(refresh) is None:
        raise OAuthError("invalid_grant", "Refresh token has been revoked")
    if grant.rotated_at is not None:
        raise OAuthError("invalid_grant", "the refresh token was rotated out.")
    if grant.client_id != client.id:
        raise OAuthError("invalid_grant", "the refresh token was issued to another app client.")
    user = domain.pool._get_user(grant.username)
    if user is None or not user.enabled:
        raise OAuthError("invalid_grant", "the user of this refresh token no longer signs in.")
    # A refresh token from InitiateAuth carries the API's one scope; auth_time and
    # origin_jti stay the original sign-in's (OIDC Core 12.2).
    scopes = layer.oauth_store.refresh_scopes.get(refresh)
    tokens = mint_user_tokens(
        domain.pool, client, user, list(scopes or (local_tokens.USER_POOL_SCOPE,)),
        auth_time=grant.auth_time, origin_jti=grant.origin_jti, event_id=grant.event_id,
        with_refresh=False, id_token=True if scopes is None else None,
    )
    return json_response(tokens.body(), headers=CORS_HEADERS)


def _client_credentials(
    layer: Any, domain: Domain, form: dict[str, str], client: Any, has_secret: bool
) -> Response:
    settings = ClientOAuth.of(client)
    if not has_secret or "client_credentials" not in settings.flows:
        raise OAuthError(
            "unauthorized_client",
            "the client is not allowed the client_credentials grant (it needs a secret and "
            "client_credentials in AllowedOAuthFlows).",
        )
    allowed = [s for s in settings.scopes if s in custom_scopes(domain.pool)]
    requested = form.get("scope")
    if requested is None or not requested.strip():
        scopes = allowed
    else:
        scopes = list(dict.fromkeys(requested.split()))
        for name in scopes:
            if name not in allowed:
                raise OAuthError(
                    "invalid_scope",
                    f"scope {name!r} is not a custom scope this client is allowed "
                    "(client_credentials takes resource-server scopes only, not openid & co.).",
                )
    if not scopes:
        raise OAuthError("invalid_scope", "the client is allowed no custom scope.")
    tokens = mint_client_credentials(domain.pool, client, scopes)
    return json_response(tokens.body(), headers=CORS_HEADERS)


def token(layer: Any, domain: Domain, environ: dict[str, Any]) -> Response:
    """POST /oauth2/token."""
    if environ.get("REQUEST_METHOD") != "POST":
        raise OAuthError("invalid_request", "the token endpoint takes POST only.", 405)
    form = read_form(environ)
    grant_type = form.get("grant_type")
    if not grant_type:
        raise OAuthError("invalid_request", "grant_type is missing.")
    if grant_type not in GRANTS:
        raise OAuthError(
            "unsupported_grant_type",
            f"grant_type {grant_type!r}: use authorization_code, refresh_token or "
            "client_credentials (Cognito has no password grant).",
        )
    caller = authenticate_client(layer, domain.pool, form, environ.get("HTTP_AUTHORIZATION"))
    settings = ClientOAuth.of(caller.client)
    if not settings.enabled and grant_type != "refresh_token":
        raise OAuthError(
            "unauthorized_client",
            "the app client is not enabled for OAuth (AllowedOAuthFlowsUserPoolClient is false).",
        )
    if grant_type == "authorization_code":
        return _authorization_code(layer, domain, form, caller.client)
    if grant_type == "refresh_token":
        return _refresh_token(layer, domain, form, caller.client)
    return _client_credentials(layer, domain, form, caller.client, caller.method != "none")
