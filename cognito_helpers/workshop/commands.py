"""The CLI's ``workshop up`` / ``down`` / ``room`` / ``status`` (registered by ``cognito_helpers.cli``).

README, "Run a workshop", shows them; the work is :mod:`.provision`'s (the
pool) and :mod:`.room`'s (the JupyterHub room).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from ..cli_common import add_timeout_arg, timeout_of
from ..exceptions import InvalidInputError
from ..validate import has_methods
from .provision import (
    MAX_PARTICIPANTS,
    check_same_endpoint,
    make_client,
    workshop_down,
    workshop_up,
)

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
        timeout=timeout_of(args),
    )
    print(f"workshop {ws.workshop_id} ready: {len(ws.participants)} participants, sheet "
          f"{ws.out_dir / 'participants.html'}; remove with: python -m cognito_helpers "
          f"workshop down --out {ws.out_dir}")
    return 0


def _cmd_down(args: Any) -> int:
    result = workshop_down(
        out_dir=args.out or (None if args.workshop_id else "workshop"),
        workshop_id=args.workshop_id,
        region=args.region,  # the state file's region and endpoint win over $AWS_REGION
        endpoint_url=args.endpoint_url,
        default_region=_region(args, required=False),
        timeout=timeout_of(args),
    )
    if result.workshop_id:
        print(f"workshop {result.workshop_id} removed")
    return 0


def _cmd_room(args: Any) -> int:
    import signal
    import subprocess

    from .isolation import check_may_run, isolation_available
    from .room import room_command, room_down, write_settings

    if args.down:
        removed = room_down(args.dir)
        print(f"room in {args.dir} removed: {', '.join(removed) or 'nothing was left'}")
        return 0
    isolated = isolation_available()
    host = args.host
    if host not in ("127.0.0.1", "localhost", "::1") and not args.allow_remote:
        raise InvalidInputError(
            "--host",
            f"{host!r} would let other machines reach the room; pass --allow-remote as well "
            "if that is what you want (and put it behind TLS).",
        )
    if args.workshop:
        from pathlib import Path

        from .files import _load_state
        from .room import enable_room_sign_in

        state = _load_state(Path(args.workshop), field="--workshop")
        if state is None or state.get("status") != "ready":
            raise InvalidInputError(
                "--workshop", f"{args.workshop} holds no ready workshop; run 'workshop up' first."
            )
        participants = list(state["users"])
        notice = check_may_run(len(participants), rehearsal=args.rehearsal, isolated=isolated)
        url_host = f"[{host}]" if ":" in host else host
        callback = f"http://{url_host}:{args.port}/hub/oauth_callback"
        timeout = timeout_of(args)
        cip = make_client(state["region"], state.get("endpoint_url"), timeout=timeout)
        check_same_endpoint(cip, state, "room")  # the pool down would find, not another
        oauth = enable_room_sign_in(cip, state, callback, timeout=timeout)
        settings = write_settings(
            args.dir, port=args.port, host=host, auth="cognito", participants=participants,
            oauth=oauth, workshop_dir=args.workshop, isolate=isolated,
        )
        how = f"participants sign in with the workshop pool {state['user_pool_id']} (sheet in {args.workshop})"
    else:
        if not 1 <= args.participants <= 200:
            raise InvalidInputError("--participants", f"{args.participants}: give 1 to 200.")
        participants = [f"{args.prefix}-{i:02d}" for i in range(1, args.participants + 1)]
        notice = check_may_run(len(participants), rehearsal=args.rehearsal, isolated=isolated)
        settings = write_settings(
            args.dir, port=args.port, host=host, auth="passwords", participants=participants,
            isolate=isolated,
        )
        how = (f"{participants[0]} ... {participants[-1]}, each with their own password on "
               f"the sheet {settings.with_name('participants.csv')} (mode 600)")
    if notice:
        print(notice, file=sys.stderr, flush=True)
    if isolated:
        how += "; each participant's server runs as their own Unix user (cl<room id>-NN)"
    cmd, env = room_command(settings)
    print(f"room at http://{host}:{args.port}/ for {len(participants)} participants; {how}. "
          f"Ctrl-C stops; 'workshop room --down --dir {args.dir}' removes it.", flush=True)
    old_umask = os.umask(0o077)  # the hub's files (database, cookie secret, pid files): 600
    try:
        proc = subprocess.Popen(cmd, env=env, cwd=args.dir)  # noqa: S603 - our own jupyterhub
    finally:
        os.umask(old_umask)
    # a SIGTERM (a service manager, a test's stop) stops the hub as Ctrl-C does: it stops the servers
    signal.signal(signal.SIGTERM, lambda *_: proc.send_signal(signal.SIGTERM))
    pid_file = settings.with_name("hub.pid")
    pid_file.write_text(f"{proc.pid}\n", encoding="ascii")
    os.chmod(pid_file, 0o600)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGTERM)
        return proc.wait()
    finally:
        pid_file.unlink(missing_ok=True)


def _cmd_status(args: Any) -> int:
    from .room import read_progress

    progress = read_progress(args.dir)
    if not progress:
        print(f"no participant has started a server in {args.dir} yet")
        return 0
    exercises = sorted({e for results in progress.values() for e in results})
    width = max(len(n) for n in progress)
    print(f"{'participant':<{width}}  passed  " + "  ".join(exercises))
    for name, results in progress.items():
        marks = "  ".join(
            ("yes" if results[e] else "no").center(len(e)) if e in results else "-".center(len(e))
            for e in exercises
        )
        print(f"{name:<{width}}  {sum(results.values()):>6}  {marks}")
    return 0


def add_subcommand(sub: Any) -> None:
    """Register ``workshop up`` / ``workshop down`` on the CLI (``cli._SUBCOMMANDS``)."""
    has_methods("sub", sub, ("add_parser",), "argparse subparsers (parser.add_subparsers())")
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
        add_timeout_arg(q)

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

    room = actions.add_parser(
        "room", help="run a JupyterHub room: one notebook server per participant"
    )
    room.add_argument("--dir", default="room-data", metavar="DIR",
                      help="the room's state: hub database, settings, participants' homes")
    room.add_argument("--workshop", metavar="DIR",
                      help="the --out of 'workshop up': participants sign in with that pool "
                           "(its OAuth endpoints) and their kernels use it")
    room.add_argument("--participants", "-n", type=int, default=5, metavar="N",
                      help="without --workshop: rehearsal participants <prefix>-01... (default 5)")
    room.add_argument("--prefix", default="cognito-lab")
    room.add_argument("--port", type=int, default=8000)
    room.add_argument("--host", default="127.0.0.1",
                      help="address to listen on (default 127.0.0.1: this machine only)")
    room.add_argument("--allow-remote", action="store_true",
                      help="allow a --host other machines can reach")
    room.add_argument("--rehearsal", action="store_true",
                      help="not as root: run a room for several people with NO isolation "
                           "(every server as you; they can read each other's files and yours)")
    room.add_argument("--down", action="store_true",
                      help="remove a stopped room: its Unix users, their homes, the hub's files")
    add_timeout_arg(room, "each call to the workshop pool (with --workshop)")
    room.set_defaults(func=_cmd_room)

    status = actions.add_parser(
        "status", help="which exercise checks each participant has passed"
    )
    status.add_argument("--dir", default="room-data", metavar="DIR", help="the room's directory")
    status.set_defaults(func=_cmd_status)
