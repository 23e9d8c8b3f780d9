"""The local Cognito as programs outside the process meet it (issue 11, items 6-8).

- HTTP/1.1 keep-alive done properly (cognito_helpers/local/keepalive.py): the
  connection stays open, every answer has a Content-Length, a request that
  follows at once is not eaten, stop() ends idle connections.
- The codes: printed by ``python -m cognito_helpers local`` as they are sent and
  served at ``GET /_local/outbox`` (cognito_helpers/local/outbox.py), which no
  web page can read; moto's x-moto-* headers never reach the caller.
- "ready" is printed once the demo pool and the env file exist.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import cognito_helpers as ch
from cognito_helpers.local import LocalCognito

REPO = Path(__file__).resolve().parent.parent
TARGET = "AWSCognitoIdentityProviderService."


@pytest.fixture(scope="module")
def lc():
    with LocalCognito() as server:
        yield server


@pytest.fixture(scope="module")
def demo(lc):
    return lc.demo()


def _call_bytes(operation: str, params: dict, host: str) -> bytes:
    body = json.dumps(params).encode()
    return (
        f"POST / HTTP/1.1\r\nHost: {host}\r\n"
        "Content-Type: application/x-amz-json-1.1\r\n"
        f"X-Amz-Target: {TARGET}{operation}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


def _read_response(f) -> tuple[int, dict[str, str], bytes]:
    status = int(f.readline().split()[1])
    headers: dict[str, str] = {}
    while (line := f.readline()) not in (b"\r\n", b""):
        key, _, value = line.decode().partition(":")
        headers[key.strip().lower()] = value.strip()
    body = f.read(int(headers["content-length"]))
    return status, headers, body


# -- keep-alive ------------------------------------------------------------------


def test_connection_is_kept_alive_across_answers_and_errors(lc, demo):
    conn = http.client.HTTPConnection("127.0.0.1", lc.port, timeout=10)
    try:
        sockets = set()
        for auth in (
            {"USERNAME": demo.username, "PASSWORD": demo.password,
             "SECRET_HASH": ch.secret_hash(demo.username, demo.client_id, demo.client_secret)},
            {"USERNAME": demo.username, "PASSWORD": demo.password, "SECRET_HASH": "d3Jvbmc="},
            {"USERNAME": demo.username, "PASSWORD": demo.password,
             "SECRET_HASH": ch.secret_hash(demo.username, demo.client_id, demo.client_secret)},
        ):
            conn.request(
                "POST", "/",
                body=json.dumps({"ClientId": demo.client_id, "AuthFlow": "USER_PASSWORD_AUTH",
                                 "AuthParameters": auth}),
                headers={"X-Amz-Target": TARGET + "InitiateAuth",
                         "Content-Type": "application/x-amz-json-1.1"},
            )
            resp = conn.getresponse()
            body = resp.read()
            assert resp.getheader("Connection") is None  # werkzeug sent "close" on every answer
            assert resp.getheader("Content-Length") == str(len(body))
            assert not resp.will_close
            sockets.add(id(conn.sock))
        assert len(sockets) == 1
    finally:
        conn.close()


def test_a_request_sent_right_after_an_answer_is_not_eaten(lc, demo):
    """werkzeug drained the socket for 10 ms after each answer: a next request there was lost."""
    params = {"ClientId": demo.client_id, "Username": "nobody", "SecretHash": "x"}
    with socket.create_connection(("127.0.0.1", lc.port), timeout=10) as sock:
        f = sock.makefile("rb")
        # two requests in one write (pipelined): both must be answered, in order
        sock.sendall(_call_bytes("ForgotPassword", params, f"127.0.0.1:{lc.port}") * 2)
        first = _read_response(f)
        second = _read_response(f)
    assert first[0] == second[0] == 400
    assert json.loads(first[2])["__type"] == json.loads(second[2])["__type"]


def test_client_asking_to_close_gets_close(lc):
    conn = http.client.HTTPConnection("127.0.0.1", lc.port, timeout=10)
    try:
        conn.request("GET", "/_local/outbox", headers={"Connection": "close"})
        resp = conn.getresponse()
        resp.read()
        assert resp.getheader("Connection") == "close"
    finally:
        conn.close()


def test_stop_ends_idle_keepalive_connections():
    server = LocalCognito().start()
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    try:
        sock.sendall(f"GET /_local/outbox HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode())
        status, _, _ = _read_response(sock.makefile("rb"))
        assert status == 200
        started = time.monotonic()
        server.stop()
        assert sock.recv(1) == b""  # the server closed the idle connection
        assert time.monotonic() - started < 5
    finally:
        sock.close()


# -- the outbox over HTTP --------------------------------------------------------


def _get(lc, path: str, headers: dict[str, str] | None = None, method: str = "GET"):
    conn = http.client.HTTPConnection("127.0.0.1", lc.port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def test_outbox_serves_the_code_a_sign_up_sent(lc, demo):
    cip = lc.client()
    name = "wire-reader"
    cip.sign_up(
        ClientId=demo.client_id, Username=name, Password=demo.password,
        SecretHash=ch.secret_hash(name, demo.client_id, demo.client_secret),
        UserAttributes=[{"Name": "email", "Value": "wire@example.com"}],
    )
    status, headers, body = _get(lc, f"/_local/outbox?username={name}")
    assert status == 200
    assert headers["content-type"] == "application/json"
    assert headers["x-content-type-options"] == "nosniff"
    assert not [h for h in headers if h.startswith("access-control-")]
    (message,) = json.loads(body)["messages"]
    assert message["kind"] == "SIGN_UP" and message["username"] == name
    assert message["code"] == lc.last_code(name)
    # the code read from outside confirms the user
    cip.confirm_sign_up(
        ClientId=demo.client_id, Username=name, ConfirmationCode=message["code"],
        SecretHash=ch.secret_hash(name, demo.client_id, demo.client_secret),
    )
    # by e-mail too, and filtered by kind
    _, _, body = _get(lc, "/_local/outbox?username=wire@example.com&kind=FORGOT_PASSWORD")
    assert json.loads(body)["messages"] == []


@pytest.mark.parametrize(
    "headers, why",
    [
        ({"Origin": "http://evil.example"}, "Origin"),
        ({"Origin": "null"}, "Origin"),
        ({"Sec-Fetch-Site": "cross-site"}, "web page"),
        ({"Host": "evil.example"}, "Host"),  # DNS rebinding: the page's own host name
        ({"Host": "127.0.0.1:1"}, "Host"),
    ],
)
def test_outbox_refuses_what_a_web_page_could_send(lc, demo, headers, why):
    status, got, body = _get(lc, "/_local/outbox", headers)
    assert status == 403
    data = json.loads(body)
    assert why in (data.get("error") or data.get("message", ""))  # the layer refuses a bad Host
    assert "code" not in body.decode().replace("codes", "")
    assert not [h for h in got if h.startswith("access-control-")]


def test_outbox_refuses_other_methods_and_allows_localhost_names(lc):
    status, headers, _ = _get(lc, "/_local/outbox", method="POST")
    assert status == 405 and headers["allow"] == "GET"
    for host in (f"localhost:{lc.port}", f"127.0.0.1:{lc.port}"):
        assert _get(lc, "/_local/outbox", {"Host": host})[0] == 200


def test_moto_private_headers_never_reach_the_caller(lc, demo):
    cip = lc.client()
    resp = cip.forgot_password(
        ClientId=demo.client_id, Username=demo.username,
        SecretHash=ch.secret_hash(demo.username, demo.client_id, demo.client_secret),
    )
    headers = resp["ResponseMetadata"]["HTTPHeaders"]
    assert not [h for h in headers if h.lower().startswith("x-moto-")]
    assert lc.last_code(demo.username)  # the code went to the outbox instead


# -- the CLI: codes printed, "ready" last ----------------------------------------


def _start(args: list[str], cwd: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "COGNITO_"))}
    return subprocess.Popen(
        [sys.executable, "-m", "cognito_helpers", *args],
        cwd=cwd, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def _stop(proc: subprocess.Popen) -> str:
    proc.send_signal(signal.SIGTERM)
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out


@pytest.mark.parametrize("command", ["local", "proxy"])
def test_ready_is_printed_once_the_demo_and_env_file_exist(tmp_path, command):
    proc = _start([command, "--demo", "--env-file", "demo.env"], tmp_path)
    seen = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line, "the command ended before it was ready: " + "".join(seen)
            seen.append(line)
            if "ready at" in line:
                # at the moment "ready" is read, what it announces exists
                text = (tmp_path / "demo.env").read_text()
                assert "COGNITO_PASSWORD=" in text and "COGNITO_CLIENT_SECRET=" in text
                break
        else:
            pytest.fail("no 'ready' line")
    finally:
        _stop(proc)


def test_local_prints_each_code_as_it_is_sent(tmp_path):
    proc = _start(["local", "--demo", "--env-file", "demo.env"], tmp_path)
    banner = []
    try:
        while "Ctrl-C stops" not in (line := proc.stdout.readline()):
            assert line
            banner.append(line)
        env = dict(
            line.split("=", 1) for line in (tmp_path / "demo.env").read_text().splitlines()
        )
        import boto3

        cip = boto3.session.Session(
            aws_access_key_id="x", aws_secret_access_key="y", region_name=env["AWS_REGION"]
        ).client("cognito-idp", endpoint_url=env["COGNITO_ENDPOINT_URL"])
        cid, secret = env["COGNITO_CLIENT_ID"], env["COGNITO_CLIENT_SECRET"]
        cip.sign_up(
            ClientId=cid, Username="printed", Password=env["COGNITO_PASSWORD"],
            SecretHash=ch.secret_hash("printed", cid, secret),
            UserAttributes=[{"Name": "email", "Value": "printed@example.com"}],
        )
        url = env["COGNITO_ENDPOINT_URL"].removeprefix("http://")
        conn = http.client.HTTPConnection(url, timeout=10)
        conn.request("GET", "/_local/outbox?username=printed")
        code = json.loads(conn.getresponse().read())["messages"][0]["code"]
        conn.close()
    finally:
        out = _stop(proc)
    assert f"code SIGN_UP for printed: {code} (to printed@example.com)" in out
    assert "/_local/outbox?username=NAME" in "".join(banner)


# -- issue 25 item 4: a body that ends early, an HTTP/0.9 request line -------------------


def _raw(lc, data: bytes, *, half_close: bool = False) -> bytes:
    """Send ``data`` on a new connection (then shut the sending side if asked); all read."""
    with socket.create_connection(("127.0.0.1", lc.port), timeout=10) as sock:
        sock.sendall(data)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        out = b""
        while chunk := sock.recv(65536):
            out += chunk
    return out


def _parse(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def test_a_body_that_ends_before_its_content_length_gets_400_and_the_close(lc, demo):
    whole = _call_bytes("InitiateAuth", {"ClientId": demo.public_client_id}, f"127.0.0.1:{lc.port}")
    head, _, body = whole.partition(b"\r\n\r\n")
    raw = _raw(lc, head + b"\r\n\r\n" + body[:-5], half_close=True)  # 5 bytes never come
    assert raw, "no answer: the server closed without a word"
    status, headers, answer = _parse(raw)
    assert status == 400 and headers["connection"] == "close"
    assert int(headers["content-length"]) == len(answer)
    assert json.loads(answer) == {"__type": "SerializationException",
                                  "message": "Request body ended early."}


def test_a_chunked_body_that_ends_early_gets_400_too(lc):
    raw = _raw(lc, (f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{lc.port}\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n10\r\nshort").encode(), half_close=True)
    status, _, answer = _parse(raw)
    assert status == 400 and json.loads(answer)["message"] == "Chunked request body ended early."


@pytest.mark.parametrize("line", [b"GET /\r\n\r\n", b"GET /\r\n", b"GET /_local/outbox\r\n\r\n"])
def test_an_http_0_9_request_line_gets_a_clean_400_and_no_traceback(lc, demo, line, capfd):
    raw = _raw(lc, line, half_close=True)
    status, headers, answer = _parse(raw)
    assert raw.startswith(b"HTTP/1.1 400 ") and status == 400  # a status line, not 0.9 bare
    assert headers["connection"] == "close" and int(headers["content-length"]) == len(answer)
    assert "HTTP/0.9" in json.loads(answer)["message"]
    time.sleep(0.1)  # the handler thread has finished with the connection
    err = capfd.readouterr().err
    assert "Traceback" not in err and "_headers_buffer" not in err
    # and the server still serves
    assert lc.client().list_user_pools(MaxResults=1)["ResponseMetadata"]["HTTPStatusCode"] == 200


@pytest.mark.parametrize("host", ["evil.example/.localhost", "a b.localhost", "x_y.localhost",
                                  "-a.localhost", "évil.localhost", "[::1", "[not-v6]"])
def test_a_host_header_that_is_not_a_host_name_is_400(lc, host):
    raw = _raw(lc, (f"POST / HTTP/1.1\r\nHost: {host}:{lc.port}\r\nContent-Length: 2\r\n"
                    f"X-Amz-Target: {TARGET}ListUserPools\r\nConnection: close\r\n\r\n{{}}")
               .encode())
    status, _, answer = _parse(raw)
    error = json.loads(answer)
    assert status == 400 and error["__type"] == "InvalidParameterException", error
    assert "Host header" in error["message"] and f"127.0.0.1:{lc.port}" in error["message"]


@pytest.mark.parametrize(("host", "status"), [("app.localhost", 200), ("localhost.", 200),
                                              ("evil.example", 403), ("[::1]", 200),
                                              ("127.0.0.1", 200), ("0.0.0.0", 403)])  # noqa: S104
def test_real_host_names_still_pass_or_get_the_rebinding_403(lc, demo, host, status):
    raw = _raw(lc, (f"GET /{demo.user_pool_id}/.well-known/jwks.json HTTP/1.1\r\n"
                    f"Host: {host}:{lc.port}\r\nConnection: close\r\n\r\n").encode())
    got, _, answer = _parse(raw)
    assert got == status, answer
    if status == 200:
        assert len(json.loads(answer)["keys"]) == 2
