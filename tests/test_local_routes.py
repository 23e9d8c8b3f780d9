"""The local Cognito answers an allowlist of routes, and a web page can do no more than on AWS.

Issue 12, item 3: moto's query-string dispatch (``GET /?Action=...``) reset
passwords from any page, CORS echoed any Origin, the Host header was not
checked (DNS rebinding), and ``&MaxResults=10`` gave a 500 with a traceback.
Item 16: 414/431 answers were HTML, chunked bodies were read as empty.
Item 7: bodies are refused by their declared length before being read.
"""

from __future__ import annotations

import json
import socket
import time
from urllib.parse import urlparse

import pytest
from botocore.exceptions import ClientError
from wire import DUMMY_SIGV4

from cognito_helpers import secret_hash
from cognito_helpers.local.routes import ROUTES

TARGET = "AWSCognitoIdentityProviderService."
JSON_TYPE = "application/x-amz-json-1.1"
EVIL = "https://evil.example"


def raw_request(url: str, request: bytes, *, timeout: float = 10) -> tuple[int, dict, bytes]:
    """Send bytes as they are; (status, headers lower-cased, body)."""
    u = urlparse(url)
    with socket.create_connection((u.hostname, u.port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            try:
                data = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not data:
                break
            chunks.append(data)
    raw = b"".join(chunks)
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    if headers.get("transfer-encoding") == "chunked":
        out, rest = b"", body
        while rest:
            size, _, rest = rest.partition(b"\r\n")
            n = int(size, 16)
            if n == 0:
                break
            out, rest = out + rest[:n], rest[n + 2 :]
        body = out
    return status, headers, body


def request(
    lc, method: str, path: str, *, headers: dict[str, str] | None = None, body: bytes = b"",
    host: str | None = None,
) -> tuple[int, dict, bytes]:
    u = urlparse(lc.endpoint_url)
    h = {"Host": host if host is not None else u.netloc, "Content-Length": str(len(body)),
         "Connection": "close"}  # the server keeps connections alive; raw_request reads to EOF
    h.update(headers or {})
    head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items())
    return raw_request(lc.endpoint_url, head.encode("latin-1") + b"\r\n" + body)


def cognito_call(lc, operation: str, params: dict, *, signed: bool | None = None,
                 headers: dict[str, str] | None = None, host: str | None = None):
    h = {"Content-Type": JSON_TYPE, "X-Amz-Target": TARGET + operation}
    if signed:
        h["Authorization"] = DUMMY_SIGV4
    h.update(headers or {})
    status, resp_headers, body = request(
        lc, "POST", "/", headers=h, body=json.dumps(params).encode(), host=host
    )
    return status, resp_headers, json.loads(body or b"{}")


def aws_error(status: int, body: bytes | dict, code: str | None = None) -> dict:
    data = body if isinstance(body, dict) else json.loads(body)
    assert 400 <= status < 500, (status, data)
    assert set(data) == {"__type", "message"}, data
    assert "Traceback" not in data["message"] and "<html" not in data["message"].lower()
    if code:
        assert data["__type"] == code, data
    return data


def signs_in(lc, demo, password: str | None = None) -> bool:
    try:
        lc.client().initiate_auth(
            ClientId=demo.client_id, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": demo.username, "PASSWORD": password or demo.password,
                            "SECRET_HASH": secret_hash(demo.username, demo.client_id,
                                                       demo.client_secret)})
        return True
    except ClientError:
        return False


# -- moto's query-string dispatch never runs ----------------------------------------


def test_a_get_with_action_cannot_reset_a_password(local_cognito, demo):
    path = (f"/?Action=AdminSetUserPassword&UserPoolId={demo.user_pool_id}"
            f"&Username={demo.username}&Password=Pwned-by-a-page-1!&Permanent=true")
    status, headers, body = request(local_cognito, "GET", path, headers={"Origin": EVIL})
    aws_error(status, body)
    assert headers["content-type"] == JSON_TYPE
    assert signs_in(local_cognito, demo)  # the old password still works
    assert not signs_in(local_cognito, demo, "Pwned-by-a-page-1!")


@pytest.mark.parametrize("query", ["Action=ListUserPools", "Action=ListUserPools&MaxResults=10",
                                   "Action=ListUserPools&MaxResults=10&Version=2016-04-18"])
def test_query_string_actions_get_an_aws_error_not_pools_or_a_traceback(
        local_cognito, demo, query):
    for method in ("GET", "POST"):
        status, _, body = request(local_cognito, method, f"/?{query}")
        aws_error(status, body)
        assert demo.user_pool_id.encode() not in body


def test_a_form_post_with_action_is_refused(local_cognito, demo):
    form = (f"Action=AdminSetUserPassword&UserPoolId={demo.user_pool_id}&Username="
            f"{demo.username}&Password=Pwned-by-a-page-1!&Permanent=true").encode()
    status, _, body = request(local_cognito, "POST", "/", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Origin": EVIL})
    aws_error(status, body, "UnknownOperationException")
    assert signs_in(local_cognito, demo)


@pytest.mark.parametrize("method,path,status", [
    ("GET", "/", 405), ("PUT", "/", 405), ("DELETE", "/", 405), ("PATCH", "/", 405),
    ("GET", "/moto-api/", 404), ("POST", "/moto-api/reset", 404), ("GET", "/favicon.ico", 404),
    ("GET", "/us-east-1_x/.well-known/other.json", 404), ("BREW", "/", 405),
    ("GET", "/latest/meta-data/", 404),
])
def test_only_the_route_table_is_answered(local_cognito, method, path, status):
    got, headers, body = request(local_cognito, method, path)
    assert got == status
    aws_error(got, body)
    if status == 405:
        assert headers["allow"] == "POST"


def test_the_route_table_is_the_documented_one():
    assert [(r.methods, r.handler) for r in ROUTES][:3] == [
        (("POST",), "_serve_json_protocol"),
        (("GET",), "_serve_well_known"),
        (("*",), "_serve_oauth"),  # discovery, answered by local/oauth/
    ]
    assert all(r.doc for r in ROUTES)


def test_moto_reset_endpoint_does_not_wipe_pools(local_cognito, demo):
    request(local_cognito, "POST", "/moto-api/reset")
    assert signs_in(local_cognito, demo)


# -- CORS: what AWS allows a page, no more -----------------------------------------


def test_preflight_answers_any_origin_with_a_star_never_an_echo(local_cognito):
    status, headers, _ = request(local_cognito, "OPTIONS", "/", headers={
        "Origin": EVIL, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-amz-target,x-amz-user-agent"})
    assert status == 204
    assert headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in headers
    assert "x-amz-target" in headers["access-control-allow-headers"]
    assert EVIL not in json.dumps(headers)


def test_preflight_for_other_methods_or_headers_is_refused(local_cognito):
    status, headers, body = request(local_cognito, "OPTIONS", "/", headers={
        "Origin": EVIL, "Access-Control-Request-Method": "PUT"})
    aws_error(status, body, "AccessDeniedException")
    assert "access-control-allow-origin" not in headers
    status, _, body = request(local_cognito, "OPTIONS", "/", headers={
        "Origin": EVIL, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-moto-account-id"})
    aws_error(status, body, "AccessDeniedException")


def test_a_page_can_sign_in_as_on_aws(local_cognito, demo):
    status, headers, data = cognito_call(local_cognito, "InitiateAuth", {
        "ClientId": demo.client_id, "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": demo.username, "PASSWORD": demo.password,
                           "SECRET_HASH": secret_hash(demo.username, demo.client_id,
                                                      demo.client_secret)}},
        headers={"Origin": EVIL})
    assert status == 200 and data["AuthenticationResult"]["AccessToken"]
    assert headers["access-control-allow-origin"] == "*"
    assert EVIL not in json.dumps(headers)


def test_jwks_is_readable_by_pages_with_a_star(local_cognito, demo):
    status, headers, body = request(
        local_cognito, "GET", f"/{demo.user_pool_id}/.well-known/jwks.json",
        headers={"Origin": EVIL})
    assert status == 200 and "keys" in json.loads(body)
    assert headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize("browser_header", [{"Origin": EVIL}, {"Origin": "null"},
                                            {"Sec-Fetch-Site": "cross-site"},
                                            {"Origin": "http://127.0.0.1:1", "Sec-Fetch-Site": "same-site"}])
def test_signed_calls_from_a_page_are_refused_even_with_the_dummy_credentials(
        local_cognito, demo, browser_header):
    status, _, data = cognito_call(local_cognito, "AdminSetUserPassword", {
        "UserPoolId": demo.user_pool_id, "Username": demo.username,
        "Password": "Pwned-by-a-page-1!", "Permanent": True}, signed=True, headers=browser_header)
    assert aws_error(status, data, "UnrecognizedClientException")
    assert signs_in(local_cognito, demo)
    status, _, data = cognito_call(local_cognito, "ListUserPools", {"MaxResults": 10},
                                   signed=True, headers=browser_header)
    aws_error(status, data, "UnrecognizedClientException")


def test_unsigned_signed_calls_are_refused_as_on_aws(local_cognito, demo):
    status, _, data = cognito_call(local_cognito, "DescribeUserPoolClient", {
        "UserPoolId": demo.user_pool_id, "ClientId": demo.client_id}, signed=False)
    aws_error(status, data, "MissingAuthenticationTokenException")
    assert demo.client_secret not in json.dumps(data)
    # the same call signed (any signature: nothing to check it against) works
    status, _, data = cognito_call(local_cognito, "DescribeUserPoolClient", {
        "UserPoolId": demo.user_pool_id, "ClientId": demo.client_id}, signed=True)
    assert status == 200 and data["UserPoolClient"]["ClientId"] == demo.client_id


def test_sdks_still_make_signed_calls(local_cognito, demo):
    cip = local_cognito.client()
    assert cip.describe_user_pool_client(
        UserPoolId=demo.user_pool_id, ClientId=demo.client_id)["UserPoolClient"]["ClientSecret"]


# -- Host header: DNS rebinding ----------------------------------------------------------


def test_a_rebound_host_name_is_refused(local_cognito, demo):
    port = local_cognito.port
    for host in (f"evil.example:{port}", f"127.0.0.1.evil.example:{port}", "evil.example",
                 "10.0.0.5:80"):
        status, _, data = cognito_call(local_cognito, "InitiateAuth", {
            "ClientId": demo.client_id, "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": demo.username, "PASSWORD": demo.password}},
            host=host)
        assert status == 403, host
        aws_error(status, data, "AccessDeniedException")
        status, _, _ = request(local_cognito, "GET",
                               f"/{demo.user_pool_id}/.well-known/jwks.json", host=host)
        assert status == 403, host


def test_a_host_header_that_is_no_host_name_is_a_400(local_cognito, demo):
    # issue 25 item 3 (c, d): evil.example/.localhost ends in .localhost, but is no name
    port = local_cognito.port
    for host in (f"localhost:{port}x", "", f"[::1]x:{port}", f"::1:{port}",
                 f"evil.example/.localhost:{port}", f"evil.example?.localhost:{port}",
                 f"evil.example#.localhost:{port}", f"a..localhost:{port}"):
        status, _, data = cognito_call(local_cognito, "InitiateAuth", {
            "ClientId": demo.client_id, "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": demo.username, "PASSWORD": demo.password}},
            host=host)
        assert status == 400, host
        aws_error(status, data, "InvalidParameterException")
        assert "Host header" in data["message"], data
        status, _, _ = request(local_cognito, "GET",
                               f"/{demo.user_pool_id}/.well-known/openid-configuration",
                               host=host)
        assert status == 400, host


def test_the_host_names_sdks_send_are_answered(local_cognito, demo):
    port = local_cognito.port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LocalHost:{port}", f"[::1]:{port}",
                 f"localhost.:{port}", f"127.0.0.2:{port}", "127.0.0.1", f"127.0.0.1:{port + 1}"):
        status, _, body = request(local_cognito, "GET",
                                  f"/{demo.user_pool_id}/.well-known/jwks.json", host=host)
        assert status == 200, (host, body)


# -- transport: lengths, chunked bodies, http.server's own refusals ------------------------


def test_a_huge_declared_body_is_refused_before_it_is_sent(local_cognito, demo):
    form = "application/x-www-form-urlencoded"
    for method, path, ctype in (
        ("POST", "/", JSON_TYPE), ("GET", f"/{demo.user_pool_id}/.well-known/jwks.json", JSON_TYPE),
        ("POST", "/?Action=ListUserPools", JSON_TYPE), ("POST", "/x", form),
        ("POST", f"/{demo.user_pool_id}/.well-known/jwks.json", form),
        ("GET", "/?Action=ListUserPools", form), ("PUT", "/", form),
    ):
        target = f"X-Amz-Target: {TARGET}InitiateAuth\r\n" if ctype == JSON_TYPE else ""
        head = (f"{method} {path} HTTP/1.1\r\nHost: {urlparse(local_cognito.endpoint_url).netloc}"
                f"\r\n{target}Content-Type: {ctype}\r\nConnection: close\r\n"
                "Content-Length: 104857600\r\n\r\n").encode()
        started = time.monotonic()
        status, _, body = raw_request(local_cognito.endpoint_url, head + b"{", timeout=10)
        assert time.monotonic() - started < 5  # answered without waiting for 100 MB
        aws_error(status, body)


def _chunked(body: bytes, size: int = 7) -> bytes:
    out = b""
    for i in range(0, len(body), size):
        part = body[i : i + size]
        out += f"{len(part):x}\r\n".encode() + part + b"\r\n"
    return out + b"0\r\n\r\n"


def test_chunked_bodies_are_read(local_cognito, demo):
    params = {"ClientId": demo.client_id, "AuthFlow": "USER_PASSWORD_AUTH",
              "AuthParameters": {"USERNAME": demo.username, "PASSWORD": demo.password,
                                 "SECRET_HASH": secret_hash(demo.username, demo.client_id,
                                                            demo.client_secret)}}
    head = (f"POST / HTTP/1.1\r\nHost: {urlparse(local_cognito.endpoint_url).netloc}\r\n"
            f"X-Amz-Target: {TARGET}InitiateAuth\r\nContent-Type: {JSON_TYPE}\r\n"
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").encode()
    status, _, body = raw_request(local_cognito.endpoint_url,
                                  head + _chunked(json.dumps(params).encode()))
    assert status == 200, body
    assert json.loads(body)["AuthenticationResult"]["AccessToken"]


def test_chunked_bodies_over_the_limit_are_refused(local_cognito):
    head = (f"POST / HTTP/1.1\r\nHost: {urlparse(local_cognito.endpoint_url).netloc}\r\n"
            f"X-Amz-Target: {TARGET}InitiateAuth\r\nContent-Type: {JSON_TYPE}\r\n"
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").encode()
    big = b'{"x": "' + b"a" * (1024 * 1024 + 10) + b'"}'
    status, _, body = raw_request(local_cognito.endpoint_url, head + _chunked(big, 65536))
    aws_error(status, body, "SerializationException")


@pytest.mark.parametrize("what,request_bytes,status", [
    ("long request line", b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    ("long header line", b"GET / HTTP/1.1\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n", 431),
    ("too many headers", b"GET / HTTP/1.1\r\n" + b"X-A: b\r\n" * 120 + b"\r\n", 431),
    ("bad request line", b"GET / HTTP/1.1 extra\r\n\r\n", 400),
    ("bad version", b"GET / HTTP/9.9\r\n\r\n", 505),
])
def test_http_level_refusals_are_aws_shaped(local_cognito, what, request_bytes, status):
    got, headers, body = raw_request(local_cognito.endpoint_url, request_bytes)
    assert got == status, what
    assert headers["content-type"] == JSON_TYPE, what
    data = json.loads(body)
    assert set(data) == {"__type", "message"} and "<" not in data["message"], data
