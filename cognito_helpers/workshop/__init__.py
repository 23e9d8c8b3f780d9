"""Provision (and remove) a user pool for a workshop: one pool, one app client, N participants.

Taught in the README, "Run a workshop" (no notebook: it is the instructor's
tool). ``python -m cognito_helpers workshop up --participants 12`` creates, in
the account and region of the instructor's AWS credentials (or on the endpoint
given with ``--endpoint-url``, e.g. a local Cognito):

* a user pool named and tagged after the workshop id
  (``UserPoolTags {"cognito-lab-workshop": <id>}``);
* an app client **with a secret** and the flows the notebooks use;
* N confirmed participant users with generated passwords;

and writes, in a directory only the owner can read (mode 700, files 600):

* ``workshop.json``: the state file (what exists, no secrets), read by ``down``;
* ``participants.csv`` and ``participants.html`` (printable, one card each);
* ``env/<username>.env``: the variables ``get_target()`` reads (see the README,
  "Run a workshop").

The terminal only ever shows secrets and passwords masked. ``down`` deletes
exactly the pool ``up`` created (found by the state file, or by its tag with
``--workshop-id``), then the files; it is idempotent and safe to re-run after
a failure of ``up`` or of ``down`` itself.

One job per module:

* :mod:`.records` - ``Participant``, ``Workshop``, ``DownResult`` (reprs masked)
* :mod:`.files` - the state file and the participant sheets, owner-only
* :mod:`.envfile` - a participant's env file: written by ``up``, read by
  :func:`load_env_file`
* :mod:`.provision` - ``workshop_up`` / ``workshop_down`` against a target
* :mod:`.commands` - the CLI's ``workshop up`` / ``workshop down``
"""

from __future__ import annotations

from .commands import add_subcommand
from .envfile import load_env_file
from .files import STATE_FILE
from .provision import (
    FLOWS,
    MAX_PARTICIPANTS,
    TAG_KEY,
    find_workshop_pools,
    generate_password,
    make_client,
    workshop_down,
    workshop_up,
)
from .records import DownResult, Participant, Workshop

__all__ = [
    "FLOWS",
    "MAX_PARTICIPANTS",
    "STATE_FILE",
    "TAG_KEY",
    "DownResult",
    "Participant",
    "Workshop",
    "add_subcommand",
    "find_workshop_pools",
    "generate_password",
    "load_env_file",
    "make_client",
    "workshop_down",
    "workshop_up",
]
