"""App mode: the calculator and the diagnosis form as standalone pages, served by Voilà.

``python -m cognito_helpers app calculator`` (or ``make app``) serves
``apps/calculator.ipynb`` on http://127.0.0.1:8866 with no code cells shown.
The app notebooks under ``apps/`` only call the widget functions of
:mod:`cognito_helpers.widgets`; the lessons that explain them are
``notebooks/03-compute-the-hash.ipynb`` and ``notebooks/07-diagnose.ipynb``.
Without a name, Voilà serves ``apps/`` and the page to start from is
``apps/index.ipynb`` (:data:`LANDING`): what each app does, with a link to it.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any

from ..exceptions import ConfigurationError, InvalidInputError

__all__ = ["APPS", "APPS_DIR", "LANDING", "available_apps", "voila_command"]

#: ``apps/`` next to the package (the repository checkout, installed with ``pip install -e .``).
APPS_DIR = Path(__file__).resolve().parents[2] / "apps"
DEFAULT_PORT = 8866
#: the landing page of ``make app`` (a Markdown-only notebook, not an app)
LANDING = "index"

#: What each app does, in a line (the landing page says the same; tests/test_apps.py).
APPS = {
    "calculator": "SECRET_HASH calculator: type a username, an app client id and the secret; "
                  "see the right hash and what each common mistake sends instead.",
    "diagnose": "Why does my Cognito sign-in fail? Paste the error your app printed (and, "
                "optionally, the hash it sent): the cause, the evidence and the fix.",
}


def available_apps(apps_dir: Path = APPS_DIR) -> list[str]:
    """Names of the app notebooks (``apps/<name>.ipynb``), the landing page left out."""
    return sorted(p.stem for p in apps_dir.glob("*.ipynb") if p.stem != LANDING)


def voila_command(name: str | None = None, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                  apps_dir: Path = APPS_DIR) -> list[str]:
    """The Voilà command line that serves one app (or, without a name, the list of apps)."""
    if not apps_dir.is_dir():
        raise ConfigurationError(
            f"no apps/ directory at {apps_dir}: app mode runs from a checkout of the repository "
            "installed with 'pip install -e .' (requirements.txt does this)."
        )
    names = available_apps(apps_dir)
    if name is not None and name not in names:
        raise InvalidInputError("app", f"{name!r} is not an app; choose one of: {', '.join(names)}")
    if not 0 <= port <= 65535:
        raise InvalidInputError("--port", f"must be 0-65535, got {port}")
    if importlib.util.find_spec("voila") is None:
        raise ConfigurationError(
            "Voilà is not installed. Install it with: pip install -r requirements.txt"
        )
    target = apps_dir / f"{name}.ipynb" if name else apps_dir
    # Voilà, started through jupyter_start: the same server, a second sooner
    return [sys.executable, "-m", "cognito_helpers.jupyter_start", "voila", str(target),
            "--no-browser", f"--Voila.ip={host}", f"--port={port}"]


def _cmd_app(args: Any) -> int:
    argv = voila_command(args.name, host=args.host, port=args.port)
    import socket

    try:  # Voilà would die on an unknown host with a raw socket.gaierror traceback
        socket.getaddrinfo(args.host, args.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc.__class__.__name__
        raise InvalidInputError(
            "--host", f"{args.host!r} is not an address to listen on ({reason}); "
            "use 127.0.0.1 (default) or 0.0.0.0."
        ) from None
    page = f"http://{args.host}:{args.port}/"
    if args.name is None:  # the tree lists files; the landing page says what each app does
        page += f"voila/render/{LANDING}.ipynb"
    print(f"Serving {args.name or 'the apps'} with Voilà at {page} (Ctrl-C stops)", flush=True)
    try:
        return subprocess.call(argv)  # noqa: S603 - our own argv: sys.executable -m voila
    except KeyboardInterrupt:
        return 0


def add_subcommand(sub: Any) -> None:
    """Register ``app`` on the CLI (``cli._SUBCOMMANDS``)."""
    p = sub.add_parser(
        "app",
        help="serve the hash calculator or the diagnosis form as a page (Voilà)",
        description="Serve an app from apps/ with Voilà: the page shows the widgets and "
        "their text, never the code. Apps: " + (", ".join(available_apps()) or "none found"),
    )
    p.add_argument("name", nargs="?", help="the app (default: a page listing all of them)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.set_defaults(func=_cmd_app)
