"""Start a workshop room signed in through a local Cognito's OAuth endpoints (tests only).

Shared by tests/test_room.py and the real-browser test of the hub's sign-in.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse  # noqa: F401
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from cognito_helpers.exceptions import WorkshopError
from cognito_helpers.workshop.roomclient import RoomClient

#: Not root, a room for several people runs only with --rehearsal (no isolation); as root
#: (CI) every participant is a Unix user of their own.
ISOLATED = hasattr(os, "geteuid") and os.geteuid() == 0
REHEARSAL = [] if ISOLATED else ["--rehearsal"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def cognito_room_running(work: Path) -> Iterator[tuple[str, RoomClient, Any, list[dict[str, str]], Path]]:
    """(hub URL, instructor client, the LocalCognito, the participant sheet, work dir)."""
    from cognito_helpers import LocalCognito

    with LocalCognito() as lc, (work / "hub.log").open("w") as log:
        env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIALOCAL", AWS_SECRET_ACCESS_KEY="local",
                   AWS_REGION=lc.region)
        subprocess.run(
            [sys.executable, "-m", "cognito_helpers", "workshop", "up", "-n", "3", "--prefix",
             "guest", "--out", str(work / "workshop"), "--endpoint-url", lc.endpoint_url,
             "--region", lc.region],
            env=env, cwd=work, check=True, capture_output=True, timeout=120,
        )
        port = _free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "cognito_helpers", "workshop", "room", "--dir", str(work / "data"),
             "--port", str(port), "--workshop", str(work / "workshop"), *REHEARSAL],
            env=env, cwd=work, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        client: RoomClient | None = None
        sheet: list[dict[str, str]] = []
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                if proc.poll() is not None:
                    raise RuntimeError(f"the room exited: {(work / 'hub.log').read_text()[-3000:]}")
                data = work / "data" / "room.json"
                if data.exists():
                    client = RoomClient(base, json.loads(data.read_text())["instructor_token"], timeout=10)
                    try:
                        client.users()
                        break
                    except WorkshopError:
                        pass
                time.sleep(0.5)
            else:
                raise RuntimeError(f"the room did not answer: {(work / 'hub.log').read_text()[-3000:]}")
            with (work / "workshop" / "participants.csv").open(encoding="utf-8") as fh:
                sheet = list(csv.DictReader(fh))
            yield base, client, lc, sheet, work
        finally:  # whatever failed: the hub and its servers stop
            stop_room(proc, client, sheet, work / "data")


def stop_room(proc: subprocess.Popen, client: RoomClient | None, sheet: list[dict[str, str]],
              room_dir: Path | None = None) -> None:
    """Stop every participant's server (at once), then the hub's process group; then, given
    ``room_dir``, ``workshop room --down`` (its Unix users and homes go too)."""
    def stop(person: dict[str, str]) -> None:
        with contextlib.suppress(WorkshopError):
            client.stop_server(person["username"])  # type: ignore[union-attr]

    if client is not None and sheet:
        with ThreadPoolExecutor(len(sheet)) as pool:  # all at once: the hub stops them in parallel
            list(pool.map(stop, sheet))
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    if room_dir is not None and (room_dir / "room.json").exists():
        room_down(room_dir)


def room_down(room_dir: Path) -> subprocess.CompletedProcess:
    """``workshop room --down --dir room_dir``, as the instructor runs it."""
    return subprocess.run(
        [sys.executable, "-m", "cognito_helpers", "workshop", "room", "--down", "--dir", str(room_dir)],
        capture_output=True, text=True, timeout=60,
    )


def oauth_sign_in(base: str, username: str, password: str):
    """The hub's 'Sign in with the workshop's Cognito pool', as a browser follows it."""
    import requests

    from cognito_helpers.lessons.oauth import sign_in_on_page

    s = requests.Session()
    start = s.get(f"{base}/hub/oauth_login", allow_redirects=False, timeout=10)
    if start.status_code != 302:
        raise RuntimeError(f"the hub did not redirect to the pool: {start.status_code}")
    authorize = start.headers["Location"]
    result = sign_in_on_page(authorize, username, password)
    if result.code is None:
        return authorize, result, None
    landed = s.get(result.location, timeout=60, allow_redirects=True)
    return authorize, result, landed


