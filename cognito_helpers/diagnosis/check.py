"""``check_client(...)``: read an app client's settings and say what they mean for the hash.

Taught in ``notebooks/09-troubleshooting.ipynb``. Reads DescribeUserPoolClient
and ListUserPoolClientSecrets (the rotation API, ``docs/facts.md#client-secret-rotation``)
with the boto3 ``cognito-idp`` client you pass, so it works the same against
``LocalCognito`` and a real pool. Whatever it cannot read (no credentials,
access denied, endpoint down) it lists as unchecked instead of guessing.

boto3 is not imported here: the caller's client is used, and its errors are
recognised by their botocore shape.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

from ..exceptions import DeadlineError, InvalidInputError
from ..validate import text
from .explain import explain
from .result import Check, Diagnosis

__all__ = ["check_client", "pool_region"]

_POOL_ID = re.compile(r"([a-z]{2}(?:-[a-z]+)+-\d+)_[A-Za-z0-9]+")
_DENIED = {
    "AccessDeniedException",
    "AccessDenied",
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "ExpiredTokenException",
    "ExpiredToken",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "MissingAuthenticationToken",
    "IncompleteSignature",
}
_CREDENTIAL_ERRORS = {"NoCredentialsError", "PartialCredentialsError", "NoAuthTokenError"}
_NETWORK_ERRORS = {
    "EndpointConnectionError",
    "ConnectTimeoutError",
    "ReadTimeoutError",
    "ConnectionClosedError",
    "ProxyConnectionError",
    "SSLError",
}

FLOW_MEANING = {
    "ALLOW_USER_PASSWORD_AUTH": "InitiateAuth USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH": "AdminInitiateAuth ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH": "USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH": "REFRESH_TOKEN_AUTH",
    "ALLOW_CUSTOM_AUTH": "CUSTOM_AUTH (Lambda triggers)",
    "ALLOW_USER_AUTH": "USER_AUTH (choice-based sign-in)",
}


def pool_region(user_pool_id: str) -> str:
    """The region a user pool lives in: the prefix of its id (``eu-west-1_AbC`` -> ``eu-west-1``)."""
    text("user_pool_id", user_pool_id, what="a user pool id (str)")
    m = _POOL_ID.fullmatch(user_pool_id)
    if not m:
        raise InvalidInputError(
            "user_pool_id",
            f"{user_pool_id!r} is not a user pool id; pool ids look like eu-west-1_AbCdEf123 "
            "(region, '_', letters and digits). Copy it from the user pool's overview.",
        )
    return m.group(1)


def _error_code(exc: BaseException) -> str | None:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return (response.get("Error") or {}).get("Code")
    return None


def _classify(exc: BaseException) -> tuple[str, str]:
    """('denied'|'network'|'aws'|'other', short text without secrets) for an exception."""
    name = type(exc).__name__
    code = _error_code(exc)
    if isinstance(exc, DeadlineError):
        return "network", str(exc)
    if name in _CREDENTIAL_ERRORS:
        return "denied", "no AWS credentials found (set AWS_PROFILE or AWS_ACCESS_KEY_ID)"
    if name in _NETWORK_ERRORS:
        return "network", f"could not reach the endpoint ({name})"
    if code in _DENIED:
        return "denied", f"{code}: the credentials may not call this (needs cognito-idp:{{op}})"
    if code:
        return "aws", str(exc)
    return "other", f"{name}"


def check_client(
    cognito_client: Any,
    user_pool_id: str,
    client_id: str,
    *,
    endpoint_region: str | None = None,
    timeout: float | None = None,
) -> Diagnosis:
    """Read app client ``client_id`` of pool ``user_pool_id`` and report what matters for the hash.

    Says whether the client has a secret (so a SECRET_HASH must, or must not,
    be sent), which auth flows are enabled, whether refresh-token rotation is
    on, how many secrets are active, and whether the pool's region (the prefix
    of its id) matches the region the client calls (``endpoint_region``,
    default: the boto3 client's region). Status ``problem`` when something is
    wrong, ``incomplete`` when something could not be read, else ``ok``.
    Each call answers within ``timeout`` seconds (default: the client's
    deadline, ``$COGNITO_TIMEOUT`` or 10) or is reported as not answering.
    """
    from ..deadline import calls_within

    with calls_within(cognito_client, timeout):
        return _check_client(cognito_client, user_pool_id, client_id, endpoint_region)


def _check_client(
    cognito_client: Any, user_pool_id: str, client_id: str, endpoint_region: str | None
) -> Diagnosis:
    if not isinstance(client_id, str) or not client_id.strip():
        raise InvalidInputError("client_id", "is empty. Pass the app client id.")
    if client_id != client_id.strip():
        raise InvalidInputError("client_id", "has surrounding whitespace; remove it.")
    if not isinstance(user_pool_id, str):
        raise InvalidInputError("user_pool_id", "expected a user pool id (str).")
    region = pool_region(user_pool_id)
    meta = getattr(cognito_client, "meta", None)
    calls_region = endpoint_region or getattr(meta, "region_name", None)
    endpoint_url = getattr(meta, "endpoint_url", None) or ""
    host = urlparse(endpoint_url).hostname or ""
    local = host in ("127.0.0.1", "localhost", "::1")
    m = re.search(r"cognito-idp(?:-fips)?\.([a-z0-9-]+)\.amazonaws", host)
    if m and not endpoint_region:
        calls_region = m.group(1)
    checks: list[Check] = []
    fixes: list[str] = []
    facts: dict[str, Any] = {
        "user_pool_id": user_pool_id,
        "client_id": client_id,
        "pool_region": region,
        "endpoint_region": calls_region,
        "endpoint": endpoint_url,
        "local": local,
    }
    if calls_region and calls_region != region:
        checks.append(
            Check(
                "region",
                "problem",
                f"the pool lives in {region} (prefix of its id) but the calls go "
                f"to {calls_region}: Cognito answers ResourceNotFoundException "
                "'User pool client ... does not exist.'",
            )
        )
        fixes.append(f"Call region {region} (AWS_REGION / the SDK's region setting).")
    else:
        checks.append(
            Check(
                "region",
                "ok" if calls_region else "unchecked",
                f"pool and endpoint are both in {region}"
                if calls_region
                else f"pool lives in {region}; the endpoint's region is unknown",
            )
        )
    unreachable = False
    try:
        client = cognito_client.describe_user_pool_client(
            UserPoolId=user_pool_id, ClientId=client_id
        )["UserPoolClient"]
    except Exception as exc:  # every failure is reported, none raised
        kind, text = _classify(exc)
        code = _error_code(exc)
        if code == "ResourceNotFoundException":
            d = explain(str(exc))
            checks.append(Check("client", "problem", d.cause))
            fixes.append(d.fix)
        elif kind == "aws" and code != "ResourceNotFoundException":
            checks.append(Check("client", "unchecked", f"DescribeUserPoolClient failed: {code}"))
        else:
            unreachable = kind == "network"
            checks.append(
                Check(
                    "client",
                    "unchecked",
                    "could not read the client: " + text.replace("{op}", "DescribeUserPoolClient"),
                )
            )
        for name in ("secret", "flows", "refresh_rotation", "secrets"):
            checks.append(Check(name, "unchecked", "not read (DescribeUserPoolClient failed)"))
        client = None
    if client is not None:
        has_secret = bool(client.get("ClientSecret"))
        facts["has_secret"] = has_secret
        checks.append(
            Check(
                "client",
                "ok",
                f"app client {client_id} ({client.get('ClientName', 'unnamed')}) found",
            )
        )
        if has_secret:
            checks.append(
                Check(
                    "secret",
                    "info",
                    "the client has a secret: every SignUp, ConfirmSignUp, "
                    "ResendConfirmationCode, ForgotPassword, ConfirmForgotPassword, "
                    "InitiateAuth and RespondToAuthChallenge call must carry a "
                    "SECRET_HASH (Amplify JS / amazon-cognito-identity-js cannot "
                    "send one)",
                )
            )
        else:
            checks.append(
                Check(
                    "secret",
                    "info",
                    "the client has no secret: send no SECRET_HASH (Cognito refuses "
                    "a hash sent to a client without secret)",
                )
            )
        flows = list(client.get("ExplicitAuthFlows") or [])
        facts["explicit_auth_flows"] = flows
        if flows:
            meaning = ", ".join(f"{f} ({FLOW_MEANING.get(f, 'legacy')})" for f in flows)
            checks.append(Check("flows", "info", f"enabled: {meaning}"))
        else:
            checks.append(
                Check(
                    "flows",
                    "info",
                    "no ExplicitAuthFlows set: Cognito's defaults apply "
                    "(ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH, ALLOW_CUSTOM_AUTH)",
                )
            )
        rotation = (client.get("RefreshTokenRotation") or {}).get("Feature") == "ENABLED"
        facts["refresh_token_rotation"] = rotation
        checks.append(
            Check(
                "refresh_rotation",
                "info",
                "refresh-token rotation is ON: REFRESH_TOKEN_AUTH is refused; refresh with "
                "GetTokensFromRefreshToken, which takes the raw ClientSecret, not a hash"
                if rotation
                else "refresh-token rotation is off: refresh with InitiateAuth REFRESH_TOKEN_AUTH, "
                "hashing the internal username (the sub in email-as-username pools)",
            )
        )
        prevent = client.get("PreventUserExistenceErrors")
        if prevent:
            facts["prevent_user_existence_errors"] = prevent
            checks.append(
                Check(
                    "user_existence_errors",
                    "info",
                    "PreventUserExistenceErrors is ENABLED: an unknown user gets 'Incorrect "
                    "username or password.'"
                    if prevent == "ENABLED"
                    else "PreventUserExistenceErrors is off: an unknown user gets UserNotFoundException",
                )
            )
        if has_secret:
            checks.append(_secrets_check(cognito_client, user_pool_id, client_id, facts))
        else:
            checks.append(Check("secrets", "info", "no active secrets (client without secret)"))
    facts["unreachable"] = unreachable
    problems = [c for c in checks if c.status == "problem"]
    unchecked = [c for c in checks if c.status == "unchecked"]
    if problems:
        status, key = "problem", "client_problem"
        cause = "; ".join(c.text for c in problems)
    elif unchecked:
        status, key = "incomplete", "client_incomplete"
        cause = (
            "Could not check everything: "
            + "; ".join(f"{c.name}" for c in unchecked)
            + " unchecked."
        )
        if unreachable:  # the network failed: credentials would change nothing
            fixes.append(
                f"Check that the endpoint ({endpoint_url or 'the AWS endpoint of ' + str(calls_region)}) "
                "is reachable from here: the URL (COGNITO_ENDPOINT_URL / --endpoint-url), the "
                "region, a proxy or firewall, and that a local Cognito is still running."
            )
        else:
            fixes.append(
                "Run with credentials allowed to call cognito-idp:DescribeUserPoolClient "
                "and cognito-idp:ListUserPoolClientSecrets on this pool (AWS_PROFILE or "
                "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)."
            )
    else:
        status, key = "ok", "client_ok"
        cause = f"App client {client_id} is reachable and consistent: it " + (
            "has a secret, so every call must send SECRET_HASH."
            if facts.get("has_secret")
            else "has no secret, so no call may send one."
        )
    return Diagnosis(
        kind="check-client",
        status=status,
        key=key,  # type: ignore[arg-type]
        cause=cause,
        fix=" ".join(fixes),
        confidence="high" if not unchecked else "medium",
        evidence=(f"endpoint: {endpoint_url or 'default AWS endpoint'}",),
        confirm=(
            "`python -m cognito_helpers verify` runs the sign-in with a correctly "
            "computed hash and reports the first step that fails.",
        ),
        checks=tuple(checks),
        facts=facts,
    )


def _secrets_check(cip: Any, pool_id: str, client_id: str, facts: dict[str, Any]) -> Check:
    lister = getattr(cip, "list_user_pool_client_secrets", None)
    if lister is None:
        return Check(
            "secrets",
            "unchecked",
            "this boto3 has no ListUserPoolClientSecrets; upgrade boto3 to see rotation state",
        )
    try:
        listed = lister(UserPoolId=pool_id, ClientId=client_id).get("ClientSecrets", [])
    except Exception as exc:
        _kind, text = _classify(exc)
        return Check(
            "secrets",
            "unchecked",
            "ListUserPoolClientSecrets failed: "
            + text.replace("{op}", "ListUserPoolClientSecrets"),
        )
    ids = [s.get("ClientSecretId", "?") for s in listed]
    facts["client_secret_ids"] = ids
    if len(ids) >= 2:
        return Check(
            "secrets",
            "info",
            f"{len(ids)} active secrets ({', '.join(ids)}): rotation in progress; a "
            "hash made with either is accepted; delete the old one once every app "
            "uses the new",
        )
    return Check("secrets", "info", f"{len(ids)} active secret ({', '.join(ids) or 'none'})")
