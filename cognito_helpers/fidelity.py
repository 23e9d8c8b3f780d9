"""The fidelity layer: WSGI middleware that makes moto's Cognito answer like AWS.

moto 5 speaks Cognito's wire protocol but, for this project's subject, is not
faithful (``shared/COGNITO_FACTS.md``, "The local emulator"): it checks
SECRET_HASH on few operations, with latin-1 and with its own message texts; it
ignores ExplicitAuthFlows; it issues uuid4 secrets; it lacks
ResendConfirmationCode and the client-secret rotation APIs. This layer sits in
front of moto's Flask app on the ``AWSCognitoIdentityProviderService`` JSON
protocol and, for the operations below, checks and answers as AWS does; every
other request passes through untouched.

The layer owns client secrets: moto's clients are kept secret-less (so moto
never checks a hash itself) and the layer records up to two secrets per
client, as ``AddUserPoolClientSecret`` allows. Taught in
``notebooks/02-reproduce-the-error.ipynb`` and ``06-rotate-the-secret.ipynb``.
"""

from __future__ import annotations

import base64
import hmac
import io
import json
import logging
import re
import secrets as _secrets
import string
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .aws_errors import aws_error
from .hashing import hmac_sha256
from .operations import REFRESH_FLOWS, hash_site
from .srp_verifier import SrpChallenge, is_valid_public_value, start_challenge, verify_claim

__all__ = ["FidelityLayer", "HashCheck", "Message", "SecretRecord"]

_log = logging.getLogger(__name__)

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
JSON_TYPE = "application/x-amz-json-1.1"
MAX_BODY = 1024 * 1024  # Cognito requests are small; refuse anything absurd

# botocore service-2.json, ClientSecretType: 24-64 chars of [\w+]+.
_CUSTOM_SECRET = re.compile(r"[A-Za-z0-9_+]{24,64}")
# AWS-issued secrets are ~51 chars of [a-z0-9] (COGNITO_FACTS.md).
_SECRET_ALPHABET = string.ascii_lowercase + string.digits
_SECRET_LENGTH = 51
MAX_SECRETS_PER_CLIENT = 2

# CreateUserPoolClient API reference: "If you don't specify a value for
# ExplicitAuthFlows, your user client supports ALLOW_REFRESH_TOKEN_AUTH,
# ALLOW_USER_SRP_AUTH, and ALLOW_CUSTOM_AUTH."
DEFAULT_EXPLICIT_AUTH_FLOWS = [
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_CUSTOM_AUTH",
]

# Which ExplicitAuthFlows values enable an AuthFlow (ALLOW_* and their legacy names,
# ExplicitAuthFlowsType in the API reference).
_FLOW_ENABLERS: dict[str, frozenset[str]] = {
    "USER_PASSWORD_AUTH": frozenset({"ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"}),
    "USER_SRP_AUTH": frozenset({"ALLOW_USER_SRP_AUTH"}),
    "CUSTOM_AUTH": frozenset({"ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH_FLOW_ONLY"}),
    "REFRESH_TOKEN_AUTH": frozenset({"ALLOW_REFRESH_TOKEN_AUTH"}),
    "REFRESH_TOKEN": frozenset({"ALLOW_REFRESH_TOKEN_AUTH"}),
    "ADMIN_USER_PASSWORD_AUTH": frozenset({"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"}),
    "ADMIN_NO_SRP_AUTH": frozenset({"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"}),
    "USER_AUTH": frozenset({"ALLOW_USER_AUTH"}),
}
_LEGACY_FLOWS = frozenset({"ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH"})


# SigV4: "Credential=AKIA.../20261128/eu-west-1/cognito-idp/aws4_request"
_SIGNED_REGION = re.compile(r"Credential=[^/,\s]+/\d{8}/([a-z0-9-]+)/cognito-idp/")
_WELL_KNOWN = re.compile(r"/([^/]+)/\.well-known/(?:jwks\.json|openid-configuration)")
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")

# JSON types of the API model's shapes (botocore's cognito-idp service-2.json).
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "blob": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "long": (int,),
    "double": (int, float),
    "float": (int, float),
    "timestamp": (int, float, str),
    "structure": (dict,),
    "map": (dict,),
    "list": (list,),
}
_model_lock = threading.Lock()
_model: Any = None


def _service_model() -> Any:
    global _model
    with _model_lock:
        if _model is None:
            import botocore.session

            _model = botocore.session.get_session().get_service_model("cognito-idp")
        return _model


def _type_error(path: str, shape: Any, value: Any) -> str | None:
    """Where ``value`` does not have the JSON type ``shape`` needs (None: it does)."""
    if value is None:
        return None  # AWS treats null as absent
    expected = _JSON_TYPES.get(shape.type_name)
    if expected is None:
        return None
    if not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected):
        return f"{path} must be a {shape.type_name}, not {type(value).__name__}"
    if shape.type_name == "structure":
        for name, member in shape.members.items():
            found = _type_error(f"{path}.{name}" if path else name, member, value.get(name))
            if found:
                return found
    elif shape.type_name == "list":
        for i, item in enumerate(value):
            found = _type_error(f"{path}[{i}]", shape.member, item)
            if found:
                return found
    elif shape.type_name == "map":
        for key, item in value.items():
            found = _type_error(f"{path}.{key}", shape.value, item)
            if found:
                return found
    return None


def _missing(path: str, shape: Any, value: Any) -> str | None:
    """The first required member absent from ``value`` (already type-checked), as AWS names it."""
    if value is None:
        return None
    if shape.type_name == "structure":
        for name in shape.required_members:
            if value.get(name) is None:
                return f"{path}.{name}" if path else name[:1].lower() + name[1:]
        for name, member in shape.members.items():
            found = _missing(f"{path}.{name}" if path else name, member, value.get(name))
            if found:
                return found
    elif shape.type_name == "list":
        for i, item in enumerate(value):
            found = _missing(f"{path}[{i}]", shape.member, item)
            if found:
                return found
    return None


def _check_types(operation: str, params: dict[str, Any]) -> None:
    """Refuse unknown operations and members of the wrong JSON type, as AWS's front end does.

    moto and this layer assume the types the API model declares; a list where
    a string belongs used to crash them (a 500 with an HTML page).
    """
    model = _service_model()
    if operation not in model.operation_names:
        raise AwsFault(
            "UnknownOperationException",
            f"Unknown operation {operation!r}; see the Amazon Cognito user pools API reference.",
        )
    shape = model.operation_model(operation).input_shape
    problem = _type_error("", shape, params) if shape is not None else None
    if problem:
        # AWS answers a wrongly typed member with SerializationException (wording is ours).
        raise AwsFault("SerializationException", f"Cannot deserialize the request: {problem}.")
    absent = _missing("", shape, params) if shape is not None else None
    if absent:
        raise AwsFault(
            "InvalidParameterException",
            f"1 validation error detected: Value null at '{absent}' failed to satisfy "
            "constraint: Member must not be null",
        )


class AwsFault(Exception):
    """An error answered to the caller exactly as AWS would (code, message)."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    @classmethod
    def of(cls, key: str, **values: str) -> AwsFault:
        entry = aws_error(key)
        return cls(entry.code, entry.message(**values), entry.status)


@dataclass(frozen=True)
class HashCheck:
    """One SECRET_HASH check the layer made (passed to ``LocalCognito(on_check=...)``).

    ``outcome`` is ``"ok"``, ``"missing"`` (client has a secret, none sent),
    ``"mismatch"`` or ``"unexpected"`` (hash sent to a client without secret).
    ``expected_username`` is the username the hash had to cover (see
    :mod:`cognito_helpers.operations`). ``sent_hash`` is what the app sent;
    treat it as sensitive and mask it when showing it.
    """

    operation: str
    client_id: str
    field: str
    rule: str
    sent_username: str | None
    expected_username: str | None
    sent_hash: str | None = field(repr=False)  # may be the raw secret (mistake 5): never shown
    outcome: str
    secret_id: str | None = None


@dataclass
class SecretRecord:
    """One active client secret; the value stays inside the layer."""

    secret_id: str
    value: str
    created: float
    generated: bool

    def __repr__(self) -> str:  # never show the value
        return f"SecretRecord(secret_id={self.secret_id!r}, generated={self.generated})"

    def descriptor(self, *, with_value: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ClientSecretId": self.secret_id,
            "ClientSecretCreateDate": self.created,
        }
        if with_value and self.generated:
            out["ClientSecretValue"] = self.value
        return out


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


def generate_client_secret() -> str:
    """A secret shaped like the ones AWS generates: 51 chars of [a-z0-9]."""
    return "".join(_secrets.choice(_SECRET_ALPHABET) for _ in range(_SECRET_LENGTH))


def _mask_destination(email: str) -> str:
    """Cognito's CodeDeliveryDetails form: ``a***@e***``."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain[:1]}***" if domain else f"{email[:1]}***"


def _b64_hash(secret: str, username: str, client_id: str) -> str:
    return base64.b64encode(
        hmac_sha256(secret.encode("utf-8"), (username + client_id).encode("utf-8"))
    ).decode("ascii")


class FidelityLayer:
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
    ) -> None:
        self.app = app
        self.account_id = account_id
        self.on_check = on_check
        self.secrets: dict[str, list[SecretRecord]] = {}
        self.outbox: list[Message] = []
        self._pending_codes: dict[tuple[str, str, str], str] = {}  # (pool, user, kind) -> code
        self._sessions: dict[str, str] = {}  # session -> canonical username
        self._srp: dict[str, tuple[SrpChallenge, str]] = {}  # secret block -> (state, moto session)
        self._pending_srp_a: dict[str, str] = {}  # moto session -> SRP_A, until the answer
        self._lock = threading.RLock()
        self._request = threading.local()  # the current request's signed region
        self._handlers: dict[str, Callable[[dict[str, Any], dict[str, Any]], Any]] = {
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

    # -- moto state ----------------------------------------------------------

    def _backends(self) -> list[Any]:
        """moto's backends of this account: only the signed region's for a signed request.

        Signed (Admin*, management) calls name their region in the credential
        scope, and a pool in another region does not exist for them, as on AWS.
        Unsigned calls (InitiateAuth, SignUp...) carry no region here: the one
        local endpoint stands for every region's, so they find any pool.
        """
        from moto.cognitoidp.models import cognitoidp_backends

        account = cognitoidp_backends[self.account_id]
        region = getattr(self._request, "region", None)
        if region is not None:
            return [account[region]] if region in account else []
        return [b for region, b in list(account.items()) if region != "global"]

    def _find_pool(self, pool_id: Any) -> Any:
        if isinstance(pool_id, str):
            for backend in self._backends():
                pool = backend.user_pools.get(pool_id)
                if pool is not None:
                    return pool
        raise AwsFault.of("pool_not_found", user_pool_id=str(pool_id))

    def _find_client(self, client_id: Any, pool_id: Any = None) -> tuple[Any, Any]:
        """(pool, client) for ``client_id``; ResourceNotFoundException as AWS words it."""
        if not isinstance(client_id, str) or not client_id:
            raise AwsFault(
                "InvalidParameterException",
                "1 validation error detected: Value at 'clientId' failed to satisfy constraint: "
                "Member must not be null",
            )
        if pool_id is not None:
            pool = self._find_pool(pool_id)
            client = pool.clients.get(client_id)
            if client is None:
                raise AwsFault.of("client_not_found", client_id=client_id)
            return pool, client
        for backend in self._backends():
            for pool in list(backend.user_pools.values()):
                client = pool.clients.get(client_id)
                if client is not None:
                    return pool, client
        raise AwsFault.of("client_not_found", client_id=client_id)

    def _pool_exists(self, pool_id: str) -> bool:
        return any(pool_id in backend.user_pools for backend in self._backends())

    @staticmethod
    def _user(pool: Any, username: Any) -> Any:
        return pool._get_user(username) if isinstance(username, str) else None

    # -- secrets -------------------------------------------------------------

    def client_secrets(self, client_id: str) -> list[SecretRecord]:
        """The active secrets of a client, oldest first (empty: no secret)."""
        with self._lock:
            return list(self.secrets.get(client_id, []))

    def _new_secret(self, client_id: str, value: str | None) -> SecretRecord:
        now = time.time()
        # ClientSecretId is "<client-id>--<epoch-create-time>" (API reference).
        stamp = int(now * 1000)
        taken = {r.secret_id for r in self.secrets.get(client_id, [])}
        while f"{client_id}--{stamp}" in taken:
            stamp += 1
        return SecretRecord(
            f"{client_id}--{stamp}", value or generate_client_secret(), now, value is None
        )

    @staticmethod
    def _check_custom_secret(value: Any) -> str:
        if not isinstance(value, str) or not _CUSTOM_SECRET.fullmatch(value):
            # AWS's validation wording; the value itself is never echoed (sensitive).
            raise AwsFault(
                "InvalidParameterException",
                "1 validation error detected: Value at 'clientSecret' failed to satisfy "
                "constraint: Member must have length between 24 and 64 and match "
                "regular expression pattern: [\\w+]+",
            )
        return value

    def _check_hash(
        self, operation: str, params: dict[str, Any], client_id: str, expected_username: str | None
    ) -> None:
        """Check the request's secret hash as AWS does; raise AwsFault if it fails."""
        site = hash_site(operation, params)
        if site is None:
            return
        records = self.client_secrets(client_id)
        sent = site.sent_hash
        raw = params.get("SecretHash") if site.field == "SecretHash" else sent
        outcome, secret_id = "ok", None
        fault: AwsFault | None = None
        if not records:
            if raw is not None:
                outcome = "unexpected"
                fault = AwsFault.of("hash_not_configured", client_id=client_id)
        elif not sent:
            outcome = "missing"
            # SignUp-family calls still get the older wording in public reports.
            key = "secret_missing_legacy" if site.field == "SecretHash" else "secret_missing"
            fault = AwsFault.of(key, client_id=client_id)
        else:
            # Every active secret is accepted: what zero-downtime rotation implies.
            username = expected_username if expected_username is not None else ""
            for record in records:
                if hmac.compare_digest(
                    _b64_hash(record.value, username, client_id).encode(), sent.encode("utf-8")
                ):
                    secret_id = record.secret_id
                    break
            else:
                outcome = "mismatch"
                fault = AwsFault.of("hash_mismatch", client_id=client_id)
        if self.on_check is not None:
            self.on_check(
                HashCheck(
                    operation,
                    client_id,
                    site.field,
                    site.rule,
                    site.sent_username,
                    expected_username,
                    sent,
                    outcome,
                    secret_id,
                )
            )
        if fault is not None:
            raise fault

    # -- WSGI ----------------------------------------------------------------

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        # Serve every request as this layer's account (moto's x-moto-account-id header).
        environ["HTTP_X_MOTO_ACCOUNT_ID"] = self.account_id
        scope = _SIGNED_REGION.search(environ.get("HTTP_AUTHORIZATION", ""))
        self._request.region = scope.group(1) if scope else None
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if not target.startswith(TARGET_PREFIX):
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
            return self.app(environ, start_response)
        operation = target[len(TARGET_PREFIX) :]
        handler = self._handlers.get(operation)
        try:
            params = self._read_json(environ)
            _check_types(operation, params)
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
        return captured["status"], list(captured["headers"]), data

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

    # -- app clients and their secrets ----------------------------------------

    @staticmethod
    def _normalise_flows(params: dict[str, Any]) -> None:
        flows = params.get("ExplicitAuthFlows")
        if not flows:
            params["ExplicitAuthFlows"] = list(DEFAULT_EXPLICIT_AUTH_FLOWS)
            return
        if not isinstance(flows, list) or not all(isinstance(f, str) for f in flows):
            raise AwsFault(
                "InvalidParameterException", "ExplicitAuthFlows must be a list of strings."
            )
        if any(f in _LEGACY_FLOWS for f in flows) and any(f.startswith("ALLOW_") for f in flows):
            # CreateUserPoolClient API reference: legacy and ALLOW_ values can't be mixed.
            raise AwsFault(
                "InvalidParameterException",
                "The combination of legacy and new ExplicitAuthFlows values is not allowed.",
            )

    def _with_secret(self, client_json: dict[str, Any]) -> dict[str, Any]:
        records = self.secrets.get(client_json.get("ClientId", ""), [])
        if records:
            client_json["ClientSecret"] = records[0].value
        else:
            client_json.pop("ClientSecret", None)
        return client_json

    def _create_client(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        generate = params.pop("GenerateSecret", False)
        custom = params.pop("ClientSecret", None)
        if custom is not None:
            if generate:
                raise AwsFault(
                    "InvalidParameterException",
                    "GenerateSecret and ClientSecret cannot both be set; give one or the other.",
                )
            self._check_custom_secret(custom)
        self._normalise_flows(params)

        def post(data: dict[str, Any]) -> dict[str, Any]:
            client = data.get("UserPoolClient", {})
            if generate or custom is not None:
                cid = client["ClientId"]
                self.secrets[cid] = [self._new_secret(cid, custom)]
            data["UserPoolClient"] = self._with_secret(client)
            return data

        return self._moto(environ, params, post)

    def _update_client(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        # UpdateUserPoolClient resets what is not given to its default (API reference).
        self._normalise_flows(params)
        return self._moto(
            environ,
            params,
            lambda d: {"UserPoolClient": self._with_secret(d.get("UserPoolClient", {}))},
        )

    def _describe_client(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        self._find_client(params.get("ClientId"), params.get("UserPoolId"))
        return self._moto(
            environ,
            params,
            lambda d: {"UserPoolClient": self._with_secret(d.get("UserPoolClient", {}))},
        )

    def _delete_client(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        self._find_client(params.get("ClientId"), params.get("UserPoolId"))
        self.secrets.pop(params["ClientId"], None)
        return self._moto(environ, params)

    def _delete_pool(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        pool = self._find_pool(params.get("UserPoolId"))
        for cid in list(pool.clients):
            self.secrets.pop(cid, None)
        return self._moto(environ, params)

    def _add_secret(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        _, client = self._find_client(params.get("ClientId"), params.get("UserPoolId"))
        custom = params.get("ClientSecret")
        if custom is not None:
            self._check_custom_secret(custom)
        records = self.secrets.setdefault(client.id, [])
        if len(records) >= MAX_SECRETS_PER_CLIENT:
            # "up to 2 active secrets per app client" (COGNITO_FACTS); wording is ours.
            raise AwsFault(
                "LimitExceededException",
                f"App client {client.id} already has {MAX_SECRETS_PER_CLIENT} client secrets; "
                "delete one with DeleteUserPoolClientSecret first.",
            )
        record = self._new_secret(client.id, custom)
        records.append(record)
        return self._json_response({"ClientSecretDescriptor": record.descriptor(with_value=True)})

    def _list_secrets(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        _, client = self._find_client(params.get("ClientId"), params.get("UserPoolId"))
        records = self.secrets.get(client.id, [])
        # "the response never reveals the actual secret value" (API reference).
        return self._json_response(
            {"ClientSecrets": [r.descriptor(with_value=False) for r in records]}
        )

    def _delete_secret(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        _, client = self._find_client(params.get("ClientId"), params.get("UserPoolId"))
        records = self.secrets.get(client.id, [])
        secret_id = params.get("ClientSecretId")
        match = [r for r in records if r.secret_id == secret_id]
        if not match:
            raise AwsFault(
                "ResourceNotFoundException", f"Client secret {secret_id} does not exist."
            )
        if len(records) == 1:
            # "the last secret cannot be deleted" (COGNITO_FACTS); wording is ours.
            raise AwsFault(
                "InvalidParameterException",
                "Cannot delete the last client secret of an app client; add a new one first.",
            )
        records.remove(match[0])
        return self._json_response({})

    # -- sign-up family (top-level SecretHash over the exact Username sent) ----

    def _record_code(
        self, kind: str, pool: Any, client_id: str, sent_username: str, user: Any
    ) -> dict[str, str]:
        code = f"{_secrets.randbelow(10**6):06d}"
        email = user.attribute_lookup.get("email", "") if user is not None else ""
        destination = _mask_destination(email) if email else ""
        internal = user.username if user is not None else sent_username
        self._pending_codes[(pool.id, internal, kind)] = code
        self.outbox.append(
            Message(
                kind,
                sent_username,
                email,
                code,
                client_id,
                user.id if user is not None else "",
                internal,
            )
        )
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

    def _user_or_fault(self, pool: Any, username: Any) -> Any:
        user = self._user(pool, username)
        if user is None:
            # AWS's wording for the sign-up family's unknown user.
            raise AwsFault("UserNotFoundException", "Username/client id combination not found.")
        return user

    def _confirm_sign_up(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        pool, _ = self._signup_prelude("ConfirmSignUp", params)
        user = self._user_or_fault(pool, params.get("Username"))
        if user.status == "CONFIRMED":
            raise AwsFault(
                "NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED"
            )
        self._check_code("SIGN_UP", pool, user, params.get("ConfirmationCode"))
        return self._moto(environ, params)

    def _resend_code(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        # moto has no ResendConfirmationCode: answered here entirely.
        pool, client = self._signup_prelude("ResendConfirmationCode", params)
        user = self._user_or_fault(pool, params.get("Username"))
        if user.status == "CONFIRMED":
            raise AwsFault("InvalidParameterException", "User is already confirmed.")
        details = self._record_code("SIGN_UP", pool, client.id, params["Username"], user)
        return self._json_response({"CodeDeliveryDetails": details})

    def _forgot_password(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        pool, client = self._signup_prelude("ForgotPassword", params)
        user = self._user_or_fault(pool, params.get("Username"))
        sent = params["Username"]

        def post(data: dict[str, Any]) -> dict[str, Any]:
            return {
                "CodeDeliveryDetails": self._record_code(
                    "FORGOT_PASSWORD", pool, client.id, sent, user
                )
            }

        return self._moto(environ, params, post)

    def _confirm_forgot_password(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        pool, _ = self._signup_prelude("ConfirmForgotPassword", params)
        user = self._user_or_fault(pool, params.get("Username"))
        self._check_code("FORGOT_PASSWORD", pool, user, params.get("ConfirmationCode"))
        return self._moto(environ, params)

    # -- sign-in ----------------------------------------------------------------

    @staticmethod
    def _flow_enabled(client: Any, flow: str) -> bool:
        flows = set(client.extended_config.get("ExplicitAuthFlows") or DEFAULT_EXPLICIT_AUTH_FLOWS)
        enablers = _FLOW_ENABLERS.get(flow)
        if enablers is None:
            return True  # unknown flows are moto's to reject
        if flow in REFRESH_FLOWS and flows <= _LEGACY_FLOWS:
            return True  # legacy-only configurations always allowed refresh
        return bool(flows & enablers)

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
