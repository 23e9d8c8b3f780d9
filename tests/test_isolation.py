"""A room of kernels: every process or kernel runs its own local Cognito, with no shared state.

On a shared JupyterHub each participant's kernel calls ``get_target()`` and
starts its own ``LocalCognito``. These tests run several of them *at the same
time* (a barrier makes every seat wait until all the others are up) and check
that no two share a port, a pool, a user or an outbox.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from botocore.exceptions import ClientError
from nbclient import NotebookClient

from cognito_helpers.exceptions import LocalCognitoError
from cognito_helpers.local.server import LocalCognito

ROOT = Path(__file__).resolve().parents[1]
SEATS = 3

# Each seat: start this process's local Cognito, wait until every seat is up,
# then run the notebooks' flow (sign-up with SECRET_HASH, confirm, sign-in).
# Every seat signs up the same user "bob": in a shared backend all but one
# would get UsernameExistsException.
SETUP = """\
import json, os, pathlib, time
import cognito_helpers as ch
from cognito_helpers import get_target, local_cognito

target = get_target()
lc = local_cognito()
room = pathlib.Path({room!r})
(room / "{seat}.ready").write_text(str(lc.port))
deadline = time.monotonic() + 120
while len(list(room.glob("*.ready"))) < {size}:
    assert time.monotonic() < deadline, "the other seats never came up"
    time.sleep(0.05)
"""
FLOW = """\
cip = target.client()
pools = [p["Id"] for p in cip.list_user_pools(MaxResults=60)["UserPools"]]
assert pools == [target.user_pool_id], pools
sh = ch.secret_hash("bob", target.client_id, target.client_secret)
cip.sign_up(ClientId=target.client_id, Username="bob", Password="Bob-pass-123!", SecretHash=sh,
            UserAttributes=[{{"Name": "email", "Value": "bob@example.com"}}])
cip.confirm_sign_up(ClientId=target.client_id, Username="bob", SecretHash=sh,
                    ConfirmationCode=lc.last_code("bob"))
tokens = cip.initiate_auth(
    ClientId=target.client_id, AuthFlow="USER_PASSWORD_AUTH",
    AuthParameters={{"USERNAME": "bob", "PASSWORD": "Bob-pass-123!", "SECRET_HASH": sh}},
)["AuthenticationResult"]
assert tokens["AccessToken"].count(".") == 2
users = sorted(u["Username"] for u in cip.list_users(UserPoolId=target.user_pool_id)["Users"])
still_up = sorted(p.name for p in room.glob("*.ready"))
print(json.dumps({{"seat": "{seat}", "pid": os.getpid(), "port": lc.port, "pool": target.user_pool_id,
                  "users": users, "outbox": len(lc.outbox), "seen_ready": len(still_up)}}))
"""


@pytest.fixture
def room(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory for the barrier; the environment never points at a real pool."""
    for name in list(os.environ):
        if name.startswith("COGNITO_") or name == "MOTO_ACCOUNT_ID":
            monkeypatch.delenv(name)
    directory = tmp_path / "room"
    directory.mkdir()
    return directory


def _check_room(reports: list[dict], size: int) -> None:
    assert sorted(r["seat"] for r in reports) == sorted(f"seat{i}" for i in range(size))
    assert len({r["pid"] for r in reports}) == size, "seats must be separate processes"
    assert len({r["port"] for r in reports}) == size, "two seats shared a port"
    assert len({r["pool"] for r in reports}) == size
    for r in reports:
        # each saw only its own demo user plus its own bob, and only its own e-mail
        assert r["users"] == ["alice", "bob"], r
        assert r["outbox"] == 1, r
        assert r["seen_ready"] == size  # everyone was up at the same time


def test_processes_each_run_their_own_local_cognito_at_once(room: Path):
    procs = []
    for i in range(SEATS):
        code = SETUP.format(room=str(room), seat=f"seat{i}", size=SEATS) + FLOW.format(seat=f"seat{i}")
        procs.append(subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, text=True,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err[-2000:]
        reports.append(json.loads(out.strip().splitlines()[-1]))
    _check_room(reports, SEATS)


def _execute_at_once(clients: list[NotebookClient]) -> None:
    """Run the notebooks concurrently (one kernel each) on an event loop of their own.

    In a thread, so that a loop already running in the main thread (another
    test's) never gets in the way of ``asyncio.run``.
    """

    async def run_all() -> None:
        await asyncio.gather(*(c.async_execute() for c in clients))

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, run_all()).result()  # re-raises CellExecutionError


def _seat_notebook(room: Path, seat: str, size: int) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(SETUP.format(room=str(room), seat=seat, size=size)),
        nbformat.v4.new_code_cell(FLOW.format(seat=seat)),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def _stdout(nb: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") for cell in nb.cells for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream" and o.get("name") == "stdout")


def test_kernels_each_run_their_own_local_cognito_at_once(room: Path):
    notebooks = [_seat_notebook(room, f"seat{i}", SEATS) for i in range(SEATS)]
    clients = [NotebookClient(nb, timeout=180, kernel_name="python3",
                              resources={"metadata": {"path": str(ROOT)}}) for nb in notebooks]
    _execute_at_once(clients)
    reports = [json.loads(_stdout(nb).strip().splitlines()[-1]) for nb in notebooks]
    _check_room(reports, SEATS)


def _notebooks_using_the_local_cognito() -> list[Path]:
    found = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        text = path.read_text(encoding="utf-8")
        if "get_target(" in text or "local_cognito(" in text or "LocalCognito(" in text:
            found.append(path)
    return found[:2]  # two lessons, twice each at once, are enough to show it (CI time)


@pytest.mark.parametrize("path", _notebooks_using_the_local_cognito(), ids=lambda p: p.stem)
def test_a_lesson_runs_twice_at_once_in_separate_kernels(path: Path, room: Path):
    copies = [nbformat.read(path, as_version=4) for _ in range(2)]
    clients = [NotebookClient(nb, timeout=300, kernel_name="python3",
                              resources={"metadata": {"path": str(path.parent)}}) for nb in copies]
    _execute_at_once(clients)  # raises CellExecutionError, with the cell, if either copy fails


# -- in one process ------------------------------------------------------------------


def test_two_local_cognitos_in_one_process_do_not_see_each_other():
    with LocalCognito() as a, LocalCognito() as b:
        assert a.port != b.port and a.account_id != b.account_id
        pool_a, pool_b = a.demo(), b.demo()
        cip_a, cip_b = a.client(), b.client()
        ids_a = [p["Id"] for p in cip_a.list_user_pools(MaxResults=60)["UserPools"]]
        ids_b = [p["Id"] for p in cip_b.list_user_pools(MaxResults=60)["UserPools"]]
        assert ids_a == [pool_a.user_pool_id] and ids_b == [pool_b.user_pool_id]
        with pytest.raises(ClientError) as info:
            cip_b.describe_user_pool(UserPoolId=pool_a.user_pool_id)
        assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"
        with pytest.raises(ClientError) as info:
            cip_b.initiate_auth(
                ClientId=pool_a.client_id, AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": pool_a.username, "PASSWORD": pool_a.password},
            )
        assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"
        # the same user signs up in both without a clash; each outbox holds only its own code
        for lc, pool in ((a, pool_a), (b, pool_b)):
            from cognito_helpers import secret_hash

            lc.client().sign_up(
                ClientId=pool.client_id, Username="carol", Password="Carol-pass-123!",
                SecretHash=secret_hash("carol", pool.client_id, pool.client_secret),
                UserAttributes=[{"Name": "email", "Value": "carol@example.com"}],
            )
        assert [m.client_id for m in a.outbox] == [pool_a.client_id]
        assert [m.client_id for m in b.outbox] == [pool_b.client_id]
        # stopping one leaves the other serving
        a.stop()
        assert [p["Id"] for p in cip_b.list_user_pools(MaxResults=60)["UserPools"]] == ids_b


def test_a_taken_port_is_a_clear_error_not_a_shared_server():
    with LocalCognito() as a:
        with pytest.raises(LocalCognitoError, match=rf"{a.port}.*free one"):
            LocalCognito(port=a.port).start()
        assert a.client().list_user_pools(MaxResults=1)["UserPools"] == []

