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
``--auth rehearsal`` uses one shared password instead.

On one machine every server runs as the hub's OS user: homes are apart by
directory, not by permissions. For a room where participants must not be able
to read each other's files, use Zero to JupyterHub (README, "Run a workshop").
Taught in the README, "Run a workshop".
"""

from __future__ import annotations

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
    "PROGRESS_ENV",
    "ROOM_SETTINGS_ENV",
    "pre_spawn_hook",
    "proxy_command",
    "read_progress",
    "room_command",
    "write_settings",
]

CONFIG_FILE = Path(__file__).with_name("jupyterhub_config.py")
ROOM_SETTINGS_ENV = "COGNITO_ROOM_SETTINGS"
PROGRESS_FILE = ".cognito-lab/progress.jsonl"

REPO = Path(__file__).resolve().parents[2]
#: configurable-http-proxy, installed from npm by ``npm ci`` in room/ (pinned by its lock file)
PROXY_BIN = REPO / "room" / "node_modules" / ".bin" / "configurable-http-proxy"
# What a participant's home links to, read-only content beside their copy of notebooks/.
_SHARED = ("snippets", "apps", "docs", "README.md", "requirements.txt", "pyproject.toml")


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
    auth: str = "rehearsal",
    participants: list[str] | None = None,
    oauth: dict[str, str] | None = None,
    workshop_dir: str | os.PathLike[str] | None = None,
) -> Path:
    """Write ``room.json`` (mode 600: it holds the instructor token and any client secret)."""
    if auth not in ("rehearsal", "cognito"):
        raise InvalidInputError("auth", f"{auth!r}: use 'cognito' or 'rehearsal'.")
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
    settings = {
        "room_dir": str(room),
        "bind_url": f"http://{host}:{port}",
        "hub_port": _free_port(),
        "proxy_api_port": _free_port(),
        "proxy_command": proxy_command(),
        "singleuser_command": _jupyter_start("singleuser", "jupyterhub-singleuser"),
        "auth": auth,
        "participants": participants or [],
        "rehearsal_password": previous.get("rehearsal_password") or secrets.token_urlsafe(9),
        "instructor_token": previous.get("instructor_token") or secrets.token_hex(24),
        "oauth": oauth or {},
        "workshop_dir": str(Path(workshop_dir).resolve()) if workshop_dir else "",
        "notebooks": str(REPO / "notebooks"),
    }
    # owner-only, never through a symlink, and only over a room.json of ours
    _write_private(settings_file, json.dumps(settings, indent=2), replace=True, field="--dir")
    return settings_file


def _settings() -> dict[str, Any]:
    return json.loads(Path(os.environ[ROOM_SETTINGS_ENV]).read_text(encoding="utf-8"))


def prepare_home(home: Path, settings: dict[str, Any]) -> None:
    """A participant's home: their own copy of notebooks/, links to the shared content."""
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    notebooks = home / "notebooks"
    if not notebooks.exists():  # a participant's edits survive a restart of their server
        shutil.copytree(
            settings["notebooks"],
            notebooks,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
        )
    for name in _SHARED:
        target, link = REPO / name, home / name
        if target.exists() and not link.exists():
            link.symlink_to(target)
    (home / PROGRESS_FILE).parent.mkdir(mode=0o700, exist_ok=True)


def pre_spawn_hook(spawner: Any) -> None:
    """JupyterHub's hook before a participant's server starts: their home and environment."""
    settings = _settings()
    name = spawner.user.name
    home = Path(settings["room_dir"]) / "home" / name
    prepare_home(home, settings)
    spawner.notebook_dir = str(home)
    env = {PROGRESS_ENV: str(home / PROGRESS_FILE)}
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
    try:
        listed = sorted(homes.iterdir()) if homes.is_dir() else []
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
