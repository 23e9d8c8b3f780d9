"""The wire of the OAuth 2.0 endpoints: reading forms, answering JSON, pages and redirects.

Cognito's OAuth endpoints speak HTTP forms and JSON, not the
``x-amz-json-1.1`` protocol of the API, so they have their own small wire
layer. Every answer is built here as ``(status, headers, body)``; no handler
writes to the socket itself, and none lets an exception escape (the router
turns any into ``server_error`` JSON and the server keeps serving).

Sources: RFC 6749 section 5.2 (error JSON), AWS developer guide "The token
issuer endpoint" (``Content-Type`` must be ``application/x-www-form-urlencoded``;
errors are ``HTTP/1.1 400 Bad Request`` with ``{"error": "..."}``).
"""

from __future__ import annotations

import html
import json
import urllib.parse
from collections.abc import Mapping
from typing import Any

__all__ = [
    "MAX_FORM_BYTES",
    "OAuthError",
    "Response",
    "html_page",
    "json_response",
    "oauth_error",
    "read_form",
    "read_query",
    "redirect",
    "with_query",
]

Response = tuple[str, list[tuple[str, str]], bytes]

# A token request is a few hundred bytes; a sign-in form a few kilobytes. Anything
# far bigger is refused before it is read (the server keeps its memory).
MAX_FORM_BYTES = 64 * 1024
FORM_TYPE = "application/x-www-form-urlencoded"
_MAX_DRAIN = 1024 * 1024

_REASONS = {
    200: "OK",
    302: "Found",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    500: "Internal Server Error",
}

# What the local Cognito says about why it refused; real Cognito sends no such
# header (its error JSON carries only "error"), so apps must never depend on it.
REASON_HEADER = "X-Local-Cognito-Reason"


class OAuthError(Exception):
    """An OAuth 2.0 error answer: ``error`` code, the local reason, HTTP status."""

    def __init__(self, error: str, reason: str, status: int = 400) -> None:
        super().__init__(f"{error}: {reason}")
        self.error = error
        self.reason = reason
        self.status = status


def _status(code: int) -> str:
    return f"{code} {_REASONS.get(code, 'Error')}"


def _ascii_reason(reason: str) -> str:
    # HTTP header values are latin-1 at best; keep them plain ASCII and one line.
    text = " ".join(reason.split())
    return text.encode("ascii", "replace").decode("ascii")[:300]


def json_response(
    data: Mapping[str, Any], status: int = 200, headers: list[tuple[str, str]] | None = None
) -> Response:
    body = json.dumps(data).encode("utf-8")
    out = [
        ("Content-Type", "application/json;charset=UTF-8"),
        ("Content-Length", str(len(body))),
        ("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate"),
        ("Pragma", "no-cache"),
    ]
    return _status(status), out + list(headers or []), body


def oauth_error(err: OAuthError, headers: list[tuple[str, str]] | None = None) -> Response:
    """Cognito's error JSON: ``{"error": "<code>"}`` (the token endpoint page's examples)."""
    extra = [(REASON_HEADER, _ascii_reason(err.reason)), *list(headers or [])]
    return json_response({"error": err.error}, err.status, extra)


def redirect(location: str, headers: list[tuple[str, str]] | None = None) -> Response:
    out = [("Location", location), ("Content-Length", "0"), ("Cache-Control", "no-store")]
    return _status(302), out + list(headers or []), b""


def with_query(url: str, params: Mapping[str, str], *, fragment: bool = False) -> str:
    """``url`` with ``params`` added to its query (or, for implicit grants, as its fragment)."""
    encoded = urllib.parse.urlencode([(k, v) for k, v in params.items() if v is not None])
    if fragment:
        return f"{url.split('#', 1)[0]}#{encoded}"
    parts = urllib.parse.urlsplit(url)
    query = f"{parts.query}&{encoded}" if parts.query else encoded
    return urllib.parse.urlunsplit(parts._replace(query=query))


# Pages: no script, no outside resources, never framed (clickjacking on a password form).
_PAGE_HEADERS = [
    ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
]


def html_page(
    title: str, body_html: str, status: int = 200, headers: list[tuple[str, str]] | None = None
) -> Response:
    """A small HTML page; ``body_html`` must already be escaped."""
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}"
        "label{display:block;margin-top:1rem}input{width:100%;padding:.4rem;box-sizing:border-box}"
        "button{margin-top:1.2rem;padding:.5rem 1.2rem}.error{color:#a00}"
        "small{color:#555}</style></head><body>"
        f"{body_html}</body></html>"
    ).encode()
    out = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(page)))]
    return _status(status), out + _PAGE_HEADERS + list(headers or []), page


def _parse_pairs(text: str, what: str) -> dict[str, str]:
    try:
        pairs = urllib.parse.parse_qsl(
            text, keep_blank_values=True, strict_parsing=False, max_num_fields=100
        )
    except ValueError:
        raise OAuthError("invalid_request", f"the {what} has more than 100 fields.") from None
    out: dict[str, str] = {}
    for key, value in pairs:
        if key in out:
            # RFC 6749 section 3.1/3.2: parameters MUST NOT be included more than once.
            raise OAuthError("invalid_request", f"the parameter {key!r} is repeated in the {what}.")
        if "\x00" in key or "\x00" in value:
            raise OAuthError("invalid_request", f"the {what} contains a NUL character.")
        out[key] = value
    return out


def read_query(environ: Mapping[str, Any]) -> dict[str, str]:
    raw = environ.get("QUERY_STRING", "") or ""
    if len(raw) > MAX_FORM_BYTES:
        raise OAuthError("invalid_request", "the query string is too long.")
    try:
        # WSGI hands the query as latin-1-decoded bytes; percent-escapes are UTF-8.
        text = raw.encode("latin-1").decode("utf-8")
    except UnicodeError:
        raise OAuthError("invalid_request", "the query string is not UTF-8.") from None
    return _parse_pairs(text, "query string")


def read_form(environ: Mapping[str, Any]) -> dict[str, str]:
    """The request's ``application/x-www-form-urlencoded`` body, checked and bounded."""
    ctype = (environ.get("CONTENT_TYPE") or "").split(";", 1)[0].strip().lower()
    if ctype != FORM_TYPE:
        # Token endpoint page: "Content-Type: Must always be 'application/x-www-form-urlencoded'".
        raise OAuthError(
            "invalid_request",
            f"Content-Type must be {FORM_TYPE} (got {ctype or 'none'}); "
            "send the parameters as a form, not JSON.",
        )
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = -1
    if length < 0:
        raise OAuthError("invalid_request", "Content-Length is not a number.")
    if length > MAX_FORM_BYTES:
        # Drain a moderately big body so the connection stays in step; never read more.
        stream, left = environ["wsgi.input"], min(length, _MAX_DRAIN)
        while left > 0 and (chunk := stream.read(min(left, 65536))):
            left -= len(chunk)
        raise OAuthError("invalid_request", f"the body is over {MAX_FORM_BYTES} bytes.")
    raw = environ["wsgi.input"].read(length) if length else b""
    try:
        text = raw.decode("utf-8")
    except UnicodeError:
        raise OAuthError("invalid_request", "the body is not UTF-8.") from None
    return _parse_pairs(text, "body")
