"""The room's own JupyterHub parts: its spawner (one Unix user each) and its password check.

Loaded by ``jupyterhub_config.py`` inside the hub only (it imports JupyterHub).
README, "Run a workshop".
"""

from __future__ import annotations

import hmac
import json
import os
import pwd
from pathlib import Path
from typing import Any

from jupyterhub.auth import Authenticator
from jupyterhub.spawner import LocalProcessSpawner, set_user_setuid

__all__ = ["RoomPasswords", "RoomSpawner"]


def _settings() -> dict[str, Any]:
    return json.loads(Path(os.environ["COGNITO_ROOM_SETTINGS"]).read_text(encoding="utf-8"))


class RoomSpawner(LocalProcessSpawner):
    """LocalProcessSpawner whose servers run as the participant's own Unix user of the room.

    The hub's name of a participant (``guest-01``) is not the Unix name
    (``cl<room id>-01``, unique to the room): the room's settings map one to
    the other. The environment is only what :func:`.room.pre_spawn_hook` put
    there and JupyterHub's own variables for this server (its own token).
    """

    def _account(self) -> dict[str, Any]:
        account = _settings().get("accounts", {}).get(self.user.name)
        if not account:
            raise RuntimeError(f"{self.user.name} has no Unix user in this room")
        return dict(account)

    def make_preexec_fn(self, name: str) -> Any:
        return set_user_setuid(str(self._account()["user"]))

    def user_env(self, env: dict[str, str]) -> dict[str, str]:
        entry = pwd.getpwnam(str(self._account()["user"]))
        env["USER"] = env["LOGNAME"] = entry.pw_name
        env["HOME"] = entry.pw_dir
        env["SHELL"] = entry.pw_shell
        return env

    async def move_certs(self, paths: dict[str, str]) -> dict[str, str]:  # internal SSL is off
        return paths


class RoomPasswords(Authenticator):
    """Each participant signs in with their own generated password (the room's sheet)."""

    async def authenticate(self, handler: Any, data: dict[str, str]) -> str | None:
        name = str(data.get("username", ""))
        given = str(data.get("password", "")).encode()
        expected = _settings().get("passwords", {}).get(name)
        # compare_digest against something even for an unknown name (no timing tell)
        ok = hmac.compare_digest(given, str(expected or "\0" * 12).encode())
        return name if ok and expected else None
