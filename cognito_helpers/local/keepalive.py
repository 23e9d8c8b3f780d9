"""The local Cognito's HTTP/1.1 request handler: persistent connections done properly.

werkzeug's development server answers every request with ``Connection: close``
and then drains whatever is left in the socket for 10 ms before closing it
(``WSGIRequestHandler.run_wsgi``: "Always close the connection"). Python and JS
clients open a new connection per call and never notice; the AWS SDK for Go v2
lost about one call in 200-2,000, always an error answer, with "deserialization
failed, failed to copy error response body ... use of closed network
connection": the connection was torn down under the SDK while it was still
copying the error body (issue 11, item 8; reproduced with
``tests/clients/go keepalive``: 7 of 5,000 calls lost, 5,000 connections for
5,000 calls).

AWS's endpoints keep connections open (HTTP/1.1, RFC 9112 section 9.3:
persistence is the default). This handler does the same: it reads exactly the
request's ``Content-Length`` bytes (so the next request on the connection is
never eaten by a drain), answers with a ``Content-Length`` on every response,
errors included, and closes only when the client asks (``Connection: close``,
HTTP/1.0 without keep-alive), when a request body is not length-delimited, or
after :data:`IDLE_TIMEOUT` seconds without a request. A body that ends before its
``Content-Length`` (a client that half-closed), a malformed chunked body and an
HTTP/0.9 request line (``GET /``, no version) are answered 400 in Cognito's JSON
shape, then the connection is closed.

What was left after that (0-2 calls in 5,000, now a 200 answer: "deserialization
failed, failed to decode response body ... use of closed network connection") is
the Go SDK's own race, not this server's. The server closes no connection during
the run: the Go program's traces (``tests/clients/go``, ``keepalive`` mode and a
wrapped ``net.Conn`` printing the stack of every ``Close``) show every closed
connection closed by net/http's ``persistConn.writeLoop`` after a request write
that ``httptrace``'s ``WroteRequest`` reports failed with ``io.EOF``. The chain:

1. smithy-go hands net/http the request body wrapped in a "safe" reader and closes
   it as soon as ``client.Do`` returns, that is once the response *headers* are in
   (https://github.com/aws/smithy-go/pull/226, the wrapper:
   https://github.com/aws/smithy-go/pull/218).
2. net/http's ``writeLoop`` may still be inside ``Request.write`` then: after the
   last body byte it reads the body once more, to check that nothing follows
   ``Content-Length`` (``transferWriter.writeBody`` in ``net/http/transfer.go``).
   Against a server that answers within microseconds (loopback), the answer can
   overtake that last read whenever the writeLoop goroutine is descheduled
   right after its write.
3. The closed wrapper answers that read through ``WriteTo`` with ``(0, io.EOF)``;
   ``io.Copy`` hands a ``WriteTo`` error back as is, so net/http takes the EOF for a
   failed request write and closes the connection.
4. The SDK is still reading the answer. A 400 answer (about 500 bytes) was read
   whole with its headers and survives; a 200 answer with three tokens (about
   4.3 KB) is larger than the transport's 4 KiB read buffer, so its tail needs the
   socket, which is now closed: the call is lost. Otherwise only the connection
   is lost (the next call dials a new one).

Evidence, each a run of 5,000 InitiateAuth calls with ``RetryMaxAttempts=1``:
against this server, 1-19 connections closed that way and 0-2 calls lost per run;
against a plain net/http server answering InitiateAuth (``referenceServer`` in the
Go program: nothing of ours), 200-1,000 closed connections and 1-250 lost calls;
with ``GOMAXPROCS=1`` none (the race needs two threads); with smithy-go's
``WriteTo`` patched to return ``(0, nil)`` when closed, or with net/http given its
own in-memory copy of the body (``ownBody`` in the Go program), none against either
server: no lost call, one connection for 5,000 calls. Nothing a server does
correctly can avoid it, short of answering more slowly.

The same error against AWS's own endpoints is reported in
https://github.com/aws/aws-sdk-go-v2/issues/1825 and
https://github.com/aws/aws-sdk-go-v2/issues/2737; the SDK's answer was to make its
default retryer retry "use of closed network connection"
(https://github.com/aws/aws-sdk-go-v2/pull/2949), which hides the loss but sends
the call a second time although the server already executed it (harmless for
InitiateAuth; a repeated SignUp is answered ``UsernameExistsException``).
``tests/test_clients_matrix.py`` keeps the shipped SDK's loss visible (an xfail
naming this cause), asserts that every closed connection is such a failed write,
and asserts zero losses with ``ownBody``.

Why this handler and not a maintained WSGI server (issue 25, item 4): the same
layer served by waitress 3.0.2 (8 threads) and by cheroot 11.1.2 (8 threads),
against this handler, with the Go program above (``keepalive 5000``, the SDK as
shipped, 4 runs of 5,000 calls each, in alternating order on a 2-core machine
shared with other work): this handler lost 0 of 20,000 calls, opened 4
connections (one a run), saw 0 failed request writes, 388-409 calls/s; waitress
lost 14, opened 41, 37 failed writes, 343-406 calls/s; cheroot lost 8, opened
28, 24 failed writes, 326-357 calls/s. With ``own-body`` all three lost none on
one connection a run (377-423, 352-379 and 338-397 calls/s). Neither serves the
SDK better, both are slower, and both would be a new dependency: kept as is.
"""

from __future__ import annotations

import io
import json
import logging
import socket
import threading
from typing import Any

__all__ = ["IDLE_TIMEOUT", "BodyError", "PersistentConnections", "make_handler", "read_body"]

_log = logging.getLogger(__name__)
# An idle keep-alive connection is closed after this many seconds (a thread waits on it).
IDLE_TIMEOUT = 30.0
_MAX_BODY = 8 * 1024 * 1024  # the layer refuses more than 1 MiB; this bounds the read itself
_REASONS = {400: "Bad Request", 403: "Forbidden", 411: "Length Required", 500: "Internal Server Error"}


class BodyError(Exception):
    """A request body that cannot be read whole: the text says why (no body content in it).

    ``ended`` is true when the client stopped sending mid-body (it may have closed only
    its sending side and still read the answer: both servers answer 400 and close).
    """

    def __init__(self, text: str, *, ended: bool = False) -> None:
        super().__init__(text)
        self.text, self.ended = text, ended


def read_body(rfile: Any, headers: Any, limit: int) -> bytes:
    """Exactly one request's body from ``rfile``: by Content-Length, or chunked, at most ``limit``.

    On a kept-alive connection the next request starts right after it, so nothing more
    and nothing less is read; a chunked body is read to its last chunk, never taken for
    an empty one. Raises :class:`BodyError`.
    """
    if "chunked" in str(headers.get("Transfer-Encoding", "")).lower():
        parts: list[bytes] = []
        total = 0
        while True:
            line = rfile.readline(1026)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise BodyError("Malformed chunked request body.", ended=not line) from None
            if size < 0 or total + size > limit:
                raise BodyError("Request body missing or too large.")
            if size == 0:
                for _ in range(100):  # trailers, up to the blank line
                    if rfile.readline(65537) in (b"\r\n", b"\n", b""):
                        break
                return b"".join(parts)
            data = rfile.read(size)
            if len(data) != size:
                raise BodyError("Chunked request body ended early.", ended=True)
            parts.append(data)
            total += size
            rfile.readline(3)  # the CRLF after each chunk
    try:
        length = int(headers.get("Content-Length") or 0)
    except ValueError:
        length = -1
    if length < 0 or length > limit:
        raise BodyError("Request body missing or too large.")
    # (Expect: 100-continue is answered by http.server's parse_request already.)
    data = rfile.read(length) if length else b""
    if len(data) != length:
        raise BodyError("Request body ended early.", ended=True)
    return data


class PersistentConnections:
    """Mixed in before an ``http.server`` handler class: keep-alive HTTP/1.1, answered whole.

    Shared by the local Cognito's handler (:func:`make_handler`) and the inspecting
    proxy's (``cognito_helpers.diagnosis.proxy_wire``). A subclass sets
    ``open_connections`` (and ``open_connections_lock``) to a set that holds each
    connection's socket while it is served, so that a stopping server can shut them,
    idle keep-alive ones too. Each handler reads its request bodies with :func:`read_body`.
    """

    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT
    open_connections: set[Any] | None = None
    open_connections_lock: Any = None
    #: a :class:`~cognito_helpers.local.peer.OwnerOnly` (``owner_only``): decides once
    #: per connection whether its Unix user is served; ``refused`` is then the 403's
    #: text, which the subclass answers to every request once its body is read
    owner_check: Any = None
    refused: str | None = None

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        # No Nagle delay between an answer and the next one on a kept-alive connection.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.open_connections is not None:
            with self.open_connections_lock:
                self.open_connections.add(self.connection)
        if self.owner_check is not None:
            self.refused = self.owner_check.refusal(self.connection)

    def finish(self) -> None:
        if self.open_connections is not None:
            with self.open_connections_lock:
                self.open_connections.discard(self.connection)
        super().finish()

    def parse_request(self) -> bool:
        """http.server's parsing, then refuse an HTTP/0.9 request (``GET /``, no version).

        http.server takes a two-word request line for HTTP/0.9, which has neither
        headers nor a status line in its answer, so nothing of ours could be sent
        (and ``_answer`` had no header buffer). No SDK sends one: answer 400 with
        a status line and headers, as for any malformed request line, and close.
        """
        if not super().parse_request():
            return False
        if self.request_version == "HTTP/0.9":
            self.send_error(
                400, "HTTP/0.9 requests are not answered: send a request line with a version "
                "(POST / HTTP/1.1) and a Host header."
            )
            return False
        return True

    def send_error(
        self, code: int, message: str | None = None, explain: str | None = None
    ) -> None:
        # http.server's own refusals (414 URI too long, 431 headers too large, 400
        # bad request line) in Cognito's JSON shape, not an HTML page.
        from ..http_errors import send_json_error

        send_json_error(self, code, message)

    def _refuse(self, status: int, text: str, code: str = "SerializationException") -> None:
        # AWS-shaped even here (the JSON protocol's error body), then the connection ends.
        body = json.dumps({"__type": code, "message": text}).encode("utf-8")
        self.close_connection = True
        try:
            self.send_response(status, _REASONS.get(status))
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("x-amzn-ErrorType", f"{code}:")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
        except OSError:
            pass  # the client closed both ways: nobody is left to read it

    def _answer(
        self, code: int, reason: str | None, headers: list[tuple[str, str]], data: bytes,
        method: str,
    ) -> None:
        """One answer with an exact ``Content-Length``, ``Connection: close`` when closing.

        The answer's own framing headers are dropped (this connection has its own).
        """
        head_only = method == "HEAD" or code in (204, 304) or code < 200
        self.send_response(code, reason)
        for key, value in headers:
            if key.lower() in ("content-length", "connection", "transfer-encoding"):
                continue
            self.send_header(key, value)
        if not head_only or method == "HEAD":
            self.send_header("Content-Length", str(len(data)))
        if self.close_connection:
            self.send_header("Connection", "close")
        # Status line, headers and body leave in one write (one TCP segment for a
        # Cognito-sized answer): a client never sees headers whose body lags behind.
        self._headers_buffer.append(b"\r\n")
        head = b"".join(self._headers_buffer)
        self._headers_buffer = []
        self.wfile.write(head if head_only else head + data)
        self.wfile.flush()


def make_handler(
    base: type, connections: set[Any] | None = None, owner_only: Any = None
) -> type:
    """A subclass of werkzeug's ``base`` handler that serves keep-alive HTTP/1.1, quietly.

    ``connections``, when given, holds each open connection's socket while it is
    served, so that a stopping server can shut them (idle keep-alive ones too).
    ``owner_only``, when given (a :class:`~cognito_helpers.local.peer.OwnerOnly`),
    decides once per connection whether its Unix user is served; the others get a
    403 to each request.
    """

    class Handler(PersistentConnections, base):  # type: ignore[misc, valid-type]
        open_connections = connections
        open_connections_lock = threading.Lock()
        owner_check = owner_only

        def run_wsgi(self) -> None:
            try:
                body = read_body(self.rfile, self.headers, _MAX_BODY)
            except BodyError as error:
                # Ended early too (a client that half-closed still reads): 400, as the
                # inspecting proxy answers, then the connection ends.
                self._refuse(400, error.text)
                return
            if self.refused is not None:  # another Unix user's connection (owner_only)
                self._refuse(403, self.refused, "AccessDeniedException")
                return
            length = len(body)
            self.environ = environ = self.make_environ()
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(length)
            environ.pop("wsgi.input_terminated", None)  # the body is whole now
            captured: dict[str, Any] = {}

            def start_response(
                status: str, headers: list[tuple[str, str]], exc_info: Any = None
            ) -> Any:
                captured["status"], captured["headers"] = status, headers
                return lambda data: captured.setdefault("written", []).append(data)

            try:
                chunks = self.server.app(environ, start_response)
                try:
                    data = b"".join([*captured.get("written", []), *chunks])
                finally:
                    close = getattr(chunks, "close", None)
                    if close is not None:
                        close()
            except Exception:  # the layer answers its own errors; this is a last resort
                _log.warning("local Cognito: unhandled error", exc_info=True)
                self._refuse(500, "The local Cognito failed on this request; a bug in the emulator.", "InternalErrorException")
                return
            code_str, _, reason = captured["status"].partition(" ")
            self._answer(int(code_str), reason, captured["headers"], data,
                         environ["REQUEST_METHOD"])

    return Handler
