"""Fork nbval's kernels from a Python that has already imported what every lesson imports.

Every lesson's kernel pays the same ~0.4 s to start (ipykernel, IPython, zmq) and
~0.3 s more to import boto3 and moto before its first line of work: most of a lesson's
time under nbval. Under pytest, each pytest process that runs notebooks starts one
*zygote*: a Python that imports those third-party modules once (never
``cognito_helpers``: the package under test is imported afresh in every kernel) and
then forks a kernel each time nbval asks for one. A forked kernel is a real ipykernel
in its own process, with the environment, working directory and standard streams
nbval gave it; every cell runs in it and every output is compared as before.

How a kernel is asked for: nbval's kernel spec (``--nbval-current-env``) runs this
file as a *launcher* (``python -S kernel_zygote.py launch -f <connection file>``). The
launcher sends its argv, environment, working directory and its three standard file
descriptors over the zygote's Unix socket; the zygote forks; the child takes them over
and starts ``IPKernelApp`` on nbval's connection file. The launcher stays as the process
jupyter_client manages: it passes on the signals jupyter_client sends (interrupt,
terminate) and exits when the kernel does (``pidfd_open``). If the launcher dies, the
kernel sees its socket close and exits; if the zygote is unreachable or refuses, the
launcher runs ``python -m ipykernel_launcher`` itself, as a kernel spec normally does.

``COGNITO_LAB_FORK_KERNELS=0`` turns it off (kernels start as usual). Tests that start
kernels themselves (tests/test_canary.py, tests/test_isolation.py) and JupyterLab in
the browser tests still start every kernel the usual way, so both paths run in every
``make test``. Linux only (``os.pidfd_open``, ``socket.send_fds``); elsewhere it is off.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import sys
import threading
from typing import Any

# The launcher runs this file once per kernel: what only the zygote needs (subprocess,
# tempfile, pathlib: ~15 ms) is imported where it is used.
HERE = os.path.abspath(__file__)
SOCKET_ENV = "COGNITO_LAB_KERNEL_ZYGOTE"
SWITCH_ENV = "COGNITO_LAB_FORK_KERNELS"
LOG_ENV = "COGNITO_LAB_ZYGOTE_LOG"

# Imported once in the zygote: what starting a kernel and the lessons' first cells import.
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.comm",
    "ipykernel.debugger",  # debugpy: ~60 ms of every kernel's start
    "ipywidgets",
    "boto3",
    "boto3.session",
    "botocore.client",
    "botocore.config",
    "botocore.exceptions",
    "moto.cognitoidp.models",
    "moto.cognitoidp.responses",
    "moto.moto_server.werkzeug_app",
    "flask",
    "flask_cors",
    "werkzeug.serving",
    "joserfc.jwk",
    "jwt",
    "cryptography.hazmat.primitives.asymmetric.rsa",
    "pycognito.aws_srp",
)
_MAX_REQUEST = 4 << 20  # an environment is a few KB; more is not a launcher


def available() -> bool:
    """Whether kernels can be forked here (Linux's pidfd, fd passing) and are not turned off."""
    return (
        os.environ.get(SWITCH_ENV, "1") != "0"
        and sys.platform.startswith("linux")
        and hasattr(os, "pidfd_open")
        and hasattr(socket, "send_fds")
    )


# -- the zygote ---------------------------------------------------------------------------


def _preload(between: Any = lambda: None) -> None:
    """Import PRELOAD, calling ``between()`` after each module (to serve waiting launchers:
    a kernel asked for early forks with what is loaded so far and imports the rest)."""
    import importlib
    import warnings

    def quietly(step: Any) -> None:  # outside this, a forked kernel keeps its warnings as usual
        with warnings.catch_warnings(), contextlib.suppress(ImportError):
            warnings.simplefilter("ignore")
            step()

    for name in PRELOAD:
        quietly(lambda name=name: importlib.import_module(name))
        between()

    def warm_moto() -> None:
        # moto's caches of botocore's data (regions, cognito-idp's model): read once here,
        # not in every kernel; they hold botocore's files, no state of any pool
        from moto.core.base_backend import AccountSpecificBackend
        from moto.core.utils import get_service_model

        AccountSpecificBackend.get_session().get_available_regions("cognito-idp")
        get_service_model("cognito-idp")

    quietly(warm_moto)


def _recv_request(conn: socket.socket) -> tuple[dict[str, Any], list[int]]:
    chunks, fds = [], []
    while True:
        data, new_fds, _flags, _addr = socket.recv_fds(conn, 1 << 16, 3)
        fds += new_fds
        if not data:
            break
        chunks.append(data)
        if sum(map(len, chunks)) > _MAX_REQUEST:
            raise ValueError("request too large")
        if data.endswith(b"\n"):
            break
    return json.loads(b"".join(chunks)), fds


def _become_kernel(conn: socket.socket, request: dict[str, Any], fds: list[int]) -> None:
    """In the forked child: take over the launcher's streams, place and environment; run."""
    code: Any = 0
    try:
        for target, fd in zip((0, 1, 2), fds, strict=True):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = ["ipykernel_launcher", *request["argv"]]
        sys.path[0] = os.getcwd()  # as `python -m ipykernel_launcher` has it
        import random

        random.seed()
        try:  # moto's own generator (ids, secrets) would repeat in every child
            from moto.moto_api._internal import mock_random

            mock_random.seed()
        except ImportError:
            pass
        import atexit

        from ipykernel.kernelapp import IPKernelApp

        # read from the environment when ipykernel was imported (in the zygote)
        IPKernelApp.class_traits()["parent_handle"].default_value = int(
            os.environ.get("JPY_PARENT_PID") or 0
        )

        def watch_launcher() -> None:  # the launcher gone: nobody manages this kernel
            try:
                while conn.recv(1):
                    pass
            except OSError:
                pass
            os._exit(1)

        threading.Thread(target=watch_launcher, name="launcher-watch", daemon=True).start()
        try:
            IPKernelApp.launch_instance()
        except SystemExit as exc:
            code = exc.code
        atexit._run_exitfuncs()
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code if isinstance(code, int) else 1)


def _fork_one(listener: socket.socket, log: str | None) -> None:
    """Accept one launcher and fork its kernel (or refuse, and it starts one itself)."""
    conn, _ = listener.accept()
    fds: list[int] = []
    try:
        request, fds = _recv_request(conn)
        if len(fds) != 3 or threading.active_count() != 1:
            conn.sendall(b"refused\n")
            return
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            listener.close()
            _become_kernel(conn, request, fds)
        conn.sendall(f"{pid}\n".encode())
        if log:
            with open(log, "a", encoding="utf-8") as out:
                out.write(f"forked {pid} {request['cwd']}\n")
    except (OSError, ValueError):
        pass
    finally:
        for fd in fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        conn.close()


def serve(path: str) -> None:
    """Run the zygote on the Unix socket ``path`` until its standard input closes.

    It listens at once and imports PRELOAD while it serves, so the first kernel does not
    wait for the whole list.
    """
    log = os.environ.get(LOG_ENV)  # a line per kernel forked (tests/test_kernel_zygote.py)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped for us
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    os.chmod(path, 0o600)
    listener.listen(16)
    print("ready", flush=True)

    def serve_waiting(timeout: float | None = 0) -> None:
        ready, _, _ = select.select([listener, sys.stdin], [], [], timeout)
        if sys.stdin in ready and not os.read(sys.stdin.fileno(), 1 << 10):
            sys.exit(0)  # pytest is gone
        if listener in ready:
            _fork_one(listener, log)

    _preload(serve_waiting)
    while True:
        serve_waiting(None)


class Zygote:
    """A zygote for this process's kernels: ``start()``, then kernels launched through
    :func:`kernel_argv` fork from it; ``stop()`` ends it (its kernels are nbval's to stop)."""

    def __init__(self) -> None:
        import tempfile

        self.dir = tempfile.mkdtemp(prefix="kz-")
        self.path = os.path.join(self.dir, "zygote.sock")
        self.process: Any = None  # subprocess.Popen

    def start(self) -> Zygote:
        import subprocess

        env = {k: v for k, v in os.environ.items() if k != SOCKET_ENV}
        # debugpy's import-time warning about frozen modules, which a kernel would print to
        # its own stderr (nbval's is /dev/null), would land in pytest's output from here
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        self.process = subprocess.Popen(
            [sys.executable, HERE, "serve", self.path],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
        )
        return self

    def wait_ready(self, timeout: float = 60) -> bool:
        """Whether it is serving (False: it failed to start; kernels then start as usual)."""
        assert self.process is not None and self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        return bool(ready) and self.process.stdout.readline().strip() == "ready"

    def stop(self) -> None:
        """End the zygote and remove its socket (again: nothing to do)."""
        import subprocess

        if self.process is not None:
            try:
                if self.process.stdin is not None:
                    self.process.stdin.close()
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            if self.process.stdout is not None:
                self.process.stdout.close()
            self.process = None
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        with contextlib.suppress(FileNotFoundError):
            os.rmdir(self.dir)


def kernel_argv() -> list[str]:
    """A kernel spec's argv that launches through the zygote named by ``$COGNITO_LAB_KERNEL_ZYGOTE``."""
    return [sys.executable, "-S", HERE, "launch", "-f", "{connection_file}"]


# -- the launcher -------------------------------------------------------------------------


def _spawn_normally(argv: list[str]) -> None:
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *argv])  # noqa: S606 - what the kernel spec would run


def launch(argv: list[str]) -> None:
    """Ask the zygote for a kernel with ``argv``; stand in for it until it exits."""
    path = os.environ.get(SOCKET_ENV)
    if not path:
        _spawn_normally(argv)
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
        request = {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}
        socket.send_fds(conn, [json.dumps(request).encode() + b"\n"], [0, 1, 2])
        reply = conn.makefile("rb").readline().strip()
        pid = int(reply)
        pidfd = os.pidfd_open(pid)
    except (OSError, ValueError):
        conn.close()
        _spawn_normally(argv)
        return
    parent = os.getppid()

    def forward(signum: int, _frame: Any) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signum, forward)
    while True:
        try:
            done, _, _ = select.select([pidfd], [], [], 1.0)
        except InterruptedError:
            continue
        if done:
            break
        if os.getppid() != parent:  # whoever managed us is gone: so is the kernel
            forward(signal.SIGKILL, None)
    conn.close()


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2])
    elif sys.argv[1:2] == ["launch"]:
        launch(sys.argv[2:])
    else:
        sys.exit("usage: kernel_zygote.py serve <socket> | launch -f <connection file>")
