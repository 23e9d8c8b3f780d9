"""Client authentication at the token and revocation endpoints, as Cognito does it.

The secret is sent raw here, never hashed: SECRET_HASH belongs to the user-flow
API operations only. Rules, each from AWS's developer guide:

- "The token issuer endpoint", header ``Authorization``: a client that was
  issued a secret passes ``client_id`` and ``client_secret`` as HTTP Basic,
  ``Basic Base64Encode(client_id:client_secret)`` (``client_secret_basic``),
  or includes both in the request body (``client_secret_post``). The
  discovery document lists exactly these two
  (``token_endpoint_auth_methods_supported``).
- Same page, body ``client_id``: required for a public client (no secret),
  which sends no ``Authorization`` header.
- Same page, errors: ``invalid_client`` "Client authentication failed. For
  example, when the client includes client_id and client_secret in the
  authorization header, but there's no such client with that client_id and
  client_secret", answered ``400 Bad Request`` like every error there
  (not RFC 6749's 401).
- "The token revocation endpoint": the same Basic header for a client with a
  secret; ``client_id`` in the body for a public client.
- Secret rotation (AddUserPoolClientSecret, up to two active secrets): either
  active secret authenticates, which is what zero-downtime rotation means
  (AWS does not spell out the check; the layer's hash check does the same).
- RFC 6749 section 2.3: a client MUST NOT use more than one authentication
  method in a request (header and body secret together: ``invalid_request``).
- RFC 6749 section 2.3.1: the id and secret are form-urlencoded before Basic
  encoding; AWS's page shows them raw. Both forms are accepted (they differ
  only for a custom secret with ``+``; ``%`` never occurs in a Cognito secret).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import urllib.parse
from dataclasses import dataclass
from typing import Any

from ...redact import mask
from .wire import OAuthError

__all__ = ["AuthenticatedClient", "authenticate_client", "parse_basic"]


@dataclass(frozen=True)
class AuthenticatedClient:
    """Who called: the app client, how it authenticated, which secret matched."""

    client: Any  # moto's CognitoIdpUserPoolClient
    method: str  # "client_secret_basic", "client_secret_post" or "none" (public client)
    secret_id: str | None = None

    @property
    def client_id(self) -> str:
        return str(self.client.id)


def parse_basic(header: str) -> tuple[str, str]:
    """``(client_id, client_secret)`` from an ``Authorization: Basic ...`` value.

    Raises :class:`OAuthError` (``invalid_client``) saying what is malformed.
    """
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "basic":
        raise OAuthError(
            "invalid_client",
            f"the Authorization header uses the {scheme or 'empty'!r} scheme; the token endpoint "
            "wants 'Basic base64(client_id:client_secret)'.",
        )
    value = value.strip()
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeError):
        raise OAuthError(
            "invalid_client",
            "the Basic credentials are not base64 of UTF-8 text "
            "(standard alphabet with padding: base64(client_id:client_secret)).",
        ) from None
    if ":" not in decoded:
        raise OAuthError(
            "invalid_client",
            "the Basic credentials have no ':' (they must encode 'client_id:client_secret', "
            "not the secret or a hash alone).",
        )
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


def _matching_secret(records: list[Any], sent: str) -> str | None:
    for record in records:
        if hmac.compare_digest(record.value.encode("utf-8"), sent.encode("utf-8")):
            return str(record.secret_id)
    return None


def authenticate_client(
    layer: Any, pool: Any, form: dict[str, str], authorization: str | None
) -> AuthenticatedClient:
    """The calling client of ``pool``, authenticated as Cognito does, or OAuthError."""
    body_id = form.get("client_id")
    body_secret = form.get("client_secret")
    if authorization:
        if body_secret is not None:
            raise OAuthError(
                "invalid_request",
                "the secret is sent twice (Authorization header and client_secret in the "
                "body); use one method only.",
            )
        client_id, secret = parse_basic(authorization)
        if client_id not in pool.clients and "%" in client_id:
            client_id = urllib.parse.unquote_plus(client_id)
        method = "client_secret_basic"
        if body_id is not None and body_id != client_id:
            raise OAuthError(
                "invalid_client", "client_id in the body differs from the one in the Basic header."
            )
    else:
        if not body_id:
            raise OAuthError(
                "invalid_client",
                "no client authentication: send 'Authorization: Basic base64(client_id:secret)' "
                "(or client_id alone in the body for a client without a secret).",
            )
        client_id, secret = body_id, body_secret if body_secret is not None else ""
        method = "client_secret_post" if body_secret is not None else "none"
    client = pool.clients.get(client_id)
    if client is None:
        raise OAuthError(
            "invalid_client",
            f"no app client {mask(client_id)} in this user pool (is the id right, and the "
            "domain the one of this client's pool? id and secret swapped in the header?).",
        )
    records = layer.client_secrets(client.id)
    if not records:
        if secret:
            raise OAuthError(
                "invalid_client",
                f"app client {client.id} has no secret, but a secret was sent; a public client "
                "sends only client_id.",
            )
        return AuthenticatedClient(client, "none")
    if not secret:
        raise OAuthError(
            "invalid_client",
            f"app client {client.id} has a secret and none was sent; send "
            "'Authorization: Basic base64(client_id:client_secret)'.",
        )
    secret_id = _matching_secret(records, secret)
    if secret_id is None and method == "client_secret_basic" and "%" in secret:
        secret_id = _matching_secret(records, urllib.parse.unquote_plus(secret))
    if secret_id is None:
        raise OAuthError(
            "invalid_client",
            f"the secret sent does not match any active secret of app client {client.id} "
            "(a SECRET_HASH is not the secret: the token endpoint takes the raw secret).",
        )
    return AuthenticatedClient(client, method, secret_id)
