"""Helpers for tests that speak HTTP to the local Cognito by hand (http.client, raw sockets)."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cognito_helpers.local.validation import is_unsigned

__all__ = ["DUMMY_SIGV4", "is_unsigned", "loopback_server"]

#: A SigV4 Authorization header of the shape SDKs send. The local Cognito checks
#: that signed operations carry one (as AWS does), not the signature itself.
DUMMY_SIGV4 = (
    "AWS4-HMAC-SHA256 Credential=AKIALOCALCOGNITO0000/20260101/us-east-1/cognito-idp/"
    "aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=" + "0" * 64
)


@contextmanager
def loopback_server(
    handler: type[BaseHTTPRequestHandler], *, tls: ssl.SSLContext | None = None
) -> Iterator[ThreadingHTTPServer]:
    """Serve ``handler`` on a free loopback port, in a thread, until the block ends.

    The server it yields has ``url`` (``http://127.0.0.1:<port>``, https with ``tls``).
    Handler threads are daemons: one a test left waiting never holds up the shutdown.
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    server.url = f"http{'s' if tls else ''}://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]
    # socketserver's shutdown() waits for serve_forever's next poll: 0.5 s by default, 10 ms here
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01},
                              daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
