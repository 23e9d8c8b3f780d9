"""http.server's own refusals (414, 431, 400, 501...) as Cognito-style JSON, not an HTML page.

Both servers (the local Cognito's werkzeug handler and the inspecting proxy's
http.server handler) override ``send_error`` with :func:`send_json_error`, so
an SDK that sent an oversized header or an unknown method reads
``{"__type": ..., "message": ...}`` as from AWS. Standard library only.
"""

from __future__ import annotations

from typing import Any

__all__ = ["send_json_error"]


def send_json_error(handler: Any, code: int, message: str | None) -> None:
    """Answer an http.server-level refusal AWS-style (``{"__type", "message"}``) and close."""
    import json
    import uuid

    kind = {
        400: "SerializationException",
        408: "RequestTimeoutException",
        411: "SerializationException",
        413: "SerializationException",
        414: "SerializationException",
        431: "SerializationException",
        501: "UnknownOperationException",
    }.get(code, "InternalErrorException" if code >= 500 else "SerializationException")
    text = {
        414: "Request line too long.",
        431: "Request headers too large or too many.",
    }.get(code, message or "Bad request.")
    body = json.dumps({"__type": kind, "message": text}).encode("utf-8")
    if getattr(handler, "request_version", "HTTP/0.9") == "HTTP/0.9":
        handler.request_version = "HTTP/1.0"  # an unparsed line: still answer with a status line
    try:
        handler.send_response(code)
        handler.send_header("Content-Type", "application/x-amz-json-1.1")
        handler.send_header("Content-Length", str(len(body)))
        handler.send_header("x-amzn-ErrorType", f"{kind}:")
        handler.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        handler.send_header("Connection", "close")
        handler.end_headers()
        if getattr(handler, "command", None) != "HEAD" and code >= 200 and code not in (204, 304):
            handler.wfile.write(body)
    except OSError:
        pass  # the client is gone
    handler.close_connection = True
