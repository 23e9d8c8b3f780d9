"""The proxy under load and against bad upstreams (issue 12, items 5, 10, 16)."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler

import pytest
from wire import loopback_server

from cognito_helpers.diagnosis.proxy import InspectingProxy

TARGET = "AWSCognitoIdentityProviderService."


class _Upstream:
    """A loopback upstream that is silent, or echoes an access token in its error."""

    def __init__(self, kind: str) -> None:
        stop = self.stop = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if kind == "silent":
                    stop.wait(20)
                    return
                token = "eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0." + "eyJzdWIiOiJhYmMiLCJ1c2VybmFtZSI6ImFsaWNlIn0" * 8
                body = json.dumps({"__type": "NotAuthorizedException",
                                   "message": f"Invalid token {token}.sig"}).encode()
                self.send_response(400)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._serving = loopback_server(Handler)
        self.url = self._serving.__enter__().url

    def close(self) -> None:
        self.stop.set()
        self._serving.__exit__(None, None, None)


def _call(url: str, timeout: float = 30) -> int:
    import http.client
    from urllib.parse import urlparse

    u = urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    try:
        conn.request("POST", "/", body=b'{"ClientId": "abc", "AuthFlow": "USER_PASSWORD_AUTH", '
                     b'"AuthParameters": {"USERNAME": "alice", "PASSWORD": "x"}}',
                     headers={"X-Amz-Target": TARGET + "InitiateAuth",
                              "Content-Type": "application/x-amz-json-1.1"})
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


def test_parallel_calls_to_a_silent_upstream_finish_in_parallel_at_the_deadline():
    up = _Upstream("silent")
    try:
        with InspectingProxy(upstream=up.url, on_verdict=lambda v: None, timeout=2) as p:
            results: list[int] = []
            started = time.monotonic()
            threads = [threading.Thread(target=lambda: results.append(_call(p.endpoint_url)))
                       for _ in range(3)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            elapsed = time.monotonic() - started
    finally:
        up.close()
    assert results == [502, 502, 502]
    assert elapsed < 6, elapsed  # not 2 + 2 + 2 s one after another, not 30 s each


def test_a_burst_of_500_connections_gets_no_reset(capfd):
    with InspectingProxy(on_verdict=lambda v: None) as p:
        port = int(p.endpoint_url.rsplit(":", 1)[1])
        socks = []
        try:
            for _ in range(500):
                s = socket.create_connection(("127.0.0.1", port), timeout=30)
                socks.append(s)
            for s in socks:
                s.sendall(b"GET /nothing HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            answered = 0
            for s in socks:
                try:
                    if s.recv(12).startswith(b"HTTP/1."):
                        answered += 1
                except ConnectionResetError:
                    pass
        finally:
            for s in socks:
                s.close()
    assert answered == 500
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err


def test_no_token_material_in_the_verdict():
    up = _Upstream("echo")
    seen = []
    try:
        with InspectingProxy(upstream=up.url, on_verdict=seen.append, timeout=5) as p:
            _call(p.endpoint_url)
    finally:
        up.close()
    (v,) = seen
    text = "\n".join(v.lines()) + json.dumps(v.to_dict())
    assert "eyJzdWIiOiJhYmMi" not in text  # no claims, not even cut at 300 characters
    assert "eyJraWQiOiJrMSIs" not in text


def test_unknown_methods_and_a_rebound_host_are_answered_in_json():
    with InspectingProxy(on_verdict=lambda v: None) as p:
        port = int(p.endpoint_url.rsplit(":", 1)[1])
        for request, status in (
            (b"BREW / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", None),
            (b"POST / HTTP/1.1\r\nHost: evil.example\r\nContent-Length: 2\r\n"
             b"Connection: close\r\n\r\n{}", 403),
            (b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n", 414),
        ):
            with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
                s.sendall(request)
                data = b""
                while chunk := s.recv(65536):
                    data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            assert b"text/html" not in head and b"<html" not in body.lower()
            if status is not None:
                assert head.split()[1] == str(status).encode()
            json.loads(body)


def test_chunked_bodies_are_read_by_the_proxy():
    with InspectingProxy(on_verdict=lambda v: None) as p:
        demo = p.local.demo()
        port = int(p.endpoint_url.rsplit(":", 1)[1])
        body = json.dumps({"ClientId": demo.public_client_id, "AuthFlow": "USER_PASSWORD_AUTH",
                           "AuthParameters": {"USERNAME": demo.username,
                                              "PASSWORD": demo.password}}).encode()
        chunked = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 9]), body[i:i + 9])
                           for i in range(0, len(body), 9)) + b"0\r\n\r\n"
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            s.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: " + TARGET.encode()
                      + b"InitiateAuth\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                      + chunked)
            data = b""
            while chunk := s.recv(65536):
                data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    assert head.split()[1] == b"200", data[:300]
    assert b"AuthenticationResult" in rest


@pytest.mark.parametrize("host", ["0.0.0.0", ""])  # noqa: S104 - refused
def test_proxy_refuses_every_interface_without_allow_remote(host):
    from cognito_helpers import InvalidInputError

    with pytest.raises(InvalidInputError, match="--allow-remote"):
        InspectingProxy(host=host)
