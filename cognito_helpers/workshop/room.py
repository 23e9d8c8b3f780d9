"""A workshop room on one machine: a real JupyterHub with one server per participant.

``python -m cognito_helpers workshop room --dir ROOM`` writes the room's
settings (``ROOM/room.json``, mode 600) and runs ``jupyterhub`` with the
configuration shipped beside this module (``jupyterhub_config.py``), bound to
``127.0.0.1`` unless told otherwise. Each participant who signs in gets their
own single-user server in ``ROOM/home/<username>/`` holding a copy of the
notebooks; their kernels start their own local Cognito, or use the workshop
pool when ``workshop up`` wrote an env file for them (``--workshop DIR``).

Sign-in is the lesson itself when the room uses the workshop's Cognito pool
(``--auth cognito``): JupyterHub's GenericOAuthenticator sends people to the
pool's managed-login ``/oauth2/authorize``, and redeems the code at
``/oauth2/token`` with the app client's secret as HTTP Basic, no SECRET_HASH.
Without a pool, each participant gets a generated password of their own, on
the room's participants' sheet (``ROOM/participants.csv``, mode 600).

Run as root, each participant's server runs as a Unix user of their own, in a
home only they can enter (:mod:`.isolation`); not as root, a room for more
than one person needs ``--rehearsal`` (no isolation, said out loud).
Taught in the README, "Run a workshop".
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import sys
from pathlib import Path
from typing import Any

from ..exceptions import ConfigurationError, InvalidInputError
from ..lessons.exercises import PROGRESS_ENV  # where check cells record what passed
from .files import _write_private

__all__ = [
    "CONFIG_FILE",
    "HUB_FILES",
    "PROGRESS_ENV",
    "ROOM_SETTINGS_ENV",
    "pre_spawn_hook",
    "proxy_command",
    "read_progress",
    "room_command",
    "room_down",
    "write_settings",
]

CONFIG_FILE = Path(__file__).with_name("jupyterhub_config.py")
ROOM_SETTINGS_ENV = "COGNITO_ROOM_SETTINGS"
PROGRESS_FILE = ".cognito-lab/progress.jsonl"

REPO = Path(__file__).resolve().parents[2]
#: configurable-http-proxy, installed from npm by ``npm ci`` in room/ (pinned by its lock file)
PROXY_BIN = REPO / "room" / "node_modules" / ".bin" / "configurable-http-proxy"
# What a participant's home gets a copy of, beside their copy of notebooks/.
_SHARED = ("snippets", "apps", "docs", "README.md", "requirements.txt", "pyproject.toml")
#: The hub's own files in the room's directory (mode 600, the hub's): nobody else reads them.
HUB_FILES = ("room.json", "participants.csv", "jupyterhub.sqlite", "jupyterhub_cookie_secret",
             "proxy.pid", "hub.pid")


def proxy_command() -> str:
    """The configurable-http-proxy the room runs: the pinned one in room/, or one on PATH."""
    if PROXY_BIN.exists():
        return str(PROXY_BIN)
    found = shutil.which("configurable-http-proxy")
    if found:
        return found
    raise ConfigurationError(
        "configurable-http-proxy (npm) is not installed. Install the pinned version with: "
        "(cd room && npm ci)"
    )


def _bin(name: str) -> str:
    path = Path(sys.executable).with_name(name)
    if not path.exists():
        raise ConfigurationError(
            f"{name} is not installed in this environment; install the room's packages with: "
            f"{Path(sys.executable).name} -m pip install -r room/requirements.txt"
        )
    return str(path)


def _jupyter_start(app: str, script: str) -> list[str]:
    """``script``'s application, started through :mod:`cognito_helpers.jupyter_start` (a second
    less of CPU per server: each participant's start costs the instructor's machine half)."""
    _bin(script)  # installed, or say how to install it
    return [sys.executable, "-m", "cognito_helpers.jupyter_start", app]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_settings(
    room_dir: str | os.PathLike[str],
    *,
    port: int = 8000,
    host: str = "127.0.0.1",
    auth: str = "passwords",
    participants: list[str] | None = None,
    oauth: dict[str, str] | None = None,
    workshop_dir: str | os.PathLike[str] | None = None,
    isolate: bool = False,
) -> Path:
    """Write ``room.json`` (mode 600: it holds the instructor token, passwords, any client secret).

    ``isolate`` (root only): each participant's Unix user, home and read-only runtime
    (:func:`.isolation.create_users`, :func:`.isolation.prepare_runtime`).
    """
    if auth == "rehearsal":  # the old name of per-participant passwords
        auth = "passwords"
    if auth not in ("passwords", "cognito"):
        raise InvalidInputError("auth", f"{auth!r}: use 'cognito' or 'passwords'.")
    if auth == "cognito" and not oauth:
        raise InvalidInputError("auth", "'cognito' needs the pool's OAuth settings (--workshop DIR).")
    if not isinstance(port, int) or not 0 < port < 65536:
        raise InvalidInputError("port", f"{port!r} is not a port number (1-65535).")
    room = Path(room_dir).resolve()
    try:
        room.mkdir(mode=0o700, parents=True, exist_ok=True)
        (room / "home").mkdir(mode=0o700, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise InvalidInputError(
            "--dir", f"{room} is not a directory (a file is at it, or on its path); give a "
            "directory for the room's state, e.g. --dir room-data."
        ) from None
    except OSError as exc:
        raise InvalidInputError(
            "--dir", f"cannot create {room} ({exc.strerror or exc.__class__.__name__}); give a "
            "directory you can write, e.g. --dir room-data."
        ) from None
    previous: dict[str, Any] = {}
    settings_file = room / "room.json"
    try:  # keep the instructor token across restarts; never read through a symlink
        fd = os.open(settings_file, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        with os.fdopen(fd, encoding="utf-8") as fh:
            previous = json.loads(fh.read())
        if not isinstance(previous, dict):
            raise ValueError("not an object")
    except FileNotFoundError:
        previous = {}
    except (OSError, ValueError) as exc:
        raise InvalidInputError(
            "--dir", f"{settings_file} is not a room settings file ({exc.__class__.__name__}); "
            "move it away (a new room gets a new instructor token) or give another --dir."
        ) from None
    names = list(participants or [])
    old_passwords = previous.get("passwords") if isinstance(previous.get("passwords"), dict) else {}
    passwords = {n: old_passwords.get(n) or _new_password() for n in names} if auth == "passwords" else {}
    room_id = previous.get("room_id") or secrets.token_hex(3)
    instructor_token = previous.get("instructor_token") or secrets.token_hex(24)
    singleuser = _jupyter_start("singleuser", "jupyterhub-singleuser")
    proxy = proxy_command()  # what the room needs is there before anything is made
    accounts: dict[str, Any] = {}
    runtime: dict[str, str] = {}
    if isolate:
        from .isolation import create_users, prepare_runtime

        # the room id is on disk before any user exists: --down finds what a failed start made
        early = {**previous, "room_id": room_id, "room_dir": str(room), "isolated": True,
                 "instructor_token": instructor_token}
        _write_private(settings_file, json.dumps(early, indent=2), replace=True, field="--dir")
        runtime = prepare_runtime(room_id, REPO)
        accounts = create_users(room_id, names)
        singleuser = [runtime["python"], *singleuser[1:]]
    for name in HUB_FILES:  # a hub file of an older room, made before this was the rule
        with contextlib.suppress(OSError):
            if not (room / name).is_symlink():
                os.chmod(room / name, 0o600)
    settings = {
        "room_dir": str(room),
        "room_id": room_id,
        "isolated": bool(isolate),
        "accounts": accounts,
        "runtime": runtime,
        "bind_url": f"http://{host}:{port}",
        "hub_port": _free_port(),
        "proxy_api_port": _free_port(),
        "proxy_command": proxy,
        "singleuser_command": singleuser,
        "auth": auth,
        "participants": names,
        "passwords": passwords,
        "instructor_token": instructor_token,
        "oauth": oauth or {},
        "workshop_dir": str(Path(workshop_dir).resolve()) if workshop_dir else "",
        "notebooks": str(REPO / "notebooks"),
    }
    # owner-only, never through a symlink, and only over a room.json of ours
    _write_private(settings_file, json.dumps(settings, indent=2), replace=True, field="--dir")
    if passwords:  # the participants' sheet: one line each, their own password
        sheet = "username,password\n" + "".join(f"{n},{pw}\n" for n, pw in passwords.items())
        _write_private(room / "participants.csv", sheet, replace=True, field="--dir")
    return settings_file


def _new_password() -> str:
    """A participant's own password: 12 characters a person can type off a sheet."""
    alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


def _settings() -> dict[str, Any]:
    return json.loads(Path(os.environ[ROOM_SETTINGS_ENV]).read_text(encoding="utf-8"))


def prepare_home(home: Path, settings: dict[str, Any], owner: dict[str, Any] | None = None) -> None:
    """A participant's home: their own copy of notebooks/ and of the shared content.

    Copies, never links into the checkout: what a participant changes is theirs
    alone; what is already there (their edits, after a restart) is kept. With
    ``owner`` (an isolated room) each copy is made and handed to that Unix user
    in a folder only root can enter, then renamed into the home: root never
    walks or changes ownership inside a folder the participant controls (where
    a link swapped in mid-walk could point it anywhere).
    """
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "node_modules")
    sources = {"notebooks": Path(settings["notebooks"]), ".cognito-lab": None}
    sources.update({name: REPO / name for name in _SHARED})
    stage = None
    if owner:
        import tempfile

        from .isolation import own_tree

        # beside the homes' folder (root's, same file system), mode 700
        stage = Path(tempfile.mkdtemp(prefix=".stage-", dir=home.parent.parent))
    try:
        for name, source in sources.items():
            copy = home / name
            if copy.exists() or copy.is_symlink() or (source is not None and not source.exists()):
                continue
            made = (stage or home) / name
            if source is None:
                made.mkdir(mode=0o700)  # the progress record's folder
            elif source.is_dir():
                shutil.copytree(source, made, ignore=ignore, symlinks=True)
            else:
                shutil.copy2(source, made)
            if stage is not None and owner:
                own_tree(made, int(owner["uid"]), int(owner["gid"]))
                try:
                    os.rename(made, copy)  # fails, harmlessly, if the participant put something there
                except OSError:
                    continue
    finally:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
    if owner:  # the home itself sits in root's folder (mode 711): nobody can swap it
        os.chown(home, int(owner["uid"]), int(owner["gid"]), follow_symlinks=False)
        os.chmod(home, 0o700)


def pre_spawn_hook(spawner: Any) -> None:
    """JupyterHub's hook before a participant's server starts: their home and environment."""
    settings = _settings()
    name = spawner.user.name
    owner = settings.get("accounts", {}).get(name) if settings.get("isolated") else None
    if settings.get("isolated") and not owner:
        raise ConfigurationError(f"{name} has no Unix user in this room (not a participant).")
    home = Path(owner["home"]) if owner else Path(settings["room_dir"]) / "home" / name
    prepare_home(home, settings, owner)
    spawner.notebook_dir = str(home)
    env = {PROGRESS_ENV: str(home / PROGRESS_FILE), "HOME": str(home)}
    if owner:  # a clean environment: the room's read-only venv, nothing of the hub's
        env.update({k[4:]: v for k, v in settings["runtime"].items() if k.startswith("env:")})
        env["USER"] = env["LOGNAME"] = str(owner["user"])
        # the local Cognito each lesson starts in this participant's kernel serves only
        # them: another participant's code on the loopback gets 403 (local/peer.py)
        env["COGNITO_LOCAL_OWNER_ONLY"] = "1"  # local.server.OWNER_ONLY_ENV
    if settings.get("workshop_dir"):
        from .envfile import load_env_file

        env_file = Path(settings["workshop_dir"]) / "env" / f"{name}.env"
        if env_file.is_file():  # the workshop pool's settings for this participant
            load_env_file(env_file, environ=env)
    spawner.environment.update(env)


def read_progress(room_dir: str | os.PathLike[str]) -> dict[str, dict[str, bool]]:
    """Per participant, each exercise's latest result, from their own home's record."""
    out: dict[str, dict[str, bool]] = {}
    room = Path(room_dir)
    if room.exists() and not room.is_dir():
        raise InvalidInputError("--dir", f"{room} is not a directory; give the room's --dir.")
    homes = room / "home"
    accounts = _accounts(room)
    try:
        listed = ([Path(a["home"]) for _, a in sorted(accounts.items())] if accounts else
                  sorted(homes.iterdir()) if homes.is_dir() else [])
    except OSError as exc:
        raise InvalidInputError(
            "--dir", f"cannot read {homes} ({exc.strerror or exc.__class__.__name__})."
        ) from None
    for home in listed:
        record = home / PROGRESS_FILE
        results: dict[str, bool] = {}
        try:  # a participant's own file: unreadable or not UTF-8 is their problem, not ours
            text = record.read_text(encoding="utf-8", errors="replace") if record.is_file() else ""
        except OSError:
            text = ""
        if text:
            for line in text.splitlines():
                try:
                    entry = json.loads(line)
                    results[str(entry["exercise"])] = bool(entry["passed"])
                except (ValueError, KeyError, TypeError):
                    continue  # a line a participant broke: skip it, keep the rest
        out[home.name] = results
    return out


def _accounts(room: Path) -> dict[str, Any]:
    """An isolated room's participants' Unix users and homes, from its room.json."""
    try:
        settings = json.loads((room / "room.json").read_text(encoding="utf-8"))
        return dict(settings.get("accounts") or {}) if settings.get("isolated") else {}
    except (OSError, ValueError, AttributeError):
        return {}


def room_down(room_dir: str | os.PathLike[str]) -> list[str]:
    """Remove a stopped room: its Unix users, their homes and runtime, the hub's files. What went."""
    room = Path(room_dir)
    try:
        settings = json.loads((room / "room.json").read_text(encoding="utf-8"))
        if not isinstance(settings, dict) or "room_id" not in settings:
            raise ValueError("no room id")
    except FileNotFoundError:
        raise InvalidInputError("--dir", f"{room} holds no room (no room.json); nothing to remove.") from None
    except (OSError, ValueError) as exc:
        raise InvalidInputError("--dir", f"{room}/room.json is not a room's settings ({exc}).") from None
    hub = _hub_pid(room)
    if hub:
        raise InvalidInputError(
            "--dir", f"the room's hub is still running (pid {hub}); stop it first (Ctrl-C in its "
            "terminal), then run --down again."
        )
    removed: list[str] = []
    if settings.get("isolated"):
        from .isolation import isolation_available, remove_room_users

        if not isolation_available():
            raise InvalidInputError("--down", "this room made Unix users: run --down as root (sudo).")
        removed += [f"user {u}" for u in remove_room_users(str(settings["room_id"]))]
    if (room / "home").is_dir() and not (room / "home").is_symlink():
        shutil.rmtree(room / "home")
        removed.append(f"{room / 'home'}")
    for name in HUB_FILES:
        with contextlib.suppress(FileNotFoundError):
            (room / name).unlink()
            removed.append(name)
    with contextlib.suppress(OSError):
        room.rmdir()  # only if nothing else is left in it
    return removed


def _hub_pid(room: Path) -> int | None:
    """The pid of this room's running hub, if one runs."""
    try:
        pid = int((room / "hub.pid").read_text(encoding="ascii").strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return None
    return pid if str(CONFIG_FILE).encode() in cmdline else None


def room_command(settings_file: Path) -> tuple[list[str], dict[str, str]]:
    """The ``jupyterhub`` command line and environment that run the room."""
    env = dict(os.environ)
    env[ROOM_SETTINGS_ENV] = str(settings_file)
    return [*_jupyter_start("hub", "jupyterhub"), "-f", str(CONFIG_FILE)], env


# -- sign-in with the workshop's own pool --------------------------------------------

#: What the room's sign-in asks of the pool (openid: an ID token; email/profile: userInfo).
ROOM_SCOPES = ["openid", "email", "profile"]


def _discovery_url(region: str, endpoint_url: str | None, user_pool_id: str) -> str:
    # The issuer is https://cognito-idp.<region>.amazonaws.com/<pool-id>; its discovery
    # document names the pool domain's OAuth endpoints (OpenID Connect Discovery 1.0).
    base = (endpoint_url or f"https://cognito-idp.{region}.amazonaws.com").rstrip("/")
    return f"{base}/{user_pool_id}/.well-known/openid-configuration"


def _fetch_json(url: str, timeout: float | None = None) -> dict[str, Any]:
    import urllib.error

    from ..deadline import fetch
    from ..exceptions import DeadlineError

    if not url.startswith(("https://", "http://127.", "http://localhost", "http://[::1]")):
        raise InvalidInputError("endpoint", f"{url!r}: only https, or http on loopback.")
    try:
        status, _headers, body = fetch(url, what="GET of the discovery document",
                                       timeout=timeout, limit=1024 * 1024)
        if status != 200:
            raise ValueError(f"HTTP {status}")
        return dict(json.loads(body))
    except DeadlineError:
        raise
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ConfigurationError(f"cannot read the pool's discovery document {url} ({exc})") from None


def enable_room_sign_in(cip: Any, state: dict[str, Any], callback_url: str, *,
                        timeout: float | None = None) -> dict[str, str]:
    """Let the room's hub sign people in with the workshop pool: its OAuth settings.

    Gives the pool a domain if it has none and adds the hub's callback to the
    app client (code grant, the room's scopes, the pool's own users), keeping
    every other client setting: UpdateUserPoolClient resets what it is not
    given (API reference). Returns the authenticator's settings, the client
    secret included (written only to the room's mode-600 settings file).
    """
    pool_id, client_id = state["user_pool_id"], state["client_id"]
    pool = cip.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    if not pool.get("Domain"):
        # A prefix domain: lower-case letters, digits and hyphens (CreateUserPoolDomain).
        domain = f"cognito-lab-{state['workshop_id']}".lower()
        cip.create_user_pool_domain(UserPoolId=pool_id, Domain=domain)
    client = cip.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"]
    updatable = cip.meta.service_model.operation_model("UpdateUserPoolClient").input_shape.members
    update = {k: v for k, v in client.items() if k in updatable}
    update["CallbackURLs"] = sorted({*client.get("CallbackURLs", []), callback_url})
    update["AllowedOAuthFlows"] = sorted({*client.get("AllowedOAuthFlows", []), "code"})
    update["AllowedOAuthScopes"] = sorted({*client.get("AllowedOAuthScopes", []), *ROOM_SCOPES})
    update["AllowedOAuthFlowsUserPoolClient"] = True
    update["SupportedIdentityProviders"] = sorted(
        {*client.get("SupportedIdentityProviders", []), "COGNITO"}
    )
    cip.update_user_pool_client(**update)
    if not client.get("ClientSecret"):
        raise ConfigurationError(
            f"app client {client_id} has no secret: the room's sign-in teaches the secret on "
            "the token endpoint, so use the client 'workshop up' created."
        )
    found = _fetch_json(_discovery_url(state["region"], state.get("endpoint_url"), pool_id),
                        timeout)
    return {
        "client_id": client_id,
        "client_secret": client["ClientSecret"],
        "authorize_url": found["authorization_endpoint"],
        "token_url": found["token_endpoint"],
        "userdata_url": found["userinfo_endpoint"],
        "callback_url": callback_url,
    }
