"""The outbox over HTTP: ``GET /_local/outbox`` gives the codes to programs outside the process.

Real Cognito e-mails its codes (sign-up confirmation, password reset); the local
Cognito keeps them in an outbox (:mod:`.signup`). Inside Python a lesson reads
``LocalCognito.outbox``; an app in Go, JavaScript or Java reads them here::

    GET http://127.0.0.1:<port>/_local/outbox?username=alice[&kind=SIGN_UP]

    {"messages": [{"kind": "SIGN_UP", "username": "alice", "code": "123456", ...}]}

oldest first; ``username`` matches the name sent, the internal username, the
``sub`` or the e-mail address. This is not an AWS API (AWS has no such thing):
only this emulator serves it, under a path no Cognito operation uses.

The codes belong to fake local users, yet a web page the developer happens to
open must not be able to read them (nor anything else here). So the endpoint
answers only a request that no browser page can make: it carries no ``Origin``
and no ``Sec-Fetch-Site`` other than ``none`` (browsers add them to requests a page
makes), its ``Host`` is the loopback address and port this server listens on
(a DNS-rebinding page sends its own host name), and it comes from a loopback
address. It sends no CORS header, and ``X-Content-Type-Options: nosniff`` so that
no page can load it as a script.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict
from ipaddress import ip_address
from typing import Any
from urllib.parse import parse_qs

__all__ = ["OUTBOX_PATH", "OutboxEndpoint"]

OUTBOX_PATH = "/_local/outbox"
_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def _is_loopback(address: str) -> bool:
    try:
        return ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def _refusal(environ: dict[str, Any]) -> tuple[int, str] | None:
    """(status, reason) if this request may not read the outbox; None if it may."""
    if environ.get("REQUEST_METHOD") != "GET":
        return 405, "only GET reads the outbox"
    if "HTTP_ORIGIN" in environ:
        return 403, "refused: requests with an Origin header (made by a web page) cannot read codes"
    if environ.get("HTTP_SEC_FETCH_SITE", "none") != "none":
        return 403, "refused: requests made by a web page cannot read codes"
    if not _is_loopback(str(environ.get("REMOTE_ADDR", ""))):
        return 403, "refused: the outbox is readable from this machine (loopback) only"
    port = str(environ.get("SERVER_PORT", ""))
    allowed = {f"{name}:{port}" for name in _LOOPBACK_NAMES}
    if str(environ.get("HTTP_HOST", "")).lower() not in allowed:
        return 403, (
            "refused: the Host header must be the loopback address and port of this server "
            f"(e.g. 127.0.0.1:{port})"
        )
    return None


class OutboxEndpoint:
    """Mixed into :class:`~cognito_helpers.local.layer.FidelityLayer`: serves ``GET /_local/outbox``."""

    outbox: list[Any]

    def _serve_outbox(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        refused = _refusal(environ)
        if refused is not None:
            status, reason = refused
            return _answer(start_response, status, {"error": reason})
        query = parse_qs(str(environ.get("QUERY_STRING", "")), keep_blank_values=True)
        username = (query.get("username") or [None])[-1]
        kind = (query.get("kind") or [None])[-1]
        with self._lock:  # type: ignore[attr-defined]
            messages = list(self.outbox)
        found = [
            {
                "kind": m.kind,
                "username": m.username,
                "internal_username": m.internal_username,
                "user_sub": m.user_sub,
                "destination": m.destination,
                "code": m.code,
                "client_id": m.client_id,
                "sent_at": asdict(m)["sent_at"],
            }
            for m in messages
            if (username is None or username in (m.username, m.internal_username, m.user_sub, m.destination))
            and (kind is None or m.kind == kind)
        ]
        return _answer(start_response, 200, {"messages": found})


def _answer(
    start_response: Callable[..., Any], status: int, data: dict[str, Any]
) -> list[bytes]:
    body = json.dumps(data).encode("utf-8")
    reason = {200: "OK", 403: "Forbidden", 405: "Method Not Allowed"}[status]
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
    ]
    if status == 405:
        headers.append(("Allow", "GET"))
    start_response(f"{status} {reason}", headers)
    return [body]
