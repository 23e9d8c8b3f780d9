"""The local Cognito without a server: HTTP requests answered by a WSGI call in this process.

Where no socket can be opened or no thread started (Pyodide, the browser edition
of the lessons, ``sys.platform == "emscripten"``), :class:`~.server.LocalCognito`
serves in process: the same fidelity layer around the same moto app, reached
through a URL that no server listens on, ``http://local-cognito.localhost``
(RFC 6761 keeps ``*.localhost`` names on this machine; the second instance in a
process gets ``http://local-cognito-2.localhost``, and so on).

Every HTTP request the package makes goes through one of two doors, and both
look here first:

* boto3 and botocore: :func:`botocore_before_send` is registered on
  ``before-send`` of every session the package makes
  (:func:`~cognito_helpers.sdk_session.botocore_session`). botocore emits that
  event with the signed request just before it would send it; a handler that
  returns a response ends the send there. Retries, error parsing and the
  client's exceptions are botocore's own, as over HTTP.
* everything else (:func:`cognito_helpers.deadline.fetch`, the JWKS, the OAuth
  endpoints, the lessons' helpers): the urllib handler of
  :func:`~cognito_helpers.deadline.deadline_opener` asks :func:`app_for` and,
  for an in-process URL, returns :func:`urllib_response`, so redirects,
  cookies and HTTP errors behave as they do over a socket.

A request becomes a WSGI ``environ`` as a server would build it (PEP 3333):
method, path, query, ``Host``, each header as ``HTTP_*``, the body as
``wsgi.input``. Nothing here starts a thread or opens a socket.
"""

from __future__ import annotations

import email.message
import io
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = [
    "IN_PROCESS_ENV",
    "app_for",
    "botocore_before_send",
    "call",
    "claim_origin",
    "in_process_default",
    "release_origin",
    "urllib_response",
]

#: ``1`` serves every new LocalCognito in process (default: only under Pyodide), ``0`` never
IN_PROCESS_ENV = "COGNITO_LOCAL_IN_PROCESS"

_BASE_HOST = "local-cognito"
_lock = threading.Lock()
_apps: dict[str, Callable[..., Iterable[bytes]]] = {}  # "http://local-cognito.localhost" -> app

WsgiApp = Callable[..., Iterable[bytes]]


def in_process_default(env: Mapping[str, str] | None = None) -> bool:
    """Whether a LocalCognito serves in process when not told: ``$COGNITO_LOCAL_IN_PROCESS``
    (``1``/``0``), else only under Pyodide, which can neither listen nor start threads."""
    import os

    from ..exceptions import InvalidInputError

    env = os.environ if env is None else env
    value = env.get(IN_PROCESS_ENV, "").strip().lower()
    if value in ("1", "true", "yes"):
        return True
    if value in ("0", "false", "no"):
        return False
    if value:
        raise InvalidInputError(
            IN_PROCESS_ENV, f"{value[:40]!r} is not a choice: set it to 1 (serve in process, "
            "no server), 0 (an HTTP server on loopback), or unset it (in process only under "
            "Pyodide).",
        )
    return sys.platform == "emscripten"


def claim_origin(app: WsgiApp) -> str:
    """Register ``app`` under a free pseudo origin (``http://local-cognito.localhost``, ...)."""
    with _lock:
        number = 1
        while True:
            host = _BASE_HOST if number == 1 else f"{_BASE_HOST}-{number}"
            origin = f"http://{host}.localhost"
            if origin not in _apps:
                _apps[origin] = app
                return origin
            number += 1


def release_origin(origin: str) -> None:
    """Forget the app of ``origin`` (requests to it fail as to a stopped server)."""
    with _lock:
        _apps.pop(origin, None)


def _origin_of(url: str) -> str | None:
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme != "http" or not parts.hostname or port not in (None, 80):
        return None
    return f"http://{parts.hostname.lower()}"


def app_for(url: str) -> WsgiApp | None:
    """The in-process app that answers ``url`` (None: a real network address)."""
    if not _apps:  # the common case on CPython: a dict look-up saved on every request
        return None
    origin = _origin_of(url)
    return None if origin is None else _apps.get(origin)


# -- one request ------------------------------------------------------------------------


def _environ(method: str, url: str, headers: Iterable[tuple[str, str]], body: bytes
             ) -> dict[str, Any]:
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or "localhost"
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method.upper(),
        "SCRIPT_NAME": "",
        # PEP 3333: the path percent-decoded, as bytes carried in a latin-1 str
        "PATH_INFO": urllib.parse.unquote_to_bytes(parts.path or "/").decode("latin-1"),
        "QUERY_STRING": parts.query,
        "SERVER_NAME": host,
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "0",
        "REQUEST_URI": (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
        "RAW_URI": (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_HOST": parts.netloc,
    }
    for name, value in headers:
        key = name.strip().upper().replace("-", "_")
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        value = str(value)
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = value
        elif key in ("CONTENT_LENGTH", "HOST"):
            continue  # the body's real length, and the URL's host, as a server would see
        else:
            wsgi_key = f"HTTP_{key}"
            environ[wsgi_key] = (
                f"{environ[wsgi_key]},{value}" if wsgi_key in environ else value
            )
    return environ


def call(app: WsgiApp, method: str, url: str, headers: Iterable[tuple[str, str]] = (),
         body: bytes | None = None) -> tuple[int, str, list[tuple[str, str]], bytes]:
    """(status, reason, headers, body) of one request answered by ``app`` in this process."""
    environ = _environ(method, url, headers, body or b"")
    answer: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]],
                       exc_info: Any = None) -> Callable[[bytes], None]:
        answer["status"], answer["headers"] = status, list(response_headers)
        return lambda data: None

    chunks = app(environ, start_response)
    try:
        data = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    code, _, reason = str(answer["status"]).partition(" ")
    return int(code), reason, answer["headers"], data


# -- botocore ---------------------------------------------------------------------------


def botocore_before_send(request: Any = None, **_: Any) -> Any:
    """botocore's ``before-send`` handler: an AWSResponse for an in-process endpoint, else None."""
    if request is None:
        return None
    app = app_for(request.url)
    if app is None:
        return None
    from botocore.awsrequest import AWSResponse

    from ..raw_body import RawBody  # the body already read, as botocore reads it

    body = request.body
    if hasattr(body, "read"):
        body = body.read()
    elif isinstance(body, str):
        body = body.encode("utf-8")
    status, _reason, headers, data = call(app, request.method, request.url,
                                          list(request.headers.items()), body or b"")
    return AWSResponse(request.url, status, headers, RawBody(data))


# -- urllib -----------------------------------------------------------------------------


def urllib_response(app: WsgiApp, req: Any) -> Any:
    """What urllib's ``http_open`` returns for ``req``, answered by ``app``."""
    import urllib.response

    body = req.data
    if body is not None and not isinstance(body, bytes):
        body = body.read() if hasattr(body, "read") else bytes(body)
    headers = list(req.header_items())
    if body is not None and not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("Content-Type", "application/x-www-form-urlencoded"))
    status, reason, answer_headers, data = call(app, req.get_method(), req.full_url,
                                                headers, body)
    message = email.message.Message()
    for name, value in answer_headers:
        message[name] = value
    response = urllib.response.addinfourl(io.BytesIO(data), message, req.full_url, status)
    response.msg = reason  # what urllib's HTTPError and redirect handlers read
    response.reason = reason
    return response
