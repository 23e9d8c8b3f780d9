"""The proxy's wire: keep-alive HTTP/1.1 to its clients, kept-alive connections upstream."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler

import pytest
from wire import loopback_server

from cognito_helpers.diagnosis.proxy import InspectingProxy

TARGET = "AWSCognitoIdentityProviderService."


def _request(body: bytes, *, host: str = "127.0.0.1", extra: bytes = b"",
             version: bytes = b"HTTP/1.1") -> bytes:
    return (b"POST / " + version + b"\r\nHost: " + host.encode() + b"\r\nX-Amz-Target: "
            + TARGET.encode() + b"InitiateAuth\r\nContent-Type: application/x-amz-json-1.1\r\n"
            + extra + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


def _read_answer(f) -> tuple[int, dict[str, str], bytes]:
    """One answer from a socket file, framed by its Content-Length (as a client must)."""
    status = int(f.readline().split()[1])
    headers = {}
    while (line := f.readline()) not in (b"\r\n", b""):
        key, _, value = line.decode().partition(":")
        headers[key.strip().lower()] = value.strip()
    return status, headers, f.read(int(headers["content-length"]))


def _sign_in(demo) -> bytes:
    return json.dumps({"ClientId": demo.public_client_id, "AuthFlow": "USER_PASSWORD_AUTH",
                       "AuthParameters": {"USERNAME": demo.username,
                                          "PASSWORD": demo.password}}).encode()


@pytest.fixture(scope="module")
def proxy():
    with InspectingProxy(on_verdict=lambda v: None) as p:
        p.demo = p.local.demo()
        p.port = int(p.endpoint_url.rsplit(":", 1)[1])
        yield p


def test_many_calls_on_one_client_connection_and_one_upstream_connection(proxy):
    opened = proxy._wire.opened
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=30) as s:
        f = s.makefile("rb")
        for _ in range(20):
            s.sendall(_request(_sign_in(proxy.demo)))
            status, headers, body = _read_answer(f)
            assert status == 200, body[:200]
            assert "AuthenticationResult" in json.loads(body)
            assert headers.get("connection", "").lower() != "close"
    # one call at a time: the upstream connection of the first call served all 20
    assert proxy._wire.opened - opened <= 1


def test_connection_close_is_honoured(proxy):
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=30) as s:
        s.sendall(_request(_sign_in(proxy.demo), extra=b"Connection: close\r\n"))
        f = s.makefile("rb")
        status, headers, _ = _read_answer(f)
        assert status == 200 and headers["connection"].lower() == "close"
        assert f.read() == b""  # and the proxy closed the connection after the answer


def test_http_1_0_without_keep_alive_gets_one_answer_then_the_end(proxy):
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=30) as s:
        s.sendall(_request(_sign_in(proxy.demo), version=b"HTTP/1.0"))
        f = s.makefile("rb")
        status, _, body = _read_answer(f)
        assert status == 200 and b"AuthenticationResult" in body
        assert f.read() == b""


def test_a_refusal_has_an_exact_body_and_ends_the_connection(proxy):
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=30) as s:
        s.sendall(_request(b"{}", host="evil.example"))
        f = s.makefile("rb")
        status, headers, body = _read_answer(f)
        assert status == 403 and headers["connection"].lower() == "close"
        assert json.loads(body)["__type"] == "AccessDeniedException"
        assert f.read() == b""


def test_a_cognito_error_keeps_the_connection(proxy):
    bad = json.dumps({"ClientId": proxy.demo.public_client_id, "AuthFlow": "USER_PASSWORD_AUTH",
                      "AuthParameters": {"USERNAME": proxy.demo.username,
                                         "PASSWORD": "not-the-password-1A!"}}).encode()
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=30) as s:
        f = s.makefile("rb")
        s.sendall(_request(bad))
        status, _, body = _read_answer(f)
        assert status == 400 and json.loads(body)["__type"] == "NotAuthorizedException"
        s.sendall(_request(_sign_in(proxy.demo)))
        assert _read_answer(f)[0] == 200  # the next call on the same connection


class _Upstream:
    """An HTTP/1.1 upstream that counts its connections; ``silent_after`` calls it stops answering."""

    def __init__(self, silent_after: int | None = None) -> None:
        self.connections = 0
        self.calls = 0
        stop = self.stop = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def setup(self):
                super().setup()
                outer.connections += 1

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                outer.calls += 1
                if silent_after is not None and outer.calls > silent_after:
                    stop.wait(20)
                    self.close_connection = True
                    return
                body = b'{"__type": "NotAuthorizedException", "message": "Incorrect."}'
                self.send_response(400)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._serving = loopback_server(Handler)
        self.url = self._serving.__enter__().url

    def close(self) -> None:
        self.stop.set()
        self._serving.__exit__(None, None, None)


def _call(port: int) -> int:
    body = b'{"ClientId": "abc", "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {}}'
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(_request(body))
        return _read_answer(s.makefile("rb"))[0]


def test_calls_from_new_client_connections_reuse_one_upstream_connection():
    up = _Upstream()
    try:
        with InspectingProxy(upstream=up.url, on_verdict=lambda v: None, timeout=5) as p:
            port = int(p.endpoint_url.rsplit(":", 1)[1])
            assert [_call(port) for _ in range(10)] == [400] * 10
    finally:
        up.close()
    assert up.calls == 10 and up.connections == 1


def test_a_reused_upstream_connection_still_ends_at_the_deadline():
    up = _Upstream(silent_after=1)
    verdicts = []
    try:
        with InspectingProxy(upstream=up.url, on_verdict=verdicts.append, timeout=1) as p:
            port = int(p.endpoint_url.rsplit(":", 1)[1])
            assert _call(port) == 400
            assert _call(port) == 502  # on the kept-alive connection, silent now: cut at 1 s
            assert _call(port) == 502  # a new connection (the cut one is never reused)
    finally:
        up.close()
    assert up.connections == 2
    assert "within 1 s" in verdicts[1].answer


def test_stop_ends_idle_kept_alive_client_connections():
    p = InspectingProxy(on_verdict=lambda v: None).start()
    demo = p.local.demo()
    port = int(p.endpoint_url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(_request(_sign_in(demo)))
        f = s.makefile("rb")
        assert _read_answer(f)[0] == 200
        p.stop()
        with contextlib.suppress(ConnectionResetError):
            assert f.read() == b""  # closed by stop(), not left to its 30 s idle timeout


# -- issue 25 items 3 (c, d) and 4: the proxy shares the handler and the Host rules ----------


def test_a_host_that_is_no_host_name_gets_400_from_the_proxy(proxy):
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=30) as s:
        s.sendall(_request(b"{}", host=f"evil.example/.localhost:{proxy.port}"))
        f = s.makefile("rb")
        status, headers, body = _read_answer(f)
        assert status == 400 and headers["connection"].lower() == "close"
        error = json.loads(body)
        assert error["__type"] == "InvalidParameterException" and "Host header" in error["message"]


def test_an_http_0_9_request_line_gets_a_clean_400_from_the_proxy(proxy, capfd):
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=30) as s:
        s.sendall(b"GET /\r\n\r\n")
        f = s.makefile("rb")
        status, headers, body = _read_answer(f)
        assert status == 400 and headers["connection"].lower() == "close"
        assert "HTTP/0.9" in json.loads(body)["message"]
        assert f.read() == b""
    assert "Traceback" not in capfd.readouterr().err


def test_a_body_that_ends_early_gets_400_from_the_proxy(proxy):
    whole = _request(_sign_in(proxy.demo))
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=30) as s:
        s.sendall(whole[:-3])
        s.shutdown(socket.SHUT_WR)
        f = s.makefile("rb")
        status, _, body = _read_answer(f)
        assert status == 400 and json.loads(body)["message"] == "Request body ended early."
