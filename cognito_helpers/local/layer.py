"""The fidelity layer: WSGI middleware that makes moto's Cognito answer like AWS.

moto 5 speaks Cognito's wire protocol but, for this project's subject, is not
faithful (``docs/facts.md#the-local-cognito-and-moto``): it checks
SECRET_HASH on few operations, with latin-1 and with its own message texts; it
ignores ExplicitAuthFlows; it issues uuid4 secrets; it lacks
ResendConfirmationCode and the client-secret rotation APIs. This layer sits in
front of moto's Flask app on the ``AWSCognitoIdentityProviderService`` JSON
protocol and, for the operations below, checks and answers as AWS does; every
other request passes through untouched.

This module is the WSGI entry: it reads and validates each request, sends it
to the handler of its operation, and turns the answer (or an
:class:`~cognito_helpers.local.answers.AwsFault`) into AWS's JSON. The
handlers live with the state they own: app clients (:mod:`.clients`), their
secrets and the hash check (:mod:`.client_secrets`), the sign-up family and
its codes (:mod:`.signup`), the sign-in flows (:mod:`.signin`).
"""

from __future__ import annotations

import io
import json
import logging
import re
import threading
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from .answers import AwsFault
from .client_secrets import ClientSecrets, HashCheck, SecretRecord
from .clients import AppClients
from .clock import Clock
from .lockout import Lockout, PasswordLockout
from .oauth import OAuthEndpoints, OAuthStore
from .outbox import OUTBOX_PATH, OutboxEndpoint
from .pools import UserPools
from .refresh import RefreshFlows
from .signin import SignInFlows
from .signup import Message, SignUpFamily
from .srp import SrpChallenge
from .state import MotoState
from .user_auth import ChoiceBasedSignIn
from .validation import check_types
from .wording import PASSWORD_MEMBERS, aws_fault, password_fault

__all__ = ["FidelityLayer", "HashCheck", "Message", "SecretRecord"]

_log = logging.getLogger(__name__)

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
JSON_TYPE = "application/x-amz-json-1.1"
MAX_BODY = 1024 * 1024  # Cognito requests are small; refuse anything absurd

# SigV4: "Credential=AKIA.../20261128/eu-west-1/cognito-idp/aws4_request"
_SIGNED_REGION = re.compile(r"Credential=[^/,\s]+/\d{8}/([a-z0-9-]+)/cognito-idp/")
_WELL_KNOWN = re.compile(r"/([^/]+)/\.well-known/(?:jwks\.json|openid-configuration)")
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


class FidelityLayer(
    ChoiceBasedSignIn,
    SignInFlows,
    RefreshFlows,
    PasswordLockout,
    SignUpFamily,
    OutboxEndpoint,
    ClientSecrets,
    AppClients,
    UserPools,
    MotoState,
):
    """WSGI middleware in front of moto's cognito-idp app, for one isolated account.

    ``account_id`` namespaces moto's (process-global) state: every request is
    served as that account, so two layers in one process never see each
    other's pools.
    """

    def __init__(
        self,
        app: Callable[..., Iterable[bytes]],
        account_id: str,
        *,
        on_check: Callable[[HashCheck], None] | None = None,
        clock: Clock | None = None,
        on_message: Callable[[Message], None] | None = None,
    ) -> None:
        self.app = app
        self.clock = clock or Clock()  # lockout and refresh grace periods (lessons move it)
        self.lockout = Lockout(self.clock)
        self._user_auth: dict[str, Any] = {}  # USER_AUTH session -> its step
        self.account_id = account_id
        self.on_check = on_check
        self.on_message = on_message
        self.secrets: dict[str, list[SecretRecord]] = {}
        self.outbox: list[Message] = []
        self._pending_codes: dict[tuple[str, str, str], str] = {}  # (pool, user, kind) -> code
        self._sessions: dict[str, str] = {}  # session -> canonical username
        self._srp: dict[str, tuple[SrpChallenge, str]] = {}  # secret block -> (state, moto session)
        self._pending_srp_a: dict[str, str] = {}  # moto session -> SRP_A, until the answer
        self._lock = threading.RLock()
        self._request = threading.local()  # the current request's signed region
        self.oauth_store = OAuthStore()  # codes and sessions of the OAuth endpoints
        self._oauth = OAuthEndpoints(self)
        self._handlers: dict[str, Callable[[dict[str, Any], dict[str, Any]], Any]] = {
            "CreateUserPool": self._create_pool,
            "CreateUserPoolClient": self._create_client,
            "UpdateUserPoolClient": self._update_client,
            "DescribeUserPoolClient": self._describe_client,
            "DeleteUserPoolClient": self._delete_client,
            "DeleteUserPool": self._delete_pool,
            "AddUserPoolClientSecret": self._add_secret,
            "ListUserPoolClientSecrets": self._list_secrets,
            "DeleteUserPoolClientSecret": self._delete_secret,
            "SignUp": self._sign_up,
            "ConfirmSignUp": self._confirm_sign_up,
            "ResendConfirmationCode": self._resend_code,
            "ForgotPassword": self._forgot_password,
            "ConfirmForgotPassword": self._confirm_forgot_password,
            "InitiateAuth": self._initiate_auth,
            "AdminInitiateAuth": self._initiate_auth,
            "RespondToAuthChallenge": self._respond_to_challenge,
            "AdminRespondToAuthChallenge": self._respond_to_challenge,
            "GetTokensFromRefreshToken": self._get_tokens_from_refresh_token,
        }


    # -- WSGI ----------------------------------------------------------------

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        # Serve every request as this layer's account (moto's x-moto-account-id header).
        environ["HTTP_X_MOTO_ACCOUNT_ID"] = self.account_id
        scope = _SIGNED_REGION.search(environ.get("HTTP_AUTHORIZATION", ""))
        self._request.region = scope.group(1) if scope else None
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if environ.get("PATH_INFO") == OUTBOX_PATH:
            # The codes for programs outside this process (not an AWS API; see .outbox).
            return self._serve_outbox(environ, start_response)
        if not target.startswith(TARGET_PREFIX):
            # Cognito's OAuth 2.0 endpoints and the discovery document (local/oauth/).
            answer = self._oauth.serve(environ)
            if answer is not None:
                status, headers, body = answer
                start_response(status, headers)
                return [body]
            if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO", "/") == "/":
                return self._error(
                    start_response,
                    AwsFault(
                        "UnknownOperationException",
                        "Missing or unknown X-Amz-Target header; Cognito calls send "
                        "'X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>'.",
                    ),
                )
            match = _WELL_KNOWN.fullmatch(environ.get("PATH_INFO", ""))
            if match and not self._pool_exists(match.group(1)):
                # moto serves its one shared key for any pool id; AWS knows its pools.
                return self._error(
                    start_response, AwsFault.of("pool_not_found", user_pool_id=match.group(1))
                )
            if match and environ["PATH_INFO"].endswith("/jwks.json"):
                with self._lock:
                    return self._serve_jwks(match.group(1), start_response)  # the pool's own keys
            return self.app(environ, start_response)
        operation = target[len(TARGET_PREFIX) :]
        handler = self._handlers.get(operation)
        try:
            params = self._read_json(environ)
            check_types(operation, params)
            if handler is None:
                return self._forward(environ, start_response, params)
            with self._lock:
                result = handler(params, environ)
        except AwsFault as fault:
            return self._error(start_response, fault)
        except NotImplementedError:
            # moto raises this for operations it lacks; AWS-shaped, not a traceback.
            return self._error(
                start_response,
                AwsFault(
                    "UnsupportedOperationException",
                    f"{operation} is not supported by the local Cognito (moto does not "
                    "implement it); use a real user pool for it.",
                ),
            )
        except Exception as exc:  # last resort: never a raw traceback or an HTML page
            _log.debug("local Cognito failed on %s", operation, exc_info=True)
            return self._error(
                start_response,
                AwsFault(
                    "InternalErrorException",
                    f"The local Cognito failed on {operation} ({type(exc).__name__}); "
                    "this is a bug in the emulator, not in your request.",
                    500,
                ),
            )
        status, headers, body = result
        start_response(status, headers)
        return [body]

    @staticmethod
    def _read_json(environ: dict[str, Any]) -> dict[str, Any]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            raise AwsFault("SerializationException", "Request body missing or too large.")
        raw = environ["wsgi.input"].read(length) if length else b""
        try:
            params = json.loads(raw.decode("utf-8")) if raw else {}
            if _ESCAPED_SURROGATE.search(raw):
                # "\ud800" is valid JSON but no text: it would break every UTF-8 encode later.
                json.dumps(params, ensure_ascii=False).encode("utf-8")
        except (UnicodeError, ValueError, RecursionError):
            # ValueError: bad JSON, or an integer past Python's 4300-digit limit;
            # RecursionError: nesting deeper than the parser's stack.
            raise AwsFault(
                "SerializationException",
                "Start of structure or map found where "
                "not expected, or the body is not valid JSON.",
            ) from None
        if not isinstance(params, dict):
            raise AwsFault("SerializationException", "The request body must be a JSON object.")
        return params

    def _call_moto(
        self, environ: dict[str, Any], params: dict[str, Any]
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        operation = environ.get("HTTP_X_AMZ_TARGET", "")[len(TARGET_PREFIX) :]
        member = PASSWORD_MEMBERS.get(operation)
        if member is not None and params.get(member) is not None:
            # AWS's password policy and texts, not moto's (after the hash check).
            pool = self._pool_of(params)
            fault = password_fault(operation, pool, params[member]) if pool is not None else None
            if fault is not None:
                raise fault
        body = json.dumps(params).encode("utf-8")
        env = dict(environ)
        env["wsgi.input"] = io.BytesIO(body)
        env["CONTENT_LENGTH"] = str(len(body))
        captured: dict[str, Any] = {}

        def capture(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], None]:
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        chunks = self.app(env, capture)
        try:
            data = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        # moto's own x-moto-* headers never reach the caller: AWS sends none, and
        # x-moto-forgot-password-confirmation-code carries a code the layer does not accept.
        headers = [(k, v) for k, v in captured["headers"] if not k.lower().startswith("x-moto-")]
        if not captured["status"].startswith("2"):
            try:
                err = json.loads(data or b"{}")
            except json.JSONDecodeError:
                err = {}
            if isinstance(err, dict):
                # None of moto's own wordings reaches the caller (see .wording).
                fault = aws_fault(
                    operation, params, str(err.get("__type", "")), str(err.get("message", ""))
                )
                if fault is not None:
                    raise fault
        return captured["status"], headers, data

    def _pool_of(self, params: dict[str, Any]) -> Any:
        """The pool a request is about (by UserPoolId or ClientId), or None."""
        try:
            if params.get("UserPoolId") is not None:
                return self._find_pool(params["UserPoolId"])
            return self._find_client(params.get("ClientId"))[0]
        except AwsFault:
            return None

    def _forward(
        self, environ: dict[str, Any], start_response: Callable[..., Any], params: dict[str, Any]
    ) -> Iterable[bytes]:
        status, headers, body = self._call_moto(environ, params)
        start_response(status, headers)
        return [body]

    def _moto(
        self,
        environ: dict[str, Any],
        params: dict[str, Any],
        post: Callable[[dict[str, Any]], dict[str, Any] | None] | None = None,
        on_error: Callable[[str, str], AwsFault | None] | None = None,
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        """Forward to moto; on success let ``post`` rewrite the JSON answer."""
        status, headers, body = self._call_moto(environ, params)
        if not status.startswith("2"):
            if on_error is not None:
                try:
                    err = json.loads(body or b"{}")
                except json.JSONDecodeError:
                    err = {}
                fault = on_error(str(err.get("__type", "")), str(err.get("message", "")))
                if fault is not None:
                    raise fault
            return status, headers, body
        if post is None:
            return status, headers, body
        data = json.loads(body or b"{}")
        data = post(data) or data
        return self._json_response(data, headers)

    @staticmethod
    def _json_response(
        data: dict[str, Any], headers: list[tuple[str, str]] | None = None
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        body = json.dumps(data).encode("utf-8")
        out = [
            (k, v)
            for k, v in (headers or [])
            if k.lower() not in ("content-length", "content-type")
        ]
        out += [("Content-Type", JSON_TYPE), ("Content-Length", str(len(body)))]
        if not any(k.lower() == "x-amzn-requestid" for k, _ in out):
            out.append(("x-amzn-RequestId", str(uuid.uuid4())))
        return "200 OK", out, body

    @staticmethod
    def _error(start_response: Callable[..., Any], fault: AwsFault) -> list[bytes]:
        body = json.dumps({"__type": fault.code, "message": fault.message}).encode("utf-8")
        reason = {
            400: "Bad Request",
            403: "Forbidden",
            404: "Not Found",
            500: "Internal Server Error",
        }
        start_response(
            f"{fault.status} {reason.get(fault.status, 'Error')}",
            [
                ("Content-Type", JSON_TYPE),
                ("Content-Length", str(len(body))),
                ("x-amzn-ErrorType", f"{fault.code}:"),
                ("x-amzn-RequestId", str(uuid.uuid4())),
            ],
        )
        return [body]
