"""JupyterHub configuration for a workshop room (``python -m cognito_helpers workshop room``).

JupyterHub runs this file with ``c`` bound to its config; the room's settings
come from the JSON file named by ``$COGNITO_ROOM_SETTINGS``, written by
:func:`cognito_helpers.workshop.room.write_settings`. Read it as the answer to
"what does the room run?":

* the hub and its proxy (configurable-http-proxy from npm) on loopback;
* one single-user server per participant: run as root, as that participant's
  own Unix user of the room (RoomSpawner), home mode 700, a clean environment,
  the project's venv read-only; otherwise (``--rehearsal``) as the hub's own OS
  user, homes under the room directory (no isolation);
* a participant's kernel talks to their own local Cognito, or to the
  workshop pool when ``workshop up`` wrote an env file for them;
* sign-in: the workshop's own Cognito pool through its OAuth 2.0 endpoints
  (GenericOAuthenticator; the app client's secret goes to the token endpoint
  as HTTP Basic), or each participant's own generated password (the sheet).
"""

# ruff: noqa: F821  (``c`` is JupyterHub's config object)

import json
import os
from pathlib import Path

from cognito_helpers.workshop.room import pre_spawn_hook

settings = json.loads(Path(os.environ["COGNITO_ROOM_SETTINGS"]).read_text(encoding="utf-8"))

c.JupyterHub.bind_url = settings["bind_url"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = settings["hub_port"]
c.JupyterHub.db_url = "sqlite:///" + os.path.join(settings["room_dir"], "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(settings["room_dir"], "jupyterhub_cookie_secret")
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
c.ConfigurableHTTPProxy.command = [settings["proxy_command"]]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings['proxy_api_port']}"
c.ConfigurableHTTPProxy.pid_file = os.path.join(settings["room_dir"], "proxy.pid")

# The instructor's token: the room's tests and `workshop status` use the REST API with it.
c.JupyterHub.services = [{"name": "instructor", "api_token": settings["instructor_token"]}]
c.JupyterHub.load_roles = [
    {
        "name": "instructor",
        "scopes": ["admin:users", "admin:servers", "access:servers", "read:users"],
        "services": ["instructor"],
    }
]

if settings.get("isolated"):
    # One Unix user per participant (made by `workshop room` as root), servers spawned as them.
    from cognito_helpers.workshop.hub import RoomSpawner

    c.JupyterHub.spawner_class = RoomSpawner
    c.Spawner.args = ["--ServerApp.ip=127.0.0.1"]
    # Nothing of the hub's environment: PATH, HOME and the rest come from pre_spawn_hook.
    c.Spawner.env_keep = ["LANG", "LC_ALL"]
else:
    # --rehearsal: every server as this OS user, each in its own home (no isolation).
    c.JupyterHub.spawner_class = "simple"
    c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(settings["room_dir"], "home", "{username}")
    c.Spawner.args = ["--ServerApp.ip=127.0.0.1", *(["--allow-root"] if os.getuid() == 0 else [])]
    # Only what a lesson needs reaches the participant's kernel (no instructor credentials).
    c.Spawner.env_keep = ["PATH", "LANG", "LC_ALL", "PYTHONPATH", "HOME"]
c.Spawner.cmd = settings["singleuser_command"]  # write_settings writes it at every start
c.Spawner.default_url = "/lab/tree/notebooks/01-setup-check.ipynb"
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60
c.Spawner.pre_spawn_hook = pre_spawn_hook

if settings["auth"] == "cognito":
    c.JupyterHub.authenticator_class = "generic-oauth"
    oauth = settings["oauth"]
    c.GenericOAuthenticator.client_id = oauth["client_id"]
    c.GenericOAuthenticator.client_secret = oauth["client_secret"]
    c.GenericOAuthenticator.authorize_url = oauth["authorize_url"]
    c.GenericOAuthenticator.token_url = oauth["token_url"]
    c.GenericOAuthenticator.userdata_url = oauth["userdata_url"]
    c.GenericOAuthenticator.oauth_callback_url = oauth["callback_url"]
    c.GenericOAuthenticator.scope = ["openid", "email", "profile"]
    c.GenericOAuthenticator.username_claim = "username"
    # Cognito's token endpoint: a client with a secret authenticates with HTTP Basic.
    c.GenericOAuthenticator.basic_auth = True
    c.GenericOAuthenticator.login_service = "the workshop's Cognito pool"
    # the workshop's participants, each of whom has a server (and, as root, a Unix user)
    c.Authenticator.allowed_users = set(settings["participants"])
else:
    from cognito_helpers.workshop.hub import RoomPasswords

    c.JupyterHub.authenticator_class = RoomPasswords  # each their own password, never one for all
    c.Authenticator.allowed_users = set(settings["participants"])
c.Authenticator.admin_users = set()
