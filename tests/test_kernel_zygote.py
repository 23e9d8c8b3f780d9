"""The zygote that nbval's kernels fork from (tests/kernel_zygote.py): a forked kernel is a
real kernel with nbval's environment, place and streams, and it ends when it should."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import kernel_zygote as kz
import pytest
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import KernelManager

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not kz.available(), reason="forking kernels needs Linux (pidfd)")

PROBE = """\
import json, os, sys
print(json.dumps({"pid": os.getpid(), "ppid": os.getppid(), "cwd": os.getcwd(),
                  "path0": sys.path[0], "launcher_var": os.environ.get("ONLY_IN_LAUNCHER"),
                  "zygote_var": os.environ.get("ONLY_IN_ZYGOTE"),
                  "boto3": "boto3" in sys.modules, "ours": "cognito_helpers" in sys.modules}))
"""


@pytest.fixture(scope="module")
def zygote():
    os.environ["ONLY_IN_ZYGOTE"] = "1"
    try:
        z = kz.Zygote().start()
    finally:
        del os.environ["ONLY_IN_ZYGOTE"]
    assert z.wait_ready(), "the zygote did not start"
    yield z
    z.stop()
    assert not os.path.exists(z.dir)


def start(zygote, cwd, socket_path=None, **env):
    km = KernelManager(kernel_name="zygote-test")
    km._kernel_spec = KernelSpec(argv=kz.kernel_argv(), display_name="t", language="python")
    full_env = {**os.environ, kz.SOCKET_ENV: socket_path or zygote.path, **env}
    km.start_kernel(cwd=str(cwd), env=full_env)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    return km, kc


def run(kc, code, timeout=30):
    out, reply = [], None
    reply = kc.execute_interactive(
        code, timeout=timeout,
        output_hook=lambda m: out.append(m["content"]["text"]) if m["msg_type"] == "stream" else None,
    )
    return "".join(out), reply["content"]


def stop(km, kc):
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def gone(pid, within=10.0):
    end = time.monotonic() + within
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_a_forked_kernel_has_nbvals_place_and_environment_not_the_zygotes(zygote, tmp_path):
    km, kc = start(zygote, tmp_path, ONLY_IN_LAUNCHER="yes")
    try:
        seen = json.loads(run(kc, PROBE)[0])
    finally:
        stop(km, kc)
    assert seen["ppid"] == zygote.process.pid and seen["pid"] != zygote.process.pid
    assert seen["cwd"] == str(tmp_path) and seen["path0"] == str(tmp_path)
    assert seen["launcher_var"] == "yes" and seen["zygote_var"] is None
    assert seen["boto3"] is True  # imported once, in the zygote
    assert seen["ours"] is False  # the package under test: imported afresh in each kernel


def test_two_forked_kernels_draw_their_own_random_ids(zygote, tmp_path):
    code = ("import random\nfrom moto.moto_api._internal import mock_random\n"
            "print(mock_random.get_random_hex(16), random.random())")
    draws = []
    for _ in range(2):
        km, kc = start(zygote, tmp_path)
        try:
            draws.append(run(kc, code)[0])
        finally:
            stop(km, kc)
    assert draws[0] != draws[1]


def test_an_interrupt_reaches_a_forked_kernel(zygote, tmp_path):
    km, kc = start(zygote, tmp_path)
    try:
        msg_id = kc.execute("import time; time.sleep(60)")
        time.sleep(0.5)
        started = time.monotonic()
        km.interrupt_kernel()
        # wait_for_ready may have sent kernel_info more than once on a loaded machine:
        # their late replies come first on the shell channel
        reply = kc.get_shell_msg(timeout=15)
        while reply["parent_header"].get("msg_id") != msg_id:
            assert reply["msg_type"] == "kernel_info_reply", reply["msg_type"]
            reply = kc.get_shell_msg(timeout=15)
        assert reply["content"]["ename"] == "KeyboardInterrupt"
        assert time.monotonic() - started < 10
        while True:  # the interrupted cell's last messages, up to its "idle"
            msg = kc.get_iopub_msg(timeout=15)
            if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                    and msg["content"]["execution_state"] == "idle"):
                break
        assert run(kc, "print(6 * 7)")[0].strip() == "42"  # and it goes on
    finally:
        stop(km, kc)


def test_shutdown_ends_the_kernel_and_its_launcher(zygote, tmp_path):
    km, kc = start(zygote, tmp_path)
    pid = json.loads(run(kc, PROBE)[0])["pid"]
    kc.stop_channels()
    km.shutdown_kernel(now=False)
    assert not km.is_alive()
    assert gone(pid)


def test_a_killed_launcher_takes_its_kernel_with_it(zygote, tmp_path):
    km, kc = start(zygote, tmp_path)
    pid = json.loads(run(kc, PROBE)[0])["pid"]
    launcher = km.provisioner.process
    os.kill(launcher.pid, signal.SIGKILL)
    launcher.wait(timeout=10)
    try:
        assert gone(pid), "the kernel outlived its launcher"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_without_the_zygote_the_launcher_starts_a_kernel_the_usual_way(zygote, tmp_path):
    km, kc = start(zygote, tmp_path, socket_path=str(tmp_path / "no-such.sock"))
    try:
        seen = json.loads(run(kc, PROBE)[0])
    finally:
        stop(km, kc)
    assert seen["ppid"] == os.getpid()  # the launcher became the kernel (exec)
    assert seen["boto3"] is False and seen["cwd"] == str(tmp_path)


def test_nbval_kernels_fork_from_the_zygote(tmp_path):
    """notebooks/conftest.py points nbval's kernel spec at the zygote: one fork per notebook,
    in the notebook's folder, and the notebook passes as it does with spawned kernels."""
    log = tmp_path / "forks.log"
    env = {**os.environ, kz.LOG_ENV: str(log)}
    env.pop(kz.SOCKET_ENV, None)
    env.pop("PYTEST_XDIST_WORKER", None)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "notebooks/01-setup-check.ipynb"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
    lines = log.read_text().splitlines()
    assert len(lines) == 1 and lines[0].endswith(f" {ROOT / 'notebooks'}"), lines
