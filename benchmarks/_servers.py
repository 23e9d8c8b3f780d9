"""Servers in their own processes, and a load generator, for the load and proxy benchmarks.

Each server runs as its user would run it, in a process of its own (its own
GIL): ``python -m cognito_helpers local --demo`` and ``... proxy --demo``, and
bare moto's own threaded server (``moto.server.ThreadedMotoServer``, moto's
standalone server in a thread, with werkzeug's request log off as ours has
none). The clients are plain ``http.client`` connections, one per thread, so
that the client side costs little next to the server being measured: the
sign-in is unsigned (``InitiateAuth`` needs no AWS signature), so the body
boto3 would send can be sent as is.
"""

from __future__ import annotations

import http.client
import json
import math
import queue
import re
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ._util import PYTHON, ROOT, clean_env

TARGET = "AWSCognitoIdentityProviderService."
HEADERS = {"Content-Type": "application/x-amz-json-1.1"}
READY_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct`` percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


class Process:
    """A server in a child process: started, waited for until its ready line, stopped."""

    def __init__(self, argv: list[str], ready: str, name: str) -> None:
        self.name = name
        self.proc = subprocess.Popen(
            argv, cwd=ROOT, env=clean_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )
        lines: queue.Queue[str | None] = queue.Queue()
        self._tail: list[str] = []

        def drain() -> None:  # keep reading: a full pipe would block the server's prints
            assert self.proc.stdout is not None
            for line in self.proc.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=drain, daemon=True).start()
        deadline = time.monotonic() + READY_TIMEOUT
        pattern = re.compile(ready)
        while True:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                self.stop()
                raise RuntimeError(f"{name} did not become ready: {''.join(self._tail[-5:])!r}")
            self._tail.append(line)
            match = pattern.search(line)
            if match:
                self.match = match
                self._lines = lines
                threading.Thread(target=self._discard, daemon=True).start()
                return

    def _discard(self) -> None:
        while self._lines.get() is not None:
            pass

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdin:
            self.proc.stdin.close()

    def __enter__(self) -> Process:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _read_env(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


@dataclass
class Target:
    """Where to send sign-ins, and the body of one correct sign-in (SECRET_HASH included)."""

    endpoint_url: str
    body: bytes
    label: str

    @property
    def address(self) -> tuple[str, int]:
        parts = urlsplit(self.endpoint_url)
        return parts.hostname or "127.0.0.1", parts.port or 80


def signin_body(client_id: str, username: str, password: str, secret: str, *,
                strict: bool = True) -> bytes:
    import cognito_helpers as ch

    return json.dumps({
        "AuthFlow": "USER_PASSWORD_AUTH",
        "ClientId": client_id,
        "AuthParameters": {
            "USERNAME": username, "PASSWORD": password,
            "SECRET_HASH": ch.secret_hash(username, client_id, secret, strict=strict),
        },
    }).encode()


def start_local(tmp: Path) -> tuple[Process, Target]:
    """``python -m cognito_helpers local --demo --env-file``, as a user runs it."""
    env_file = tmp / "local.env"
    proc = Process(
        [PYTHON, "-m", "cognito_helpers", "local", "--demo", "--env-file", str(env_file)],
        r"Local Cognito ready at (\S+)", "local Cognito (python -m cognito_helpers local)",
    )
    env = _read_env(env_file)
    body = signin_body(env["COGNITO_CLIENT_ID"], env["COGNITO_USERNAME"],
                       env["COGNITO_PASSWORD"], env["COGNITO_CLIENT_SECRET"])
    return proc, Target(proc.match.group(1), body, "local Cognito")


def start_proxy(tmp: Path) -> tuple[Process, Target, Target]:
    """``python -m cognito_helpers proxy --demo``: (process, through the proxy, direct).

    Direct is the proxy's own embedded local Cognito, in the same process: the
    two targets differ by the proxy's hop and judging only.
    """
    env_file = tmp / "proxy.env"
    proc = Process(
        [PYTHON, "-m", "cognito_helpers", "proxy", "--demo", "--env-file", str(env_file)],
        r"Inspecting proxy ready at (\S+) \(answers from the local Cognito at (\S+)\)",
        "inspecting proxy (python -m cognito_helpers proxy --demo)",
    )
    env = _read_env(env_file)
    body = signin_body(env["COGNITO_CLIENT_ID"], env["COGNITO_USERNAME"],
                       env["COGNITO_PASSWORD"], env["COGNITO_CLIENT_SECRET"])
    return (proc, Target(proc.match.group(1), body, "through the proxy"),
            Target(proc.match.group(2), body, "direct"))


_BARE_MOTO = """
import logging, sys
logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request, as ours
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=int(sys.argv[1]), verbose=False)
server.start()
print("bare moto ready at http://127.0.0.1:" + sys.argv[1], flush=True)
sys.stdin.read()  # until the parent closes our stdin (or SIGTERM)
server.stop()
"""


def start_bare_moto() -> tuple[Process, Target]:
    """moto's ThreadedMotoServer in its own process, provisioned like the demo pool."""
    from .bench_local import PASSWORD, _client, _provision

    proc = Process([PYTHON, "-c", _BARE_MOTO, str(free_port())],
                   r"bare moto ready at (\S+)", "bare moto (ThreadedMotoServer)")
    url = proc.match.group(1)
    b = _provision(_client(url), secret=True)
    # moto issues uuid4 secrets (with dashes): hash them as given
    body = signin_body(b["client"], "alice", PASSWORD, b["secret"], strict=False)
    return proc, Target(url, body, "bare moto")


@dataclass
class Load:
    """What a load run saw: sign-ins done, seconds, each call's latency, failures."""

    calls: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""

    @property
    def rate(self) -> float:
        return self.calls / self.seconds if self.seconds else 0.0

    def add(self, other: Load) -> None:
        self.calls += other.calls
        self.seconds += other.seconds
        self.latencies += other.latencies
        self.errors += other.errors
        self.first_error = self.first_error or other.first_error


def _error_text(status: int, data: bytes) -> str:
    """Status and AWS error type only: never the body (it could hold a token)."""
    try:
        kind = json.loads(data).get("__type", "?")
    except (ValueError, AttributeError):
        kind = "not JSON"
    return f"HTTP {status} {str(kind)[:80]}"


def _call(conn: http.client.HTTPConnection, target: Target, close: bool = False) -> str:
    """One sign-in on ``conn`` (``close``: asking the server to close it after the answer);
    '' when tokens came back, else what went wrong."""
    headers = {**HEADERS, "X-Amz-Target": TARGET + "InitiateAuth"}
    if close:
        headers["Connection"] = "close"
    conn.request("POST", "/", target.body, headers)
    resp = conn.getresponse()
    data = resp.read()
    if resp.status == 200 and b'"AccessToken"' in data:
        return ""
    return _error_text(resp.status, data)


def hammer(target: Target, threads: int, seconds: float, reconnect: bool = False) -> Load:
    """``threads`` threads, each on its own keep-alive connection (re-opened when the
    server closes it; with ``reconnect``, a new one for every call), sign in as fast as
    answered for ``seconds``."""
    host, port = target.address
    start = threading.Barrier(threads + 1)
    results: list[Load] = []
    lock = threading.Lock()
    deadline = [0.0]

    def worker() -> None:
        mine = Load()
        conn = http.client.HTTPConnection(host, port, timeout=30)
        start.wait()
        try:
            while (now := time.perf_counter()) < deadline[0]:
                try:
                    err = _call(conn, target, close=reconnect)
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    err = f"{type(exc).__name__}"
                if reconnect:
                    conn.close()
                mine.latencies.append(time.perf_counter() - now)
                if err:
                    mine.errors += 1
                    mine.first_error = mine.first_error or err
                else:
                    mine.calls += 1
        finally:
            conn.close()
            with lock:
                results.append(mine)

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start.wait()
    for t in pool:
        t.join()
    total = Load(seconds=time.perf_counter() - began)
    for r in results:
        total.calls += r.calls
        total.latencies += r.latencies
        total.errors += r.errors
        total.first_error = total.first_error or r.first_error
    return total


def sequential(targets: Sequence[Target], calls: int, warmup: int = 20) -> dict[str, Load]:
    """One connection per target, one call at a time, alternating between targets."""
    conns = {t.label: http.client.HTTPConnection(*t.address, timeout=30) for t in targets}
    out = {t.label: Load() for t in targets}
    try:
        for i in range(warmup + calls):
            for t in targets:
                began = time.perf_counter()
                try:
                    err = _call(conns[t.label], t)
                except (OSError, http.client.HTTPException) as exc:
                    conns[t.label].close()
                    err = type(exc).__name__
                took = time.perf_counter() - began
                if i < warmup:
                    continue
                load = out[t.label]
                load.seconds += took
                load.latencies.append(took)
                if err:
                    load.errors += 1
                    load.first_error = load.first_error or err
                else:
                    load.calls += 1
    finally:
        for c in conns.values():
            c.close()
    return out


def tmpdir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="bench-")
