"""Sign-in: InitiateAuth and its challenges, SRP; refresh checks in :mod:`.refresh`.

The hash in ``AuthParameters`` covers the ``USERNAME`` sent; in a challenge
response, the canonical username Cognito returned; in a refresh, the internal
username behind the token. Every password goes through the lockout
(:mod:`.lockout`); USER_AUTH is :mod:`.user_auth`'s. Taught in
``notebooks/04-sign-in-flows.ipynb``.

An SRP challenge (``PASSWORD_VERIFIER``) costs no password to start, so what
the server keeps of unanswered ones is bounded: each lasts the app client's
``AuthSessionValidity`` (3 minutes by default, on the layer's clock), after
which AWS answers ``Invalid session for the user, session is expired.``, and
at most :data:`MAX_PENDING_SRP` wait at once (the oldest is dropped first).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from ..operations import REFRESH_FLOWS
from .answers import AwsFault
from .srp import SrpChallenge, is_valid_public_value, start_challenge, verify_claim

__all__ = ["MAX_PENDING_SRP", "PASSWORD_FLOWS", "SESSION_MINUTES", "PendingSrp", "SignInFlows"]

# Flows whose AuthParameters carry the PASSWORD itself (API reference, AuthParameters).
PASSWORD_FLOWS = frozenset({"USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"})
SESSION_MINUTES = 3  # CreateUserPoolClient AuthSessionValidity: 3 minutes by default
MAX_PENDING_SRP = 2000  # unanswered SRP challenges kept at once (~2 KB each with moto's session)


@dataclass
class PendingSrp:
    """An SRP challenge waiting for its PASSWORD_VERIFIER answer."""

    challenge: SrpChallenge
    moto_block: str | None  # moto's session behind it (None: USER_AUTH's, the layer's own)
    expires: float  # on the layer's clock
    sessions: tuple[str, ...]  # the session keys that name it, forgotten with it


def session_expiry(clock: Any, client: Any) -> float:
    """When a challenge issued now for ``client`` expires (its AuthSessionValidity, minutes)."""
    minutes = client.extended_config.get("AuthSessionValidity") or SESSION_MINUTES
    return float(clock.now() + 60 * float(minutes))


class SignInFlows:
    """Mixed into :class:`~cognito_helpers.local.layer.FidelityLayer`: owns sessions and SRP state."""

    _sessions: dict[str, str]
    _srp: OrderedDict[str, PendingSrp]
    _pending_srp_a: dict[str, str]

    def _keep_srp(
        self, challenge: SrpChallenge, moto_block: str | None, client: Any, *sessions: str
    ) -> None:
        """Remember a challenge until answered, expired, or pushed out by newer ones."""
        now = self.clock.now()  # type: ignore[attr-defined]
        while self._srp:
            oldest = next(iter(self._srp.values()))
            if oldest.expires > now and len(self._srp) < MAX_PENDING_SRP:
                break
            self._forget_srp(next(iter(self._srp)))
        block = challenge.secret_block
        self._srp[block] = PendingSrp(
            challenge, moto_block, session_expiry(self.clock, client),  # type: ignore[attr-defined]
            (block, *sessions),
        )

    def _forget_srp(self, block: str, *, keep_moto: bool = False) -> PendingSrp | None:
        """Drop a challenge, its session names and (unless ``keep_moto``: a right answer
        goes on to moto) moto's session behind it."""
        pending = self._srp.pop(block, None)
        if pending is None:
            return None
        for session in pending.sessions:
            self._sessions.pop(session, None)
        if not keep_moto:
            self._forget_moto_session(pending)
        return pending

    def _forget_moto_session(self, pending: PendingSrp) -> None:
        if pending.moto_block is not None:
            for backend in self._backends():  # type: ignore[attr-defined]
                backend.sessions.pop(pending.moto_block, None)

    def _remember_challenge(self, data: dict[str, Any], pool: Any, client: Any) -> dict[str, Any]:
        session = data.get("Session")
        if not data.get("ChallengeName") or not session:
            return data
        cp = data.setdefault("ChallengeParameters", {})
        user = self._user(pool, cp.get("USERNAME") or self._sessions.get(session))
        if user is None:
            user = self._user(pool, cp.get("USER_ID_FOR_SRP"))
        if user is not None:
            # AWS returns the internal username in both (moto puts the sub in USER_ID_FOR_SRP).
            cp["USERNAME"] = user.username
            cp["USER_ID_FOR_SRP"] = user.username
            self._sessions[session] = user.username
            if data["ChallengeName"] == "PASSWORD_VERIFIER":
                self._issue_srp_values(data, pool, client, user)
            elif data["ChallengeName"] == "NEW_PASSWORD_REQUIRED":
                # AWS also sends the user's attributes and those still required (JSON strings).
                attributes = {
                    a["Name"]: a["Value"]
                    for a in user.attributes
                    if a["Name"] not in ("sub", "email_verified", "phone_number_verified")
                }
                cp.setdefault("userAttributes", json.dumps(attributes))
                cp.setdefault("requiredAttributes", "[]")
        return data

    def _issue_srp_values(self, data: dict[str, Any], pool: Any, client: Any, user: Any) -> None:
        """Replace moto's random SRP_B/SALT with real ones, so the proof can be checked."""
        cp = data["ChallengeParameters"]
        srp_a = self._pending_srp_a.pop(data["Session"], None)
        challenge = start_challenge(pool.id, user.username, user.password or "", srp_a or "")
        if challenge is None:  # SRP_A was validated before forwarding
            raise AwsFault("InvalidParameterException", "SRP_A is not a valid SRP public value.")
        moto_block = cp.get("SECRET_BLOCK", data["Session"])
        self._keep_srp(challenge, moto_block, client, data["Session"])
        self._sessions[challenge.secret_block] = user.username
        cp.update(
            SALT=challenge.salt_hex,
            SRP_B=challenge.srp_b_hex,
            SECRET_BLOCK=challenge.secret_block,
        )

    def _initiate_auth(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        operation = "AdminInitiateAuth" if "UserPoolId" in params else "InitiateAuth"
        pool, client = self._find_client(params.get("ClientId"), params.get("UserPoolId"))
        flow = params.get("AuthFlow")
        auth = params.get("AuthParameters")
        if not isinstance(auth, dict):
            auth = params["AuthParameters"] = {}
        if isinstance(flow, str) and not self._flow_enabled(client, flow):
            if operation == "AdminInitiateAuth":
                raise AwsFault.of("admin_flow_not_enabled")
            raise AwsFault.of("flow_not_enabled", flow=flow)
        if flow in REFRESH_FLOWS:
            expected = self._refresh_username(pool, client, auth.get("REFRESH_TOKEN"))
        else:
            if not isinstance(auth.get("USERNAME"), str) or not auth.get("USERNAME"):
                raise AwsFault("InvalidParameterException", "Missing required parameter USERNAME")
            expected = auth["USERNAME"]
        self._check_hash(operation, params, client.id, expected)
        auth.pop("SECRET_HASH", None)
        if flow == "USER_AUTH":
            return self._user_auth_start(operation, pool, client, auth)
        if flow in PASSWORD_FLOWS:
            user = self._user(pool, auth["USERNAME"])
            if user is not None and user.enabled:
                self.verify_password(pool, user, auth.get("PASSWORD"))  # lockout counts here
        srp_a = auth.get("SRP_A") if flow == "USER_SRP_AUTH" else None
        if flow == "USER_SRP_AUTH" and not is_valid_public_value(srp_a):
            raise AwsFault("InvalidParameterException", "SRP_A is not a valid SRP public value.")

        def post(data: dict[str, Any]) -> dict[str, Any]:
            if srp_a is not None and data.get("Session"):
                self._pending_srp_a[data["Session"]] = srp_a
            try:
                return self._remember_challenge(data, pool, client)
            finally:
                self._pending_srp_a.pop(data.get("Session") or "", None)

        def on_error(code: str, message: str) -> AwsFault | None:
            if (
                code == "UserNotFoundException"
                and client.extended_config.get("PreventUserExistenceErrors") == "ENABLED"
            ):
                return AwsFault.of("wrong_password")
            if code == "NotAuthorizedException" and message != "User is disabled.":
                # moto words some of these with the username itself.
                return AwsFault.of("wrong_password")
            return None

        return self._moto(environ, params, post, on_error)

    def _respond_to_challenge(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        operation = (
            "AdminRespondToAuthChallenge" if "UserPoolId" in params else "RespondToAuthChallenge"
        )
        pool, client = self._find_client(params.get("ClientId"), params.get("UserPoolId"))
        responses = params.get("ChallengeResponses")
        if not isinstance(responses, dict):
            responses = params["ChallengeResponses"] = {}
        session = params.get("Session")
        if params.get("ChallengeName") == "PASSWORD_VERIFIER":
            session = responses.get("PASSWORD_CLAIM_SECRET_BLOCK", session)
        canonical = self._sessions.get(session) if isinstance(session, str) else None
        if canonical is None:
            raise AwsFault("NotAuthorizedException", "Invalid session for the user.")
        self._check_hash(operation, params, client.id, canonical)
        responses.pop("SECRET_HASH", None)
        if not isinstance(responses.get("USERNAME"), str) or not responses["USERNAME"]:
            raise AwsFault("InvalidParameterException", "Missing required parameter USERNAME")
        if self._is_user_auth_session(params.get("Session")):
            return self._user_auth_respond(pool, client, params, canonical)
        if params.get("ChallengeName") == "PASSWORD_VERIFIER":
            # One answer per challenge, right or wrong, as with a used SRP session.
            state = self._forget_srp(session, keep_moto=True)
            self._sessions.pop(session, None)
            if state is None:
                raise AwsFault("NotAuthorizedException", "Invalid session for the user.")
            challenge, moto_block = state.challenge, state.moto_block
            try:
                if self.clock.now() > state.expires:
                    raise AwsFault.of("session_expired")
                self.lockout.guard(pool.id, canonical)
                ok = verify_claim(
                    challenge,
                    str(responses.get("TIMESTAMP", "")),
                    str(responses.get("PASSWORD_CLAIM_SIGNATURE", "")),
                )
                self.lockout.record(pool.id, canonical, ok=ok)
                if not ok:
                    raise AwsFault.of("wrong_password")
            except AwsFault:
                self._forget_moto_session(state)  # nothing will answer it now
                raise
            if moto_block is None:  # USER_AUTH's PASSWORD_SRP: no moto session behind it
                return self._user_auth_tokens(pool, client, canonical)
            responses["PASSWORD_CLAIM_SECRET_BLOCK"] = moto_block
        return self._moto(environ, params, lambda d: self._remember_challenge(d, pool, client))
