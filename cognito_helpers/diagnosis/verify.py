"""``verify_flow(...)``: run a person's sign-in with a correctly computed hash, step by step.

Taught in ``notebooks/09-troubleshooting.ipynb``. Signs in with
USER_PASSWORD_AUTH (InitiateAuth) or ADMIN_USER_PASSWORD_AUTH
(AdminInitiateAuth), then refreshes with REFRESH_TOKEN_AUTH hashing the
internal username read from the access token (``docs/facts.md#where-the-hash-goes``), and reports the first step that fails, explained. If
every step passes with the right hash, the app's own hash is the suspect.

Uses the boto3 ``cognito-idp`` client you pass (``LocalCognito.client()`` or a
real one); no token, password or secret is put in the result.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from ..exceptions import InvalidInputError
from ..hashing import secret_hash, strict_hint
from .check import _classify, pool_region
from .explain import explain
from .result import Check, Diagnosis

__all__ = ["FLOWS", "verify_flow"]

FLOWS = ("USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH")


def token_claims(token: str) -> dict[str, Any]:
    """The claims of a JWT, unverified (only to read ``username``; never trust them for auth)."""
    try:
        payload = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}


def verify_flow(
    cognito_client: Any,
    client_id: str,
    username: str,
    password: str,
    *,
    client_secret: str | None = None,
    user_pool_id: str | None = None,
    flow: str = "USER_PASSWORD_AUTH",
    refresh: bool = True,
    strict: bool = True,
) -> Diagnosis:
    """Sign in (and refresh) with the hash computed correctly; report the first failing step.

    ``flow`` is ``USER_PASSWORD_AUTH`` (InitiateAuth) or
    ``ADMIN_USER_PASSWORD_AUTH`` (AdminInitiateAuth, needs ``user_pool_id``
    and credentials). ``client_secret`` is needed when the client has one.
    Status ``ok`` when every step passed, ``problem`` with the failing step's
    explanation otherwise. ``strict=False`` hashes the values exactly as given
    (``COGNITO_STRICT=0``, ``verify --no-strict``).
    """
    if flow not in FLOWS:
        raise InvalidInputError("flow", f"{flow!r} is not one of {', '.join(FLOWS)}.")
    for field, value in (("client_id", client_id), ("username", username), ("password", password)):
        if not isinstance(value, str) or not value:
            raise InvalidInputError(field, "is empty or not text.")
    if flow == "ADMIN_USER_PASSWORD_AUTH" and not user_pool_id:
        raise InvalidInputError("user_pool_id", "is needed for ADMIN_USER_PASSWORD_AUTH.")
    if user_pool_id:
        pool_region(user_pool_id)
    steps: list[Check] = []
    facts: dict[str, Any] = {"client_id": client_id, "username": username, "flow": flow}

    def failed(step: str, exc: BaseException) -> Diagnosis:
        kind, reason = _classify(exc)
        if kind in ("network", "denied"):
            steps.append(Check(step, "unchecked", reason.replace("{op}", "InitiateAuth")))
            facts["unreachable"] = True
            return Diagnosis(
                kind="verify",
                status="incomplete",
                key="unreachable",
                cause=f"Step '{step}' could not run: {reason.replace('{op}', 'InitiateAuth')}",
                fix="Check the endpoint URL, the region and the credentials.",
                confidence="high",
                checks=tuple(steps),
                facts=facts,
            )
        d = explain(str(exc)) if getattr(exc, "response", None) else None
        text = d.cause if d is not None and d.status == "found" else type(exc).__name__
        steps.append(Check(step, "problem", text))
        return Diagnosis(
            kind="verify",
            status="problem",
            key=d.key if d is not None else "error",
            cause=f"Step '{step}' failed: {text}",
            fix=d.fix if d is not None else "See the error above.",
            confidence="high" if d is not None and d.status == "found" else "low",
            evidence=tuple(d.evidence) if d is not None else (),
            confirm=d.confirm if d is not None else (),
            checks=tuple(steps),
            facts=facts,
        )

    auth: dict[str, str] = {"USERNAME": username, "PASSWORD": password}
    if client_secret is not None:
        try:
            auth["SECRET_HASH"] = secret_hash(username, client_id, client_secret, strict=strict)
        except InvalidInputError as exc:
            exc = InvalidInputError(exc.field, strict_hint(
                str(exc).split(": ", 1)[-1],
                "set COGNITO_STRICT=0 (verify --no-strict, strict=False in Python) to hash it "
                "exactly as given"))
            steps.append(Check("compute hash", "problem", str(exc)))
            return Diagnosis(
                kind="verify",
                status="problem",
                key="bad_input",
                cause=f"Step 'compute hash' failed: {exc}",
                fix="Correct the value named above.",
                confidence="high",
                checks=tuple(steps),
                facts=facts,
            )
        steps.append(Check("compute hash", "ok", f"SECRET_HASH over {username!r}"))
    else:
        steps.append(Check("compute hash", "info", "no client secret given: no SECRET_HASH sent"))
    step = "sign in" + (
        " (AdminInitiateAuth)" if user_pool_id and flow.startswith("ADMIN") else " (InitiateAuth)"
    )
    try:
        if flow == "ADMIN_USER_PASSWORD_AUTH":
            result = cognito_client.admin_initiate_auth(
                UserPoolId=user_pool_id, ClientId=client_id, AuthFlow=flow, AuthParameters=auth
            )
        else:
            result = cognito_client.initiate_auth(
                ClientId=client_id, AuthFlow=flow, AuthParameters=auth
            )
    except Exception as exc:  # any SDK failure is the finding
        return failed(step, exc)
    if result.get("ChallengeName"):
        params = result.get("ChallengeParameters") or {}
        canonical = params.get("USERNAME") or params.get("USER_ID_FOR_SRP") or "?"
        steps.append(
            Check(step, "info", f"Cognito asks for the {result['ChallengeName']} challenge")
        )
        return Diagnosis(
            kind="verify",
            status="incomplete",
            key="challenge",
            cause=f"Sign-in needs the {result['ChallengeName']} challenge; this check stops there.",
            fix=f"Answer it with RespondToAuthChallenge; its SECRET_HASH must cover "
            f"{canonical!r} (USERNAME from ChallengeParameters), not an alias.",
            confidence="high",
            checks=tuple(steps),
            facts=facts,
        )
    tokens = result.get("AuthenticationResult") or {}
    internal = token_claims(tokens.get("AccessToken", "")).get("username") or username
    facts["internal_username"] = internal
    steps.append(
        Check(
            step,
            "ok",
            "tokens issued"
            + (
                f"; internal username {internal!r} differs from the one typed"
                if internal != username
                else ""
            ),
        )
    )
    if refresh and tokens.get("RefreshToken"):
        params = {"REFRESH_TOKEN": tokens["RefreshToken"]}
        if client_secret is not None:
            params["SECRET_HASH"] = secret_hash(internal, client_id, client_secret,
                                                strict=strict)
        step = "refresh (REFRESH_TOKEN_AUTH)"
        try:
            if flow == "ADMIN_USER_PASSWORD_AUTH":
                cognito_client.admin_initiate_auth(
                    UserPoolId=user_pool_id,
                    ClientId=client_id,
                    AuthFlow="REFRESH_TOKEN_AUTH",
                    AuthParameters=params,
                )
            else:
                cognito_client.initiate_auth(
                    ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters=params
                )
        except Exception as exc:  # any SDK failure is the finding
            return failed(step, exc)
        steps.append(
            Check(step, "ok", f"new tokens; SECRET_HASH over the internal username {internal!r}")
        )
    return Diagnosis(
        kind="verify",
        status="ok",
        key="flow_ok",
        cause="Every step passed with a correctly computed SECRET_HASH.",
        fix="If your app still fails, its hash differs: compare it with `python -m "
        "cognito_helpers hash` for the same username, or name the mistake with `fingerprint`."
        + (f" For refresh, hash {internal!r}, not {username!r}." if internal != username else ""),
        confidence="high",
        checks=tuple(steps),
        facts=facts,
    )
