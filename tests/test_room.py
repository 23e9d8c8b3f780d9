"""A workshop room on a real JupyterHub (``workshop room``): five participants, end to end.

The hub is started as an instructor starts it (the CLI, in its own process);
participants sign in through the hub's own login form, get their own servers,
and run notebooks 01 and 02 there through the Jupyter REST and kernel APIs.
Each kernel talks to its own local Cognito: no participant sees another's
pools or codes. Under CI the room's packages must be there (fail, not skip).

As root (CI) the room gives each participant a Unix user of their own, and the
attacks of issue 25 are tried from room-01's own kernel and contents API
against room-02, the checkout, the hub's files, /proc and signals: each must be
refused. Then ``workshop room --down`` must leave no user, home or file behind.
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
from room_harness import (
    ISOLATED,
    REHEARSAL,
    cognito_room_running,
    oauth_sign_in,
    room_down,
    stop_room,
)

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


#: The instructor's environment: none of it may reach a participant's server or kernel.
INSTRUCTOR_ENV = {"AWS_ACCESS_KEY_ID": "AKIAINSTRUCTOR0CANARY", "AWS_SECRET_ACCESS_KEY": "instructor-canary",
                  "COGNITO_ROOM_TEST_CANARY": "instructor-only"}


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    room_dir = tmp_path_factory.mktemp("room")
    port = _free_port()
    with (room_dir / "hub.log").open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cognito_helpers", "workshop", "room", "--dir",
             str(room_dir / "data"), "--port", str(port), "--participants", "5", "--prefix", "room",
             *REHEARSAL],
            cwd=room_dir, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            env=dict(os.environ, **INSTRUCTOR_ENV),
        )
        client = None
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                if proc.poll() is not None:
                    pytest.fail(f"the room exited: {(room_dir / 'hub.log').read_text()[-2000:]}")
                data = room_dir / "data" / "room.json"
                if data.exists() and (room_dir / "data" / "hub.pid").exists():
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
            settings["hub_pid"] = int((room_dir / "data" / "hub.pid").read_text())
            settings["stop"] = lambda: stop_room(proc, client, [{"username": n} for n in PARTICIPANTS])
            yield base, client, settings, room_dir
        finally:  # whatever failed: the servers and the hub stop, the room's users go
            if proc.poll() is None:
                stop_room(proc, client, [{"username": name} for name in PARTICIPANTS])
            if (room_dir / "data" / "room.json").exists():
                room_down(room_dir / "data")


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
    data = room_dir / "data"
    for name in ("room.json", "participants.csv", "jupyterhub.sqlite", "jupyterhub_cookie_secret",
                 "proxy.pid", "hub.pid"):
        st = (data / name).stat()
        assert st.st_mode & 0o077 == 0 and st.st_uid == os.geteuid(), (name, oct(st.st_mode))
    assert data.stat().st_mode & 0o077 == 0
    assert (data / "home").stat().st_mode & 0o077 == 0


def test_each_participant_has_their_own_password_on_the_sheet(room):
    base, _, settings, room_dir = room
    import csv

    with (room_dir / "data" / "participants.csv").open(encoding="utf-8") as fh:
        sheet = {row["username"]: row["password"] for row in csv.DictReader(fh)}
    assert sorted(sheet) == PARTICIPANTS and sheet == settings["passwords"]
    assert len(set(sheet.values())) == len(PARTICIPANTS)  # never one password for all
    a, b = PARTICIPANTS[0], PARTICIPANTS[1]
    assert _sign_in(base, a, sheet[a] + "x") == "/hub/login"
    assert _sign_in(base, b, sheet[a]) == "/hub/login"  # A's password does not sign in as B
    assert _sign_in(base, "not-a-participant", sheet[a]) == "/hub/login"


def test_five_participants_run_01_and_02_each_in_their_own_cognito(room):
    base, client, settings, room_dir = room
    for name in PARTICIPANTS:  # signing in starts the participant's server
        landed = _sign_in(base, name, settings["passwords"][name])
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
    # the homes are the participants' own: a copy of the notebooks each, no link into the checkout
    for name in PARTICIPANTS:
        home = _home(settings, room_dir, name)
        assert (home / "notebooks" / "01-setup-check.ipynb").is_file()
        assert not any(p.is_symlink() for p in home.iterdir()), sorted(home.iterdir())
        if ISOLATED:
            account = settings["accounts"][name]
            st = home.stat()
            assert (st.st_uid, st.st_mode & 0o777) == (account["uid"], 0o700), oct(st.st_mode)


def _home(settings, room_dir: Path, name: str) -> Path:
    if settings.get("isolated"):
        return Path(settings["accounts"][name]["home"])
    return room_dir / "data" / "home" / name


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


# -- issue 25: participant room-01 against room-02, the checkout, the hub ------------------

needs_root = pytest.mark.skipif(
    not ISOLATED and not os.environ.get("CI"), reason="the room isolates participants only as root"
)

ATTACKS = r"""
import json, os, pathlib, sys, urllib.error, urllib.request
import cognito_helpers
t = json.loads({targets!r})
seen = {{}}
def attempt(what, fn):
    try:
        fn()
        seen[what] = "allowed"
    except PermissionError:
        seen[what] = "refused"
    except OSError as exc:
        seen[what] = f"{{type(exc).__name__}} {{exc.errno}}"
attempt("list B's home", lambda: os.listdir(t["b_home"]))
attempt("read B's notebook", lambda: open(t["b_home"] + "/notebooks/01-setup-check.ipynb").read())
def plant():
    os.makedirs(t["b_home"] + "/.ipython/profile_default/startup", exist_ok=True)
    open(t["b_home"] + "/.ipython/profile_default/startup/00-planted.py", "w").write("print(1)")
attempt("plant a startup file in B's profile", plant)
attempt("write the checkout's README", lambda: open(t["repo"] + "/README.md", "a"))
attempt("write the checkout's docs", lambda: open(t["repo"] + "/docs/planted.md", "w"))
attempt("write cognito_helpers", lambda: open(cognito_helpers.__file__, "a"))
attempt("add a module to cognito_helpers", lambda: open(os.path.dirname(cognito_helpers.__file__) + "/planted.py", "w"))
attempt("write the venv", lambda: open(t["site"] + "/planted.pth", "w"))
for name in ("room.json", "participants.csv", "jupyterhub_cookie_secret", "jupyterhub.sqlite", "proxy.pid"):
    attempt(f"read {{name}}", lambda name=name: open(t["room_dir"] + "/" + name).read())
for who in ("b_server", "hub", "proxy"):
    attempt(f"read {{who}}'s environ", lambda who=who: open(f"/proc/{{t[who]}}/environ").read())
    attempt(f"signal {{who}}", lambda who=who: os.kill(t[who], 0))
def routes():
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{{t['proxy_api_port']}}/api/routes", timeout=5)
    except urllib.error.HTTPError as exc:
        if exc.code == 403:
            raise PermissionError("403") from None
        raise
attempt("the proxy's routes", routes)
print(json.dumps({{"seen": seen, "uid": os.getuid(), "env": dict(os.environ), "home": os.path.expanduser("~")}}))
"""


@needs_root
def test_room_01_cannot_touch_room_02_the_checkout_or_the_hub(room):
    _base, client, settings, room_dir = room
    a, b = PARTICIPANTS[0], PARTICIPANTS[1]
    for name in (a, b):
        client.start_server(name)
    proxy_pid = int((room_dir / "data" / "proxy.pid").read_text())
    import sysconfig

    targets = {
        "b_home": str(_home(settings, room_dir, b)), "repo": str(REPO),
        "site": sysconfig.get_paths()["purelib"], "room_dir": str(room_dir / "data"),
        "b_server": client.server_pid(b), "hub": settings["hub_pid"], "proxy": proxy_pid,
        "proxy_api_port": settings["proxy_api_port"],
    }
    before = (REPO / "README.md").read_bytes()
    run = client.run_cells(a, "notebooks/attack.ipynb", [ATTACKS.format(targets=json.dumps(targets))])
    assert run.ok, run.failures
    out = json.loads(run.stdout[-1])
    assert out["seen"] and set(out["seen"].values()) == {"refused"}, out["seen"]
    assert out["uid"] == settings["accounts"][a]["uid"] != settings["accounts"][b]["uid"]
    assert out["home"] == settings["accounts"][a]["home"]
    # a clean environment: nothing of the instructor's, no token of the hub's or the proxy's
    env = out["env"]
    assert not [k for k in env if k.startswith("AWS_") or k in INSTRUCTOR_ENV], sorted(env)
    assert not {"CONFIGPROXY_AUTH_TOKEN", "COGNITO_ROOM_SETTINGS", "JPY_COOKIE_SECRET"} & set(env)
    assert settings["instructor_token"] not in json.dumps(env)
    assert env["JUPYTERHUB_USER"] == a and env["USER"] == settings["accounts"][a]["user"]
    # the contents API of room-01's own server: its own home, nothing through it reaches further
    user = f"/user/{a}/api/contents"
    put = {"type": "file", "format": "text", "content": "planted by room-01\n"}
    client._request("PUT", f"{user}/docs/planted.md", put)
    assert (_home(settings, room_dir, a) / "docs" / "planted.md").is_file()
    assert not (REPO / "docs" / "planted.md").exists()
    for escape in ("../" + b + "/notebooks/01-setup-check.ipynb", "%2E%2E/" + b, "/etc/passwd"):
        with pytest.raises(WorkshopError, match="HTTP 40"):
            client._request("GET", f"{user}/{escape}")
    assert (REPO / "README.md").read_bytes() == before
    assert not (_home(settings, room_dir, b) / ".ipython/profile_default/startup/00-planted.py").exists()
    # room-02's server still works, as room-02
    probe = client.run_cells(b, "notebooks/probe.ipynb", ["import os; print(os.getuid())"])
    assert probe.ok and int(probe.stdout[-1]) == settings["accounts"][b]["uid"]


#: run in a participant's kernel: their own local Cognito (the CLI, so that it outlives
#: the kernel), started with the server's environment; prints its URL and pid
OWN_COGNITO = """
import json, os, subprocess, sys, time
log = os.path.expanduser("~/own-cognito.log")
proc = subprocess.Popen([sys.executable, "-m", "cognito_helpers", "local"], stdout=open(log, "w"),
                        stderr=subprocess.STDOUT, start_new_session=True)
for _ in range(300):
    text = open(log).read()
    if "Point your SDK" in text or proc.poll() is not None:
        break
    time.sleep(0.1)
url = text.split("ready at ", 1)[1].split()[0]
print(json.dumps({"url": url, "pid": proc.pid, "owner_only": "owner-only" in text}))
"""

#: run in a kernel: one signed API call to the local Cognito at {url}, as any lesson makes it
USE_COGNITO = """
import json, boto3, botocore.exceptions
c = boto3.client("cognito-idp", endpoint_url={url!r}, region_name="us-east-1",
                 aws_access_key_id="testing", aws_secret_access_key="testing")
try:
    c.create_user_pool(PoolName="planted")
    print(json.dumps({{"pools": [p["Name"] for p in c.list_user_pools(MaxResults=10)["UserPools"]]}}))
except botocore.exceptions.ClientError as e:
    print(json.dumps({{"status": e.response["ResponseMetadata"]["HTTPStatusCode"],
                       "code": e.response["Error"]["Code"], "message": e.response["Error"]["Message"]}}))
"""


@needs_root
def test_room_01_cannot_use_room_02s_local_cognito(room):
    """A kernel's local Cognito serves only its participant: another's code gets 403 on loopback."""
    _base, client, settings, _room_dir = room
    a, b = PARTICIPANTS[0], PARTICIPANTS[1]
    for name in (a, b):
        client.start_server(name)
    started = client.run_cells(b, "notebooks/probe.ipynb", [OWN_COGNITO])
    assert started.ok, started.failures
    own = json.loads(started.stdout[-1])
    assert own["owner_only"], own  # the room turned it on (COGNITO_LOCAL_OWNER_ONLY=1)
    try:
        attack = client.run_cells(a, "notebooks/attack.ipynb", [USE_COGNITO.format(url=own["url"])])
        assert attack.ok, attack.failures
        seen = json.loads(attack.stdout[-1])
        assert (seen.get("status"), seen.get("code")) == (403, "AccessDeniedException"), seen
        user_a, user_b = settings["accounts"][a]["user"], settings["accounts"][b]["user"]
        assert f"owner ({user_b}," in seen["message"] and f"opened by {user_a}," in seen["message"]
        mine = client.run_cells(b, "notebooks/probe.ipynb", [USE_COGNITO.format(url=own["url"])])
        assert mine.ok, mine.failures
        assert json.loads(mine.stdout[-1]) == {"pools": ["planted"]}  # only its owner's pool
    finally:
        client.run_cells(b, "notebooks/probe.ipynb", [f"import os; os.kill({own['pid']}, 15)"])


@needs_root
def test_room_down_removes_the_users_their_homes_and_the_hubs_files(room):
    """The last test of the room: it stops the hub, then ``--down`` must leave nothing."""
    import grp
    import pwd

    _base, _client, settings, room_dir = room
    data = room_dir / "data"
    refused = room_down(data)  # the hub still runs: --down refuses and removes nothing
    assert refused.returncode == 2 and "still running" in refused.stderr, refused.stderr
    assert pwd.getpwnam(settings["accounts"][PARTICIPANTS[0]]["user"])
    settings["stop"]()
    done = room_down(data)
    assert done.returncode == 0, done.stderr
    for name, account in settings["accounts"].items():
        with pytest.raises(KeyError):
            pwd.getpwnam(account["user"])
        with pytest.raises(KeyError):  # its own group went with it
            grp.getgrnam(account["user"])
        assert not Path(account["home"]).exists(), name
        assert not [e for e in os.listdir("/proc") if e.isdigit() and _uid_of(e) == account["uid"]]
    assert not Path(settings["accounts"][PARTICIPANTS[0]]["home"]).parent.parent.exists()
    assert not data.exists(), sorted(data.iterdir())


def _uid_of(pid: str) -> int | None:
    try:
        return os.stat(f"/proc/{pid}").st_uid
    except OSError:
        return None


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
