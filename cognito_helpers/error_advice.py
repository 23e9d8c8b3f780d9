"""One line, with what to do, for any error a boto3 Cognito call raises.

botocore's standard retry mode (what :meth:`Target.client()
<cognito_helpers.target.Target.client>` and ``LocalCognito.client()``
configure) already retries what a retry can fix: throttling
(``TooManyRequestsException``, ``LimitExceededException``), 5xx answers,
timeouts and dropped connections, with exponential backoff. What is left when
an exception reaches your code is a final answer; :func:`describe_client_error`
says which kind it is, how many attempts were made, and the next step, never
showing a secret, password or token (values in botocore's parameter reports are
hidden, and anything token-like in a message is masked).

    >>> from botocore.exceptions import EndpointConnectionError
    >>> describe_client_error(EndpointConnectionError(endpoint_url="http://127.0.0.1:1/"))
    'cannot connect to http://127.0.0.1:1/ (connection refused or no route; retried). Check the endpoint URL and region, and that the service (or the local Cognito) is running.'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .redact import mask
from .validate import items, of_type

__all__ = ["THROTTLING_CODES", "describe_client_error", "is_throttling"]

#: Cognito's throttling answers (COGNITO_FACTS.md, "too many requests").
THROTTLING_CODES = frozenset(
    {"TooManyRequestsException", "LimitExceededException", "ThrottlingException"}
)

# A run of base64/base64url/hex as long as a hash (44), a secret (51) or a token;
# client ids (26) stay readable.
_TOKENISH = re.compile(r"[A-Za-z0-9+/=_.-]{40,}")
# botocore's ParamValidationError report quotes each bad value: hide it.
_REPORT_VALUE = re.compile(r"value: .*?, type: ", re.DOTALL)

_ADVICE = {
    "NotAuthorizedException": "If it names the secret hash, run "
    "'python -m cognito_helpers explain' on this line; otherwise check the password "
    "and the user's status.",
    "ResourceNotFoundException": "Check the client id / pool id and that the region is "
    "the prefix of the pool id.",
    "InvalidParameterException": "Check the flow is enabled on the app client and the "
    "parameters the operation needs.",
    "UserNotConfirmedException": "Confirm the user (ConfirmSignUp, or "
    "AdminConfirmSignUp) before signing in.",
    "UserNotFoundException": "Check the username (in email-as-username pools, the "
    "e-mail address).",
    "AccessDeniedException": "The credentials lack the cognito-idp permission for this call.",
    "UnrecognizedClientException": "The AWS credentials are not valid for this account.",
    "InternalErrorException": "A failure on Cognito's side; retry later.",
}


def is_throttling(exc: BaseException) -> bool:
    """Whether ``exc`` is Cognito telling the caller to slow down."""
    return _code(exc) in THROTTLING_CODES


def _code(exc: BaseException) -> str | None:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = (response.get("Error") or {}).get("Code")
        return str(code) if code else None
    return None


def _attempts(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        retries = (response.get("ResponseMetadata") or {}).get("RetryAttempts")
        if isinstance(retries, int):
            return retries + 1
    return None


def _clean(text: str, secrets: Iterable[str]) -> str:
    for value in secrets:
        if value:
            text = text.replace(value, mask(value))
    text = _REPORT_VALUE.sub("value: <hidden>, type: ", text)
    return _TOKENISH.sub(lambda m: mask(m.group(0)), text)


def describe_client_error(exc: BaseException, *, secrets: Iterable[str] = ()) -> str:
    """One line for a person: what failed, after how many attempts, and what to do.

    ``secrets`` are values to mask wherever they appear (the client secret, a
    password). Works on any exception; botocore's are recognised by class.
    """
    of_type("exc", exc, BaseException, "an exception (a botocore ClientError, for example)")
    secrets = [s for s in items("secrets", secrets, what="a list of values to mask") if isinstance(s, str)]
    try:
        from botocore import exceptions as bx
    except ImportError:  # pragma: no cover - boto3 is a dependency of the calls
        bx = None
    from .exceptions import DeadlineError

    if isinstance(exc, DeadlineError):  # names the call, the host, the deadline, the way out
        return _clean(str(exc), secrets)
    if bx is not None and isinstance(exc, bx.ClientError):
        code = _code(exc) or "UnknownError"
        message = _clean(str((exc.response.get("Error") or {}).get("Message") or ""), secrets)
        operation = getattr(exc, "operation_name", None) or "the call"
        attempts = _attempts(exc)
        tried = f" after {attempts} attempts" if attempts and attempts > 1 else ""
        if code in THROTTLING_CODES:
            return (
                f"{operation} was throttled by Cognito ({code}: {message}){tried}. "
                "Wait and retry with backoff, lower the request rate, or ask for a higher "
                "quota; retrying at once makes it worse."
            )
        advice = _ADVICE.get(code, "")
        status = (exc.response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
        if not advice and isinstance(status, int) and status >= 500:
            advice = "A failure on the service's side; retry later."
        return f"{operation} failed: {code}: {message}{tried}. {advice}".rstrip()
    if bx is not None and isinstance(exc, bx.ReadTimeoutError):
        url = exc.kwargs.get("endpoint_url", "the endpoint")
        return (
            f"no answer from {url} within the read timeout (retried). The service is slow "
            "or stuck: retry later, or raise read_timeout in botocore's Config."
        )
    if bx is not None and isinstance(exc, bx.ConnectTimeoutError):
        url = exc.kwargs.get("endpoint_url", "the endpoint")
        return (
            f"timed out connecting to {url} (retried). Check the endpoint URL, the region, "
            "and any firewall or proxy in between."
        )
    if bx is not None and isinstance(exc, bx.EndpointConnectionError):
        url = exc.kwargs.get("endpoint_url", "the endpoint")
        return (
            f"cannot connect to {url} (connection refused or no route; retried). Check the "
            "endpoint URL and region, and that the service (or the local Cognito) is running."
        )
    if bx is not None and isinstance(exc, bx.ConnectionClosedError):
        url = exc.kwargs.get("endpoint_url", "the endpoint")
        return (
            f"{url} closed the connection before answering (retried). A proxy or load "
            "balancer in between may be dropping requests; retry later."
        )
    if bx is not None and isinstance(exc, bx.NoCredentialsError):
        return (
            "no AWS credentials found. Admin* and management calls are signed: set AWS_PROFILE "
            "or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run 'aws configure'."
        )
    if bx is not None and isinstance(exc, bx.ParamValidationError):
        report = _clean(str(exc.kwargs.get("report", exc)), secrets)
        return "the request was not sent: " + " ".join(report.split()) + "."
    if bx is not None and isinstance(exc, (bx.NoRegionError, bx.InvalidRegionError)):
        return (
            "no usable AWS region: set AWS_REGION to the prefix of the user pool id "
            "(eu-west-1 for eu-west-1_AbCdEf123)."
        )
    if bx is not None and isinstance(exc, bx.BotoCoreError):
        return f"{type(exc).__name__}: {_clean(str(exc), secrets)}"
    return f"{type(exc).__name__}: {_clean(str(exc), secrets)}".rstrip(": ")
