"""``/oauth2/authorize``, the sign-in page (``/login``) and the error page (``/error``).

Rules, from AWS's developer guide "The redirect and authorization endpoint"
unless another source is named:

- GET only. ``response_type`` (``code`` or ``token``), ``client_id`` and
  ``redirect_uri`` are required; ``state``, ``scope``, ``nonce``,
  ``identity_provider``, ``code_challenge`` and ``code_challenge_method``
  are optional.
- ``redirect_uri`` must be one of the client's ``CallbackURLs``, compared as
  a string (a trailing slash makes a different URL). When ``client_id`` or
  ``redirect_uri`` is wrong, Cognito cannot trust the redirect target and
  shows its own error page instead: ``/error?error=redirect_mismatch&client_id=...``
  (as reported in public issues, e.g. amazon-cognito-auth-js #85,
  aws-aspnet-cognito-identity-provider #167); missing parameters give
  ``/error?error=Required+parameters+missing``.
- Any other problem is sent back to the app: a redirect to ``redirect_uri``
  with ``error=`` (``invalid_request``, ``unauthorized_client``,
  ``unsupported_response_type``, ``invalid_scope``) and the ``state``
  ("Examples of negative responses").
- ``unauthorized_client``: the client is not allowed this response type
  (``AllowedOAuthFlows`` has no ``code`` / ``implicit``), or is not enabled
  for OAuth at all (``AllowedOAuthFlowsUserPoolClient`` false).
- ``scope``: space-separated; standard scopes are openid, email, phone,
  profile, aws.cognito.signin.user.admin; "phone, email, and profile can
  only be requested if openid is also requested"; with no ``scope`` the
  client gets all of its ``AllowedOAuthScopes``. A scope the client is not
  allowed is ``invalid_scope``.
- PKCE: "the Amazon Cognito authentication server supports only S256"
  (``code_challenge_method``; RFC 7636 also defines ``plain``, which Cognito
  refuses); ``code_challenge`` is required with a method.
- ``identity_provider``: ``COGNITO`` signs in with the pool's own users, and
  must be in the client's ``SupportedIdentityProviders``.
- Without an ``identity_provider`` the authorize endpoint redirects to the
  sign-in page (``/login``) with the same parameters; a user who already has
  a managed-login session gets the code at once, unless the user was disabled
  or deleted since: that session ends (AdminDisableUser, API reference: "A
  deactivated user can't sign in"), and the sign-in page says "User is disabled.".
- The code is appended as ``?code=...&state=...``; an implicit grant puts
  the tokens in the fragment.

The sign-in page checks the password like InitiateAuth does (see
:func:`_check_password`), with a CSRF token tied to a cookie.
"""

from __future__ import annotations

import hmac
import html
import re
import secrets
import time
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from typing import Any

from ..answers import AwsFault
from .config import STANDARD_SCOPES, ClientOAuth, Domain, custom_scopes
from .minting import mint_user_tokens
from .store import CODE_LIFETIME, CodeGrant
from .wire import OAuthError, Response, html_page, read_form, read_query, redirect, with_query

__all__ = ["AuthRequest", "ErrorPage", "authorize", "error_page", "login"]

SESSION_COOKIE = "cognito"
CSRF_COOKIE = "XSRF-TOKEN"
AUTH_PARAMS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "scope",
    "nonce",
    "identity_provider",
    "code_challenge",
    "code_challenge_method",
)
_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")  # base64url(SHA-256), no padding


class ErrorPage(Exception):
    """The request cannot be redirected back: show Cognito's error page."""

    def __init__(self, error: str, reason: str, client_id: str | None = None) -> None:
        super().__init__(reason)
        self.error = error
        self.reason = reason
        self.client_id = client_id


class RedirectError(Exception):
    """An OAuth error sent back to the app's ``redirect_uri`` with ``error=``."""

    def __init__(self, err: OAuthError, redirect_uri: str, state: str | None, fragment: bool):
        super().__init__(err.reason)
        self.err = err
        self.redirect_uri = redirect_uri
        self.state = state
        self.fragment = fragment


@dataclass(frozen=True)
class AuthRequest:
    client: Any
    settings: ClientOAuth
    response_type: str
    redirect_uri: str
    scopes: tuple[str, ...]
    state: str | None
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None

    def params(self) -> dict[str, str]:
        out = {
            "response_type": self.response_type,
            "client_id": self.settings.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": " ".join(self.scopes),
            "state": self.state,
            "nonce": self.nonce,
            "code_challenge": self.code_challenge,
            "code_challenge_method": self.code_challenge_method,
        }
        return {k: v for k, v in out.items() if v is not None}


def check_request(domain: Domain, params: dict[str, str]) -> AuthRequest:
    """Validate an authorize request as Cognito does (ErrorPage or RedirectError if not)."""
    client_id = params.get("client_id")
    if not client_id:
        raise ErrorPage("Required parameters missing", "client_id is missing.")
    client = domain.pool.clients.get(client_id)
    if client is None:
        raise ErrorPage(
            "invalid_request",
            f"no app client {client_id!r} in user pool {domain.pool_id} (domain {domain.name}).",
            client_id,
        )
    settings = ClientOAuth.of(client)
    redirect_uri = params.get("redirect_uri")
    if not redirect_uri or redirect_uri not in settings.callback_urls:
        shown = ", ".join(settings.callback_urls) or "none"
        raise ErrorPage(
            "redirect_mismatch",
            f"redirect_uri {redirect_uri!r} is not one of the app client's CallbackURLs "
            f"({shown}); they are compared as strings, so a trailing slash, http/https, a port "
            "or the case of the host makes a different URL.",
            client_id,
        )
    response_type = params.get("response_type")
    state = params.get("state")
    fragment = response_type == "token"

    def fail(error: str, reason: str) -> RedirectError:
        return RedirectError(OAuthError(error, reason), redirect_uri, state, fragment)

    if not settings.enabled:
        raise fail(
            "unauthorized_client",
            "the app client is not enabled for OAuth (AllowedOAuthFlowsUserPoolClient is false).",
        )
    if not response_type:
        raise fail("invalid_request", "response_type is missing (code or token).")
    if response_type not in ("code", "token"):
        raise fail("unsupported_response_type", f"response_type {response_type!r}: use code.")
    flow = "code" if response_type == "code" else "implicit"
    if flow not in settings.flows:
        raise fail(
            "unauthorized_client",
            f"AllowedOAuthFlows of the client ({', '.join(settings.flows) or 'none'}) "
            f"does not include {flow}.",
        )
    provider = params.get("identity_provider")
    if provider is not None and provider != "COGNITO":
        raise fail("invalid_request", f"identity provider {provider!r} does not exist here.")
    if "COGNITO" not in settings.identity_providers:
        raise fail(
            "invalid_request",
            "the client's SupportedIdentityProviders does not include COGNITO (the pool's "
            "own users).",
        )
    scope = params.get("scope")
    if scope is None or not scope.strip():
        scopes = tuple(settings.scopes)
    else:
        scopes = tuple(dict.fromkeys(scope.split()))
        known = set(STANDARD_SCOPES) | custom_scopes(domain.pool)
        for name in scopes:
            if name not in known:
                raise fail("invalid_scope", f"scope {name!r} does not exist in this user pool.")
            if name not in settings.scopes:
                raise fail(
                    "invalid_scope", f"scope {name!r} is not in the client's AllowedOAuthScopes."
                )
        if {"email", "phone", "profile"} & set(scopes) and "openid" not in scopes:
            raise fail("invalid_scope", "email, phone and profile need the openid scope too.")
    challenge = params.get("code_challenge")
    method = params.get("code_challenge_method")
    if method is not None or challenge is not None:
        if challenge is None:
            raise fail("invalid_request", "code_challenge_method without code_challenge.")
        if method != "S256":
            raise fail(
                "invalid_request",
                f"code_challenge_method {method or 'missing'!r}: Cognito supports only S256 "
                "(plain is refused).",
            )
        if not _CHALLENGE.fullmatch(challenge):
            raise fail(
                "invalid_request",
                "code_challenge is not base64url(SHA-256(code_verifier)) without padding "
                "(43 characters).",
            )
    return AuthRequest(
        client,
        settings,
        response_type,
        redirect_uri,
        scopes,
        state,
        params.get("nonce"),
        challenge,
        method,
    )


def _cookies(environ: dict[str, Any]) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(environ.get("HTTP_COOKIE", "") or "")
    except CookieError:
        return {}
    return {k: m.value for k, m in jar.items()}


def _cookie(name: str, value: str, path: str, max_age: int | None = None) -> tuple[str, str]:
    parts = [f"{name}={value}", f"Path={path}", "HttpOnly", "SameSite=Lax"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    return ("Set-Cookie", "; ".join(parts))


def _finish(layer: Any, domain: Domain, req: AuthRequest, user: Any, auth_time: int) -> Response:
    """Send the signed-in user back to the app with a code (or implicit tokens)."""
    if req.response_type == "token":
        tokens = mint_user_tokens(
            domain.pool, req.client, user, list(req.scopes), auth_time=auth_time,
            nonce=req.nonce, with_refresh=False,
        )
        body = tokens.body()
        params = {k: str(v) for k, v in body.items()}
        if req.state is not None:
            params["state"] = req.state
        return redirect(with_query(req.redirect_uri, params, fragment=True))
    code = layer.oauth_store.new_code(
        CodeGrant(
            domain.pool_id,
            req.settings.client_id,
            user.username,
            req.redirect_uri,
            req.scopes,
            auth_time,
            req.nonce,
            req.code_challenge,
            req.code_challenge_method,
            time.time() + CODE_LIFETIME,
        )
    )
    params = {"code": code}
    if req.state is not None:
        params["state"] = req.state
    return redirect(with_query(req.redirect_uri, params))


def _redirect_error(err: RedirectError) -> Response:
    params = {"error": err.err.error, "error_description": err.err.reason}
    if err.state is not None:
        params["state"] = err.state
    return redirect(with_query(err.redirect_uri, params, fragment=err.fragment))


def _to_error_page(domain: Domain, base: str, err: ErrorPage) -> Response:
    params = {"error": err.error}
    if err.client_id:
        params["client_id"] = err.client_id
    headers = [("X-Local-Cognito-Reason", " ".join(err.reason.split())[:300].encode(
        "ascii", "replace").decode("ascii"))]
    return redirect(with_query(f"{base}/error", params), headers)


def authorize(layer: Any, domain: Domain, base: str, environ: dict[str, Any]) -> Response:
    """GET /oauth2/authorize."""
    if environ.get("REQUEST_METHOD") != "GET":
        raise OAuthError("invalid_request", "the authorize endpoint takes GET only.", 405)
    try:
        params = read_query(environ)
    except OAuthError as exc:
        return _to_error_page(domain, base, ErrorPage("invalid_request", exc.reason))
    try:
        req = check_request(domain, params)
    except ErrorPage as err:
        return _to_error_page(domain, base, err)
    except RedirectError as err:
        return _redirect_error(err)
    sid = _cookies(environ).get(SESSION_COOKIE)
    session = layer.oauth_store.session(sid, domain.pool_id)
    if session is not None:
        user = domain.pool._get_user(session.username)
        if user is not None and user.enabled:
            return _finish(layer, domain, req, user, session.auth_time)
        # Deleted or disabled since (AdminDisableUser: "can't sign in"): the session
        # ends, and the sign-in page answers as for any sign-in of that user.
        layer.oauth_store.end_session(sid)
    return redirect(with_query(f"{base}/login", req.params()))


# -- the sign-in page ----------------------------------------------------------------


def _check_password(layer: Any, pool: Any, client: Any, username: str, password: str) -> Any:
    """The user, if ``password`` is theirs; AwsFault with InitiateAuth's answer if not.

    The same check as every password path of the API, lockout included
    (:meth:`~cognito_helpers.local.lockout.PasswordLockout.verify_password`):
    five failures lock the user out, here and in InitiateAuth alike.
    """
    user = pool._get_user(username) if username else None
    prevent = client.extended_config.get("PreventUserExistenceErrors") == "ENABLED"
    if user is None:
        raise AwsFault.of("wrong_password" if prevent else "user_not_found")
    if not user.enabled:
        raise AwsFault("NotAuthorizedException", "User is disabled.")
    layer.verify_password(pool, user, password)
    if user.status == "UNCONFIRMED":
        raise AwsFault.of("user_not_confirmed")
    return user


def _login_page(
    base: str, req: AuthRequest, csrf: str, message: str | None, username: str = "",
    status: int = 200,
) -> Response:
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in req.params().items()
    )
    alert = f'<p class="error" role="alert" id="error">{html.escape(message)}</p>' if message else ""
    name = html.escape(req.client.extended_config.get("ClientName") or req.settings.client_id)
    body = (
        "<main><h1>Sign in</h1>"
        f"<p><small>to {name} (local Cognito; a real pool shows managed login here)</small></p>"
        f"{alert}"
        f'<form method="post" action="{html.escape(base)}/login" id="signin">{hidden}'
        f'<input type="hidden" name="_csrf" value="{html.escape(csrf)}">'
        '<label for="username">Username</label>'
        f'<input id="username" name="username" autocomplete="username" required '
        f'value="{html.escape(username)}">'
        '<label for="password">Password</label>'
        '<input id="password" name="password" type="password" '
        'autocomplete="current-password" required>'
        '<button type="submit" name="signInSubmitButton">Sign in</button></form></main>'
    )
    return html_page("Sign in", body, status, [_cookie(CSRF_COOKIE, csrf, _domain_path(base) + "/")])


def _domain_path(base: str) -> str:
    rest = base.split("://", 1)[-1]
    return "/" + rest.split("/", 1)[1] if "/" in rest else "/"


def login(layer: Any, domain: Domain, base: str, environ: dict[str, Any]) -> Response:
    """GET /login shows the form; POST /login signs in and redirects with the code."""
    method = environ.get("REQUEST_METHOD")
    if method not in ("GET", "POST"):
        raise OAuthError("invalid_request", "the sign-in page takes GET and POST.", 405)
    try:
        params = read_query(environ) if method == "GET" else read_form(environ)
    except OAuthError as exc:
        return _to_error_page(domain, base, ErrorPage("invalid_request", exc.reason))
    try:
        req = check_request(domain, {k: v for k, v in params.items() if k in AUTH_PARAMS})
    except ErrorPage as err:
        return _to_error_page(domain, base, err)
    except RedirectError as err:
        return _redirect_error(err)
    if method == "GET":
        return _login_page(base, req, secrets.token_urlsafe(24), None)
    cookie_csrf = _cookies(environ).get(CSRF_COOKIE, "")
    form_csrf = params.get("_csrf", "")
    if not cookie_csrf or not hmac.compare_digest(cookie_csrf.encode(), form_csrf.encode()):
        return _login_page(
            base, req, secrets.token_urlsafe(24),
            "This sign-in form has expired or was not sent by this page; sign in again.",
            status=400,
        )
    username = params.get("username", "")
    try:
        user = _check_password(layer, domain.pool, req.client, username, params.get("password", ""))
    except AwsFault as fault:
        return _login_page(base, req, secrets.token_urlsafe(24), fault.message, username)
    auth_time = int(time.time())
    sid = layer.oauth_store.new_session(domain.pool_id, user.username, auth_time)
    response = _finish(layer, domain, req, user, auth_time)
    status, headers, body = response
    headers.append(_cookie(SESSION_COOKIE, sid, _domain_path(base) + "/", 3600))
    return status, headers, body


def error_page(domain: Domain, base: str, environ: dict[str, Any]) -> Response:
    """GET /error: Cognito's "An error was encountered with the requested page"."""
    try:
        params = read_query(environ)
    except OAuthError:
        params = {}
    error = params.get("error", "invalid_request")
    body = (
        "<main><h1>An error was encountered with the requested page.</h1>"
        f'<p class="error" role="alert" id="error">{html.escape(error)}</p>'
        "<p><small>The app sent a request the user pool cannot send back to it. "
        "For redirect_mismatch: the redirect_uri must be one of the app client's callback "
        "URLs, character for character.</small></p></main>"
    )
    return html_page("Error", body, 400)
