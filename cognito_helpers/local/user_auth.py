"""USER_AUTH, choice-based sign-in: PASSWORD, PASSWORD_SRP and EMAIL_OTP.

moto has no USER_AUTH; the layer answers it entirely. From the API reference
(InitiateAuth AuthParameters, RespondToAuthChallenge ChallengeResponses,
ChallengeNameType) and the developer guide ("Choice-based authentication"):

- The app client needs ``ALLOW_USER_AUTH`` in ``ExplicitAuthFlows``; the pool
  names the first factors it allows in ``Policies.SignInPolicy.AllowedFirstAuthFactors``
  (``PASSWORD``, the default, covers PASSWORD and PASSWORD_SRP; ``EMAIL_OTP``
  needs a verified e-mail address on the user).
- ``InitiateAuth`` takes ``USERNAME`` and optionally ``PREFERRED_CHALLENGE``.
  Without one (or with one the user cannot use), Cognito answers
  ``SELECT_CHALLENGE`` with ``AvailableChallenges``; the app answers it with
  ``ANSWER`` (and ``PASSWORD`` or ``SRP_A`` for the password factors).
- PASSWORD completes with the password; PASSWORD_SRP continues with
  ``PASSWORD_VERIFIER`` (:mod:`.srp`); EMAIL_OTP sends a code (to the outbox
  here) and expects ``EMAIL_OTP_CODE`` in an ``EMAIL_OTP`` answer.
- SECRET_HASH: "Add a SECRET_HASH parameter if your app client has a client
  secret" (InitiateAuth, over the USERNAME sent) and "You must provide a
  SECRET_HASH parameter in all challenge responses to an app client that has a
  client secret" (over the canonical username the challenge returns): checked
  by :meth:`~.client_secrets.ClientSecrets._check_hash` with the same texts as
  the older flows, before anything here runs.

Passwords go through the lockout (:mod:`.lockout`). Taught in
``notebooks/04-sign-in-flows.ipynb``.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from .answers import AwsFault
from .srp import is_valid_public_value, start_challenge
from .tokens import mint_tokens

__all__ = ["MAX_PENDING", "USER_AUTH_CHALLENGES", "ChoiceBasedSignIn", "available_challenges"]

# The order the API reference lists them in (ChallengeResponseType, SELECT_CHALLENGE).
USER_AUTH_CHALLENGES = ("PASSWORD", "PASSWORD_SRP", "EMAIL_OTP")
_DEFAULT_FIRST_FACTORS = ("PASSWORD",)  # SignInPolicyType: PASSWORD unless set otherwise
_DEFAULT_SESSION_MINUTES = 3  # CreateUserPoolClient AuthSessionValidity: 3 minutes by default
MAX_PENDING = 2000  # USER_AUTH sessions waiting for an answer at once (oldest dropped first)


def available_challenges(pool: Any, user: Any) -> list[str]:
    """The USER_AUTH challenges this user can take in this pool, in AWS's order."""
    policies = pool.extended_config.get("Policies") or {}
    sign_in = policies.get("SignInPolicy") or {} if isinstance(policies, dict) else {}
    factors = sign_in.get("AllowedFirstAuthFactors") if isinstance(sign_in, dict) else None
    allowed = set(factors) if isinstance(factors, list) and factors else set(_DEFAULT_FIRST_FACTORS)
    out: list[str] = []
    if "PASSWORD" in allowed and user.password:
        out += ["PASSWORD", "PASSWORD_SRP"]
    attributes = user.attribute_lookup
    if (
        "EMAIL_OTP" in allowed
        and attributes.get("email")
        and str(attributes.get("email_verified", "")).lower() == "true"
    ):
        out.append("EMAIL_OTP")
    return out


@dataclass
class _Step:
    """Where a USER_AUTH session stands: the challenge it waits for."""

    pool_id: str
    client_id: str
    username: str  # canonical (internal) username
    challenge: str  # SELECT_CHALLENGE, PASSWORD, PASSWORD_SRP or EMAIL_OTP
    available: tuple[str, ...]
    expires: float


def _new_session() -> str:
    # AWS's sessions are long opaque strings; ours carry nothing.
    return secrets.token_urlsafe(192)


class ChoiceBasedSignIn:
    """Mixed into :class:`~cognito_helpers.local.layer.FidelityLayer`: owns USER_AUTH sessions."""

    _user_auth: dict[str, _Step]

    def _is_user_auth_session(self, session: Any) -> bool:
        return isinstance(session, str) and session in self._user_auth

    # -- InitiateAuth ----------------------------------------------------------------

    def _user_auth_start(
        self, operation: str, pool: Any, client: Any, auth: dict[str, Any]
    ) -> Any:
        user = self._user(pool, auth["USERNAME"])
        if user is None:
            if client.extended_config.get("PreventUserExistenceErrors") == "ENABLED":
                raise AwsFault.of("wrong_password")
            raise AwsFault.of("user_not_found")
        if not user.enabled:
            raise AwsFault("NotAuthorizedException", "User is disabled.")
        available = available_challenges(pool, user)
        preferred = auth.get("PREFERRED_CHALLENGE")
        if isinstance(preferred, str) and preferred in available:
            return self._user_auth_begin(pool, client, user, preferred, available, auth)
        return self._challenge(
            pool, client, user, "SELECT_CHALLENGE", available, {}, with_available=True
        )

    def _user_auth_begin(
        self,
        pool: Any,
        client: Any,
        user: Any,
        factor: str,
        available: list[str],
        values: dict[str, Any],
    ) -> Any:
        """Start ``factor`` with what the caller sent (PASSWORD, SRP_A), or ask for it."""
        if factor == "PASSWORD":
            if "PASSWORD" not in values:
                return self._challenge(pool, client, user, "PASSWORD", available, {})
            self.verify_password(pool, user, values.get("PASSWORD"))  # then the status
            return self._user_auth_tokens(pool, client, user.username)
        if factor == "PASSWORD_SRP":
            srp_a = values.get("SRP_A")
            if srp_a is None:
                return self._challenge(pool, client, user, "PASSWORD_SRP", available, {})
            if not is_valid_public_value(srp_a):
                raise AwsFault("InvalidParameterException", "SRP_A is not a valid SRP public value.")
            challenge = start_challenge(pool.id, user.username, user.password or "", srp_a)
            if challenge is None:  # pragma: no cover - validated above
                raise AwsFault("InvalidParameterException", "SRP_A is not a valid SRP public value.")
            # The answer goes through the SRP check of USER_SRP_AUTH (signin.py), with its
            # expiry and bound; None: no moto session behind it, the layer mints the tokens.
            session = _new_session()
            self._keep_srp(challenge, None, client, session)
            self._sessions[challenge.secret_block] = user.username
            self._sessions[session] = user.username
            return self._json_response(
                {
                    "ChallengeName": "PASSWORD_VERIFIER",
                    "Session": session,
                    "ChallengeParameters": {
                        "SALT": challenge.salt_hex,
                        "SRP_B": challenge.srp_b_hex,
                        "SECRET_BLOCK": challenge.secret_block,
                        "USER_ID_FOR_SRP": user.username,
                        "USERNAME": user.username,
                    },
                }
            )
        # EMAIL_OTP: a code to the user's e-mail (the outbox here).
        details = self._record_code("EMAIL_OTP", pool, client.id, user.username, user)
        return self._challenge(
            pool,
            client,
            user,
            "EMAIL_OTP",
            available,
            {
                "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
                "CODE_DELIVERY_DESTINATION": details["Destination"],
            },
        )

    def _challenge(
        self,
        pool: Any,
        client: Any,
        user: Any,
        name: str,
        available: list[str],
        parameters: dict[str, str],
        *,
        with_available: bool = False,
    ) -> Any:
        session = _new_session()
        minutes = client.extended_config.get("AuthSessionValidity") or _DEFAULT_SESSION_MINUTES
        now = self.clock.now()
        while self._user_auth:  # starting one needs no password: keep only live ones, bounded
            oldest = next(iter(self._user_auth))
            if self._user_auth[oldest].expires > now and len(self._user_auth) < MAX_PENDING:
                break
            del self._user_auth[oldest]
            self._sessions.pop(oldest, None)
        self._user_auth[session] = _Step(
            pool.id,
            client.id,
            user.username,
            name,
            tuple(available),
            now + 60 * float(minutes),
        )
        self._sessions[session] = user.username  # the canonical name the hash must cover
        answer: dict[str, Any] = {
            "ChallengeName": name,
            "Session": session,
            # "All challenges require USERNAME" (ChallengeParameters): the canonical one.
            "ChallengeParameters": {"USERNAME": user.username, **parameters},
        }
        if with_available:
            answer["AvailableChallenges"] = list(available)
        return self._json_response(answer)

    # -- RespondToAuthChallenge ---------------------------------------------------------

    def _user_auth_respond(
        self, pool: Any, client: Any, params: dict[str, Any], canonical: str
    ) -> Any:
        session = params["Session"]
        step = self._user_auth.pop(session)  # one answer per session, right or wrong
        self._sessions.pop(session, None)
        if step.client_id != client.id or step.pool_id != pool.id:
            raise AwsFault("NotAuthorizedException", "Invalid session for the user.")
        if self.clock.now() > step.expires:
            raise AwsFault.of("session_expired")
        user = self._user(pool, step.username)
        if user is None:
            raise AwsFault.of("user_not_found")
        responses = params["ChallengeResponses"]
        name = params.get("ChallengeName")
        if name != step.challenge:
            raise AwsFault(
                "InvalidParameterException",
                f"This session waits for a {step.challenge} answer, not {name}.",
            )
        available = list(step.available)
        if name == "SELECT_CHALLENGE":
            answer = responses.get("ANSWER")
            if not isinstance(answer, str) or answer not in available:
                raise AwsFault(
                    "InvalidParameterException",
                    f"ANSWER must be one of the AvailableChallenges: {', '.join(available)}.",
                )
            return self._user_auth_begin(pool, client, user, answer, available, responses)
        if name in ("PASSWORD", "PASSWORD_SRP"):
            key = "PASSWORD" if name == "PASSWORD" else "SRP_A"
            if not isinstance(responses.get(key), str) or not responses[key]:
                raise AwsFault("InvalidParameterException", f"Missing required parameter {key}")
            return self._user_auth_begin(pool, client, user, name, available, responses)
        # EMAIL_OTP
        expected = self._pending_codes.get((pool.id, user.username, "EMAIL_OTP"))
        code = responses.get("EMAIL_OTP_CODE")
        if expected is None or not (
            isinstance(code, str) and hmac.compare_digest(code.encode(), expected.encode())
        ):
            # A mistyped code can be tried again in the same session.
            self._user_auth[session] = step
            self._sessions[session] = step.username
            raise AwsFault.of("otp_mismatch")
        del self._pending_codes[(pool.id, user.username, "EMAIL_OTP")]
        return self._user_auth_tokens(pool, client, user.username)

    # -- the end ------------------------------------------------------------------------

    @staticmethod
    def _check_status(user: Any) -> None:
        if user.status == "UNCONFIRMED":
            raise AwsFault.of("user_not_confirmed")

    def _user_auth_tokens(self, pool: Any, client: Any, username: str) -> Any:
        user = self._user(pool, username)
        if user is None:
            raise AwsFault.of("user_not_found")
        self._check_status(user)
        issued = mint_tokens(pool, client, user)
        return self._json_response(
            {"ChallengeParameters": {}, "AuthenticationResult": issued.authentication_result()}
        )
