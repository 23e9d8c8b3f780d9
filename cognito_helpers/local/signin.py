"""Sign-in: InitiateAuth and its challenges, SRP, refresh and GetTokensFromRefreshToken.

The hash in ``AuthParameters`` covers the ``USERNAME`` sent; in a challenge
response, the canonical username Cognito returned; in a refresh, the internal
username behind the token. Taught in ``notebooks/04-sign-in-flows.ipynb``.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from ..operations import REFRESH_FLOWS
from .answers import AwsFault
from .srp import SrpChallenge, is_valid_public_value, start_challenge, verify_claim

__all__ = ["SignInFlows"]


class SignInFlows:
    """Mixed into :class:`~cognito_helpers.local.layer.FidelityLayer`: owns sessions and SRP state."""

    _sessions: dict[str, str]
    _srp: dict[str, tuple[SrpChallenge, str]]
    _pending_srp_a: dict[str, str]

    def _remember_challenge(self, data: dict[str, Any], pool: Any) -> dict[str, Any]:
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
                self._issue_srp_values(data, pool, user)
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

    def _issue_srp_values(self, data: dict[str, Any], pool: Any, user: Any) -> None:
        """Replace moto's random SRP_B/SALT with real ones, so the proof can be checked."""
        cp = data["ChallengeParameters"]
        srp_a = self._pending_srp_a.pop(data["Session"], None)
        challenge = start_challenge(pool.id, user.username, user.password or "", srp_a or "")
        if challenge is None:  # SRP_A was validated before forwarding
            raise AwsFault("InvalidParameterException", "SRP_A is not a valid SRP public value.")
        moto_block = cp.get("SECRET_BLOCK", data["Session"])
        self._srp[challenge.secret_block] = (challenge, moto_block)
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
        srp_a = auth.get("SRP_A") if flow == "USER_SRP_AUTH" else None
        if flow == "USER_SRP_AUTH" and not is_valid_public_value(srp_a):
            raise AwsFault("InvalidParameterException", "SRP_A is not a valid SRP public value.")

        def post(data: dict[str, Any]) -> dict[str, Any]:
            if srp_a is not None and data.get("Session"):
                self._pending_srp_a[data["Session"]] = srp_a
            return self._remember_challenge(data, pool)

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

    def _refresh_username(self, pool: Any, client: Any, token: Any) -> str:
        if not isinstance(token, str) or token not in pool.refresh_tokens:
            raise AwsFault.of("refresh_invalid")
        entry = pool.refresh_tokens[token]
        if entry is None:
            raise AwsFault.of("refresh_revoked")
        if entry[0] != client.id:
            raise AwsFault.of("refresh_invalid")
        rotation = client.extended_config.get("RefreshTokenRotation") or {}
        if rotation.get("Feature") == "ENABLED":
            raise AwsFault(
                "InvalidParameterException",
                "Refresh token rotation is enabled for this client; use GetTokensFromRefreshToken.",
            )
        user = self._user(pool, entry[1])
        # The hash covers the internal username (the sub in email-as-username pools).
        return user.username if user is not None else entry[1]

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
        if params.get("ChallengeName") == "PASSWORD_VERIFIER":
            # One answer per challenge, right or wrong, as with a used SRP session.
            state = self._srp.pop(session, None)
            self._sessions.pop(session, None)
            if state is None:
                raise AwsFault("NotAuthorizedException", "Invalid session for the user.")
            challenge, moto_block = state
            if not verify_claim(
                challenge,
                str(responses.get("TIMESTAMP", "")),
                str(responses.get("PASSWORD_CLAIM_SIGNATURE", "")),
            ):
                raise AwsFault.of("wrong_password")
            responses["PASSWORD_CLAIM_SECRET_BLOCK"] = moto_block
        return self._moto(environ, params, lambda d: self._remember_challenge(d, pool))

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
        if (
            not isinstance(token, str)
            or token not in pool.refresh_tokens
            or pool.refresh_tokens[token] is None
        ):
            raise AwsFault.of("refresh_invalid")
        if pool.refresh_tokens[token][0] != client.id:
            raise AwsFault.of("refresh_invalid")
        access, id_token, expires = pool.create_tokens_from_refresh_token(token)
        return self._json_response(
            {
                "AuthenticationResult": {
                    "AccessToken": access,
                    "IdToken": id_token,
                    "ExpiresIn": expires,
                    "TokenType": "Bearer",
                }
            }
        )
