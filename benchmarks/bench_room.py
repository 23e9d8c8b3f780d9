"""The workshop room: seconds to start a participant's server, and memory per participant.

A room (``workshop room``, the hub in its own process; as root each participant is
a Unix user of their own, otherwise ``--rehearsal``) with 1, 5 and
10 participants: every server is started through the hub's REST API and runs
notebook 01 in its own kernel (the participant's own local Cognito). Memory is
the resident size of each participant's server with its kernels, read from
/proc, at its peak of the run. These figures size the per-user limits in
``room/z2jh-values.yaml``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from ._util import Result

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants, in MB."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            for task in Path(f"/proc/{p}/task").iterdir():
                children = (task / "children").read_text().split()
                todo += [int(c) for c in children]
        except (OSError, StopIteration, ValueError):
            continue
    return total / 1024


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _room(n: int) -> tuple[float, float]:
    """(median seconds to a ready server, median MB per participant) for ``n`` participants."""
    from cognito_helpers.exceptions import WorkshopError
    from cognito_helpers.workshop.roomclient import RoomClient

    with tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "cognito_helpers", "workshop", "room", "--dir", f"{tmp}/data",
             "--port", str(port), "-n", str(n), "--prefix", "bench",
             # as root each participant is a Unix user of their own; otherwise a rehearsal
             *([] if os.geteuid() == 0 else ["--rehearsal"])],
            cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    settings = json.loads(Path(f"{tmp}/data/room.json").read_text())
                    client = RoomClient(f"http://127.0.0.1:{port}", settings["instructor_token"])
                    client.users()
                    break
                except (OSError, ValueError, KeyError, WorkshopError):
                    if time.monotonic() > deadline:
                        raise RuntimeError("the room did not start in 90 s") from None
                    time.sleep(0.5)
            names = [f"bench-{i:02d}" for i in range(1, n + 1)]
            spawn, memory = [], []
            for name in names:
                spawn.append(client.start_server(name))
            for name in names:
                pid = client.server_pid(name)
                peak = [0.0]
                done = threading.Event()

                def sample(pid: int = pid, peak: list[float] = peak, done: threading.Event = done) -> None:
                    while not done.wait(0.2):  # server + kernel + its local Cognito, while it runs
                        peak[0] = max(peak[0], _rss_mb(pid))

                sampler = threading.Thread(target=sample, daemon=True)
                sampler.start()
                run = client.run_notebook(name, "notebooks/01-setup-check.ipynb")
                done.set()
                sampler.join()
                if not run.ok:
                    raise RuntimeError(f"notebook 01 failed for {name}: {run.failures}")
                memory.append(peak[0])
            for name in names:
                client.stop_server(name)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
            # the room's Unix users, their homes and runtime go (as the instructor's --down)
            subprocess.run([sys.executable, "-m", "cognito_helpers", "workshop", "room", "--down",
                            "--dir", f"{tmp}/data"], capture_output=True, timeout=60, check=False)
    spawn.sort()
    memory.sort()
    return spawn[len(spawn) // 2], memory[len(memory) // 2]


def bench(sizes: tuple[int, ...] = (1, 5, 10)) -> list[Result]:
    results = []
    for n in sizes:
        seconds, mb = _room(n)
        results.append(Result(f"room: start a participant's server ({n} in the room)", seconds, None,
                              "s", goal="informative (sizes a room)"))
        results.append(Result(f"room: memory per participant ({n} in the room)", mb, None, "MB",
                              goal="informative (z2jh limits)"))
    return results
