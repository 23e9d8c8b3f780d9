"""Talking to Cognito's OAuth 2.0 endpoints from Python with the standard library only.

Taught in ``notebooks/11-client-secret-on-oauth-endpoints.ipynb``: what a
``client_secret_basic`` header encodes, a PKCE pair, driving the (local)
sign-in page the way a browser would, and token requests whose answers are
shown with every token masked. Works against a real pool's domain too, except
:func:`sign_in_on_page`, which knows only the local Cognito's sign-in form
(managed login's page is a JavaScript app).
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import http.cookiejar
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from ..exceptions import CognitoHelpersError, ConfigurationError, InvalidInputError
from ..redact import mask
from ..validate import mapping, text

__all__ = [
    "OAuthAnswer",
    "SignInResult",
    "basic_authorization",
    "masked_tokens",
    "oauth_get",
    "pkce_pair",
    "sign_in_on_page",
    "token_request",
]

_TOKEN_KEYS = ("access_token", "id_token", "refresh_token")


def basic_authorization(client_id: str, client_secret: str) -> str:
    """``Basic base64(client_id:client_secret)``: the raw secret, encoded, not hashed.

    This is what AWS's token endpoint page shows. (RFC 6749 2.3.1 also
    form-urlencodes both parts first, which changes only a ``+`` in a custom
    secret; the local Cognito accepts either form.)
    """
    for name, value in (("client_id", client_id), ("client_secret", client_secret)):
        if not isinstance(value, str) or not value:
            raise InvalidInputError(name, "must be a non-empty string.")
    pair = f"{client_id}:{client_secret}"
    return "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")


def pkce_pair(verifier: str | None = None) -> tuple[str, str]:
    """``(code_verifier, code_challenge)`` for PKCE S256 (RFC 7636 4.1-4.2)."""
    text("verifier", verifier, optional=True)
    verifier = verifier if verifier is not None else secrets.token_urlsafe(48)
    if not 43 <= len(verifier) <= 128:
        raise InvalidInputError("verifier", "must be 43-128 characters (RFC 7636 4.1).")
    if not verifier.isascii():
        raise InvalidInputError("verifier", "must be ASCII: letters, digits and -._~ (RFC 7636 4.1).")
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def masked_tokens(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with every token masked: safe to show in a notebook output."""
    mapping("body", body, values=None, what="a token endpoint's JSON answer (dict)")
    return {k: mask(v) if k in _TOKEN_KEYS and isinstance(v, str) else v for k, v in body.items()}


@dataclass(frozen=True)
class OAuthAnswer:
    """One answer of an OAuth endpoint: HTTP status, JSON body, the local reason (if any)."""

    status: int
    body: dict[str, Any] = field(repr=False)
    reason: str | None = None
    headers: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def error(self) -> str | None:
        return self.body.get("error") if isinstance(self.body, dict) else None

    def __repr__(self) -> str:
        return f"OAuthAnswer(status={self.status}, body={masked_tokens(self.body)!r})"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _opener(jar: http.cookiejar.CookieJar | None = None) -> urllib.request.OpenerDirector:
    from ..deadline import deadline_opener

    handlers: list[Any] = [_NoRedirect()]
    if jar is not None:
        handlers.append(urllib.request.HTTPCookieProcessor(jar))
    return deadline_opener(*handlers)


def _fetch(
    opener: urllib.request.OpenerDirector,
    request: urllib.request.Request | str,
    timeout: float | None,
) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of one request, redirects not followed, the socket closed;
    the whole answer within ``timeout`` seconds or DeadlineError (``deadline.fetch``).
    An endpoint that cannot be reached is a ConfigurationError."""
    from ..deadline import fetch, resolve_timeout

    resolve_timeout(timeout)  # refused here: below, a ValueError is a failed request
    url = request if isinstance(request, str) else request.full_url
    method = "GET" if isinstance(request, str) else request.get_method()
    path = urllib.parse.urlsplit(url).path or "/"
    try:
        status, headers, raw = fetch(request, what=f"{method} {path}", timeout=timeout,
                                     opener=opener)
    except CognitoHelpersError:
        raise  # DeadlineError (a TimeoutError, so an OSError too) says it all
    except (OSError, http.client.HTTPException, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ConfigurationError(
            f"cannot reach {_shown(url)}: {reason}. Is the (local) Cognito running at that address?"
        ) from None
    return status, dict(headers), raw


def _shown(url: str) -> str:
    return repr(url) if len(url) <= 200 else f"{url[:150]!r}... ({len(url)} chars)"


def _check_loopback_or_https(url: str, field: str = "url") -> None:
    text(field, url, what="an http(s) URL (str)")
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
    except ValueError:
        host = None
    if parts.scheme not in ("http", "https") or not host or not url.isascii() or not url.isprintable():
        raise InvalidInputError(field, f"{_shown(url)} is not an http(s) URL.")


def _check_header(field: str, value: object) -> None:
    """An HTTP header's value: None, or one line of printable text (a token, ``Basic ...``)."""
    if text(field, value, optional=True) is not None and not (value.isascii() and value.isprintable()):
        raise InvalidInputError(
            field, "must be one line of printable ASCII (a header value); copy it again."
        )


def _check_timeout(timeout: object) -> float:
    from ..deadline import resolve_timeout

    return resolve_timeout(timeout)


def token_request(
    url: str,
    form: dict[str, str],
    *,
    authorization: str | None = None,
    timeout: float | None = None,
) -> OAuthAnswer:
    """POST ``form`` to a token (or revocation) endpoint; 4xx answers are returned, not raised.

    ``timeout`` (default ``$COGNITO_TIMEOUT``, else 10 s) bounds the whole answer:
    past it, :class:`~cognito_helpers.exceptions.DeadlineError`.
    """
    _check_loopback_or_https(url)
    mapping("form", form, values=str, what="a dict of form fields (str: str)")
    _check_header("authorization", authorization)
    _check_timeout(timeout)
    data = urllib.parse.urlencode(form).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST")  # noqa: S310 - checked above
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    if authorization is not None:
        request.add_header("Authorization", authorization)
    status, headers, raw = _fetch(_opener(), request, timeout)
    try:
        body = json.loads(raw) if raw else {}
    except json.JSONDecodeError:
        body = {"error": "not JSON", "text": raw[:200].decode("utf-8", "replace")}
    return OAuthAnswer(status, body, headers.get("X-Local-Cognito-Reason"), headers)


def oauth_get(
    url: str, *, bearer: str | None = None, timeout: float | None = None
) -> OAuthAnswer:
    """GET a JSON endpoint (discovery document, userInfo with ``bearer``); redirects not followed.

    A redirect is returned as status 302 with its ``Location`` in ``headers``.
    """
    _check_loopback_or_https(url)
    _check_header("bearer", bearer)
    _check_timeout(timeout)
    request = urllib.request.Request(url)  # noqa: S310 - http(s) checked above
    if bearer is not None:
        request.add_header("Authorization", f"Bearer {bearer}")
    status, headers, raw = _fetch(_opener(), request, timeout)
    try:
        body = json.loads(raw) if raw else {}
    except json.JSONDecodeError:
        body = {"error": "not JSON", "text": raw[:200].decode("utf-8", "replace")}
    return OAuthAnswer(status, body, headers.get("X-Local-Cognito-Reason"), headers)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self.alert: list[str] = []
        self._in_alert = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and self.action is None:
            self.action = a.get("action")
        elif tag == "input" and a.get("type") == "hidden" and "name" in a:
            self.fields[a["name"]] = a.get("value", "")
        elif a.get("role") == "alert":
            self._in_alert = True

    def handle_endtag(self, tag: str) -> None:
        self._in_alert = False

    def handle_data(self, data: str) -> None:
        if self._in_alert and data.strip():
            self.alert.append(data.strip())


@dataclass(frozen=True)
class SignInResult:
    """Where the sign-in page sent the browser: the callback with a code, or a message."""

    location: str | None
    code: str | None = field(default=None, repr=False)
    state: str | None = None
    error: str | None = None
    message: str | None = None

    def __repr__(self) -> str:
        return (
            f"SignInResult(code={mask(self.code)!r}, state={self.state!r}, "
            f"error={self.error!r}, message={self.message!r})"
        )


def _callback(location: str) -> SignInResult:
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
    return SignInResult(
        location, query.get("code"), query.get("state"), query.get("error"),
        query.get("error_description"),
    )


def sign_in_on_page(
    authorize_url: str, username: str, password: str, *, timeout: float | None = None
) -> SignInResult:
    """Do what a browser does: open ``authorize_url``, fill in the local sign-in page, submit.

    Returns where Cognito redirected at the end (the app's callback with
    ``code`` and ``state``, or with ``error``), or the page's message when the
    sign-in failed (wrong password...). Local Cognito only.
    """
    _check_loopback_or_https(authorize_url, "authorize_url")
    text("username", username)
    text("password", password)
    _check_timeout(timeout)
    jar = http.cookiejar.CookieJar()
    opener = _opener(jar)
    url = authorize_url
    for _ in range(3):  # authorize -> login page (or straight to the callback)
        status, headers, raw = _fetch(opener, url, timeout)
        location = headers.get("Location")
        if status in (301, 302, 303) and location:
            if "/login?" not in location:
                return _callback(location)
            url = location
            continue
        page = raw.decode("utf-8", "replace")
        break
    else:
        raise InvalidInputError("authorize_url", "too many redirects before the sign-in page.")
    parser = _FormParser()
    parser.feed(page)
    if parser.action is None:
        return SignInResult(None, message=" ".join(parser.alert) or "no sign-in form on the page")
    form = dict(parser.fields, username=username, password=password)
    action = urllib.parse.urljoin(url, parser.action)
    _check_loopback_or_https(action)
    request = urllib.request.Request(  # noqa: S310 - http(s) checked above
        action, data=urllib.parse.urlencode(form).encode("utf-8"), method="POST"
    )
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    _, headers, raw = _fetch(opener, request, timeout)
    location = headers.get("Location")
    if location:
        return _callback(location)
    again = _FormParser()
    again.feed(raw.decode("utf-8", "replace"))
    return SignInResult(None, message=" ".join(again.alert) or None)
