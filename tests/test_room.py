"""A workshop room on a real JupyterHub (``workshop room``): five participants, end to end.

The hub is started as an instructor starts it (the CLI, in its own process);
participants sign in through the hub's own login form, get their own servers,
and run notebooks 01 and 02 there through the Jupyter REST and kernel APIs.
Each kernel talks to its own local Cognito: no participant sees another's
pools or codes. Under CI the room's packages must be there (fail, not skip).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from room_harness import cognito_room_running, oauth_sign_in, stop_room

from cognito_helpers.exceptions import WorkshopError
from cognito_helpers.workshop.room import PROXY_BIN, read_progress
from cognito_helpers.workshop.roomclient import RoomClient

REPO = Path(__file__).resolve().parent.parent
PARTICIPANTS = [f"room-{i:02d}" for i in range(1, 6)]

_missing = [
    what
    for what, ok in [
        ("jupyterhub (pip install -r room/requirements.txt)", shutil.which("jupyterhub", path=str(Path(sys.executable).parent))),
        ("configurable-http-proxy (cd room && npm ci)", PROXY_BIN.exists()),
    ]
    if not ok
]
if _missing:
    if os.environ.get("CI"):
        pytest.fail(f"the room's packages are missing under CI: {', '.join(_missing)}", pytrace=False)
    pytest.skip(f"not installed: {', '.join(_missing)}", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    room_dir = tmp_path_factory.mktemp("room")
    port = _free_port()
    with (room_dir / "hub.log").open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cognito_helpers", "workshop", "room", "--dir",
             str(room_dir / "data"), "--port", str(port), "--participants", "5", "--prefix", "room"],
            cwd=room_dir, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        client = None
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                if proc.poll() is not None:
                    pytest.fail(f"the room exited: {(room_dir / 'hub.log').read_text()[-2000:]}")
                data = room_dir / "data" / "room.json"
                if data.exists():
                    settings = json.loads(data.read_text())
                    client = RoomClient(base, settings["instructor_token"], timeout=10)
                    try:
                        client.users()
                        break
                    except WorkshopError:  # not answering yet
                        pass
                time.sleep(0.5)
            else:
                pytest.fail(f"the room did not answer in 90 s: {(room_dir / 'hub.log').read_text()[-2000:]}")
            yield base, client, settings, room_dir
        finally:  # whatever failed: the servers and the hub stop
            stop_room(proc, client, [{"username": name} for name in PARTICIPANTS])


def _sign_in(base: str, name: str, password: str) -> str:
    """Sign in through the hub's login form as a browser would; the page it lands on."""
    import requests

    s = requests.Session()
    page = s.get(f"{base}/hub/login", timeout=10)
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text)
    form = {"username": name, "password": password}
    if xsrf:
        form["_xsrf"] = xsrf.group(1)
    answer = s.post(f"{base}/hub/login?next=", data=form, timeout=60, allow_redirects=True)
    return urllib.parse.urlparse(answer.url).path


def test_room_settings_are_private(room):
    _, _, _, room_dir = room
    assert (room_dir / "data" / "room.json").stat().st_mode & 0o077 == 0
    assert (room_dir / "data" / "home").stat().st_mode & 0o077 == 0


def test_a_wrong_password_is_refused(room):
    base, _, settings, _ = room
    assert _sign_in(base, PARTICIPANTS[0], settings["rehearsal_password"] + "x") == "/hub/login"
    assert _sign_in(base, "not-a-participant", settings["rehearsal_password"]) == "/hub/login"


def test_five_participants_run_01_and_02_each_in_their_own_cognito(room):
    base, client, settings, room_dir = room
    for name in PARTICIPANTS:  # signing in starts the participant's server
        landed = _sign_in(base, name, settings["rehearsal_password"])
        assert landed.startswith((f"/user/{name}/", "/hub/spawn-pending", "/hub/home", "/hub/spawn")), landed
    # all five at once, as in a workshop: each in its own server, kernel and local Cognito

    def lessons(name: str) -> list[tuple[str, str, object]]:
        client.start_server(name)
        return [(name, nb, client.run_notebook(name, nb))
                for nb in ("notebooks/01-setup-check.ipynb", "notebooks/02-reproduce-the-error.ipynb")]

    with ThreadPoolExecutor(len(PARTICIPANTS)) as pool:
        for runs in pool.map(lessons, PARTICIPANTS):
            for name, nb, run in runs:
                assert run.cells > 5 and run.ok, (name, nb, run.failures)
    # no cross-talk: each creates a pool and signs up a user; each sees only its own
    probe = """
import cognito_helpers as ch, json
lc = ch.local_cognito()
cip = lc.client()
cip.create_user_pool(PoolName="pool-of-{name}")
demo = lc.demo(name="{name}")
cip.sign_up(ClientId=demo.client_id, Username="{name}-new", Password="Passw0rd!x",
            SecretHash=ch.secret_hash("{name}-new", demo.client_id, demo.client_secret))
seen = [p["Name"] for p in cip.list_user_pools(MaxResults=60)["UserPools"]]
print(json.dumps({{"pools": sorted(seen), "outbox": [m.username for m in lc.outbox]}}))
"""
    with ThreadPoolExecutor(len(PARTICIPANTS)) as pool:
        probes = list(pool.map(
            lambda name: client.run_cells(name, "notebooks/probe.ipynb", [probe.format(name=name)]),
            PARTICIPANTS))
    for name, run in zip(PARTICIPANTS, probes, strict=True):
        assert run.ok, run.failures
        seen = json.loads(run.stdout[-1])
        # the kernel's own local Cognito: its lesson pool and what this probe made, nothing else
        assert sorted(seen["pools"]) == sorted(["demo-pool", f"pool-of-{name}", name]), seen
        assert seen["outbox"] == [f"{name}-new"], seen
    # the homes are the participants' own: a copy of the notebooks each
    homes = sorted(p.name for p in (room_dir / "data" / "home").iterdir())
    assert homes == PARTICIPANTS
    assert all((room_dir / "data" / "home" / n / "notebooks" / "01-setup-check.ipynb").is_file() for n in PARTICIPANTS)


def test_workshop_status_shows_each_participants_checks(room):
    _base, client, _settings, room_dir = room
    name = PARTICIPANTS[1]
    client.start_server(name)
    run = client.run_cells(name, "notebooks/check.ipynb", [
        "import cognito_helpers as ch\n"
        "print(ch.check_exercise('03.1', ...).status)\n"
        "print(ch.check_exercise('03.1', 'surely wrong').status)\n"
    ])
    assert run.ok, run.failures
    progress = read_progress(room_dir / "data")
    assert progress[name] == {"03.1": False}
    assert all(progress[n] == {} for n in PARTICIPANTS if n != name and n in progress)
    out = subprocess.run(
        [sys.executable, "-m", "cognito_helpers", "workshop", "status", "--dir", str(room_dir / "data")],
        capture_output=True, text=True, timeout=60, check=True,
    ).stdout
    assert re.search(rf"{name}\s+0\s+no", out), out


# -- the room's sign-in is the workshop pool's own OAuth endpoints --------------------


@pytest.fixture(scope="module")
def cognito_room(tmp_path_factory):
    """`workshop up` on a local Cognito, then `workshop room --workshop`: the instructor's path."""
    with cognito_room_running(tmp_path_factory.mktemp("cognito-room")) as room:
        yield room


def test_participants_sign_in_to_the_hub_through_the_pools_oauth_endpoints(cognito_room):
    base, client, _lc, sheet, _work = cognito_room
    assert [p["username"] for p in sheet] == ["guest-01", "guest-02", "guest-03"]
    person = sheet[0]
    authorize, result, landed = oauth_sign_in(base, person["username"], person["password"])
    # the hub sent the browser to the pool domain's authorize endpoint, with PKCE
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(authorize).query))
    assert urllib.parse.urlsplit(authorize).path.endswith("/oauth2/authorize")
    assert query["response_type"] == "code" and query["code_challenge_method"] == "S256"
    assert query["redirect_uri"] == f"{base}/hub/oauth_callback"
    # the code came back and the hub redeemed it (Basic client secret) for the user
    assert result.code and landed is not None, result
    assert landed.status_code == 200
    assert urllib.parse.urlsplit(landed.url).path.startswith(
        (f"/user/{person['username']}/", "/hub/spawn-pending", "/hub/home")
    ), landed.url
    users = {u["name"] for u in client.users()}
    assert person["username"] in users


def test_a_wrong_password_on_the_pools_page_gets_no_code(cognito_room):
    base, _, _, sheet, _ = cognito_room
    _, result, landed = oauth_sign_in(base, sheet[1]["username"], sheet[1]["password"] + "x")
    assert result.code is None and landed is None
    assert "Incorrect username or password" in (result.message or ""), result


def test_a_participants_kernel_uses_the_workshop_pool_as_that_participant(cognito_room):
    base, client, _lc, sheet, work = cognito_room
    person = sheet[2]
    _, _result, landed = oauth_sign_in(base, person["username"], person["password"])
    assert landed is not None and landed.status_code == 200
    client.start_server(person["username"])
    run = client.run_notebook(person["username"], "notebooks/01-setup-check.ipynb")
    assert run.ok, run.failures
    probe = client.run_cells(person["username"], "notebooks/probe.ipynb", [
        "import cognito_helpers as ch, json\n"
        "t = ch.get_target()\n"
        "print(json.dumps({'pool': t.user_pool_id, 'user': t.username, 'kind': t.kind}))\n"
    ])
    assert probe.ok, probe.failures
    seen = json.loads(probe.stdout[-1])
    state = json.loads((work / "workshop" / "workshop.json").read_text())
    assert seen == {"pool": state["user_pool_id"], "user": person["username"], "kind": "real"}
