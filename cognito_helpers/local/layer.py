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

What it answers, and what a web page may ask of it: :mod:`.routes`.
"""

from __future__ import annotations

import io
import json
import logging
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from ..loopback import host_allowed, host_header_problem
from .answers import AwsFault
from .client_secrets import ClientSecrets, HashCheck, SecretRecord
from .clients import AppClients
from .clock import Clock
from .fairlock import FairLock
from .lockout import Lockout, PasswordLockout
from .oauth import OAuthEndpoints, OAuthStore
from .outbox import OutboxEndpoint
from .pools import UserPools
from .refresh import RefreshFlows
from .routes import CORS_REQUEST_HEADERS, ROUTES, Route, cors_start_response, from_browser
from .signin import PendingSrp, SignInFlows
from .signup import Message, SignUpFamily
from .state import MotoState
from .user_auth import ChoiceBasedSignIn
from .validation import check_types, is_unsigned
from .wording import PASSWORD_MEMBERS, aws_fault, password_fault

__all__ = ["FidelityLayer", "HashCheck", "Message", "SecretRecord"]

_log = logging.getLogger(__name__)

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
JSON_TYPE = "application/x-amz-json-1.1"
MAX_BODY = 1024 * 1024  # Cognito requests are small; refuse anything absurd

# SigV4: "Credential=AKIA.../20261128/eu-west-1/cognito-idp/aws4_request"
_SIGNED_REGION = re.compile(r"Credential=[^/,\s]+/\d{8}/([a-z0-9-]+)/cognito-idp/")
_SIGV4 = re.compile(r"\s*AWS4-HMAC-SHA256\s+Credential=\S")
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")

_REASONS = {
    200: "OK", 204: "No Content", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 411: "Length Required", 413: "Payload Too Large",
    500: "Internal Server Error",
}


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
    other's pools. ``any_host``: answer every ``Host`` name (only for a server
    deliberately listening beyond loopback, ``--allow-remote``). ``issuer_base``:
    the URL the layer is served at; each pool's tokens and discovery document name
    ``<issuer_base>/<pool_id>`` as issuer (None: AWS's issuer URL).
    """

    def __init__(
        self,
        app: Callable[..., Iterable[bytes]],
        account_id: str,
        *,
        on_check: Callable[[HashCheck], None] | None = None,
        clock: Clock | None = None,
        on_message: Callable[[Message], None] | None = None,
        any_host: bool = False,
        issuer_base: str | None = None,
    ) -> None:
        self.app = app
        self.issuer_base = issuer_base
        self.clock = clock or Clock()  # lockout and refresh grace periods (lessons move it)
        self.lockout = Lockout(self.clock)
        self._user_auth: dict[str, Any] = {}  # USER_AUTH session -> its step
        self.account_id = account_id
        self.on_check = on_check
        self.on_message = on_message
        self.any_host = any_host
        self.secrets: dict[str, list[SecretRecord]] = {}
        self.outbox: list[Message] = []
        self._pending_codes: dict[tuple[str, str, str], str] = {}  # (pool, user, kind) -> code
        self._sessions: dict[str, str] = {}  # session -> canonical username
        self._srp: OrderedDict[str, PendingSrp] = OrderedDict()  # secret block -> challenge, oldest first
        self._pending_srp_a: dict[str, str] = {}  # moto session -> SRP_A, until the answer
        # every read and change of moto's state, one call at a time, first come first served
        self._lock = FairLock()
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
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        path = str(environ.get("PATH_INFO", "/") or "/")
        problem = host_header_problem(environ.get("HTTP_HOST"))
        if problem is not None:
            # Not a host name (evil.example/.localhost:PORT): every URL built from it
            # (discovery, OAuth redirects) would point elsewhere. Refused before routing.
            return self._error(start_response, AwsFault(
                "InvalidParameterException",
                f"Bad Request: {problem}. Use "
                f"http://127.0.0.1:{environ.get('SERVER_PORT', 'PORT')} (or localhost / [::1]) "
                "as the endpoint.", 400,
            ))
        if not host_allowed(environ.get("HTTP_HOST"), any_host=self.any_host):
            # DNS rebinding: a page whose domain now points at 127.0.0.1 sends its own name.
            return self._error(start_response, AwsFault(
                "AccessDeniedException",
                "Host header is not this local Cognito's address; use "
                f"http://127.0.0.1:{environ.get('SERVER_PORT', 'PORT')} (or localhost / [::1]) "
                "as the endpoint.", 403,
            ))
        routes = [r for r in ROUTES if r.match(path)]
        if not routes:
            return self._error(start_response, AwsFault(
                "UnknownOperationException",
                "The local Cognito answers Cognito's JSON protocol (POST / with "
                "X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>) and the pool "
                "endpoints /<pool>/.well-known/jwks.json and openid-configuration; "
                f"not {method} {path[:100]}.", 404,
            ))
        route = next((r for r in routes if method in r.methods or "*" in r.methods), None)
        if method == "OPTIONS" and route is None:
            return self._preflight(environ, start_response, routes)
        if route is None:
            allowed = sorted({m for r in routes for m in r.methods if m != "*"})
            return self._error(start_response, AwsFault(
                "UnknownOperationException",
                f"{method} is not answered on {path[:100]}; use {' or '.join(allowed)}.", 405,
            ), [("Allow", ", ".join(allowed))])
        if not route.from_browsers and from_browser(environ):
            return self._error(start_response, AwsFault(
                "AccessDeniedException",
                "This endpoint of the local Cognito does not answer web pages.", 403,
            ))
        respond = (
            start_response if route.cors is None
            else cors_start_response(start_response, route.cors)
        )
        try:
            length = self._declared_length(environ)
        except AwsFault as fault:
            return self._error(respond, fault)
        if length is not None and length > MAX_BODY:
            return self._error(respond, AwsFault(
                "SerializationException", "Request body missing or too large."
            ))
        match = route.match(path)
        handler = getattr(self, route.handler)
        return handler(environ, respond, match)  # type: ignore[no-any-return]

    def _preflight(
        self, environ: dict[str, Any], start_response: Callable[..., Any], routes: list[Route]
    ) -> Iterable[bytes]:
        """Answer a CORS preflight for a CORS route; other routes get no CORS headers."""
        methods = sorted({m for r in routes if r.cors for m in r.methods if m != "*"})
        asked = str(environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD", "")).upper()
        wanted = {
            h.strip().lower()
            for h in str(environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", "")).split(",")
            if h.strip()
        }
        if not methods or asked not in methods or not wanted <= CORS_REQUEST_HEADERS:
            return self._error(start_response, AwsFault(
                "AccessDeniedException", "CORS preflight refused: this method or these headers "
                "are not answered here.", 403,
            ))
        start_response("204 No Content", [
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Methods", ", ".join(methods)),
            ("Access-Control-Allow-Headers", ", ".join(sorted(wanted)) or "content-type"),
            ("Access-Control-Max-Age", "600"),
            ("Content-Length", "0"),
            ("x-amzn-RequestId", str(uuid.uuid4())),
        ])
        return [b""]

    @staticmethod
    def _declared_length(environ: dict[str, Any]) -> int | None:
        """The body's declared length (None: chunked or no body), before reading a byte."""
        if environ.get("wsgi.input_terminated"):
            return None  # chunked: read up to the limit by _read_body
        raw = environ.get("CONTENT_LENGTH")
        if raw in (None, ""):
            return 0
        try:
            length = int(str(raw).strip())
        except ValueError:
            length = -1
        if length < 0:
            raise AwsFault("SerializationException", "Request body missing or too large.")
        return length

    @classmethod
    def _read_body(cls, environ: dict[str, Any]) -> bytes:
        """The request body, at most MAX_BODY bytes (chunked bodies too), or SerializationException."""
        length = cls._declared_length(environ)
        stream = environ["wsgi.input"]
        if length is not None:
            if length > MAX_BODY:
                raise AwsFault("SerializationException", "Request body missing or too large.")
            return stream.read(length) if length else b""
        parts: list[bytes] = []
        total = 0
        while True:  # a chunked stream returns short reads; b"" at its end
            data = stream.read(min(65536, MAX_BODY + 1 - total))
            if not data:
                return b"".join(parts)
            parts.append(data)
            total += len(data)
            if total > MAX_BODY:
                raise AwsFault("SerializationException", "Request body missing or too large.")

    def _serve_well_known(
        self, environ: dict[str, Any], start_response: Callable[..., Any], match: re.Match[str]
    ) -> Iterable[bytes]:
        if not self._pool_exists(match.group("pool")):
            # moto serves its one shared key for any pool id; AWS knows its pools.
            return self._error(
                start_response, AwsFault.of("pool_not_found", user_pool_id=match.group("pool"))
            )
        try:
            with self._lock:
                return self._serve_jwks(match.group("pool"), start_response)  # the pool's own keys
        except AwsFault as fault:
            return self._error(start_response, fault)
        except Exception as exc:  # last resort: never a raw traceback or an HTML page
            return self._internal_error(start_response, "jwks.json", exc)

    def _serve_oauth(
        self, environ: dict[str, Any], start_response: Callable[..., Any], match: re.Match[str]
    ) -> Iterable[bytes]:
        """Cognito's OAuth 2.0 endpoints and the discovery document (local/oauth/)."""
        answer = self._oauth.serve(environ)
        if answer is None:
            return self._error(start_response, AwsFault(
                "UnknownOperationException", "No such OAuth endpoint here.", 404))
        status, headers, body = answer
        start_response(status, headers)
        return [body]

    def _outbox_route(
        self, environ: dict[str, Any], start_response: Callable[..., Any], match: re.Match[str]
    ) -> Iterable[bytes]:
        return self._serve_outbox(environ, start_response)

    def _serve_json_protocol(
        self, environ: dict[str, Any], start_response: Callable[..., Any], match: re.Match[str]
    ) -> Iterable[bytes]:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if not target.startswith(TARGET_PREFIX):
            return self._error(
                start_response,
                AwsFault(
                    "UnknownOperationException",
                    "Missing or unknown X-Amz-Target header; Cognito calls send "
                    "'X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>'.",
                ),
            )
        operation = target[len(TARGET_PREFIX) :]
        handler = self._handlers.get(operation)
        try:
            params = self._read_json(environ)
            check_types(operation, params)
            if not is_unsigned(operation):
                self._require_signed(environ, operation)
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
            return self._internal_error(start_response, operation, exc)
        status, headers, body = result
        start_response(status, headers)
        return [body]

    @staticmethod
    def _require_signed(environ: dict[str, Any], operation: str) -> None:
        """Signed operations: a SigV4 header (any signature: nothing to check it against),
        and never from a web page (the dummy credentials are public)."""
        if from_browser(environ):
            raise AwsFault(
                "UnrecognizedClientException",
                "The security token included in the request is invalid. (The local Cognito "
                f"accepts any signature, so it refuses {operation}, a signed call, from a web "
                "page: a page has no AWS credentials, as against AWS. Make it from your "
                "backend or a script.)",
            )
        if not _SIGV4.match(environ.get("HTTP_AUTHORIZATION", "")):
            raise AwsFault(
                "MissingAuthenticationTokenException",
                f"Missing Authentication Token ({operation} is a signed call: sign it with "
                "SigV4; the local Cognito accepts any credentials, e.g. the dummy ones of "
                "LocalCognito.client()).",
            )

    def _internal_error(
        self, start_response: Callable[..., Any], what: str, exc: BaseException
    ) -> list[bytes]:
        _log.debug("local Cognito failed on %s", what, exc_info=True)
        return self._error(
            start_response,
            AwsFault(
                "InternalErrorException",
                f"The local Cognito failed on {what} ({type(exc).__name__}); "
                "this is a bug in the emulator, not in your request.",
                500,
            ),
        )

    @classmethod
    def _read_json(cls, environ: dict[str, Any]) -> dict[str, Any]:
        raw = cls._read_body(environ)
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
        env["QUERY_STRING"] = ""
        env.pop("wsgi.input_terminated", None)
        env.pop("HTTP_TRANSFER_ENCODING", None)
        # moto answers that are not JSON (flask's HTML 500) become AWS-shaped below.
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
        status = captured["status"]
        ctype = next((v for k, v in headers if k.lower() == "content-type"), "")
        if not status.startswith("2") and "json" not in ctype.lower():
            # flask's HTML error page (moto raised): never shown to a client
            raise RuntimeError(f"moto answered {status.split(' ', 1)[0]} with {ctype or 'no type'}")
        if not status.startswith("2"):
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
        return status, headers, data

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
    def _error(
        start_response: Callable[..., Any],
        fault: AwsFault,
        extra_headers: list[tuple[str, str]] | None = None,
    ) -> list[bytes]:
        body = json.dumps({"__type": fault.code, "message": fault.message}).encode("utf-8")
        start_response(
            f"{fault.status} {_REASONS.get(fault.status, 'Error')}",
            [
                ("Content-Type", JSON_TYPE),
                ("Content-Length", str(len(body))),
                ("x-amzn-ErrorType", f"{fault.code}:"),
                ("x-amzn-RequestId", str(uuid.uuid4())),
                *(extra_headers or []),
            ],
        )
        return [body]
