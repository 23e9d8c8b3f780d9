"""A single-page app's backend that holds the client secret and adds SECRET_HASH.

The browser never sees the secret: it posts the username and password to this
server, which computes SECRET_HASH and calls Cognito's InitiateAuth
(USER_PASSWORD_AUTH). The refresh token stays in an HttpOnly cookie, and a
refresh hashes the user's *internal* username (the access token's ``username``
claim), which is what Cognito checks on REFRESH_TOKEN_AUTH. Standard library
only, so it can be copied as it is; see recipes/README.md.

Settings, from the environment only:

    COGNITO_CLIENT_ID        the app client (with a secret)
    COGNITO_CLIENT_SECRET    its secret (never logged, never sent to the browser)
    AWS_REGION               the pool's region (eu-west-1, ...)
    COGNITO_ENDPOINT_URL     optional: another endpoint, e.g. the local Cognito

Run:  python3 recipes/spa-backend/server.py [--host 127.0.0.1] [--port 8000]
then open the printed URL. ``--port 0`` picks a free port.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from http import cookies
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAX_BODY = 16 * 1024
REFRESH_COOKIE = "refresh_token"
USER_COOKIE = "cognito_username"


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    """base64(HMAC-SHA256(key=client secret, message=username + client id))."""
    mac = hmac.new(client_secret.encode("utf-8"), (username + client_id).encode("utf-8"),
                   hashlib.sha256)
    return base64.b64encode(mac.digest()).decode("ascii")


class Settings:
    def __init__(self, env: dict[str, str]) -> None:
        missing = [name for name in ("COGNITO_CLIENT_ID", "COGNITO_CLIENT_SECRET", "AWS_REGION")
                   if not env.get(name, "").strip()]
        if missing:
            raise SystemExit(f"server.py: set {', '.join(missing)} in the environment")
        self.client_id = env["COGNITO_CLIENT_ID"].strip()
        self.client_secret = env["COGNITO_CLIENT_SECRET"].strip()
        self.region = env["AWS_REGION"].strip()
        self.endpoint = (env.get("COGNITO_ENDPOINT_URL", "").strip()
                         or f"https://cognito-idp.{self.region}.amazonaws.com/")
        if urllib.parse.urlsplit(self.endpoint).scheme not in ("http", "https"):
            raise SystemExit(f"server.py: COGNITO_ENDPOINT_URL must be an http(s) URL, "
                             f"not {self.endpoint!r}")


class CognitoError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def call_cognito(settings: Settings, operation: str, payload: dict) -> dict:
    """One Cognito user-pool API call over HTTPS (public operations need no AWS signature)."""
    request = urllib.request.Request(  # noqa: S310 (Settings allows http(s) only)
        settings.endpoint, data=json.dumps(payload).encode(), method="POST",
        headers={"Content-Type": "application/x-amz-json-1.1",
                 "X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (as above)
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as err:
        body = json.loads(err.read() or b"{}")
        code = str(body.get("__type", "CognitoError")).rsplit("#", 1)[-1]
        status = 400 if code in ("InvalidParameterException", "ResourceNotFoundException") else 401
        raise CognitoError(status, code, str(body.get("message") or body.get("Message") or "")) from None
    except (urllib.error.URLError, OSError) as err:
        raise CognitoError(502, "CognitoUnreachable", f"could not reach Cognito: {err}") from None


def jwt_claims(token: str) -> dict:
    """The payload of a JWT, unverified: only to read which username to hash on refresh."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def sign_in(settings: Settings, username: str, password: str) -> dict:
    return call_cognito(settings, "InitiateAuth", {
        "AuthFlow": "USER_PASSWORD_AUTH",
        "ClientId": settings.client_id,
        "AuthParameters": {
            "USERNAME": username,
            "PASSWORD": password,
            "SECRET_HASH": secret_hash(username, settings.client_id, settings.client_secret),
        },
    })


def refresh(settings: Settings, internal_username: str, refresh_token: str) -> dict:
    return call_cognito(settings, "InitiateAuth", {
        "AuthFlow": "REFRESH_TOKEN_AUTH",
        "ClientId": settings.client_id,
        "AuthParameters": {
            "REFRESH_TOKEN": refresh_token,
            # the internal username (a UUID in e-mail-as-username pools), not what was typed
            "SECRET_HASH": secret_hash(internal_username, settings.client_id,
                                       settings.client_secret),
        },
    })


class Handler(BaseHTTPRequestHandler):
    settings: Settings
    server_version = "spa-backend"

    def log_message(self, format: str, *args: object) -> None:
        # method and path only: never bodies, cookies or tokens
        sys.stderr.write(f"{self.command} {self.path.split('?')[0]}\n")

    def _send(self, status: int, body: bytes, content_type: str,
              set_cookies: list[str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for cookie in set_cookies or []:
            self.send_header("Set-Cookie", cookie)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: dict, set_cookies: list[str] | None = None) -> None:
        self._send(status, json.dumps(data).encode(), "application/json", set_cookies)

    def _body(self) -> dict | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._json(413, {"error": "TooLarge", "message": f"at most {MAX_BODY} bytes"})
            return None
        try:
            data = json.loads(self.rfile.read(length) or b"null")
        except ValueError:
            data = None
        if not isinstance(data, dict):
            self._json(400, {"error": "BadRequest", "message": "send a JSON object"})
            return None
        return data

    def _cookies(self) -> cookies.SimpleCookie:
        jar = cookies.SimpleCookie()
        jar.load(self.headers.get("Cookie", ""))
        return jar

    def _tokens(self, result: dict, username: str) -> None:
        auth = result.get("AuthenticationResult")
        if not auth:
            self._json(409, {"error": "ChallengeNotHandled",
                             "message": f"Cognito asked for {result.get('ChallengeName')}; "
                                        "this recipe handles only a plain sign-in"})
            return
        attributes = "HttpOnly; SameSite=Strict; Path=/api/"
        jar = []
        if "RefreshToken" in auth:  # a refresh answers without a new one
            jar.append(f"{REFRESH_COOKIE}={auth['RefreshToken']}; {attributes}")
            jar.append(f"{USER_COOKIE}={urllib.parse.quote(username, safe='')}; {attributes}")
        self._json(200, {"signedIn": True, "idToken": auth["IdToken"],
                         "accessToken": auth["AccessToken"], "expiresIn": auth["ExpiresIn"]},
                   jar)

    def do_GET(self) -> None:
        if self.path.split("?")[0] in ("/", "/index.html"):
            self._send(200, (HERE / "index.html").read_bytes(), "text/html; charset=utf-8")
        else:
            self._json(404, {"error": "NotFound", "message": self.path})

    def do_POST(self) -> None:
        path = self.path.split("?")[0]
        if path not in ("/api/signin", "/api/refresh"):
            self._json(404, {"error": "NotFound", "message": path})
            return
        try:
            if path == "/api/signin":
                body = self._body()
                if body is None:
                    return
                username, password = body.get("username"), body.get("password")
                if not isinstance(username, str) or not username or not isinstance(password, str):
                    self._json(400, {"error": "BadRequest",
                                     "message": "send {\"username\": ..., \"password\": ...}"})
                    return
                result = sign_in(self.settings, username, password)
                access = (result.get("AuthenticationResult") or {}).get("AccessToken")
                internal = jwt_claims(access)["username"] if access else username
                self._tokens(result, internal)
            else:  # the refresh token comes from the cookie; a body is ignored
                if int(self.headers.get("Content-Length") or 0) > MAX_BODY:
                    self._json(413, {"error": "TooLarge", "message": f"at most {MAX_BODY} bytes"})
                    return
                jar = self._cookies()
                if REFRESH_COOKIE not in jar or USER_COOKIE not in jar:
                    self._json(401, {"error": "NotSignedIn", "message": "sign in first"})
                    return
                internal = urllib.parse.unquote(jar[USER_COOKIE].value)
                self._tokens(refresh(self.settings, internal, jar[REFRESH_COOKIE].value), internal)
        except CognitoError as err:
            self._json(err.status, {"error": err.code, "message": err.message})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    Handler.settings = Settings(dict(os.environ))
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    print(f"spa-backend: serving the app on http://{args.host}:{server.server_port}/ "
          f"(app client {Handler.settings.client_id}, Cognito at {Handler.settings.endpoint})",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
