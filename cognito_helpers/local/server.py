"""The embedded local Cognito: moto's server plus the fidelity layer, on loopback.

``LocalCognito`` starts a real HTTP server on a free loopback port inside the
current process, speaking Cognito's wire protocol, so boto3 (or any SDK with
an endpoint override) talks to it as to AWS, with no account. Taught in
``notebooks/01-setup-check.ipynb``.

Where a process can neither listen nor start a thread (Pyodide: the browser
edition), it serves *in process* instead (:mod:`.in_process`): the same layer
around the same moto app, the same per-instance state, reached at
``http://local-cognito.localhost``, a URL no server listens on; the package's
boto3 clients and its HTTP helpers answer requests to it by a WSGI call.
``LocalCognito(in_process=True)`` (or ``COGNITO_LOCAL_IN_PROCESS=1``) picks
that mode anywhere; under Pyodide it is the default.

moto keeps its state in process-global backends. Each ``LocalCognito`` is
served as its own AWS account id (moto's ``x-moto-account-id``), so two
instances in one process, or a notebook run twice, never see each other's
pools; stopping an instance drops its account's state.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets as _secrets
import socket
import threading
from collections.abc import Callable
from typing import Any

from ..exceptions import InvalidInputError, LocalCognitoError
from ..validate import callback, flag, shown, text
from . import peer
from .clock import Clock
from .demo import DUMMY_KEY_ID, DUMMY_SECRET_KEY, DemoPool, provision_demo
from .layer import FidelityLayer, HashCheck, Message, SecretRecord

__all__ = ["HashCheck", "LocalCognito", "Message", "SecretRecord"]

# AWS region names: us-east-1, eu-west-1, us-gov-west-1, ap-southeast-2...
# the demo's pool name also starts its OAuth domain: [a-z0-9-], 63 characters at most in all
_POOL_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,50}[a-z0-9])?")
_REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d{1,2}")

# How often the serving loop looks for stop(): stop() takes at most this long.
_POLL_INTERVAL = 0.02

_account_lock = threading.Lock()
_used_accounts: set[str] = set()


def _new_account_id() -> str:
    with _account_lock:
        while True:
            account = f"{_secrets.randbelow(9 * 10**11) + 10**11}"
            if account not in _used_accounts and account != "123456789012":
                _used_accounts.add(account)
                return account


#: the environment variable that picks the issuer when ``aws_issuer`` is not given
ISSUER_ENV = "COGNITO_LOCAL_ISSUER"
#: the environment variable that turns on ``owner_only`` when it is not given
OWNER_ONLY_ENV = peer.OWNER_ONLY_ENV


def _aws_issuer_wanted() -> bool:
    """``$COGNITO_LOCAL_ISSUER``: ``local`` (or unset) for this server's URL, ``aws`` for AWS's."""
    value = os.environ.get(ISSUER_ENV, "").strip().lower()
    if value in ("", "local"):
        return False
    if value == "aws":
        return True
    raise InvalidInputError(
        ISSUER_ENV,
        f"{value[:40]!r} is not an issuer choice: set it to 'local' (the tokens' iss is the "
        "local Cognito's URL of the pool, as discovery says) or 'aws' "
        "(https://cognito-idp.<region>.amazonaws.com/<pool>), or unset it.",
    )


def _silence_request_logs() -> None:
    # werkzeug logs every request at INFO: noise in a lesson (COGNITO_FACTS, moto notes).
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def _moto_app() -> Any:
    if os.environ.get("MOTO_ACCOUNT_ID"):
        raise LocalCognitoError(
            "MOTO_ACCOUNT_ID is set in the environment; it would make every LocalCognito share "
            "one account. Unset it (the local Cognito isolates instances by account id)."
        )
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            from moto.moto_server.werkzeug_app import create_backend_app

            from .no_cryptography import import_moto_cognitoidp

            import_moto_cognitoidp()  # without cryptography (Pyodide): over stand-ins
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise LocalCognitoError(
            f"the local Cognito needs moto[cognitoidp], flask and flask-cors ({exc.name} is "
            "missing). Install them with: pip install -r requirements.txt"
        ) from None
    from .moto_key import defer_moto_key

    defer_moto_key()  # before the first CreateUserPool: 0.1-0.2 s saved per pool
    return create_backend_app("cognito-idp")


class _QuietHandler:
    """Factory for the request handler: keep-alive HTTP/1.1, no log line per request."""

    @staticmethod
    def make(connections: set[Any] | None = None, owner_only: Any = None) -> type:
        from moto.moto_server.werkzeug_app import MotoRequestHandler

        from .keepalive import make_handler

        return make_handler(MotoRequestHandler, connections, owner_only)



class LocalCognito:
    """A local Cognito on ``127.0.0.1:<free port>``: use as a context manager.

    >>> with LocalCognito() as lc:            # doctest: +SKIP
    ...     demo = lc.demo()
    ...     lc.client().initiate_auth(...)

    ``on_check`` is called with a :class:`HashCheck` for every secret hash the
    layer checks (the inspecting proxy uses it); ``on_message`` with each
    :class:`Message` (a code Cognito would have e-mailed) as it is sent
    (``python -m cognito_helpers local`` prints them). ``clock`` (a function returning
    seconds, default ``time.time``) is the time lockouts and refresh-token grace
    periods run on; :meth:`advance_clock` moves it forward. ``host`` must be a
    loopback address unless ``allow_remote=True`` (anyone who can reach a
    remote-bound server can read client secrets: it accepts any signature).

    The issuer (every token's ``iss``, and ``issuer`` in the pool's discovery
    document) is the URL the pool is served at, ``{endpoint_url}/{pool_id}``, as
    on AWS, where it is the URL of the discovery document (OIDC Discovery 1.0,
    4.3), so standard OIDC clients work unmodified. ``aws_issuer=True`` (or
    ``COGNITO_LOCAL_ISSUER=aws``) mints AWS's issuer,
    ``https://cognito-idp.<region>.amazonaws.com/<pool_id>``, instead, for
    libraries that rebuild the issuer from the region and pool id (pycognito);
    then discovery names that URL too and such a client must not insist that it
    matches the URL it fetched.

    ``owner_only=True`` (or ``COGNITO_LOCAL_OWNER_ONLY=1``) serves only connections
    opened by the Unix user that started it (and root): on a machine shared by
    several users (a workshop room) nobody else's code can use or change its pools;
    they get a 403 ``AccessDeniedException`` saying why. Linux only (it asks the
    kernel who owns the other end of each connection: :mod:`.peer`); elsewhere
    :meth:`start` refuses it.

    ``in_process=True`` serves without a server or a thread (:mod:`.in_process`):
    ``endpoint_url`` is then ``http://local-cognito.localhost`` (``-2``, ``-3``...
    for more instances), which only the package's own clients and helpers reach
    (``client()``, ``Target.client()``, ``fetch_jwks``, the OAuth helpers); a
    program of its own, or a browser, cannot. ``None`` (the default):
    ``$COGNITO_LOCAL_IN_PROCESS``, else in process only under Pyodide.
    """

    def __init__(
        self,
        *,
        region: str = "us-east-1",
        host: str = "127.0.0.1",
        port: int = 0,
        on_check: Callable[[HashCheck], None] | None = None,
        clock: Callable[[], float] | None = None,
        on_message: Callable[[Message], None] | None = None,
        allow_remote: bool = False,
        aws_issuer: bool | None = None,
        owner_only: bool | None = None,
        in_process: bool | None = None,
    ) -> None:
        from ..loopback import listen_address
        from .in_process import in_process_default

        flag("allow_remote", allow_remote)
        flag("aws_issuer", aws_issuer, optional=True)
        flag("owner_only", owner_only, optional=True)
        flag("in_process", in_process, optional=True)
        # the callbacks run on the server's threads, where a wrong type would only be logged
        callback("on_check", on_check, optional=True, what="a function of a HashCheck")
        callback("on_message", on_message, optional=True, what="a function of a Message")
        host = listen_address(host, allow_remote=allow_remote, field="host")
        if not isinstance(region, str) or not _REGION.fullmatch(region):
            raise InvalidInputError(
                "region", f"{region!r} is not an AWS region name (e.g. us-east-1, eu-west-1)."
            )
        if not isinstance(port, int) or not 0 <= port <= 65535:
            raise InvalidInputError("port", f"{port!r} is not a port number (0-65535; 0: a free one).")
        self.in_process = in_process_default() if in_process is None else in_process
        if self.in_process and (port or allow_remote):
            raise InvalidInputError(
                "in_process", "a local Cognito served in process has no port and listens "
                "nowhere: leave port and allow_remote out, or set in_process=False.",
            )
        self.region = region
        # the tokens' iss and discovery's issuer: this server's URL of the pool (OIDC
        # Discovery 4.3), or AWS's URL (aws_issuer=True, or COGNITO_LOCAL_ISSUER=aws)
        self.aws_issuer = _aws_issuer_wanted() if aws_issuer is None else aws_issuer
        # only this Unix user's connections (and root's) are served; see the docstring
        self.owner_only = peer.owner_only_wanted() if owner_only is None else owner_only
        self._host = host
        self._port = port
        self.account_id = _new_account_id()
        self._layer: FidelityLayer | None = None
        self._on_check = on_check
        # Lockout and refresh grace periods run on this clock (advance_clock moves it).
        self.clock = Clock(clock)
        self._on_message = on_message
        self._connections: set[socket.socket] = set()  # open client connections (keep-alive)
        self._server: Any = None
        self._origin: str | None = None  # in process: the pseudo URL it is reached at
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._sessions: dict[str, Any] = {}  # region -> boto3 Session, for client()
        self._sessions_lock = threading.Lock()

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> LocalCognito:
        """Start serving (idempotent); returns self."""
        if self.running:
            return self
        if self.in_process:
            return self._start_in_process()
        _silence_request_logs()
        from werkzeug.serving import make_server

        from ..loopback import is_loopback

        owner = peer.owner_check(
            self.owner_only, "This local Cognito",
            "use yours (LocalCognito() in your own kernel, or python -m cognito_helpers local)",
        )
        # any Host header only when listening beyond loopback
        self._layer = self._new_layer(any_host=not is_loopback(self._host))
        # Bind ourselves: werkzeug's make_server calls sys.exit() when the port is taken.
        family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.bind((self._host, self._port))
            sock.listen(1024)  # a burst of connections queues instead of being reset
        except (OSError, OverflowError) as exc:
            sock.close()
            raise LocalCognitoError(
                f"cannot listen on {self._host}:{self._port} ({exc.strerror or exc}). "
                "Choose another port, or 0 for a free one."
            ) from None
        self._socket = sock
        self._server = make_server(
            self._host,
            sock.getsockname()[1],
            self._layer,
            threaded=True,
            request_handler=_QuietHandler.make(self._connections, owner),
            fd=sock.fileno(),
        )
        self._server.daemon_threads = True
        if not self.aws_issuer:
            self._layer.issuer_base = self.endpoint_url
        # stop() waits for the serving loop to notice; werkzeug polls every 0.5 s by default.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": _POLL_INTERVAL},
            name=f"local-cognito-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def _new_layer(self, **options: Any) -> FidelityLayer:
        """This instance's fidelity layer around moto's app (served or in process)."""
        return FidelityLayer(
            _moto_app(), self.account_id, on_check=self._on_check, clock=self.clock,
            on_message=self._on_message, **options,
        )

    def _start_in_process(self) -> LocalCognito:
        from .in_process import claim_origin

        self._layer = self._new_layer()
        self._origin = claim_origin(self._layer)
        if not self.aws_issuer:
            self._layer.issuer_base = self._origin
        return self

    def stop(self) -> None:
        """Stop serving and drop this instance's state (idempotent)."""
        if self._origin is not None:
            from .in_process import release_origin

            release_origin(self._origin)
            self._origin = None
            self._drop_state()
            return
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        # Keep-alive connections outlive the accept loop: end them, idle ones too.
        for conn in list(self._connections):
            with contextlib.suppress(OSError):  # already gone
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        self._drop_state()

    def _drop_state(self) -> None:
        try:
            from moto.cognitoidp.models import cognitoidp_backends

            cognitoidp_backends.pop(self.account_id, None)
        except ImportError:  # pragma: no cover
            pass

    def __enter__(self) -> LocalCognito:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = self.endpoint_url if self.running else "stopped"
        mode = ", in process" if self.in_process else ""
        return f"LocalCognito({state}, region={self.region!r}{mode})"

    @property
    def running(self) -> bool:
        return self._server is not None or self._origin is not None

    @property
    def port(self) -> int:
        self._require()
        if self._origin is not None:
            raise LocalCognitoError(
                "this local Cognito is served in process: it listens on no port. Use "
                "endpoint_url (its requests are answered in this process)."
            )
        return int(self._server.server_address[1])

    @property
    def endpoint_url(self) -> str:
        self._require()
        if self._origin is not None:
            return self._origin
        from ..loopback import endpoint_host

        return f"http://{endpoint_host(self._server.server_address[0])}:{self.port}"

    def _require(self) -> None:
        if not self.running:
            raise LocalCognitoError(
                "the local Cognito is not running; use it as 'with LocalCognito() as lc:' "
                "or call .start() first."
            )

    # -- clients -------------------------------------------------------------------

    def client(self, *, region: str | None = None, timeout: float | None = None) -> Any:
        """A boto3 ``cognito-idp`` client for this server, with dummy credentials.

        Retries use botocore's standard mode, which never retries errors a
        retry cannot fix (NotAuthorizedException and the like). Each call
        answers within ``timeout`` seconds (default ``$COGNITO_TIMEOUT``, else
        10) or raises DeadlineError, as every client of the package does.
        """
        if region is not None and (not isinstance(region, str) or not _REGION.fullmatch(region)):
            raise InvalidInputError(
                "region", f"{shown(region)} is not an AWS region name (e.g. us-east-1), or None."
            )
        self._require()
        from botocore.config import Config

        from ..deadline import deadline_client, resolve_timeout
        from ..safelog import protect_sdk_logs

        seconds = resolve_timeout(timeout)

        protect_sdk_logs()  # botocore's DEBUG logs would show passwords and secrets
        # A new client from one session per region: a new boto3 Session reloads the
        # service model and endpoint data (~45 ms); a client from a warm one, ~5 ms.
        # Sessions are not thread-safe, so clients are made under a lock.
        with self._sessions_lock:
            session = self._sessions.get(region or self.region)
            if session is None:
                from ..sdk_session import boto3_session

                session = boto3_session(
                    aws_access_key_id=DUMMY_KEY_ID,
                    aws_secret_access_key=DUMMY_SECRET_KEY,
                    region_name=region or self.region,
                )
                self._sessions[region or self.region] = session
            client = session.client(
                "cognito-idp",
                endpoint_url=self.endpoint_url,
                config=Config(
                    retries={"mode": "standard", "max_attempts": 2},
                    connect_timeout=5,
                    read_timeout=30,
                ),
            )
        return deadline_client(client, seconds)

    # -- the clock of lockouts and grace periods -------------------------------------

    def advance_clock(self, seconds: float) -> float:
        """Move the local Cognito's clock forward, as if ``seconds`` had passed.

        Lockouts (:mod:`.lockout`) and refresh-token grace periods
        (:mod:`.refresh`) run on this clock, so a lesson shows a lock expire
        without waiting; token times (``iat``, ``exp``) stay on wall time.
        Taught in ``notebooks/09-troubleshooting.ipynb``. Returns the new time.
        """
        return self.clock.advance(seconds)

    def lockout_state(self, user_pool_id: str, username: str) -> tuple[int, float]:
        """(failed passwords counted, seconds of lock left) for a user (internal name)."""
        text("user_pool_id", user_pool_id)
        text("username", username)
        self._require_layer()
        return self._layer.lockout.state(user_pool_id, username)  # type: ignore[union-attr]

    # -- codes ("e-mails") ---------------------------------------------------------

    @property
    def outbox(self) -> list[Message]:
        """Codes Cognito would have e-mailed, oldest first (no mail is sent)."""
        self._require_layer()
        return list(self._layer.outbox)  # type: ignore[union-attr]

    def last_code(self, username: str) -> str:
        """The newest code sent for ``username`` (as sent, internal name, sub or e-mail)."""
        text("username", username)
        for message in reversed(self.outbox):
            if username in (
                message.username,
                message.internal_username,
                message.user_sub,
                message.destination,
            ):
                return message.code
        raise LocalCognitoError(
            f"no code was sent for {username!r}; codes are sent by SignUp, "
            "ResendConfirmationCode and ForgotPassword."
        )

    def client_secrets(self, client_id: str) -> list[SecretRecord]:
        """The active secrets of an app client as the layer holds them (values not shown)."""
        text("client_id", client_id)
        self._require_layer()
        return self._layer.client_secrets(client_id)  # type: ignore[union-attr]

    def _require_layer(self) -> None:
        if self._layer is None:
            self._require()

    # -- provisioning ----------------------------------------------------------------

    def demo(self, *, email_as_username: bool = False, name: str | None = None) -> DemoPool:
        """Provision a ready pool: a client with a secret, one without, a confirmed user.

        With ``email_as_username`` users sign in with their e-mail and Cognito
        keeps a UUID as the internal username (what refresh must hash).
        """
        flag("email_as_username", email_as_username)
        text("name", name, optional=True, what="a pool name (str)")
        if name is not None and not _POOL_NAME.fullmatch(name):
            raise InvalidInputError(
                "name", f"{shown(name)} cannot name a demo pool: 1-52 lowercase letters, digits "
                "or '-', not at either end (the name also starts the pool's OAuth domain)."
            )
        return provision_demo(self, email_as_username=email_as_username, name=name)
