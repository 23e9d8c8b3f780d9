"""The local Cognito served in process (local/in_process.py): no server, no thread, same answers.

Under Pyodide (the browser edition) a process can neither listen on a port nor start a
thread, so LocalCognito answers its requests by a WSGI call of the fidelity layer.
Here that mode is forced on CPython, with sockets and new threads made to fail, and
the lessons' flows (tests/in_process_flows.py) must answer as over HTTP.
"""

from __future__ import annotations

import socket
import sys
import threading
import urllib.request

import pytest
from botocore.exceptions import ClientError
from in_process_flows import code_flow, run_flows

import cognito_helpers as ch
from cognito_helpers.exceptions import InvalidInputError, LocalCognitoError
from cognito_helpers.hashing import secret_hash
from cognito_helpers.local import LocalCognito
from cognito_helpers.local.in_process import IN_PROCESS_ENV, app_for, in_process_default


@pytest.fixture
def no_network_no_threads(monkeypatch):
    """What Pyodide cannot do, made to fail: open a connection, start a thread."""

    def refused(*args, **kwargs):
        raise AssertionError("the in-process local Cognito opened a connection")

    def no_thread(self, *args, **kwargs):
        raise RuntimeError("can't start new thread (as under Pyodide)")

    monkeypatch.setattr(socket, "create_connection", refused)
    monkeypatch.setattr(socket.socket, "connect", refused)
    monkeypatch.setattr(threading.Thread, "start", no_thread)


def test_the_lessons_flows_answer_in_process(no_network_no_threads):
    result = run_flows()
    assert result["wrong_hash"][0] == "NotAuthorizedException"
    assert result["endpoint_url"] == "http://local-cognito.localhost"
    assert result["issuer"].startswith("http://local-cognito.localhost/us-east-1_")


def test_in_process_is_chosen_by_the_environment_or_pyodide(monkeypatch):
    monkeypatch.delenv(IN_PROCESS_ENV, raising=False)
    assert in_process_default() is (sys.platform == "emscripten")
    assert in_process_default({IN_PROCESS_ENV: "1"}) is True
    assert in_process_default({IN_PROCESS_ENV: "0"}) is False
    monkeypatch.setattr(sys, "platform", "emscripten")
    assert in_process_default({}) is True
    assert LocalCognito().in_process is True
    assert LocalCognito(in_process=False).in_process is False
    with pytest.raises(InvalidInputError, match=IN_PROCESS_ENV):
        in_process_default({IN_PROCESS_ENV: "maybe"})


def test_no_port_and_no_remote_in_process():
    with pytest.raises(InvalidInputError, match="in_process"):
        LocalCognito(in_process=True, port=9229)
    with LocalCognito(in_process=True) as lc:
        with pytest.raises(LocalCognitoError, match="no port"):
            _ = lc.port
        assert "in process" in repr(lc)


def test_two_instances_keep_their_own_urls_and_pools(no_network_no_threads):
    with LocalCognito(in_process=True) as a, LocalCognito(in_process=True) as b:
        assert a.endpoint_url != b.endpoint_url
        pool = a.demo().user_pool_id
        with pytest.raises(ClientError) as info:
            b.client().describe_user_pool(UserPoolId=pool)
        assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"
        url = b.endpoint_url
    # stopped: its URL is answered by no one, and its state is gone
    assert app_for(url) is None and not b.running


def test_aws_issuer_in_process(no_network_no_threads):
    with LocalCognito(in_process=True, aws_issuer=True) as lc:
        demo = lc.demo()
        cip = lc.client()
        tokens = cip.initiate_auth(
            ClientId=demo.client_id, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": demo.username, "PASSWORD": demo.password,
                            "SECRET_HASH": secret_hash(demo.username, demo.client_id,
                                                       demo.client_secret)},
        )["AuthenticationResult"]
        assert ch.peek_token(tokens["IdToken"]).claims["iss"] == ch.expected_issuer(
            demo.region, demo.user_pool_id)
        ch.verify_for_target(tokens["IdToken"], ch.Target.from_demo(demo), token_use="id")


def test_a_stopped_in_process_endpoint_is_not_reached_over_the_network():
    lc = LocalCognito(in_process=True).start()
    url = f"{lc.endpoint_url}/{'us-east-1_AbCdEf123'}/.well-known/jwks.json"
    status, _headers, body = ch.deadline.fetch(url, what="GET of the JWKS", timeout=5)
    assert (status, b"ResourceNotFoundException" in body) == (400, True)  # answered by the layer
    lc.stop()
    assert app_for(url) is None


def test_plain_urllib_never_sees_the_in_process_url():
    """Only the package's own doors lead there; a program's own urllib goes to the network
    (and fails), so nothing reaches the lab's pools by accident."""
    with LocalCognito(in_process=True) as lc:
        handlers = [h for h in urllib.request.build_opener().handlers
                    if type(h).__module__.startswith("cognito_helpers")]
        assert handlers == []
        assert app_for(lc.endpoint_url + "/") is not None
        assert app_for("http://127.0.0.1:9/") is None
        assert app_for("https://local-cognito.localhost/") is None


def test_lesson_11_code_flow_with_pkce_in_process(no_network_no_threads):
    """The managed login as lesson 11 drives it: authorize, the sign-in page (its form,
    its cookie, its redirects), the token endpoint; all by the urllib door."""
    with LocalCognito(in_process=True) as lc:
        demo = lc.demo()
        wrong, _ = code_flow(demo, "not-the-password-1A!")
        assert wrong.code is None
        page, answer = code_flow(demo)
        assert page.code and page.state == "st-1"
        assert answer.status == 200, answer
        ch.verify_for_target(answer.body["id_token"], ch.Target.from_demo(demo), token_use="id")
        info = ch.oauth_get(demo.oauth_urls()["userinfo"], bearer=answer.body["access_token"])
        assert info.status == 200 and info.body["email"] == demo.email


def test_what_serves_other_programs_always_listens(monkeypatch):
    """`python -m cognito_helpers local` and the inspecting proxy are for other programs:
    a server on loopback, even where in process is the default."""
    from cognito_helpers.diagnosis.proxy import InspectingProxy

    monkeypatch.setenv(IN_PROCESS_ENV, "1")
    proxy = InspectingProxy().start()
    try:
        assert proxy.local is not None and not proxy.local.in_process
        assert proxy.local.endpoint_url.startswith("http://127.0.0.1:")
    finally:
        proxy.stop()
    import inspect

    from cognito_helpers.local import console

    assert "in_process=False" in inspect.getsource(console.serve_forever)


def test_environ_is_what_a_server_would_build():
    from cognito_helpers.local.in_process import _environ

    env = _environ("post", "http://local-cognito.localhost/a%20b/%C3%A9?x=1&y=%2F",
                   [("Content-Type", "application/json"), ("X-Amz-Target", b"A.B"),
                    ("Content-Length", "999"), ("Host", "evil.example")], b"{}")
    assert env["REQUEST_METHOD"] == "POST"
    assert env["PATH_INFO"] == "/a b/\u00c3\u00a9"  # PEP 3333: the bytes, as latin-1 text
    assert env["QUERY_STRING"] == "x=1&y=%2F"
    assert env["CONTENT_TYPE"] == "application/json" and env["HTTP_X_AMZ_TARGET"] == "A.B"
    assert env["CONTENT_LENGTH"] == "2"  # the body's, not a header's claim
    assert env["HTTP_HOST"] == "local-cognito.localhost"  # the URL's host, as a server sees
    assert env["wsgi.input"].read() == b"{}"
