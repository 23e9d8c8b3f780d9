"""Other people's OAuth 2.0 clients against the standalone local Cognito.

``python -m cognito_helpers local --demo`` runs as a separate process, as an app's
developer would start it; its demo pool has a domain, a resource server and OAuth
settings out of the box. Then:

- Authlib's ``OAuth2Session`` (PyPI): client credentials with ``client_secret_basic``
  and ``client_secret_post``, and the code grant with PKCE S256 followed by userInfo:
  the OIDC flow a web app (or JupyterHub's GenericOAuthenticator) runs;
- requests-oauthlib (PyPI): client credentials through ``BackendApplicationClient``;
- npm ``openid-client``: discovery from the pool's discovery document, then client
  credentials (interop/openid-client).

Pinned in requirements-test.txt and interop/openid-client/package-lock.json
(.ci/install-oauth-clients). Skipped when missing, unless
COGNITO_LAB_REQUIRE_OAUTH_CLIENTS is set (CI), then they fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import cognito_helpers as ch

ROOT = Path(__file__).resolve().parents[1]
NODE_DIR = ROOT / "interop" / "openid-client"


def _missing(what: str) -> None:
    if os.environ.get("COGNITO_LAB_REQUIRE_OAUTH_CLIENTS"):
        pytest.fail(f"{what} is required here (COGNITO_LAB_REQUIRE_OAUTH_CLIENTS); "
                    "run .ci/install-oauth-clients and pip install -r requirements-test.txt")
    pytest.skip(f"{what} not installed")


@pytest.fixture(scope="module")
def standalone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """`python -m cognito_helpers local --demo --env-file F` in its own process."""
    env_file = tmp_path_factory.mktemp("standalone") / "demo.env"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "COGNITO_"))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cognito_helpers", "local", "--demo", "--env-file", str(env_file)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    banner = []
    try:
        deadline = time.monotonic() + 60
        assert proc.stdout is not None
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            banner.append(line)
            if line.startswith("Point your SDK"):
                break
        text = "".join(banner)
        assert "/oauth2/token" in text, text
        settings = dict(
            line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line
        )
        settings["BANNER"] = text
        yield settings
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        if proc.stdout is not None:
            proc.stdout.close()


def _discovery(settings: dict[str, str]) -> dict[str, str]:
    return ch.oauth_get(settings["COGNITO_DISCOVERY_URL"]).body


def test_banner_names_the_oauth_urls(standalone):
    banner = standalone["BANNER"]
    for path in ("/oauth2/authorize", "/oauth2/token", "/oauth2/userInfo", "/logout",
                 "openid-configuration"):
        assert path in banner
    assert standalone["COGNITO_M2M_CLIENT_SECRET"] not in banner


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
def test_authlib_client_credentials(standalone, method):
    try:
        from authlib.integrations.requests_client import OAuth2Session
    except ImportError:
        _missing("Authlib")
    doc = _discovery(standalone)
    with OAuth2Session(
        standalone["COGNITO_M2M_CLIENT_ID"], standalone["COGNITO_M2M_CLIENT_SECRET"],
        scope=standalone["COGNITO_RESOURCE_SCOPE"], token_endpoint_auth_method=method,
    ) as session:
        token = session.fetch_token(doc["token_endpoint"], grant_type="client_credentials")
    claims = ch.peek_token(token["access_token"]).claims
    assert token["token_type"] == "Bearer" and claims["scope"] == "demo-api/read"
    assert claims["client_id"] == standalone["COGNITO_M2M_CLIENT_ID"]


def test_authlib_code_grant_with_pkce_then_userinfo(standalone, monkeypatch):
    """The OIDC flow of a web app: authorize -> sign in -> token with Basic -> userInfo."""
    try:
        from authlib.integrations.requests_client import OAuth2Session
    except ImportError:
        _missing("Authlib")
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # http on loopback
    doc = _discovery(standalone)
    verifier, _ = ch.pkce_pair()
    with OAuth2Session(
        standalone["COGNITO_CLIENT_ID"], standalone["COGNITO_CLIENT_SECRET"],
        scope="openid email profile", redirect_uri=standalone["COGNITO_OAUTH_CALLBACK_URL"],
        code_challenge_method="S256", token_endpoint_auth_method="client_secret_basic",
    ) as session:
        url, state = session.create_authorization_url(
            doc["authorization_endpoint"], code_verifier=verifier, nonce="n-authlib")
        result = ch.sign_in_on_page(url, standalone["COGNITO_USERNAME"],
                                    standalone["COGNITO_PASSWORD"])
        assert result.code and result.state == state, result
        token = session.fetch_token(doc["token_endpoint"], authorization_response=result.location,
                                    code_verifier=verifier)
        info = session.get(doc["userinfo_endpoint"])
    assert {"id_token", "access_token", "refresh_token"} <= set(token)
    assert ch.peek_token(token["id_token"]).claims["nonce"] == "n-authlib"
    assert info.status_code == 200 and info.json()["username"] == standalone["COGNITO_USERNAME"]


def test_authlib_wrong_secret_is_an_oauth_error(standalone):
    try:
        from authlib.integrations.base_client.errors import OAuthError
        from authlib.integrations.requests_client import OAuth2Session
    except ImportError:
        _missing("Authlib")
    doc = _discovery(standalone)
    hashed = ch.secret_hash("alice", standalone["COGNITO_M2M_CLIENT_ID"],
                            standalone["COGNITO_M2M_CLIENT_SECRET"])
    with OAuth2Session(standalone["COGNITO_M2M_CLIENT_ID"], hashed) as session, \
            pytest.raises(OAuthError, match="invalid_client"):
        session.fetch_token(doc["token_endpoint"], grant_type="client_credentials")


def test_requests_oauthlib_client_credentials(standalone, monkeypatch):
    try:
        from oauthlib.oauth2 import BackendApplicationClient
        from requests.auth import HTTPBasicAuth
        from requests_oauthlib import OAuth2Session
    except ImportError:
        _missing("requests-oauthlib")
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # http on loopback
    doc = _discovery(standalone)
    client_id = standalone["COGNITO_M2M_CLIENT_ID"]
    session = OAuth2Session(client=BackendApplicationClient(client_id=client_id))
    with session:
        token = session.fetch_token(
            doc["token_endpoint"],
            auth=HTTPBasicAuth(client_id, standalone["COGNITO_M2M_CLIENT_SECRET"]),
            scope=[standalone["COGNITO_RESOURCE_SCOPE"]],
            include_client_id=False,
        )
    assert ch.peek_token(token["access_token"]).claims["scope"] == "demo-api/read"


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
def test_npm_openid_client_discovery_and_client_credentials(standalone, method):
    node = shutil.which("node")
    if node is None or not (NODE_DIR / "node_modules" / "openid-client").is_dir():
        _missing("node and npm openid-client (interop/openid-client)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("COGNITO_")}
    env.update({k: v for k, v in standalone.items() if k.startswith("COGNITO_")})
    env["AUTH_METHOD"] = method
    proc = subprocess.run([node, "client-credentials.mjs"], cwd=NODE_DIR, env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "error" not in out, out
    assert out["token_endpoint"].endswith("/oauth2/token") and method in out["auth_methods"]
    assert (out["token_use"], out["scope"], out["token_type"]) == ("access", "demo-api/read",
                                                                    "Bearer")
    assert out["client_id"] == standalone["COGNITO_M2M_CLIENT_ID"]
    assert not re.search(r"eyJ[\w-]+\.", proc.stdout + proc.stderr)  # no token printed
