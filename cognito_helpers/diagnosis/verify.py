"""``verify_flow(...)``: run a person's sign-in with a correctly computed hash, step by step.

Taught in ``notebooks/09-troubleshooting.ipynb``. Signs in with
USER_PASSWORD_AUTH (InitiateAuth) or ADMIN_USER_PASSWORD_AUTH
(AdminInitiateAuth), then refreshes with REFRESH_TOKEN_AUTH hashing the
internal username read from the access token (``docs/facts.md#where-the-hash-goes``), and reports the first step that fails, explained. If
every step passes with the right hash, the app's own hash is the suspect.

Uses the boto3 ``cognito-idp`` client you pass (``LocalCognito.client()`` or a
real one); no token, password or secret is put in the result.

Two rules keep it honest (issue 12, item 1; issue 14, item 6):

* a step passes only on what Cognito really answers: tokens are JWTs with
  the claims Cognito puts in them (``token_use``, the client id), a challenge
  comes with a ``Session``; any other HTTP 200 is a problem ("not Cognito"),
  never "Every step passed";
* with ``user_pool_id`` it reads the client's settings first
  (DescribeUserPoolClient), so it never sends a hash to a client without a
  secret (and never then blames the app for that hash); without them, a
  refusal of its own hash makes it say so and try once without.
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


def _jwt_problem(token: Any, name: str) -> str | None:
    """Why ``token`` is not a JWT as Cognito issues it (None: it is one)."""
    if not isinstance(token, str) or token.count(".") != 2:
        return f"{name} is not a JWT"
    try:
        head = token.split(".")[0]
        header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except (ValueError, UnicodeDecodeError):
        return f"{name} has no JWT header"
    if not isinstance(header, dict) or not header.get("alg") or not header.get("kid"):
        return f"{name}'s header has no alg/kid"
    return None


def _tokens_problem(result: Any, client_id: str, *, refresh: bool) -> str | None:
    """Why ``result`` is not Cognito's AuthenticationResult for ``client_id`` (None: it is)."""
    if not isinstance(result, dict):
        return "the answer is not a JSON object"
    tokens = result.get("AuthenticationResult")
    if not isinstance(tokens, dict):
        return "no AuthenticationResult and no ChallengeName in the answer"
    for name in ("AccessToken", "IdToken"):
        problem = _jwt_problem(tokens.get(name), name)
        if problem:
            return problem
    access = token_claims(tokens["AccessToken"])
    if access.get("token_use") != "access" or access.get("client_id") != client_id:
        return "the AccessToken's claims are not an access token for this client"
    id_claims = token_claims(tokens["IdToken"])
    if id_claims.get("token_use") != "id" or id_claims.get("aud") != client_id:
        return "the IdToken's claims are not an ID token for this client"
    if not refresh and not isinstance(tokens.get("RefreshToken", ""), str):
        return "the RefreshToken is not text"
    return None


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
    timeout: float | None = None,
) -> Diagnosis:
    """Sign in (and refresh) with the hash computed correctly; report the first failing step.

    ``flow`` is ``USER_PASSWORD_AUTH`` (InitiateAuth) or
    ``ADMIN_USER_PASSWORD_AUTH`` (AdminInitiateAuth, needs ``user_pool_id``
    and credentials). ``client_secret`` is needed when the client has one;
    with ``user_pool_id`` the client's settings are read first, so a secret
    given for a client without one is not used. Status ``ok`` only when every
    step got Cognito's real answer, ``problem`` with the failing step's
    explanation otherwise, ``incomplete`` when something could not be reached
    or read. ``strict=False`` hashes the values exactly as given
    (``COGNITO_STRICT=0``, ``verify --no-strict``). Each call answers within
    ``timeout`` seconds (default: the client's deadline, ``$COGNITO_TIMEOUT``
    or 10), or the step is reported as not answering (status ``incomplete``).
    """
    from ..deadline import calls_within

    with calls_within(cognito_client, timeout):
        return _verify_flow(cognito_client, client_id, username, password,
                            client_secret=client_secret, user_pool_id=user_pool_id, flow=flow,
                            refresh=refresh, strict=strict)


def _verify_flow(
    cognito_client: Any,
    client_id: str,
    username: str,
    password: str,
    *,
    client_secret: str | None,
    user_pool_id: str | None,
    flow: str,
    refresh: bool,
    strict: bool,
) -> Diagnosis:
    if flow not in FLOWS:
        raise InvalidInputError("flow", f"{flow!r} is not one of {', '.join(FLOWS)}.")
    for field, value in (("client_id", client_id), ("username", username), ("password", password)):
        if not isinstance(value, str) or not value:
            raise InvalidInputError(field, "is empty or not text.")
    if client_secret is not None and not isinstance(client_secret, str):
        raise InvalidInputError("client_secret", "expected text (str) or None.")
    if user_pool_id is not None and not isinstance(user_pool_id, str):
        raise InvalidInputError("user_pool_id", "expected a user pool id (str) or None.")
    if flow == "ADMIN_USER_PASSWORD_AUTH" and not user_pool_id:
        raise InvalidInputError("user_pool_id", "is needed for ADMIN_USER_PASSWORD_AUTH.")
    if user_pool_id:
        pool_region(user_pool_id)
    endpoint = getattr(getattr(cognito_client, "meta", None), "endpoint_url", None) or "Cognito"
    steps: list[Check] = []
    facts: dict[str, Any] = {"client_id": client_id, "username": username, "flow": flow}

    def call(operation: str, **kwargs: Any) -> Any:
        return getattr(cognito_client, operation)(**kwargs)

    def failed(step: str, exc: BaseException, op: str = "InitiateAuth") -> Diagnosis:
        kind, reason = _classify(exc)
        if kind in ("network", "denied"):
            steps.append(Check(step, "unchecked", reason.replace("{op}", op)))
            facts["unreachable"] = True
            return Diagnosis(
                kind="verify",
                status="incomplete",
                key="unreachable",
                cause=f"Step '{step}' could not run: {reason.replace('{op}', op)}",
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

    def not_cognito(step: str, problem: str) -> Diagnosis:
        steps.append(Check(step, "problem", f"HTTP 200, but not Cognito's answer: {problem}"))
        return Diagnosis(
            kind="verify",
            status="problem",
            key="not_cognito",
            cause=f"Step '{step}' got an answer that is not Cognito's ({problem}): the endpoint "
            f"{endpoint} does not behave as Cognito does.",
            fix="Point --endpoint-url / COGNITO_ENDPOINT_URL at Cognito (or unset it for AWS's "
            "endpoint of the region), or at the local Cognito (python -m cognito_helpers local).",
            confidence="high",
            checks=tuple(steps),
            facts=facts,
        )

    # 1. The client's settings, when they can be read: secret or not decides the hash.
    if user_pool_id:
        try:
            described = call("describe_user_pool_client", UserPoolId=user_pool_id,
                             ClientId=client_id)
        except Exception as exc:  # reported, never raised
            kind, text = _classify(exc)
            if kind == "network":
                return failed("read client settings", exc, "DescribeUserPoolClient")
            if kind == "aws" and "ResourceNotFoundException" in text:
                return failed("read client settings", exc, "DescribeUserPoolClient")
            steps.append(Check(
                "read client settings", "unchecked",
                "could not read them (" + text.replace("{op}", "DescribeUserPoolClient")
                + "); going by the secret given"))
            described = None
        settings = described.get("UserPoolClient") if isinstance(described, dict) else None
        if described is not None and not isinstance(settings, dict):
            return not_cognito("read client settings", "no UserPoolClient in the answer")
        if isinstance(settings, dict):
            has_secret = bool(settings.get("ClientSecret"))
            facts["has_secret"] = has_secret
            if not has_secret and client_secret is not None:
                client_secret = None
                facts["secret_not_used"] = True
                steps.append(Check(
                    "read client settings", "info",
                    "the client has no secret: the secret given is not used and no "
                    "SECRET_HASH is sent (your app must send none either)"))
            elif has_secret and client_secret is None:
                steps.append(Check(
                    "read client settings", "problem",
                    "the client has a secret, but none was given: every call must carry "
                    "a SECRET_HASH made with it"))
                return Diagnosis(
                    kind="verify",
                    status="incomplete",
                    key="secret_needed",
                    cause=f"App client {client_id} has a secret; verify needs it to compute "
                    "SECRET_HASH, and none was given.",
                    fix="Give the client secret ($COGNITO_CLIENT_SECRET or --secret-file; "
                    "client_secret= in Python). Your app needs it too.",
                    confidence="high",
                    checks=tuple(steps),
                    facts=facts,
                )
            else:
                steps.append(Check(
                    "read client settings", "ok",
                    "the client has a secret: SECRET_HASH sent" if has_secret
                    else "the client has no secret: no SECRET_HASH sent"))

    def hashed(name: str) -> str | Diagnosis:
        try:
            return secret_hash(name, client_id, client_secret or "", strict=strict)
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

    # 2. Sign in with a correct hash (or none, for a client without a secret).
    auth: dict[str, str] = {"USERNAME": username, "PASSWORD": password}
    if client_secret is not None:
        value = hashed(username)
        if isinstance(value, Diagnosis):
            return value
        auth["SECRET_HASH"] = value
        steps.append(Check("compute hash", "ok", f"SECRET_HASH over {username!r}"))
    else:
        steps.append(Check("compute hash", "info", (
            "the client has no secret" if "has_secret" in facts else "no client secret given")
            + ": no SECRET_HASH sent"))
    admin = flow == "ADMIN_USER_PASSWORD_AUTH"
    step = "sign in" + (" (AdminInitiateAuth)" if admin else " (InitiateAuth)")

    def sign_in(params: dict[str, str]) -> Any:
        if admin:
            return call("admin_initiate_auth", UserPoolId=user_pool_id, ClientId=client_id,
                        AuthFlow=flow, AuthParameters=params)
        return call("initiate_auth", ClientId=client_id, AuthFlow=flow, AuthParameters=params)

    try:
        result = sign_in(auth)
    except Exception as exc:  # any SDK failure is the finding
        finding = explain(str(exc)) if getattr(exc, "response", None) else None
        if "SECRET_HASH" in auth and finding is not None and finding.key == "hash_not_configured":
            # Our own hash, refused: the secret given is no secret of this client. Say so
            # (not "your app sends a hash") and try the sign-in the client expects.
            del auth["SECRET_HASH"]
            client_secret = None
            facts["secret_not_used"] = True
            steps.append(Check(
                step, "info",
                "Cognito says the client has no secret, so the secret given is not its: "
                "trying again without SECRET_HASH (your app must send none either)"))
            try:
                result = sign_in(auth)
            except Exception as again:  # any SDK failure is the finding
                return failed(step, again)
        else:
            return failed(step, exc)
    if isinstance(result, dict) and result.get("ChallengeName"):
        if not isinstance(result.get("ChallengeName"), str) or not isinstance(
            result.get("Session"), str
        ):
            return not_cognito(step, "a challenge without a Session")
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
    problem = _tokens_problem(result, client_id, refresh=False)
    if problem:
        return not_cognito(step, problem)
    tokens = result["AuthenticationResult"]
    internal = token_claims(tokens["AccessToken"]).get("username") or username
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
    # 3. Refresh, hashing the internal username.
    if refresh and tokens.get("RefreshToken"):
        params = {"REFRESH_TOKEN": tokens["RefreshToken"]}
        if client_secret is not None:
            value = hashed(internal)
            if isinstance(value, Diagnosis):
                return value
            params["SECRET_HASH"] = value
        step = "refresh (REFRESH_TOKEN_AUTH)"
        try:
            if admin:
                refreshed = call("admin_initiate_auth", UserPoolId=user_pool_id,
                                 ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                                 AuthParameters=params)
            else:
                refreshed = call("initiate_auth", ClientId=client_id,
                                 AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters=params)
        except Exception as exc:  # any SDK failure is the finding
            return failed(step, exc)
        problem = _tokens_problem(refreshed, client_id, refresh=True)
        if problem:
            return not_cognito(step, problem)
        steps.append(
            Check(step, "ok", "new tokens" + (
                f"; SECRET_HASH over the internal username {internal!r}"
                if client_secret is not None else "")))
    ignored = facts.get("secret_not_used")
    return Diagnosis(
        kind="verify",
        status="ok",
        key="flow_ok",
        cause="Every step passed with a correctly computed SECRET_HASH."
        if client_secret is not None
        else "Every step passed, with no SECRET_HASH (the client has no secret).",
        fix=("The client has no secret: if your app sends a SECRET_HASH (or has a secret "
             "configured), remove it; Cognito refuses a hash sent to this client."
             if ignored else
             "If your app still fails, its hash differs: compare it with `python -m "
             "cognito_helpers hash` for the same username, or name the mistake with "
             "`fingerprint`."
             + (f" For refresh, hash {internal!r}, not {username!r}."
                if internal != username and client_secret is not None else "")),
        confidence="high",
        checks=tuple(steps),
        facts=facts,
    )
