"""``GET /logout``: end the managed-login session and send the user on.

Rules, from AWS's developer guide "The managed login sign-out endpoint"
and the API reference of ``LogoutURLs``:

- ``client_id`` with ``logout_uri``: the user is signed out and redirected to
  ``logout_uri`` if it is one of the client's ``LogoutURLs`` (compared as
  strings); otherwise Cognito shows its error page.
- ``client_id`` with ``redirect_uri`` (plus ``response_type`` and the other
  authorize parameters): signed out, then sent to the sign-in page again,
  under the same checks as ``/oauth2/authorize``.
- Without ``client_id`` the request is refused ("Required parameters missing").
"""

from __future__ import annotations

from typing import Any

from .authorize import (
    SESSION_COOKIE,
    ErrorPage,
    RedirectError,
    _cookie,
    _cookies,
    _domain_path,
    _redirect_error,
    _to_error_page,
    check_request,
)
from .config import ClientOAuth, Domain
from .wire import OAuthError, Response, read_query, redirect, with_query

__all__ = ["logout"]


def logout(layer: Any, domain: Domain, base: str, environ: dict[str, Any]) -> Response:
    if environ.get("REQUEST_METHOD") != "GET":
        raise OAuthError("invalid_request", "the logout endpoint takes GET only.", 405)
    try:
        params = read_query(environ)
    except OAuthError as exc:
        return _to_error_page(domain, base, ErrorPage("invalid_request", exc.reason))
    client_id = params.get("client_id")
    if not client_id:
        return _to_error_page(
            domain, base, ErrorPage("Required parameters missing", "client_id is missing.")
        )
    client = domain.pool.clients.get(client_id)
    if client is None:
        return _to_error_page(
            domain, base, ErrorPage("invalid_request", f"no app client {client_id!r}.", client_id)
        )
    layer.oauth_store.end_session(_cookies(environ).get(SESSION_COOKIE))
    clear = [_cookie(SESSION_COOKIE, "", _domain_path(base) + "/", 0)]
    logout_uri = params.get("logout_uri")
    if logout_uri is not None:
        if logout_uri not in ClientOAuth.of(client).logout_urls:
            return _to_error_page(
                domain, base,
                ErrorPage(
                    "redirect_mismatch",
                    f"logout_uri {logout_uri!r} is not one of the client's LogoutURLs "
                    "(sign-out URLs are a list of their own, apart from the CallbackURLs).",
                    client_id,
                ),
            )
        status, headers, body = redirect(logout_uri)
        return status, headers + clear, body
    try:
        req = check_request(domain, params)
    except ErrorPage as err:
        return _to_error_page(domain, base, err)
    except RedirectError as err:
        return _redirect_error(err)
    status, headers, body = redirect(with_query(f"{base}/login", req.params()))
    return status, headers + clear, body
