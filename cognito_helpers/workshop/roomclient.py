"""Drive a room from outside, as participants would: sign in, start servers, run notebooks.

What ``workshop rehearse`` runs before the participants arrive, and what the
room's tests use: only the hub's REST API, each participant's Jupyter REST API
and the kernel protocol over its websocket (no browser, nothing in-process).
README, "Run a workshop".
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any

from ..exceptions import WorkshopError

__all__ = ["CellFailure", "NotebookRun", "RoomClient"]


@dataclass
class CellFailure:
    """A code cell that raised: its index and the exception's name and first line."""

    index: int
    ename: str
    evalue: str


@dataclass
class NotebookRun:
    """What running one notebook in a participant's kernel gave."""

    participant: str
    path: str
    cells: int = 0
    seconds: float = 0.0
    failures: list[CellFailure] = field(default_factory=list)
    stdout: list[str] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.failures


class RoomClient:
    """The hub at ``base_url`` (``http://127.0.0.1:8000``), with the instructor's API token."""

    def __init__(self, base_url: str, token: str, *, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"RoomClient({self.base_url!r}, token='***')"

    # -- REST ----------------------------------------------------------------------

    def _request(self, method: str, path: str, body: Any = None) -> Any:
        from ..deadline import fetch
        from ..exceptions import DeadlineError

        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(  # noqa: S310 - the room's own URL (http on loopback)
            self.base_url + path,
            data=data,
            method=method,
            headers={"Authorization": f"token {self._token}", "Content-Type": "application/json"},
        )
        try:  # the whole answer within self.timeout, not each read (a stuck hub ends the call)
            status, _headers, raw = fetch(req, what=f"{method} {path}", timeout=self.timeout)
        except DeadlineError as exc:
            raise WorkshopError(f"the room at {self.base_url}: {exc}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise WorkshopError(
                f"the room at {self.base_url} did not answer {method} {path} ({exc})"
            ) from None
        if status >= 400:
            detail = raw[:300].decode("utf-8", "replace")
            raise WorkshopError(f"{method} {path}: HTTP {status} {detail}")
        return json.loads(raw) if raw else None

    def users(self) -> list[dict[str, Any]]:
        return list(self._request("GET", "/hub/api/users"))

    def start_server(self, name: str, *, wait: float = 90.0) -> float:
        """Start ``name``'s server (idempotent); seconds until it is ready."""
        start = time.monotonic()
        quoted = urllib.parse.quote(name)
        if not self._request("GET", f"/hub/api/users/{quoted}").get("servers", {}).get("", {}).get(
            "ready"
        ):
            try:
                self._request("POST", f"/hub/api/users/{quoted}/server")
            except WorkshopError as exc:
                if "HTTP 400" not in str(exc):  # 400: already starting
                    raise
        while time.monotonic() - start < wait:
            server = self._request("GET", f"/hub/api/users/{quoted}").get("servers", {}).get("")
            if server and server.get("ready"):
                return time.monotonic() - start
            time.sleep(0.25)
        raise WorkshopError(f"{name}'s server was not ready after {wait:.0f} s")

    def stop_server(self, name: str) -> None:
        try:
            self._request("DELETE", f"/hub/api/users/{urllib.parse.quote(name)}/server")
        except WorkshopError as exc:
            if "HTTP 400" not in str(exc) and "HTTP 404" not in str(exc):
                raise

    def server_pid(self, name: str) -> int | None:
        server = self._request("GET", f"/hub/api/users/{urllib.parse.quote(name)}")
        state = (server.get("servers", {}).get("") or {}).get("state") or {}
        return state.get("pid")

    # -- notebooks -------------------------------------------------------------------

    def run_notebook(self, name: str, path: str, *, cell_timeout: float = 120.0) -> NotebookRun:
        """Run every code cell of ``path`` (in ``name``'s home) in a new kernel there."""
        user = f"/user/{urllib.parse.quote(name)}"
        nb = self._request("GET", f"{user}/api/contents/{urllib.parse.quote(path)}?content=1")
        cells = [
            "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["content"]["cells"]
            if c["cell_type"] == "code"
        ]
        return self.run_cells(name, path, cells, cell_timeout=cell_timeout)

    def run_cells(
        self, name: str, path: str, cells: list[str], *, cell_timeout: float = 120.0
    ) -> NotebookRun:
        """Run ``cells`` in a new kernel of ``name``'s, started as if for notebook ``path``."""
        user = f"/user/{urllib.parse.quote(name)}"
        session = self._request(
            "POST",
            f"{user}/api/sessions",
            {"path": path, "type": "notebook", "name": path, "kernel": {"name": "python3"}},
        )
        kernel_id = session["kernel"]["id"]
        run = NotebookRun(name, path, len(cells))
        start = time.monotonic()
        try:
            self._run_in_kernel(user, kernel_id, cells, run, cell_timeout)
        finally:
            run.seconds = time.monotonic() - start
            self._request("DELETE", f"{user}/api/sessions/{session['id']}")
        return run

    def _run_in_kernel(
        self, user: str, kernel_id: str, cells: list[str], run: NotebookRun, timeout: float
    ) -> None:
        # websocket-client comes with jupyter_server (the kernel protocol over its websocket)
        import websocket

        ws_url = self.base_url.replace("http", "ws", 1) + f"{user}/api/kernels/{kernel_id}/channels"
        try:
            conn = websocket.create_connection(
                ws_url, header=[f"Authorization: token {self._token}"], timeout=timeout
            )
        except (OSError, websocket.WebSocketException) as exc:
            raise WorkshopError(f"cannot reach {run.participant}'s kernel ({exc})") from None
        session = uuid.uuid4().hex
        try:
            for index, code in enumerate(cells):
                msg_id = uuid.uuid4().hex
                conn.send(
                    json.dumps(
                        {
                            "header": {
                                "msg_id": msg_id,
                                "msg_type": "execute_request",
                                "session": session,
                                "username": "rehearsal",
                                "version": "5.3",
                                "date": "",
                            },
                            "parent_header": {},
                            "metadata": {},
                            "content": {
                                "code": code,
                                "silent": False,
                                "store_history": True,
                                "user_expressions": {},
                                "allow_stdin": False,
                                "stop_on_error": True,
                            },
                            "channel": "shell",
                            "buffers": [],
                        }
                    )
                )
                idle = replied = False
                while not (idle and replied):
                    try:
                        msg = json.loads(conn.recv())
                    except websocket.WebSocketTimeoutException:
                        raise WorkshopError(
                            f"cell {index} of {run.path} gave no answer in {timeout:.0f} s "
                            f"in {run.participant}'s kernel"
                        ) from None
                    if msg.get("parent_header", {}).get("msg_id") != msg_id:
                        continue
                    kind, content = msg["msg_type"], msg["content"]
                    if kind == "stream":
                        run.stdout.append(content.get("text", ""))
                    elif kind == "error":
                        run.failures.append(
                            CellFailure(index, content["ename"], str(content["evalue"])[:200])
                        )
                    elif kind == "status" and content.get("execution_state") == "idle":
                        idle = True
                    elif kind == "execute_reply":
                        replied = True
                if run.failures:
                    return  # like nbval: the first error ends the run
        finally:
            conn.close()
