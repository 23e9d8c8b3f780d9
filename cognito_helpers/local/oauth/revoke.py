"""``POST /oauth2/revoke``: revoke a refresh token and the tokens issued with it.

Rules, from AWS's developer guide "The token revocation endpoint":

- POST, ``application/x-www-form-urlencoded``, body ``token`` (the refresh
  token; required) and, for a public client, ``client_id``.
- A client with a secret sends ``Authorization: Basic
  Base64Encode(client_id:client_secret)``: the raw secret again, as for the
  token endpoint (:mod:`.client_auth`).
- Revoking ends the refresh token and every access and ID token issued from
  it; the answer is ``200`` with an empty body. Errors: ``invalid_request``
  (missing ``token``, wrong content type), ``invalid_client`` (client
  authentication failed, or the token belongs to another client),
  ``unsupported_token_type`` (not a refresh token), all ``400``.
- RFC 7009 2.2: a token the server does not know is answered 200 too.
"""

from __future__ import annotations

from typing import Any

from .client_auth import authenticate_client
from .config import Domain
from .wire import OAuthError, Response, read_form

__all__ = ["revoke"]


def revoke(layer: Any, domain: Domain, environ: dict[str, Any]) -> Response:
    if environ.get("REQUEST_METHOD") != "POST":
        raise OAuthError("invalid_request", "the revocation endpoint takes POST only.", 405)
    form = read_form(environ)
    token = form.get("token")
    if not token:
        raise OAuthError("invalid_request", "token is missing (the refresh token to revoke).")
    caller = authenticate_client(layer, domain.pool, form, environ.get("HTTP_AUTHORIZATION"))
    refresh_tokens = domain.pool.refresh_tokens
    if token.count(".") == 2 and token not in refresh_tokens:
        raise OAuthError(
            "unsupported_token_type",
            "this looks like a JWT (access or ID token); /oauth2/revoke takes the refresh token.",
        )
    entry = refresh_tokens.get(token)
    if entry is not None:
        client_id, _, origin_jti = entry
        if client_id != caller.client_id:
            raise OAuthError("invalid_client", "the refresh token belongs to another app client.")
        refresh_tokens[token] = None  # moto's mark of a revoked refresh token
        layer.oauth_store.revoked_origins.add(origin_jti)
    return "200 OK", [("Content-Length", "0")], b""
