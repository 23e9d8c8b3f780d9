"""Start a Jupyter server (JupyterLab, Voilà, JupyterHub, a hub's single-user server) about a
second sooner: ``python -m cognito_helpers.jupyter_start lab|voila|hub|singleuser [ARGS]``.

Every Jupyter server imports jupyter-events, which validates its event schemas with
jsonschema's format checkers; jsonschema imports each checker's library if it is installed,
and jupyter-events' ``jsonschema[format-nongpl]`` installs rfc3987-syntax, which builds its
Lark (Earley) grammars when imported: 0.8-1 s of CPU in every server's start, only for the
``iri`` and ``iri-reference`` formats, which no Jupyter schema uses (jsonschema issue #1428,
jupyter_server issue #1559). Here that one import is marked absent before the application
is imported, so jsonschema skips those two checkers, in this process only; every other
format (uri, date-time, ...) is checked as before, and the application's own ``main`` runs
with the same arguments. ``make lab``, ``app`` and the workshop room start their servers
through this; ``jupyter lab`` and friends still work, only slower to start.
"""

from __future__ import annotations

import importlib
import sys

#: the command word -> the module whose ``main()`` is that application's console script
APPS = {
    "lab": "jupyterlab.labapp",
    "voila": "voila.app",
    "hub": "jupyterhub.app",
    "singleuser": "jupyterhub.singleuser",
}
USAGE = f"usage: python -m cognito_helpers.jupyter_start {{{','.join(APPS)}}} [ARGS...]"


def skip_unused_format_checker() -> None:
    """Mark rfc3987-syntax absent (unless something already imported it)."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in APPS:
        given = repr(args[0]) if args else "nothing"
        print(f"{USAGE}\njupyter_start: got {given}; the first argument names the application.",
              file=sys.stderr)
        return 2
    name, rest = args[0], args[1:]
    skip_unused_format_checker()
    try:
        module = importlib.import_module(APPS[name])
    except ImportError as exc:
        needs = "room/requirements.txt" if name in ("hub", "singleuser") else "requirements.txt"
        print(f"jupyter_start: {name} is not installed here ({exc}); install it with: "
              f"{sys.executable} -m pip install -r {needs}", file=sys.stderr)
        return 2
    sys.argv = [sys.argv[0], *rest]
    result = module.main()  # traitlets' launch_instance: runs until the server stops
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
