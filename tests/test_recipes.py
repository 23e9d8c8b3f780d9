"""The single-page-app recipes (recipes/) run against the local Cognito (issue 14).

* spa-backend: the stdlib backend that holds the secret signs in with the hash
  it adds, refreshes hashing the internal username from its HttpOnly cookie,
  passes Cognito's refusals through, and never lets the secret out.
* spa-public-srp: amazon-cognito-identity-js (Amplify's default, USER_SRP_AUTH)
  signs in on the public client, and is refused on the client with a secret with
  the error people meet. Needs Node.js and ``npm ci`` (``.ci/install-recipes``);
  skipped without them, unless COGNITO_LAB_REQUIRE_RECIPES is set (CI), then it fails.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import cognito_helpers as ch

ROOT = Path(__file__).resolve().parent.parent
BACKEND = ROOT / "recipes" / "spa-backend" / "server.py"
SRP_DIR = ROOT / "recipes" / "spa-public-srp"


@pytest.fixture(scope="module")
def local() -> Iterator[ch.LocalCognito]:
    with ch.LocalCognito() as lc:
        yield lc


@pytest.fixture(scope="module")
def demo(local: ch.LocalCognito) -> ch.DemoPool:
    return local.demo()


@pytest.fixture(scope="module")
def email_demo(local: ch.LocalCognito) -> ch.DemoPool:
    return local.demo(email_as_username=True)


def _env(demo: ch.DemoPool, **changes: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "COGNITO_"))}
    env.update(demo.env())
    env.update(changes)
    return env


class Backend:
    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen([sys.executable, str(BACKEND), "--port", "0"], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(x) for x in self.proc.stdout],  # type: ignore[union-attr]
                         daemon=True).start()
        try:
            self.banner = lines.get(timeout=30)
        except queue.Empty:
            self.proc.kill()
            raise AssertionError("the backend printed no banner") from None
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", self.banner)
        assert match, self.banner
        self.port = int(match.group(1))
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: object = None,
                raw: bytes | None = None) -> tuple[int, dict | str, list[str]]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Content-Type": "application/json"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        set_cookies = response.headers.get_all("Set-Cookie") or []
        for cookie in set_cookies:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";")[0]
        conn.close()
        is_json = response.headers.get("Content-Type", "").startswith("application/json")
        return response.status, json.loads(text) if is_json else text, set_cookies

    def stop(self) -> str:
        self.proc.terminate()
        try:
            _, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return self.banner + err


@pytest.fixture
def backend(demo: ch.DemoPool) -> Iterator[Backend]:
    server = Backend(_env(demo))
    yield server
    server.stop()


def test_backend_signs_in_with_the_hash_it_adds_and_refreshes(demo: ch.DemoPool) -> None:
    server = Backend(_env(demo))
    try:
        status, page, _ = server.request("GET", "/")
        assert status == 200 and "/api/signin" in page and demo.client_secret not in page
        status, data, set_cookies = server.request(
            "POST", "/api/signin", {"username": demo.username, "password": demo.password})
        assert status == 200, data
        assert isinstance(data, dict) and data["signedIn"] is True
        assert ch.peek_token(data["idToken"]).claims["aud"] == demo.client_id
        assert "RefreshToken" not in json.dumps(data) and "refresh" not in data
        assert all("HttpOnly" in c and "SameSite=Strict" in c for c in set_cookies)
        status, again, _ = server.request("POST", "/api/refresh")
        assert status == 200, again
        assert isinstance(again, dict) and again["accessToken"] != data["accessToken"]
    finally:
        log = server.stop()
    for secret in (demo.client_secret, demo.password):
        assert secret not in log
    assert "POST /api/signin" in log


def test_backend_refresh_hashes_the_internal_username(email_demo: ch.DemoPool) -> None:
    """In an e-mail-as-username pool the sign-in hashes the e-mail, the refresh the UUID."""
    assert email_demo.username != email_demo.internal_username
    server = Backend(_env(email_demo))
    try:
        status, data, _ = server.request(
            "POST", "/api/signin", {"username": email_demo.username, "password": email_demo.password})
        assert status == 200, data
        assert server.cookies["cognito_username"] == email_demo.internal_username
        assert server.request("POST", "/api/refresh")[0] == 200
        # what a backend hashing the e-mail on refresh would get
        server.cookies["cognito_username"] = email_demo.username.replace("@", "%40")
        status, data, _ = server.request("POST", "/api/refresh")
        assert status == 401 and isinstance(data, dict)
        assert data["error"] == "NotAuthorizedException"
    finally:
        server.stop()


def test_backend_passes_cognito_refusals_through(backend: Backend, demo: ch.DemoPool) -> None:
    status, data, _ = backend.request(
        "POST", "/api/signin", {"username": demo.username, "password": demo.password + "x"})
    assert (status, data) == (401, {"error": "NotAuthorizedException",
                                    "message": "Incorrect username or password."})
    assert backend.request("POST", "/api/refresh")[0] == 401  # not signed in


def test_backend_with_a_wrong_secret_gets_the_hash_error(demo: ch.DemoPool) -> None:
    server = Backend(_env(demo, COGNITO_CLIENT_SECRET="0" * 51))
    try:
        status, data, _ = server.request(
            "POST", "/api/signin", {"username": demo.username, "password": demo.password})
    finally:
        server.stop()
    assert status == 401
    assert data == {"error": "NotAuthorizedException",
                    "message": ch.aws_error("hash_mismatch").message(client_id=demo.client_id)}


@pytest.mark.parametrize(("raw", "status"), [
    (b"not json", 400), (b"[1, 2]", 400), (b'{"username": 5, "password": "x"}', 400),
    (b'{"username": "", "password": "x"}', 400), (b"x" * 20000, 413),
])
def test_backend_refuses_bad_requests(backend: Backend, raw: bytes, status: int) -> None:
    code, data, _ = backend.request("POST", "/api/signin", raw=raw)
    assert code == status and isinstance(data, dict) and data["error"]


def test_backend_refuses_to_start_without_its_settings(demo: ch.DemoPool) -> None:
    env = _env(demo)
    del env["COGNITO_CLIENT_SECRET"]
    result = subprocess.run([sys.executable, str(BACKEND), "--port", "0"], env=env,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0 and "COGNITO_CLIENT_SECRET" in result.stderr
    env = _env(demo, COGNITO_ENDPOINT_URL="file:///etc/passwd")
    result = subprocess.run([sys.executable, str(BACKEND), "--port", "0"], env=env,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0 and "http(s) URL" in result.stderr


# --- the public client with SRP (amazon-cognito-identity-js) --------------------------------


def _node_ready() -> None:
    node = shutil.which("node")
    installed = (SRP_DIR / "node_modules" / "amazon-cognito-identity-js").is_dir()
    if node and installed:
        return
    why = "node is not installed" if not node else "run .ci/install-recipes (npm ci)"
    if os.environ.get("COGNITO_LAB_REQUIRE_RECIPES"):
        pytest.fail(f"recipes/spa-public-srp cannot run: {why}", pytrace=False)
    pytest.skip(f"recipes/spa-public-srp not verified: {why}")


def _srp(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["node", "signin.mjs"], cwd=SRP_DIR, env=env, capture_output=True,
                          text=True, timeout=60)


def test_public_client_signs_in_with_srp_and_no_secret(demo: ch.DemoPool) -> None:
    _node_ready()
    env = _env(demo)
    env.pop("COGNITO_CLIENT_SECRET")  # the browser has none
    result = _srp(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == (
        f"signed in with USER_SRP_AUTH: got tokens for app client {demo.public_client_id}")


def test_srp_library_on_the_client_with_a_secret_meets_the_error(demo: ch.DemoPool) -> None:
    _node_ready()
    result = _srp(_env(demo, COGNITO_PUBLIC_CLIENT_ID=demo.client_id))
    assert result.returncode == 1
    assert result.stdout.strip() == "NotAuthorizedException: " + ch.aws_error(
        "secret_missing").message(client_id=demo.client_id)


def test_srp_wrong_password_and_missing_settings(demo: ch.DemoPool) -> None:
    _node_ready()
    result = _srp(_env(demo, COGNITO_PASSWORD=demo.password + "x"))
    assert (result.returncode, result.stdout.strip()) == (
        1, "NotAuthorizedException: Incorrect username or password.")
    env = _env(demo)
    del env["COGNITO_USERNAME"]
    result = _srp(env)
    assert result.returncode == 2 and "COGNITO_USERNAME" in result.stderr
