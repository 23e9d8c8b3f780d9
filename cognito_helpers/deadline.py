"""Every network call of the tools ends within a deadline (issue 12, item 4).

A socket timeout bounds one read, not an answer: a server that trickles a byte
a second never trips botocore's ``read_timeout``, and one that accepts and never
answers is retried until minutes have gone. Here a call gets one wall-clock
deadline (:data:`DEFAULT_TIMEOUT` seconds, ``timeout=`` in Python,
``--timeout SECONDS`` on the CLI, ``$COGNITO_TIMEOUT`` for both) over its whole
life: connecting, TLS, sending, every byte of the answer and botocore's retries.
When it passes, a watchdog shuts the call's sockets down, so the caller gets
:class:`~cognito_helpers.exceptions.DeadlineError` at once, naming the
operation, the host and port and the deadline, and nothing is left running
that could finish the call later.

Two ways in:

* :func:`deadline_client` gives a boto3 client a transport (botocore's
  ``http_session``) that sends each request with :mod:`http.client` under the
  deadline, keeps connections alive between calls (loopback calls stay as fast
  as before), and answers with botocore's own exceptions for connection
  failures, so its retries and error advice still work. :meth:`Target.client()
  <cognito_helpers.target.Target.client>`, ``LocalCognito.client()``, the CLI
  and the workshop build their clients with it.
* :func:`fetch` does a GET/POST with :mod:`urllib.request` under a deadline
  (the JWKS, the OAuth endpoints, the room's discovery document).

A call that was cut off may still have been carried out by the server; the
deadline only guarantees the caller is not left waiting.
"""

from __future__ import annotations

import contextlib
import contextvars
import heapq
import http.client
import itertools
import math
import os
import select
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
import weakref
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .exceptions import DeadlineError, InvalidInputError
from .raw_body import RawBody

if TYPE_CHECKING:
    import ssl

# ssl is imported when a TLS connection is made, not here: Pyodide (the browser
# edition) has no ssl module, and talks to the local Cognito in process (local/in_process).

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_TIMEOUT",
    "TIMEOUT_ENV",
    "Deadline",
    "call_timeout",
    "calls_within",
    "deadline_client",
    "deadline_message",
    "deadline_opener",
    "fetch",
    "has_deadline",
    "resolve_timeout",
]

#: The environment variable that sets the deadline of every call (seconds).
TIMEOUT_ENV = "COGNITO_TIMEOUT"
#: Seconds a call may take when nothing else is said.
DEFAULT_TIMEOUT = 10.0
#: The longest deadline accepted (an hour): beyond it, a typo more likely than a wish.
MAX_TIMEOUT = 3600.0

HOW_TO_CHANGE = f"--timeout SECONDS on the CLI, timeout= in Python, or ${TIMEOUT_ENV}"

_MAX_ANSWER = 16 * 1024 * 1024
_IDLE_PER_HOST = 10
_CONTEXT_KEY = "cognito_helpers.deadline"
_override: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "cognito_helpers_call_timeout", default=None
)
_active: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "cognito_helpers_deadline", default=None
)


def _check_seconds(value: float, field: str, shown: object) -> float:
    if math.isnan(value) or not 0 < value <= MAX_TIMEOUT:
        raise InvalidInputError(
            field,
            f"{shown!r} is not a deadline: give seconds, more than 0 and at most "
            f"{MAX_TIMEOUT:g} (for example 10).",
        )
    return value


def resolve_timeout(
    timeout: object = None, *, env: Mapping[str, str] | None = None, field: str = "timeout"
) -> float:
    """The deadline in seconds: ``timeout`` if given, else ``$COGNITO_TIMEOUT``, else 10.

    Anything but a number of seconds in (0, 3600] is an
    :class:`~cognito_helpers.exceptions.InvalidInputError` naming where it came from.
    """
    if timeout is None:
        env = os.environ if env is None else env
        raw = env.get(TIMEOUT_ENV, "").strip()
        if not raw:
            return DEFAULT_TIMEOUT
        try:
            value = float(raw)
        except ValueError:
            raise InvalidInputError(
                TIMEOUT_ENV, f"{raw!r} is not a number of seconds (for example 10)."
            ) from None
        return _check_seconds(value, TIMEOUT_ENV, raw)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise InvalidInputError(
            field, f"expected a number of seconds, got {type(timeout).__name__}."
        )
    if isinstance(timeout, int) and not 0 < timeout <= MAX_TIMEOUT:  # float() of a huge int overflows
        return _check_seconds(math.nan, field, "a whole number out of range")
    return _check_seconds(float(timeout), field, timeout)


def deadline_message(what: str, where: str, seconds: float) -> str:
    """What did not answer, where, in how long, and how to give it longer (no secret)."""
    return (
        f"{what} to {where} gave no complete answer within {seconds:g} s (the deadline; "
        f"change it with {HOW_TO_CHANGE}). Is the endpoint the right one, and up?"
    )


def _where(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or "?"
    try:
        port = parts.port
    except ValueError:
        port = None
    port = port or (443 if parts.scheme == "https" else 80)
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class Deadline:
    """One call's wall-clock deadline; ``with`` it, every socket it watches is shut at expiry.

    Connections made by this module inside the ``with`` are watched as soon as
    they exist (before TLS), so no step of a call can outlast it.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.expired = False
        self._done = False
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._token: contextvars.Token[Deadline | None] | None = None

    def left(self) -> float:
        """Seconds left (0 when passed)."""
        return max(0.0, self.at - time.monotonic())

    def passed(self) -> bool:
        return self.expired or time.monotonic() >= self.at

    def watch(self, sock: socket.socket) -> socket.socket:
        """Shut ``sock`` down when the deadline passes (at once if it has)."""
        with self._lock:
            if not self.expired:
                self._socks.append(sock)
                return sock
        _shut(sock)
        return sock

    def _expire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            socks, self._socks = self._socks, []
        for sock in socks:
            _shut(sock)

    def __enter__(self) -> Deadline:
        self._token = _active.set(self)
        _watchdog.add(self)
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._done = True
            self._socks = []
        if self._token is not None:
            _active.reset(self._token)


class _Watchdog:
    """One thread for every deadline (a thread per call cost ~0.3 ms of a 2 ms local call);
    it ends when no deadline has been pending for a few seconds."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Deadline]] = []
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None

    def add(self, deadline: Deadline) -> None:
        with self._cond:
            heapq.heappush(self._heap, (deadline.at, next(self._seq), deadline))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="cognito-helpers-deadlines", daemon=True
                )
                self._thread.start()
            elif self._heap[0][2] is deadline:
                self._cond.notify()

    def _run(self) -> None:
        with self._cond:
            while True:
                while self._heap and self._heap[0][2]._done:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cond.wait(3.0)
                    if not self._heap:
                        self._thread = None
                        return
                    continue
                wait = self._heap[0][0] - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                heapq.heappop(self._heap)[2]._expire()


_watchdog = _Watchdog()


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


@contextlib.contextmanager
def call_timeout(timeout: float | None) -> Iterator[float | None]:
    """Inside the ``with``, calls of deadline clients get ``timeout`` seconds (None: their own)."""
    seconds = None if timeout is None else resolve_timeout(timeout)
    token = _override.set(seconds)
    try:
        yield seconds
    finally:
        _override.reset(token)


# -- connections that the active deadline watches ---------------------------------


def _watched_socket(*args: Any, **kwargs: Any) -> socket.socket:
    sock = socket.create_connection(*args, **kwargs)
    deadline = _active.get()
    if deadline is not None:
        deadline.watch(sock)
    return sock


class _HTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _watched_socket


class _HTTPSConnection(getattr(http.client, "HTTPSConnection", http.client.HTTPConnection)):
    # http.client has no HTTPSConnection without ssl (Pyodide): then this class is never used
    def __init__(self, *args: Any, context: ssl.SSLContext, **kwargs: Any) -> None:
        super().__init__(*args, context=context, **kwargs)
        self._create_connection = _watched_socket
        self._tls = context

    def connect(self) -> None:
        # http.client's own connect does the TLS handshake inside wrap_socket, before
        # the TLS socket could be watched: do it in two steps, watched in between.
        http.client.HTTPConnection.connect(self)
        sock = self._tls.wrap_socket(
            self.sock, server_hostname=self._tunnel_host or self.host,
            do_handshake_on_connect=False,
        )
        deadline = _active.get()
        if deadline is not None:
            deadline.watch(sock)
        self.sock = sock
        sock.do_handshake()


def _tls_context(verify: object = True, cert: object = None) -> ssl.SSLContext:
    try:
        import ssl
    except ImportError:  # Pyodide (the browser edition): no TLS in this Python at all
        from .exceptions import ConfigurationError

        raise ConfigurationError(
            "this Python has no ssl module (the browser edition runs in Pyodide), so it "
            "cannot reach an https:// endpoint such as a real user pool. Run the lessons "
            "with `make lab` for that; here, use the local Cognito (leave "
            "COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID unset)."
        ) from None

    if verify is False:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    cafile = verify if isinstance(verify, str) else None
    if cafile is None:
        try:
            from botocore.httpsession import get_cert_path

            cafile = get_cert_path(True)
        except ImportError:  # no botocore: the system's store
            cafile = None
    if cafile and os.path.isdir(cafile):
        context = ssl.create_default_context(capath=cafile)
    else:
        context = ssl.create_default_context(cafile=cafile or None)
    if isinstance(cert, str):
        context.load_cert_chain(cert)
    elif isinstance(cert, tuple) and len(cert) == 2:
        context.load_cert_chain(*cert)
    return context


# -- boto3 clients -----------------------------------------------------------------


def _operation(request: Any) -> str:
    target = request.headers.get("X-Amz-Target") or b""
    if isinstance(target, bytes):
        target = target.decode("latin-1")
    if target:
        return target.rsplit(".", 1)[-1]
    return f"{request.method} {urlsplit(request.url).path or '/'}"


def _dropped(conn: http.client.HTTPConnection) -> bool:
    """Whether an idle kept-alive connection was closed by the server (or sent junk)."""
    sock = conn.sock
    if sock is None:
        return True
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


class _Transport:
    """botocore's ``http_session`` for a deadline client: http.client under one deadline."""

    def __init__(self, inner: Any, timeout: float, connect_timeout: float | None,
                 read_timeout: float | None) -> None:
        self.inner = inner
        self.timeout = timeout
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._idle: dict[tuple[Any, ...], list[http.client.HTTPConnection]] = {}
        self._lock = threading.Lock()
        self._tls: ssl.SSLContext | None = None
        proxies = getattr(inner, "_proxy_config", None)
        self._proxy_for = getattr(proxies, "proxy_url_for", lambda url: None)
        self._proxy_headers = getattr(proxies, "proxy_headers_for", lambda url: {})

        # kept-alive connections are closed when the client is collected (as urllib3 does)
        weakref.finalize(self, _close_idle, self._idle, self._lock)

    # botocore calls these two
    def close(self) -> None:
        _close_idle(self._idle, self._lock)
        with contextlib.suppress(Exception):
            self.inner.close()

    def send(self, request: Any) -> Any:
        from botocore.awsrequest import AWSResponse

        if _in_process_app(request.url) is not None:
            # a local Cognito without a server (a client of another session, whose
            # before-send did not answer it): a WSGI call in this thread, no socket
            from .local.in_process import botocore_before_send

            return botocore_before_send(request)
        context = getattr(request, "context", None) or {}
        at, seconds = context.get(_CONTEXT_KEY) or (None, None)
        if at is None:
            seconds = self.timeout
            at = time.monotonic() + seconds
        what, where = _operation(request), _where(request.url)
        left = at - time.monotonic()
        if left <= 0:
            raise DeadlineError(deadline_message(what, where, seconds), what, where, seconds)
        proxy = self._proxy_for(request.url)
        if proxy and urlsplit(proxy).scheme != "http":
            return self.inner.send(request)  # an https:// proxy: botocore's own way
        deadline = Deadline(left)
        deadline.seconds = seconds
        with deadline:
            try:
                status, headers, data = self._exchange(request, proxy, deadline)
                if deadline.expired:  # cut off: what was read is not the whole answer
                    raise TimeoutError
            except (OSError, http.client.HTTPException) as exc:
                if deadline.passed() or (isinstance(exc, TimeoutError) and deadline.left() < 0.05):
                    raise DeadlineError(
                        deadline_message(what, where, seconds), what, where, seconds
                    ) from None
                raise _botocore_error(exc, request, proxy) from None
        return AWSResponse(request.url, status, headers, RawBody(data))

    def _key(self, url: Any, proxy: str | None) -> tuple[Any, ...]:
        return (url.scheme, url.hostname, url.port, proxy)

    def _connection(self, url: Any, proxy: str | None, deadline: Deadline) -> tuple[Any, bool]:
        key = self._key(url, proxy)
        with self._lock:
            idle = self._idle.get(key) or []
            while idle:
                conn = idle.pop()
                if not _dropped(conn):
                    deadline.watch(conn.sock)
                    return conn, True
                conn.close()
        connect = min(self._connect_timeout or deadline.left(), deadline.left())
        if proxy:
            p = urlsplit(proxy)
            host, port = p.hostname, p.port or 80
        else:
            host, port = url.hostname, url.port
        conn: http.client.HTTPConnection
        if url.scheme == "https":
            if self._tls is None:
                self._tls = _tls_context(getattr(self.inner, "_verify", True),
                                         getattr(self.inner, "_cert_file", None))
            conn = _HTTPSConnection(host, port, timeout=connect, context=self._tls)
            if proxy:
                conn.set_tunnel(url.hostname, url.port or 443,
                                headers=dict(self._proxy_headers(proxy)))
        else:
            conn = _HTTPConnection(host, port, timeout=connect)
        return conn, False

    def _exchange(self, request: Any, proxy: str | None, deadline: Deadline
                  ) -> tuple[int, list[tuple[str, str]], bytes]:
        url = urlsplit(request.url)
        conn, _reused = self._connection(url, proxy, deadline)
        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        elif isinstance(body, str):
            body = body.encode("utf-8")
        target = request.url if proxy and url.scheme == "http" else (
            (url.path or "/") + (f"?{url.query}" if url.query else ""))
        try:
            if conn.sock is None:
                conn.connect()
            conn.sock.settimeout(min(self._read_timeout or deadline.left(), deadline.left())
                                 or 0.001)
            conn.putrequest(request.method, target, skip_accept_encoding=True,
                            skip_host="Host" in request.headers)
            for name, value in request.headers.items():
                conn.putheader(name, value)
            if body and "Content-Length" not in request.headers:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body or None)
            resp = conn.getresponse()
            data = resp.read(_MAX_ANSWER + 1)
            if len(data) > _MAX_ANSWER:
                raise http.client.HTTPException("the answer is larger than 16 MiB")
        except BaseException:
            conn.close()
            raise
        if resp.will_close or deadline.passed():
            conn.close()
        else:
            with self._lock:
                idle = self._idle.setdefault(self._key(url, proxy), [])
                if len(idle) < _IDLE_PER_HOST:
                    idle.append(conn)
                    conn = None  # type: ignore[assignment]
            if conn is not None:
                conn.close()
        return resp.status, resp.getheaders(), data


def _close_idle(idle: dict[Any, list[http.client.HTTPConnection]], lock: threading.Lock) -> None:
    with lock:
        conns = [conn for pool in idle.values() for conn in pool]
        idle.clear()
    for conn in conns:
        conn.close()


def _botocore_error(exc: BaseException, request: Any, proxy: str | None) -> Exception:
    """The botocore exception urllib3's send would have raised (retries and advice know them)."""
    from botocore import exceptions as bx

    ssl = sys.modules.get("ssl")  # no ssl imported: no SSLError either
    if ssl is not None and isinstance(exc, ssl.SSLError):
        return bx.SSLError(endpoint_url=request.url, error=exc)
    if isinstance(exc, (ConnectionRefusedError, socket.gaierror)) or (
        isinstance(exc, OSError) and not isinstance(exc, (ConnectionResetError,
                                                          BrokenPipeError, TimeoutError))
        and exc.errno is not None
    ):
        if proxy:
            return bx.ProxyConnectionError(proxy_url=_where(proxy), error=exc)
        return bx.EndpointConnectionError(endpoint_url=request.url, error=exc)
    if isinstance(exc, TimeoutError):
        return bx.ReadTimeoutError(endpoint_url=request.url, error=exc)
    return bx.ConnectionClosedError(error=exc, request=request, endpoint_url=request.url)


def _start_clock(transport: _Transport) -> Any:
    def start(context: dict[str, Any] | None = None, **_: Any) -> None:
        if context is not None:
            seconds = _override.get() or transport.timeout
            context[_CONTEXT_KEY] = (time.monotonic() + seconds, seconds)

    return start


def _cap_retry_waits(client: Any) -> None:
    """No retry wait past the deadline: the last answer is returned instead of sleeping."""
    service = client.meta.service_model.service_id.hyphenize()
    event, unique_id = f"needs-retry.{service}", f"retry-config-{service}"
    table = getattr(getattr(client.meta.events, "_emitter", None), "_unique_id_handlers", None)
    entry = table.get(unique_id) if isinstance(table, dict) else None
    inner = entry.get("handler") if isinstance(entry, dict) else None
    if inner is None or getattr(inner, "_capped_by_deadline", False):
        return  # legacy retries, or a botocore that keeps it elsewhere: the send still checks

    def needs_retry(**kwargs: Any) -> Any:
        wait = inner(**kwargs)
        context = (kwargs.get("request_dict") or {}).get("context") or {}
        at = (context.get(_CONTEXT_KEY) or (None, None))[0]
        if wait is None or at is None:
            return wait
        return None if time.monotonic() + wait >= at else wait

    needs_retry._capped_by_deadline = True  # type: ignore[attr-defined]
    client.meta.events.unregister(event, unique_id=unique_id)
    client.meta.events.register(event, needs_retry, unique_id=unique_id)


def deadline_client(client: Any, timeout: object = None) -> Any:
    """Give a boto3 client the deadline: each call answers within ``timeout`` seconds
    (default ``$COGNITO_TIMEOUT``, else 10) or raises DeadlineError. Returns the client.

    A client that already has it gets the new deadline. Objects that are not
    botocore clients (test doubles) are returned unchanged.
    """
    seconds = resolve_timeout(timeout)
    endpoint = getattr(client, "_endpoint", None)
    current = getattr(endpoint, "http_session", None)
    if isinstance(current, _Transport):
        current.timeout = seconds
        return client
    if current is None or not hasattr(getattr(client, "meta", None), "events"):
        return client
    config = client.meta.config
    transport = _Transport(current, seconds, config.connect_timeout, config.read_timeout)
    endpoint.http_session = transport
    client.meta.events.register(
        "before-call", _start_clock(transport), unique_id="cognito-helpers-deadline"
    )
    _cap_retry_waits(client)
    return client


def has_deadline(client: Any) -> bool:
    """Whether ``client`` sends through :func:`deadline_client`'s transport."""
    return isinstance(getattr(getattr(client, "_endpoint", None), "http_session", None),
                      _Transport)


@contextlib.contextmanager
def calls_within(client: Any, timeout: object = None) -> Iterator[None]:
    """Inside the ``with``, each call of ``client`` has ``timeout`` seconds (None: the
    client's own deadline); a botocore client without one gets the default first."""
    seconds = None if timeout is None else resolve_timeout(timeout)
    if not has_deadline(client):
        deadline_client(client)
    with call_timeout(seconds):
        yield


# -- urllib fetches ----------------------------------------------------------------


def _in_process_app(url: str) -> Any:
    """The local Cognito answering ``url`` in this process (local/in_process), or None."""
    if "cognito_helpers.local.in_process" not in sys.modules:
        return None  # no in-process local Cognito was ever started
    from .local.in_process import app_for

    return app_for(url)


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        app = _in_process_app(req.full_url)
        if app is not None:  # a local Cognito without a server: a WSGI call, no socket
            from .local.in_process import urllib_response

            return urllib_response(app, req)  # type: ignore[no-any-return]
        return self.do_open(_HTTPConnection, req)


class _HTTPSHandler(getattr(urllib.request, "HTTPSHandler", urllib.request.BaseHandler)):
    # urllib has no HTTPSHandler without ssl (Pyodide): deadline_opener leaves it out there
    def __init__(self) -> None:
        super().__init__()
        self._tls: ssl.SSLContext | None = None  # made on the first https:// request

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        if self._tls is None:
            self._tls = _tls_context()
        return self.do_open(_HTTPSConnection, req, context=self._tls)


def deadline_opener(*handlers: Any) -> urllib.request.OpenerDirector:
    """``urllib.request.build_opener(*handlers)`` whose connections :func:`fetch` can cut."""
    tls = [_HTTPSHandler()] if hasattr(urllib.request, "HTTPSHandler") else []
    return urllib.request.build_opener(*handlers, _HTTPHandler(), *tls)


_default_opener: urllib.request.OpenerDirector | None = None


def fetch(
    request: urllib.request.Request | str,
    *,
    what: str,
    timeout: object = None,
    opener: urllib.request.OpenerDirector | None = None,
    limit: int = _MAX_ANSWER,
) -> tuple[int, Any, bytes]:
    """Send ``request``; (status, headers, at most ``limit`` bytes of body) within the deadline.

    HTTP error statuses are answers, returned like any other. DeadlineError
    names ``what`` and the host when the deadline passes; other failures raise
    what urllib raised (URLError, OSError). ``opener`` must come from
    :func:`deadline_opener` for its connections to be cut at the deadline.
    """
    global _default_opener
    seconds = resolve_timeout(timeout)
    url = request if isinstance(request, str) else request.full_url
    if opener is None:
        if _default_opener is None:
            _default_opener = deadline_opener()
        opener = _default_opener
    where = _where(url)
    if _in_process_app(url) is not None:
        # answered by a call in this thread: no socket to cut, no watchdog thread to start
        return _open_and_read(opener, request, seconds, limit)
    with Deadline(seconds) as deadline:
        try:
            answer = _open_and_read(opener, request, seconds, limit)
            if deadline.expired:  # cut off: what was read is not the whole answer
                raise TimeoutError
            return answer
        except (OSError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", exc)
            if deadline.passed() or isinstance(reason, TimeoutError):
                raise DeadlineError(
                    deadline_message(what, where, seconds), what, where, seconds
                ) from None
            raise


def _open_and_read(opener: urllib.request.OpenerDirector,
                   request: urllib.request.Request | str, seconds: float,
                   limit: int) -> tuple[int, Any, bytes]:
    """Status, headers and at most ``limit`` bytes of the answer (an HTTP error's too)."""
    try:
        response = opener.open(request, timeout=seconds)
    except urllib.error.HTTPError as exc:
        response = exc
    with response:
        data = response.read(limit)
    return response.status, response.headers, data
