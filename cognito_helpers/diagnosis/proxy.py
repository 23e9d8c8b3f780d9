"""The inspecting proxy: point your own app at it and see each SECRET_HASH judged live.

``python -m cognito_helpers proxy`` (taught in the README's "My login fails:
what now?", step 3; ``notebooks/09-troubleshooting.ipynb`` teaches the engine
it uses) listens on loopback. Every Cognito JSON call an app sends
(``X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>``) is checked:
is the hash there, is it right for this operation's username (see
``cognito_helpers.operations`` and ``docs/facts.md#where-the-hash-goes``), and if not, which mistake made it (:func:`fingerprint`). The verdict
is printed as it happens; then the call is answered by an embedded
``LocalCognito``, or forwarded to ``upstream`` when one is given.

The judging itself (:class:`Verdict`, :func:`inspect_call`) is
:mod:`.verdict`'s; the wire (keep-alive HTTP/1.1 to the app, kept-alive
connections to the upstream, each call under its deadline) is
:mod:`.proxy_wire`'s; this module is what is between: the proxy's
lifecycle, each call inspected and forwarded, what the proxy learns from the
answers it passes on, and the CLI's foreground run.

What it prints never holds a client secret, password or token: hashes appear
masked, answers as status code and AWS error text only, with anything shaped
like a token, hash or secret masked (an upstream may echo what it was sent).

Like the local Cognito it listens on loopback only (``allow_remote`` for
more), answers only requests whose ``Host`` names loopback (DNS rebinding),
keeps its clients' connections alive (HTTP/1.1), and its own to the
upstream, queues bursts (listen backlog 1024), serves concurrent calls concurrently
(no lock around the upstream call), gives every upstream call a deadline
(``timeout``, 10 s by default), reads chunked bodies up to the
1 MiB limit, forwards every method (a browser's CORS preflight too) and
answers its own refusals in Cognito's JSON shape, never with a traceback.

Forwarding to real AWS works for the public user APIs (SignUp, InitiateAuth,
RespondToAuthChallenge...: they carry no AWS signature). Admin calls are
signed for the proxy's address, so AWS would refuse them once forwarded.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import json
import logging
import re
import socket
import threading
from collections.abc import Callable, Mapping, Sequence
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import urlparse

from ..exceptions import InvalidInputError, LocalCognitoError
from ..loopback import endpoint_host, is_loopback, listen_address
from ..operations import REFRESH_FLOWS, hash_site
from ..redact import mask
from .explain import explain
from .proxy_wire import Upstream, UpstreamError, make_handler, make_server
from .result import printable
from .verdict import Verdict, inspect_call
from .verify import token_claims

__all__ = ["InspectingProxy", "Verdict", "inspect_call"]

_log = logging.getLogger(__name__)

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
# How often the serving loop looks for stop(): stop() takes at most this long (as LocalCognito).
_STOP_POLL_INTERVAL = 0.02
# What an answer's message may echo that must not be printed: JWTs (whole or cut),
# and long runs of base64/hex (hashes, secrets, refresh tokens). Client ids (26
# characters) and pool ids stay readable.
_JWT_PREFIX = re.compile(r"eyJ[A-Za-z0-9_=-]{6,}(?:\.[A-Za-z0-9_=-]*){0,2}")
_LONG_OPAQUE = re.compile(r"[A-Za-z0-9+/=_-]{32,}")


def _resolve_timeout(timeout: object, field: str = "timeout") -> float:
    """Seconds the proxy waits for the whole upstream answer (default $COGNITO_TIMEOUT, else 10)."""
    from ..deadline import resolve_timeout

    return resolve_timeout(timeout, field=field)


def _token_key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _mask_opaque(text: str) -> str:
    """``text`` with token-, hash- and secret-shaped runs masked (``eyJh…xY (812 chars)``)."""
    text = _JWT_PREFIX.sub(lambda m: mask(m.group(0)), text)
    return _LONG_OPAQUE.sub(lambda m: mask(m.group(0)), text)


class InspectingProxy:
    """A loopback HTTP proxy that judges each Cognito call's secret hash.

    Without ``upstream`` it answers from its own :class:`LocalCognito`
    (``proxy.local``; ``proxy.local.demo()`` makes a ready pool) and reads
    the client secrets from it. With ``upstream`` (a URL) it forwards there,
    and knows the secrets given in ``secrets`` (client id -> secrets) plus
    those it sees in CreateUserPoolClient / DescribeUserPoolClient /
    AddUserPoolClientSecret answers. ``on_verdict`` gets each
    :class:`Verdict` (default: print its lines); ``verdicts`` keeps them all.
    """

    def __init__(
        self,
        *,
        upstream: str | None = None,
        secrets: Mapping[str, Sequence[str]] | None = None,
        previous_secrets: Sequence[str] = (),
        on_verdict: Callable[[Verdict], None] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        region: str = "us-east-1",
        timeout: float | None = None,
        allow_remote: bool = False,
    ) -> None:
        host = listen_address(host, allow_remote=allow_remote, field="host")
        timeout = _resolve_timeout(timeout)
        if upstream is not None:
            parsed = urlparse(upstream)
            if parsed.scheme not in ("http", "https") or not parsed.hostname:
                raise InvalidInputError(
                    "--upstream",
                    f"{upstream!r} is not an http(s) URL; give e.g. "
                    "https://cognito-idp.eu-west-1.amazonaws.com or http://127.0.0.1:9229.",
                )
        self.upstream = upstream
        self._secrets: dict[str, list[str]] = {k: list(v) for k, v in (secrets or {}).items()}
        self._previous = list(previous_secrets)
        self._on_verdict = on_verdict or self._print
        self._host, self._port, self._region, self._timeout = host, port, region, timeout
        self.local: Any = None
        self.verdicts: list[Verdict] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._wire: Upstream | None = None  # kept-alive connections to the backend
        self._connections: set[socket.socket] = set()  # open client connections
        self._state_lock = threading.Lock()
        # the local Cognito's own hash checks, matched to their call by what was sent
        self._checks: collections.deque[Any] = collections.deque(maxlen=1000)
        self._any_host = not is_loopback(host)
        self._refresh_owner: dict[str, str] = {}  # sha256(refresh token) -> internal username
        self._session_user: dict[str, str] = {}  # session -> canonical username
        self._aliases: dict[str, set[str]] = {}  # internal username -> names typed

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> InspectingProxy:
        """Start listening (and the embedded local Cognito when there is no upstream)."""
        if self._server is not None:
            return self
        if self.upstream is None:
            from ..local import LocalCognito

            # the proxy forwards over HTTP: a served local Cognito, whatever the default
            self.local = LocalCognito(region=self._region, on_check=self._record_check,
                                      in_process=False).start()
        self._wire = Upstream(self.backend_url, self._timeout)
        handler = make_handler(
            self.handle, lambda: self._any_host, lambda: self.endpoint_url, self._connections
        )
        try:
            self._server = make_server(self._host, self._port, handler)
        except (OSError, OverflowError) as exc:
            if self.local is not None:
                self.local.stop()
            raise LocalCognitoError(
                f"the proxy cannot listen on {self._host}:{self._port} ({exc.strerror or exc}); "
                "choose another --port, or 0 for a free one."
            ) from None
        self._server.daemon_threads = True
        # stop() waits for the serving loop to notice; socketserver polls every 0.5 s by default.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": _STOP_POLL_INTERVAL},
            name="inspecting-proxy",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the proxy and the embedded local Cognito (idempotent)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._server = None
            # kept-alive client connections outlive the accept loop: end them, idle ones too
            for conn in list(self._connections):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
        if self._wire is not None:
            self._wire.close()
            self._wire = None
        if self.local is not None:
            self.local.stop()
            self.local = None

    def __enter__(self) -> InspectingProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def endpoint_url(self) -> str:
        """The URL to give your app as its Cognito endpoint."""
        if self._server is None:
            raise LocalCognitoError("the proxy is not running; use 'with InspectingProxy() as p:'")
        host, port = self._server.server_address[:2]
        return f"http://{endpoint_host(host)}:{port}"

    @property
    def backend_url(self) -> str:
        """Where calls are answered: the upstream, or the embedded local Cognito."""
        return self.upstream or self.local.endpoint_url

    def add_secret(self, client_id: str, secret: str) -> None:
        """Tell the proxy one secret of ``client_id`` (needed with an upstream)."""
        with self._state_lock:
            values = self._secrets.setdefault(client_id, [])
            if secret not in values:
                values.append(secret)

    def _record_check(self, check: Any) -> None:
        with self._state_lock:
            self._checks.append(check)

    def _take_check(self, operation: str, params: Mapping[str, Any]) -> Any:
        """The local Cognito's check of this call (same operation, client and hash sent)."""
        site = hash_site(operation, params)
        sent = site.sent_hash if site is not None else None
        client = params.get("ClientId")
        with self._state_lock:
            for check in self._checks:
                if (check.operation == operation and check.client_id == client
                        and check.sent_hash == sent):
                    self._checks.remove(check)
                    return check
        return None

    @staticmethod
    def _print(verdict: Verdict) -> None:
        print(printable("\n".join(verdict.lines())), flush=True)

    # -- what the proxy knows ----------------------------------------------------

    def _secrets_for(self, client_id: str | None) -> list[str] | None:
        if not client_id:
            return None
        if self.local is not None:
            return [r.value for r in self.local.client_secrets(client_id)]
        with self._state_lock:
            values = self._secrets.get(client_id)
            return list(values) if values is not None else None

    def _expected(self, operation: str, params: Mapping[str, Any]) -> str | None:
        flow = params.get("AuthFlow")
        with self._state_lock:
            if flow in REFRESH_FLOWS:
                token = (params.get("AuthParameters") or {}).get("REFRESH_TOKEN")
                return (
                    self._refresh_owner.get(_token_key(token)) if isinstance(token, str) else None
                )
            if "ChallengeResponses" in params or operation.endswith("RespondToAuthChallenge"):
                session = params.get("Session")
                return self._session_user.get(session) if isinstance(session, str) else None
        return None

    def _known(self, name: str | None, expected: str | None) -> list[str]:
        out: list[str] = []
        with self._state_lock:
            for key in (expected, name):
                if key:
                    out += sorted(self._aliases.get(key, ()))
                    out += [i for i, names in self._aliases.items() if key in names]
        return out

    def _learn(self, operation: str, params: Mapping[str, Any], data: Mapping[str, Any]) -> None:
        with self._state_lock:
            client = data.get("UserPoolClient")
            if isinstance(client, dict) and isinstance(client.get("ClientId"), str):
                values = self._secrets.setdefault(client["ClientId"], [])
                if client.get("ClientSecret") and client["ClientSecret"] not in values:
                    values.append(client["ClientSecret"])
            desc = data.get("ClientSecretDescriptor")
            if isinstance(desc, dict) and desc.get("ClientSecretValue"):
                values = self._secrets.setdefault(str(params.get("ClientId")), [])
                values.append(desc["ClientSecretValue"])
            cp = data.get("ChallengeParameters")
            if isinstance(cp, dict) and isinstance(data.get("Session"), str):
                canonical = cp.get("USERNAME") or cp.get("USER_ID_FOR_SRP")
                if isinstance(canonical, str):
                    self._session_user[data["Session"]] = canonical
            result = data.get("AuthenticationResult")
            if isinstance(result, dict):
                internal = token_claims(str(result.get("AccessToken", ""))).get("username")
                typed = (
                    params.get("AuthParameters") or params.get("ChallengeResponses") or {}
                ).get("USERNAME")
                if isinstance(internal, str):
                    if isinstance(result.get("RefreshToken"), str):
                        self._refresh_owner[_token_key(result["RefreshToken"])] = internal
                    if isinstance(typed, str) and typed != internal:
                        self._aliases.setdefault(internal, set()).add(typed)

    # -- one request -------------------------------------------------------------

    def handle(
        self, method: str, path: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Inspect one request, forward it, report the verdict; returns the answer."""
        target = next((v for k, v in headers if k.lower() == "x-amz-target"), "")
        operation = target[len(TARGET_PREFIX) :] if target.startswith(TARGET_PREFIX) else None
        params: dict[str, Any] = {}
        if operation is not None:
            try:
                loaded = json.loads(body.decode("utf-8")) if body else {}
                params = loaded if isinstance(loaded, dict) else {}
            except (UnicodeDecodeError, ValueError, RecursionError):
                # ValueError: bad JSON or a 5000-digit number; RecursionError: deep nesting
                params = {}
        try:
            expected = self._expected(operation, params) if operation else None
        except (TypeError, AttributeError):  # members of the wrong JSON type
            expected = None
        try:
            if self._wire is None:  # handle() called on a proxy that was not started
                self._wire = Upstream(self.backend_url, self._timeout)
            status, resp_headers, data = self._wire.forward(method, path, headers, body)
        except UpstreamError as exc:
            status, resp_headers = 502, [("Content-Type", "application/x-amz-json-1.1")]
            data = json.dumps(
                {"__type": "ProxyUpstreamError", "message": f"{self.backend_url} {exc}"}
            ).encode()
        check = None
        if operation is not None and self.local is not None:
            try:
                check = self._take_check(operation, params)
            except (TypeError, AttributeError):
                check = None
        checks = [check] if check is not None else []
        if operation is None:
            return status, resp_headers, data
        try:
            answer_json: dict[str, Any] = {}
            try:
                loaded = json.loads(data.decode("utf-8")) if data else {}
                answer_json = loaded if isinstance(loaded, dict) else {}
            except (UnicodeDecodeError, ValueError, RecursionError):
                pass
            if checks and checks[-1].expected_username:
                expected = checks[-1].expected_username  # the local Cognito's own rule
            site = hash_site(operation, params)
            typed = site.sent_username if site is not None else None
            secrets = self._secrets_for(params.get("ClientId"))
            try:
                verdict = inspect_call(
                    operation,
                    params,
                    secrets,
                    expected_username=expected,
                    known_usernames=self._known(typed, expected),
                    previous_secrets=self._previous,
                )
            except InvalidInputError as exc:  # e.g. a lone surrogate in USERNAME: not hashable
                client = params.get("ClientId")
                verdict = Verdict(
                    operation, client if isinstance(client, str) else None, "unchecked",
                    f"cannot check this call's hash: {exc}",
                )
            if checks and checks[-1].outcome not in (
                verdict.outcome,
                "ok" if verdict.outcome == "unchecked" else verdict.outcome,
            ):
                verdict.notes.append(f"the local Cognito's own check said: {checks[-1].outcome}")
            refused_first = status != 200 and not checks and not secrets
            if self.local is not None and site is not None and refused_first:
                # the local Cognito refused before its hash check (unknown client, flow not
                # enabled, bad refresh token...): "no secret" here means "unknown client"
                verdict.outcome = "unchecked"
                verdict.summary = "not checked: Cognito refused the call before the hash"
            verdict.status = status
            if status == 200:
                verdict.answer = "OK"
                self._learn(operation, params, answer_json)
            else:
                code = str(answer_json.get("__type", "")).rsplit("#", 1)[-1]
                message = str(answer_json.get("message") or answer_json.get("Message") or "")
                # an upstream may echo what was sent (moto put the hash in its message, a
                # server may quote a token): mask before cutting, so no part of one shows
                for value in [*(self._secrets_for(params.get("ClientId")) or []), *self._previous]:
                    if value:
                        message = message.replace(value, mask(value))
                if re.fullmatch(r"[A-Za-z0-9+/=_-]{16,}", message.strip()):
                    message = mask(message.strip())
                message = _mask_opaque(message)[:300]
                verdict.answer = _mask_opaque(f"{code}: {message}".strip(": "))
                if verdict.answer:
                    verdict.explanation = explain(verdict.answer)
        except Exception as exc:  # never let a malformed call break the app's answer
            client = params.get("ClientId")
            verdict = Verdict(
                operation, client if isinstance(client, str) else None, "unchecked",
                f"cannot check this call ({exc.__class__.__name__}); its answer is passed on",
                status=status,
            )
        self.verdicts.append(verdict)
        try:
            self._on_verdict(verdict)
        except Exception as exc:  # a broken callback must not break the app's call
            print(f"proxy: on_verdict failed: {exc.__class__.__name__}", flush=True)
        return status, resp_headers, data


def serve_proxy(
    *,
    upstream: str | None,
    host: str,
    port: int,
    region: str,
    demo: bool,
    env_file: str | None,
    secrets: Mapping[str, Sequence[str]],
    previous_secrets: Sequence[str],
    as_json: bool,
    timeout: float | None = None,
    allow_remote: bool = False,
) -> int:
    """Run the proxy in the foreground until Ctrl-C / SIGTERM (the CLI's ``proxy``)."""
    import signal
    import sys

    from ..local.console import _write_env_file

    if demo and upstream:
        raise InvalidInputError(
            "--demo", "works with the embedded local Cognito only; drop --upstream or --demo."
        )
    if env_file and not demo:
        raise InvalidInputError("--env-file", "needs --demo (it holds the demo pool's settings).")
    from ..loopback import warn_remote

    address = listen_address(host, allow_remote=allow_remote)
    if not is_loopback(address):
        warn_remote("the inspecting proxy", address)

    stop = threading.Event()

    def show(v: Verdict) -> None:
        try:
            text = json.dumps(v.to_dict()) if as_json else "\n".join(v.lines())
            print(printable(text), flush=True)
        except BrokenPipeError:  # whoever read our output is gone: stop
            stop.set()

    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with InspectingProxy(
        upstream=upstream,
        secrets=secrets,
        previous_secrets=previous_secrets,
        on_verdict=show,
        host=address,
        port=port,
        region=region,
        timeout=_resolve_timeout(timeout, field="--timeout"),
        allow_remote=allow_remote,
    ) as proxy:
        where = upstream or f"the local Cognito at {proxy.local.endpoint_url}"
        # "ready" comes once everything it announces exists (demo pool, env file).
        details = []
        if demo:
            pool = proxy.local.demo()
            env = pool.env()
            env["COGNITO_ENDPOINT_URL"] = proxy.endpoint_url
            details.append(
                f"  user pool {pool.user_pool_id}, client {pool.client_id} (secret "
                f"{mask(pool.client_secret)}), public client {pool.public_client_id}, "
                f"user {pool.username}"
            )
            if env_file:
                _write_env_file(env_file, env)
                details.append(f"  settings (secret included) written to {env_file} (mode 600)")
        print(
            f"Inspecting proxy ready at {proxy.endpoint_url} (answers from {where})",
            file=sys.stderr if as_json else sys.stdout,
            flush=True,
        )
        for line in details:
            print(line, file=sys.stderr, flush=True)
        print(
            "Point your app's Cognito endpoint at the URL above. Ctrl-C stops.",
            file=sys.stderr,
            flush=True,
        )
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    print("stopped", file=sys.stderr, flush=True)
    return 0
