"""The inspecting proxy's wire: its clients' connections, and its own to the upstream.

:mod:`.proxy` judges and learns; this module moves the bytes. Towards the
app, the proxy speaks HTTP/1.1 with persistent connections as the local
Cognito does (:class:`~cognito_helpers.local.keepalive.PersistentConnections`:
every answer has an exact ``Content-Length``, its refusals included; a
client's ``Connection: close``, or HTTP/1.0 without keep-alive, ends the
connection after the answer; so does a refused request, whose body may be
unread). Towards the upstream, :class:`Upstream` keeps a few connections
alive between calls instead of opening one per call, and each call still
ends within its deadline (:class:`~cognito_helpers.deadline.Deadline`
watches the connection's socket, reused or new, and shuts it at expiry).
"""

from __future__ import annotations

import http.client
import logging
import re
import socket
import ssl
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlparse

from ..deadline import Deadline, _dropped, _HTTPConnection, _HTTPSConnection, _tls_context
from ..local.keepalive import BodyError, PersistentConnections, read_body
from ..loopback import host_allowed, host_header_problem

__all__ = ["MAX_BODY", "Refused", "Upstream", "UpstreamError", "make_handler", "make_server"]

_log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024
MAX_ANSWER = 16 * MAX_BODY
# Idle upstream connections kept (a thread per client connection may use one at a time).
MAX_IDLE = 32
_METHOD = re.compile(r"[A-Z][A-Z-]{0,19}")
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "host",
    "content-length",
}


class UpstreamError(Exception):
    """The upstream did not answer (in time); the text says how, without secrets."""


class Refused(Exception):
    """A request the proxy answers itself, before forwarding (status, AWS error code, text)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class Upstream:
    """Kept-alive connections to ``url``; :meth:`forward` sends one call under ``timeout``.

    ``opened`` counts the connections opened so far (tests read it).
    """

    def __init__(self, url: str, timeout: float) -> None:
        self.url = urlparse(url)
        self.timeout = timeout
        self.opened = 0
        self._idle: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()
        self._tls: ssl.SSLContext | None = None  # made once: loading the CA store takes ms

    def close(self) -> None:
        """Close the idle connections (those in use close after their call)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def _take(self, deadline: Deadline) -> tuple[http.client.HTTPConnection, bool]:
        with self._lock:
            while self._idle:
                conn = self._idle.pop()
                if conn.sock is not None and not _dropped(conn):
                    deadline.watch(conn.sock)
                    return conn, True
                conn.close()
            self.opened += 1
        conn: http.client.HTTPConnection
        if self.url.scheme == "https":
            if self._tls is None:
                self._tls = _tls_context()
            conn = _HTTPSConnection(self.url.hostname, self.url.port, timeout=deadline.left(),
                                    context=self._tls)
        else:
            conn = _HTTPConnection(self.url.hostname, self.url.port, timeout=deadline.left())
        return conn, False

    def _give_back(self, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            if len(self._idle) < MAX_IDLE:
                self._idle.append(conn)
                return
        conn.close()

    def forward(
        self, method: str, path: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """The upstream's answer (status, headers, body), or :class:`UpstreamError`."""
        out_headers = {k: v for k, v in headers if k.lower() not in HOP_BY_HOP}
        out_headers["Host"] = self.url.netloc
        out_headers["Content-Length"] = str(len(body))
        target = self.url.path.rstrip("/") + path
        deadline = Deadline(self.timeout)
        with deadline:
            for attempt in (1, 2):
                conn, reused = self._take(deadline)
                try:
                    if conn.sock is None:
                        conn.connect()  # the new socket is watched from its creation
                    conn.sock.settimeout(max(deadline.left(), 0.001))
                    conn.request(method, target, body=body, headers=out_headers)
                    resp = conn.getresponse()
                    data = resp.read(MAX_ANSWER + 1)
                    if deadline.expired:  # cut off: what was read is not the whole answer
                        raise TimeoutError
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    if (reused and attempt == 1 and not deadline.passed()
                            and isinstance(exc, (http.client.RemoteDisconnected, BrokenPipeError))):
                        # a kept-alive connection the upstream closed while idle: it got no
                        # answer out, so the call goes once more on a new connection
                        continue
                    if deadline.passed() or isinstance(exc, TimeoutError):
                        raise UpstreamError(
                            f"gave no complete answer within {self.timeout:g} s (the proxy's "
                            "deadline; --timeout sets it)"
                        ) from None
                    raise UpstreamError(
                        f"could not be reached ({exc.__class__.__name__})"
                    ) from None
                break
        if len(data) > MAX_ANSWER:
            conn.close()
            raise UpstreamError("answered more than 16 MiB")
        if resp.will_close or deadline.expired:
            conn.close()
        else:
            self._give_back(conn)
        return resp.status, resp.getheaders(), data


class _Server(ThreadingHTTPServer):
    """One thread per connection; a deep listen queue; no traceback on stderr, ever."""

    request_queue_size = 1024  # a burst of connections waits instead of being reset
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        # socketserver prints a traceback here (into the verdict stream): a client that
        # reset its connection is not news; a bug is logged for whoever turns DEBUG on.
        _log.debug("proxy: request from %s failed", client_address, exc_info=True)


class _Server6(_Server):
    address_family = socket.AF_INET6


def make_server(host: str, port: int, handler: type) -> ThreadingHTTPServer:
    """The listening server (IPv6 for an IPv6 address)."""
    server_cls = _Server6 if ":" in host else _Server
    return server_cls((host, port), handler)


def make_handler(
    handle: Callable[[str, str, list[tuple[str, str]], bytes], tuple[int, list[tuple[str, str]], bytes]],
    any_host: Callable[[], bool],
    endpoint_url: Callable[[], str],
    connections: set[Any],
    owner_only: Any = None,
) -> type[BaseHTTPRequestHandler]:
    """The request handler: every method read, checked and answered by ``handle``.

    ``connections`` holds each open client connection's socket (the proxy's
    stop() shuts them, idle kept-alive ones too). ``owner_only`` (an
    :class:`~cognito_helpers.local.peer.OwnerOnly`) refuses other Unix users'
    connections, as the local Cognito's owner_only does: else the proxy would relay
    them to a local Cognito that serves only its owner, as its owner.
    """

    class Handler(PersistentConnections, BaseHTTPRequestHandler):
        server_version = "CognitoInspectingProxy/1"
        open_connections = connections
        open_connections_lock = threading.Lock()
        owner_check = owner_only

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the verdicts are the log

        def __getattr__(self, name: str) -> Any:
            # every method is forwarded (a browser's OPTIONS preflight too), none is a 501
            if name.startswith("do_") and _METHOD.fullmatch(name[3:]):
                return self._serve
            raise AttributeError(name)

        def _serve(self) -> None:
            try:
                problem = host_header_problem(self.headers.get("Host"))
                if problem is not None:
                    raise Refused(
                        400, "InvalidParameterException",
                        f"Bad Request: {problem}. Use {endpoint_url()} as the endpoint.",
                    )
                if not host_allowed(self.headers.get("Host"), any_host=any_host()):
                    raise Refused(
                        403, "AccessDeniedException",
                        "Host header is not this proxy's loopback address; use "
                        f"{endpoint_url()} as the endpoint.",
                    )
                body = read_body(self.rfile, self.headers, MAX_BODY)
                if self.refused is not None:  # another Unix user's connection (owner_only)
                    raise Refused(403, "AccessDeniedException", self.refused)
            except BodyError as error:
                self._refuse(400, error.text, "SerializationException")
                return
            except Refused as refused:
                self._refuse(refused.status, refused.message, refused.code)
                return
            status, headers, data = handle(
                self.command, self.path, list(self.headers.items()), body
            )
            kept = [(k, v) for k, v in headers if k.lower() not in HOP_BY_HOP]
            self._answer(status, None, kept, data, self.command)

    return Handler
