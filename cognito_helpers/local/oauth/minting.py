"""Tokens the OAuth endpoints issue: the same keys and claims as the API's.

One minting for the whole local Cognito (:func:`cognito_helpers.local.tokens.mint_tokens`):
per-pool keys, AWS's claims. What the OAuth endpoints add is the ``scope``
(the API's tokens carry only ``aws.cognito.signin.user.admin``), an ID token
only when ``openid`` is in scope, the ``nonce`` of the authorize request, the
ID token's ``at_hash`` (OIDC Core 1.0, 3.1.3.6; AWS's managed-login ID tokens carry
it, the API's do not; there is no ``c_hash``: Cognito has no hybrid
``code id_token`` response type), and
machine-to-machine tokens with no user (``sub`` is the client id; developer
guide, "Scopes, M2M, and resource servers"). Access tokens carry ``scope``,
``client_id`` and ``token_use``, and no ``aud``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import tokens as local_tokens

__all__ = ["IssuedTokens", "mint_client_credentials", "mint_user_tokens"]


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    expires_in: int
    id_token: str | None = None
    refresh_token: str | None = None

    def __repr__(self) -> str:  # the values are secrets
        return f"IssuedTokens(expires_in={self.expires_in}, id_token={self.id_token is not None})"

    def body(self) -> dict[str, Any]:
        """The token endpoint's JSON answer (token endpoint page, "Example response")."""
        out: dict[str, Any] = {}
        if self.id_token is not None:
            out["id_token"] = self.id_token
        out["access_token"] = self.access_token
        if self.refresh_token is not None:
            out["refresh_token"] = self.refresh_token
        out["expires_in"] = self.expires_in
        out["token_type"] = "Bearer"  # noqa: S105 - not a secret
        return out


def mint_user_tokens(
    pool: Any,
    client: Any,
    user: Any,
    scopes: list[str],
    *,
    auth_time: int,
    nonce: str | None = None,
    origin_jti: str | None = None,
    event_id: str | None = None,
    with_refresh: bool = True,
    id_token: bool | None = None,
) -> IssuedTokens:
    """ID (when ``openid`` is in scope), access and refresh tokens for a signed-in user."""
    issued = local_tokens.mint_tokens(
        pool,
        client,
        user,
        auth_time=auth_time,
        scope=" ".join(scopes),
        origin_jti=origin_jti,
        event_id=event_id,
        refresh_token=with_refresh,
        id_token=("openid" in scopes) if id_token is None else id_token,
        nonce=nonce,
        with_at_hash=True,
    )
    return IssuedTokens(
        issued.access_token, issued.expires_in, issued.id_token, issued.refresh_token
    )


def mint_client_credentials(pool: Any, client: Any, scopes: list[str]) -> IssuedTokens:
    """A machine-to-machine access token: no user, ``sub`` is the client id."""
    issued = local_tokens.mint_tokens(
        pool, client, None, scope=" ".join(scopes), refresh_token=False, id_token=False
    )
    return IssuedTokens(issued.access_token, issued.expires_in)


def verify_access_token_signature(pool: Any, token: str) -> dict[str, Any]:
    """The claims of ``token`` if the pool's access-token key signed it (ValueError if not)."""
    import jwt

    keys = local_tokens.pool_keys(pool)
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise ValueError("malformed") from exc
    if header.get("kid") == keys.id_key.kid:
        raise ValueError("id-token")
    try:
        return dict(
            jwt.decode(
                token,
                key=keys.access_key.private_key.public_key(),
                algorithms=["RS256"],
                options={"verify_aud": False, "verify_exp": False},
            )
        )
    except jwt.PyJWTError as exc:
        raise ValueError("signature") from exc
