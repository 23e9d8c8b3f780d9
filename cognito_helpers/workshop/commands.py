"""The CLI's ``workshop up`` / ``workshop down`` (registered by ``cognito_helpers.cli``).

README, "Run a workshop", shows both commands; the work is :mod:`.provision`'s.
"""

from __future__ import annotations

import os
from typing import Any

from ..exceptions import InvalidInputError
from .provision import MAX_PARTICIPANTS, workshop_down, workshop_up

__all__ = ["add_subcommand"]


def _region(args: Any, *, required: bool) -> str | None:
    region = args.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if required and not region:
        raise InvalidInputError(
            "--region", "not given; pass --region (e.g. eu-west-1) or set AWS_REGION"
        )
    return region


def _cmd_up(args: Any) -> int:
    ws = workshop_up(
        args.participants,
        out_dir=args.out,
        region=_region(args, required=True) or "",
        prefix=args.prefix,
        endpoint_url=args.endpoint_url,
    )
    print(f"workshop {ws.workshop_id} ready: {len(ws.participants)} participants, sheet "
          f"{ws.out_dir / 'participants.html'}; remove with: python -m cognito_helpers "
          f"workshop down --out {ws.out_dir}")
    return 0


def _cmd_down(args: Any) -> int:
    result = workshop_down(
        out_dir=args.out or (None if args.workshop_id else "workshop"),
        workshop_id=args.workshop_id,
        region=_region(args, required=False),
        endpoint_url=args.endpoint_url,
    )
    if result.workshop_id:
        print(f"workshop {result.workshop_id} removed")
    return 0


def add_subcommand(sub: Any) -> None:
    """Register ``workshop up`` / ``workshop down`` on the CLI (``cli._SUBCOMMANDS``)."""
    p = sub.add_parser(
        "workshop",
        help="provision (up) or remove (down) a user pool for a workshop room",
        description="Create a tagged user pool, an app client with a secret and N participant "
        "users, with a participant sheet and one env file each (owner-only files); or remove "
        "exactly what 'up' created. Uses your AWS credentials, or --endpoint-url.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    actions.required = True

    def common(q: Any) -> None:
        q.add_argument("--out", metavar="DIR", default=None if q.prog.endswith("down") else "workshop",
                       help="directory for the sheet, env files and state (default: ./workshop)")
        q.add_argument("--region", help="AWS region (default: $AWS_REGION)")
        q.add_argument("--endpoint-url", metavar="URL",
                       help="another Cognito endpoint, e.g. a local one (http://127.0.0.1:PORT)")

    up = actions.add_parser("up", help="create the pool, client and participants")
    up.add_argument("--participants", "-n", type=int, required=True, metavar="N",
                    help=f"number of participant users (1-{MAX_PARTICIPANTS})")
    up.add_argument("--prefix", default="cognito-lab",
                    help="names: pool <prefix>-<hex>, users <prefix>-01... (default cognito-lab)")
    common(up)
    up.set_defaults(func=_cmd_up)

    down = actions.add_parser("down", help="delete what 'up' created (idempotent)")
    down.add_argument("--workshop-id", metavar="ID",
                      help="find the pool by its tag (when the state file is lost)")
    common(down)
    down.set_defaults(func=_cmd_down)
