"""The sign-up family and its codes: SignUp, ConfirmSignUp, ResendConfirmationCode, ForgotPassword...

Each carries a top-level ``SecretHash`` over the exact ``Username`` sent. The
codes Cognito would e-mail land in the layer's outbox (:class:`Message`), where
a lesson reads them. Taught in ``notebooks/06-account-lifecycle.ipynb``.
"""

from __future__ import annotations

import hmac
import logging
import secrets as _secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .answers import AwsFault

__all__ = ["Message", "SignUpFamily"]

_log = logging.getLogger(__name__)

# Codes can be asked for with a username alone (SignUp, ForgotPassword, USER_AUTH's
# EMAIL_OTP), so a caller without any password could grow these without end: the outbox
# keeps the newest OUTBOX_LIMIT messages, and at most PENDING_LIMIT codes wait to be used,
# the oldest dropped first (a dropped code answers as an expired one, as AWS's do).
OUTBOX_LIMIT = 1000
PENDING_LIMIT = 5000


@dataclass(frozen=True)
class Message:
    """A code Cognito would have e-mailed (sign-up confirmation, resend, password reset)."""

    kind: str
    username: str
    destination: str
    code: str
    client_id: str
    user_sub: str = ""
    internal_username: str = ""
    sent_at: float = field(default_factory=time.time)

    def __repr__(self) -> str:
        return (
            f"Message(kind={self.kind!r}, username={self.username!r}, "
            f"destination={self.destination!r}, code='******')"
        )


def _mask_destination(email: str) -> str:
    """Cognito's CodeDeliveryDetails form: ``a***@e***``."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain[:1]}***" if domain else f"{email[:1]}***"



class _Simulated(Exception):
    """An answer for a user that does not exist, under PreventUserExistenceErrors=ENABLED."""

    def __init__(self, details: dict[str, str]) -> None:
        super().__init__("simulated delivery")
        self.details = details


def _simulated_delivery(username: str) -> dict[str, str]:
    """CodeDeliveryDetails as if a code went out: masked like a real one, to nobody."""
    local, _, domain = username.partition("@")
    destination = _mask_destination(username) if domain else f"{local[:1] or 'x'}***@e***"
    return {"Destination": destination, "DeliveryMedium": "EMAIL", "AttributeName": "email"}


class SignUpFamily:
    """Mixed into :class:`~cognito_helpers.local.layer.FidelityLayer`: owns the outbox and pending codes."""

    outbox: list[Message]
    on_message: Callable[[Message], None] | None
    _pending_codes: dict[tuple[str, str, str], str]

    def _record_code(
        self, kind: str, pool: Any, client_id: str, sent_username: str, user: Any
    ) -> dict[str, str]:
        code = f"{_secrets.randbelow(10**6):06d}"
        email = user.attribute_lookup.get("email", "") if user is not None else ""
        destination = _mask_destination(email) if email else ""
        internal = user.username if user is not None else sent_username
        key = (pool.id, internal, kind)
        self._pending_codes.pop(key, None)  # a new code goes to the end of the queue
        self._pending_codes[key] = code
        while len(self._pending_codes) > PENDING_LIMIT:
            del self._pending_codes[next(iter(self._pending_codes))]
        message = Message(
            kind,
            sent_username,
            email,
            code,
            client_id,
            user.id if user is not None else "",
            internal,
        )
        self.outbox.append(message)
        if len(self.outbox) > OUTBOX_LIMIT:
            del self.outbox[: len(self.outbox) - OUTBOX_LIMIT]
        if self.on_message is not None:
            try:
                self.on_message(message)
            except Exception:  # a failing printer must not fail the caller's SignUp
                _log.debug("on_message failed", exc_info=True)
        return {"Destination": destination, "DeliveryMedium": "EMAIL", "AttributeName": "email"}

    def _check_code(self, kind: str, pool: Any, user: Any, code: Any) -> None:
        expected = self._pending_codes.get((pool.id, user.username, kind))
        if expected is None:
            raise AwsFault.of("code_expired")
        if not isinstance(code, str) or not hmac.compare_digest(code.encode(), expected.encode()):
            raise AwsFault.of("code_mismatch")
        del self._pending_codes[(pool.id, user.username, kind)]

    def _signup_prelude(self, operation: str, params: dict[str, Any]) -> tuple[Any, Any]:
        pool, client = self._find_client(params.get("ClientId"))
        self._check_hash(operation, params, client.id, params.get("Username"))
        params.pop("SecretHash", None)
        return pool, client

    def _sign_up(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        pool, client = self._signup_prelude("SignUp", params)
        sent_username = params.get("Username")

        def post(data: dict[str, Any]) -> dict[str, Any]:
            user = next((u for u in pool.users.values() if u.id == data.get("UserSub")), None)
            if user is not None and not data.get("UserConfirmed"):
                details = self._record_code("SIGN_UP", pool, client.id, sent_username, user)
                if user.attribute_lookup.get("email"):
                    data["CodeDeliveryDetails"] = details
            return data

        return self._moto(environ, params, post)

    def _user_or_fault(
        self, pool: Any, username: Any, client: Any = None, operation: str = ""
    ) -> Any:
        user = self._user(pool, username)
        if user is None and client is not None and (
            client.extended_config.get("PreventUserExistenceErrors") == "ENABLED"
        ):
            # AWS developer guide, "Managing user existence error responses" (ENABLED, the
            # user does not exist): ForgotPassword and ResendConfirmationCode answer
            # CodeDeliveryDetails with a simulated delivery medium (no code is sent);
            # ConfirmForgotPassword and ConfirmSignUp answer CodeMismatchException.
            # Through the API the default is LEGACY: the branch below.
            if operation in ("ForgotPassword", "ResendConfirmationCode"):
                raise _Simulated(_simulated_delivery(str(username)))
            raise AwsFault.of("code_mismatch")
        if user is None:
            # AWS's wording for the sign-up family's unknown user.
            raise AwsFault("UserNotFoundException", "Username/client id combination not found.")
        return user

    def _confirm_sign_up(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        pool, client = self._signup_prelude("ConfirmSignUp", params)
        user = self._user_or_fault(pool, params.get("Username"), client, "ConfirmSignUp")
        if user.status == "CONFIRMED":
            raise AwsFault(
                "NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED"
            )
        self._check_code("SIGN_UP", pool, user, params.get("ConfirmationCode"))
        return self._moto(environ, params)

    def _resend_code(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        # moto has no ResendConfirmationCode: answered here entirely.
        pool, client = self._signup_prelude("ResendConfirmationCode", params)
        try:
            user = self._user_or_fault(
                pool, params.get("Username"), client, "ResendConfirmationCode"
            )
        except _Simulated as simulated:
            return self._json_response({"CodeDeliveryDetails": simulated.details})
        if user.status == "CONFIRMED":
            raise AwsFault("InvalidParameterException", "User is already confirmed.")
        details = self._record_code("SIGN_UP", pool, client.id, params["Username"], user)
        return self._json_response({"CodeDeliveryDetails": details})

    def _forgot_password(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        pool, client = self._signup_prelude("ForgotPassword", params)
        try:
            user = self._user_or_fault(pool, params.get("Username"), client, "ForgotPassword")
        except _Simulated as simulated:
            return self._json_response({"CodeDeliveryDetails": simulated.details})
        sent = params["Username"]

        def post(data: dict[str, Any]) -> dict[str, Any]:
            return {
                "CodeDeliveryDetails": self._record_code(
                    "FORGOT_PASSWORD", pool, client.id, sent, user
                )
            }

        return self._moto(environ, params, post)

    def _confirm_forgot_password(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        pool, client = self._signup_prelude("ConfirmForgotPassword", params)
        user = self._user_or_fault(
            pool, params.get("Username"), client, "ConfirmForgotPassword"
        )
        self._check_code("FORGOT_PASSWORD", pool, user, params.get("ConfirmationCode"))
        return self._moto(environ, params)
