"""Refresh: REFRESH_TOKEN_AUTH's checks and GetTokensFromRefreshToken, with rotation.

The hash in a REFRESH_TOKEN_AUTH call covers the internal username behind the
token (the sub in email-as-username pools). GetTokensFromRefreshToken takes
the raw ``ClientSecret``, no hash (API reference). Both keep the original
sign-in's ``auth_time`` (:mod:`.tokens`).

Refresh-token rotation (API reference, RefreshTokenRotationType;
GetTokensFromRefreshToken): with the app client's ``RefreshTokenRotation``
``Feature`` ``ENABLED``, GetTokensFromRefreshToken issues a new refresh token
too, and the one sent stays valid for ``RetryGracePeriodSeconds`` (0-60; 0:
invalid at once) so a client can retry; afterwards it gives
``RefreshTokenReuseException`` ("a refresh token that has been invalidated by
refresh-token rotation"). Rotation must be done with GetTokensFromRefreshToken:
REFRESH_TOKEN_AUTH is refused on such clients. The grace period runs on the
layer's clock (:mod:`.clock`), so a lesson can step over it. A disabled user's
refresh token gets no tokens (AdminDisableUser: "A deactivated user can't sign
in"): ``NotAuthorizedException`` "User is disabled.", as a password sign-in. Taught in
``notebooks/07-refresh-tokens.ipynb``.
"""

from __future__ import annotations

import hmac
from typing import Any

from .answers import AwsFault
from .clock import Clock
from .tokens import mint_from_grant, refresh_grant

__all__ = ["RefreshFlows", "check_rotation_setting", "rotation_of"]

MAX_GRACE_SECONDS = 60  # RefreshTokenRotationType: RetryGracePeriodSeconds 0-60


def check_rotation_setting(params: dict[str, Any]) -> None:
    """Refuse a ``RefreshTokenRotation`` AWS's API model refuses (Create/UpdateUserPoolClient).

    RefreshTokenRotationType: ``Feature`` is required, ENABLED or DISABLED;
    ``RetryGracePeriodSeconds`` is 0 to 60. The wording is AWS's validation message.
    """
    rotation = params.get("RefreshTokenRotation")
    if not isinstance(rotation, dict):
        return  # absent (or mistyped, which the type check refuses)
    feature = rotation.get("Feature")
    if feature not in ("ENABLED", "DISABLED"):
        raise AwsFault(
            "InvalidParameterException",
            f"1 validation error detected: Value '{feature}' at 'refreshTokenRotation.feature' "
            "failed to satisfy constraint: Member must satisfy enum value set: "
            "[ENABLED, DISABLED]",
        )
    grace = rotation.get("RetryGracePeriodSeconds")
    if (
        isinstance(grace, int)
        and not isinstance(grace, bool)
        and not 0 <= grace <= MAX_GRACE_SECONDS
    ):
        bound = (
            "greater than or equal to 0"
            if grace < 0
            else f"less than or equal to {MAX_GRACE_SECONDS}"
        )
        raise AwsFault(
            "InvalidParameterException",
            f"1 validation error detected: Value '{grace}' at "
            "'refreshTokenRotation.retryGracePeriodSeconds' failed to satisfy constraint: "
            f"Member must have value {bound}",
        )


def rotation_of(client: Any) -> tuple[bool, int]:
    """(rotation enabled, grace period in seconds) of an app client."""
    rotation = client.extended_config.get("RefreshTokenRotation") or {}
    if not isinstance(rotation, dict) or rotation.get("Feature") != "ENABLED":
        return False, 0
    grace = rotation.get("RetryGracePeriodSeconds", 0)
    if isinstance(grace, bool) or not isinstance(grace, int):
        grace = 0
    return True, max(0, min(grace, MAX_GRACE_SECONDS))


class RefreshFlows:
    """Mixed into :class:`~cognito_helpers.local.layer.FidelityLayer`: refresh-token calls."""

    clock: Clock

    def _live_grant(self, pool: Any, client: Any, token: Any) -> Any:
        """The grant behind a usable refresh token of this client, or AWS's refusal."""
        if not isinstance(token, str) or token not in pool.refresh_tokens:
            raise AwsFault.of("refresh_invalid")
        if pool.refresh_tokens[token] is None:  # RevokeToken, GlobalSignOut
            raise AwsFault.of("refresh_revoked")
        grant = refresh_grant(pool, token)
        if grant is None or grant.client_id != client.id:
            raise AwsFault.of("refresh_invalid")
        user = self._user(pool, grant.username)
        if user is not None and not user.enabled:
            # AdminDisableUser: "A deactivated user can't sign in" (API reference); a
            # refresh is a sign-in too, refused with the text every sign-in flow gives.
            raise AwsFault("NotAuthorizedException", "User is disabled.")
        return grant

    def _refresh_username(self, pool: Any, client: Any, token: Any) -> str:
        """REFRESH_TOKEN_AUTH: the internal username its hash must cover (checks first)."""
        grant = self._live_grant(pool, client, token)
        if rotation_of(client)[0]:
            raise AwsFault.of("refresh_rotation_enabled")
        user = self._user(pool, grant.username)
        return user.username if user is not None else grant.username

    def _get_tokens_from_refresh_token(
        self, params: dict[str, Any], environ: dict[str, Any]
    ) -> Any:
        # Not in moto. Carries the raw ClientSecret, no hash (API reference).
        pool, client = self._find_client(params.get("ClientId"))
        records = self.client_secrets(client.id)
        sent = params.get("ClientSecret")
        if records and not any(
            isinstance(sent, str) and hmac.compare_digest(sent.encode(), r.value.encode())
            for r in records
        ):
            raise AwsFault.of("hash_mismatch", client_id=client.id)
        token = params.get("RefreshToken")
        grant = self._live_grant(pool, client, token)
        rotate, grace = rotation_of(client)
        now = self.clock.now()
        if grant.rotated_at is not None and (grace == 0 or now - grant.rotated_at > grace):
            # Rotated out and past its grace period (0: "immediately invalidates").
            raise AwsFault.of("refresh_token_reused")
        try:
            issued = mint_from_grant(pool, grant, refresh_token=rotate)
        except LookupError:
            raise AwsFault.of("refresh_invalid") from None
        if rotate and grant.rotated_at is None:
            grant.rotated_at = now
            grant.successor = issued.refresh_token
        return self._json_response({"AuthenticationResult": issued.authentication_result()})
