"""``python -m cognito_helpers``: compute, explain and check SECRET_HASH from a terminal.

Exit codes scripts can rely on:

* 0: done (for checks: nothing wrong found)
* 1: the check ran and found a problem (or no known cause matched)
* 2: bad input or usage (the message says which field and how to fix it)
* 3: could not reach or use the target (network, credentials, region, no answer within
  the deadline: `--timeout SECONDS` or `COGNITO_TIMEOUT`, 10 s by default)

The client secret is read from ``COGNITO_CLIENT_SECRET``, from ``--secret-file``
or from a hidden prompt; never from the command line (shell history), and it is
never echoed.
"""

from __future__ import annotations

import argparse
import os
import sys

from .cli_common import (
    EXIT_BAD_INPUT,
    EXIT_FOUND,
    EXIT_OK,
    EXIT_UNREACHABLE,
    SECRET_ENV,
    read_secret,
    strict_for,
)
from .exceptions import CognitoHelpersError, InvalidInputError

# Annotations only: importing typing / collections.abc (and json, below) would cost
# `hash` ~3 ms of its ~45 ms start (benchmarks/bench_cli.py).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["EXIT_BAD_INPUT", "EXIT_FOUND", "EXIT_OK", "EXIT_UNREACHABLE", "main", "read_secret"]

class _Parser(argparse.ArgumentParser):
    """argparse that exits with EXIT_BAD_INPUT and a one-line hint."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\nTry '{self.prog} --help'.\n")

    def _get_formatter(self) -> argparse.HelpFormatter:
        # argparse builds a formatter on every add_argument and sizes it with shutil,
        # whose import (bz2, lzma...) is ~2 ms of `hash`'s start: ask the terminal directly.
        try:
            width = int(os.environ["COLUMNS"])
        except (KeyError, ValueError):
            try:
                width = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
            except (AttributeError, ValueError, OSError):
                width = 80
        return self.formatter_class(prog=self.prog, width=max(width - 2, 11))


# -- hash ---------------------------------------------------------------------


def _cmd_hash(args: argparse.Namespace) -> int:
    from .hashing import secret_hash

    secret = read_secret(args.secret_file)
    strict = strict_for(args.no_strict)
    value = secret_hash(args.username, args.client_id, secret, strict=strict)
    if args.json:
        import json

        print(
            json.dumps(
                {"username": args.username, "client_id": args.client_id, "secret_hash": value}
            )
        )
    else:
        print(value)
    return EXIT_OK


def _add_hash(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "hash",
        help="compute SECRET_HASH (prints the hash alone on stdout)",
        description="Compute base64(HMAC-SHA256(client_secret, username + client_id)). "
        f"The secret comes from ${SECRET_ENV}, --secret-file or a hidden prompt.",
    )
    p.add_argument(
        "--username",
        "-u",
        required=True,
        help="the username this call sends (see 'which username' in the README)",
    )
    p.add_argument("--client-id", "-c", required=True, help="the app client id")
    p.add_argument("--secret-file", metavar="FILE", help="read the client secret from FILE")
    p.add_argument(
        "--no-strict",
        action="store_true",
        help="hash the values exactly as given, without Cognito's character rules "
        "(also COGNITO_STRICT=0)",
    )
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.set_defaults(func=_cmd_hash)


# -- local --------------------------------------------------------------------


def _cmd_local(args: argparse.Namespace) -> int:
    from .local.console import serve_forever

    return serve_forever(
        host=args.host, port=args.port, demo=args.demo, env_file=args.env_file, region=args.region,
        allow_remote=args.allow_remote, aws_issuer=args.aws_issuer, owner_only=args.owner_only,
    )


def _add_local(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "local",
        help="run the local Cognito on loopback for your own app (Go, JS, Java...)",
        description="Run the local Cognito (moto plus this project's fidelity layer) until "
        "Ctrl-C. Point your SDK's endpoint at the printed URL.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--allow-remote", action="store_true",
                   help="allow a --host beyond loopback (anyone reaching it can read secrets)")
    p.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    p.add_argument("--region", default="us-east-1", help="region of the demo pool")
    p.add_argument(
        "--aws-issuer", action="store_true", default=None,
        help="tokens' iss and discovery's issuer are AWS's "
        "https://cognito-idp.<region>.amazonaws.com/<pool> (for libraries that rebuild it "
        "from region and pool) instead of this server's URL of the pool "
        "(also COGNITO_LOCAL_ISSUER=aws)",
    )
    p.add_argument(
        "--owner-only", action="store_true", default=None,
        help="serve only connections opened by your Unix user (and root): other users of "
        "a shared machine get 403 (Linux; also COGNITO_LOCAL_OWNER_ONLY=1)",
    )
    p.add_argument(
        "--demo",
        action="store_true",
        help="provision the demo pool (clients with and without secret, a user)",
    )
    p.add_argument(
        "--env-file",
        metavar="FILE",
        help="with --demo: write the demo's settings (secret included) to FILE, "
        "owner-only permissions; the terminal shows them masked",
    )
    p.set_defaults(func=_cmd_local)


# -- snippet ------------------------------------------------------------------


def _cmd_snippet(args: argparse.Namespace) -> int:
    from .lessons.snippets import LANGUAGES, render

    if args.list:
        for lang in LANGUAGES.values():
            print(f"{lang.key:8} {lang.name} ({lang.sdk}); CI verifies: {lang.verified}")
        return EXIT_OK
    missing = [opt for opt, value in (("--lang", args.lang), ("--client-id", args.client_id),
                                      ("--username", args.username)) if not value]
    if missing:
        raise InvalidInputError(", ".join(missing), "required (or use --list).")
    print(render(args.lang, client_id=args.client_id, username=args.username,
                 secret_env=args.secret_env), end="")
    return EXIT_OK


def _add_snippet(sub: argparse._SubParsersAction) -> None:
    from .lessons.snippets import LANGUAGES

    p = sub.add_parser(
        "snippet",
        help="print the hash + sign-in code for another language (Go, Node, shell, Java...)",
        description="Print a tested snippet (snippets/<lang>/) with your app client id and "
        "username written in. The client secret is never written into the code: the "
        "snippet reads it from the environment variable --secret-env names.",
    )
    p.add_argument("--lang", "-l", choices=list(LANGUAGES), help="the language")
    p.add_argument("--client-id", "-c", help="the app client id")
    p.add_argument("--username", "-u", help="the username the sign-in sends")
    p.add_argument("--secret-env", default=SECRET_ENV, metavar="NAME",
                   help=f"environment variable the code reads the secret from (default {SECRET_ENV})")
    p.add_argument("--list", action="store_true", help="list the languages and what CI verifies")
    p.set_defaults(func=_cmd_snippet)


# -- workshop -----------------------------------------------------------------


def _add_workshop(sub: argparse._SubParsersAction) -> None:
    from .workshop import add_subcommand

    add_subcommand(sub)


# -- app (Voila) ----------------------------------------------------------------


def _add_app(sub: argparse._SubParsersAction) -> None:
    from .lessons.apps import add_subcommand

    add_subcommand(sub)


# -- diagnosis: explain, fingerprint, check-client, verify, proxy -------------
# (defined in diagnosis/commands.py, beside the engine; explain and fingerprint
# import no boto3)


def _add_explain(sub: argparse._SubParsersAction) -> None:
    from .diagnosis.commands import add_explain

    add_explain(sub)


def _add_fingerprint(sub: argparse._SubParsersAction) -> None:
    from .diagnosis.commands import add_fingerprint

    add_fingerprint(sub)


def _add_check_client(sub: argparse._SubParsersAction) -> None:
    from .diagnosis.commands import add_check_client

    add_check_client(sub)


def _add_verify(sub: argparse._SubParsersAction) -> None:
    from .diagnosis.commands import add_verify

    add_verify(sub)


def _add_proxy(sub: argparse._SubParsersAction) -> None:
    from .diagnosis.commands import add_proxy

    add_proxy(sub)


# Subcommands register here, in the order --help lists them.
_SUBCOMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _add_hash, _add_local, _add_snippet, _add_workshop, _add_app,
    _add_explain, _add_fingerprint, _add_check_client, _add_verify, _add_proxy,
]


def _command_name(add: Callable[[argparse._SubParsersAction], None]) -> str:
    return add.__name__.removeprefix("_add_").replace("_", "-")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The CLI's parser; ``only`` registers just that subcommand (what ``main`` runs)."""
    parser = _Parser(
        prog="python -m cognito_helpers",
        description="Compute, explain and check the AWS Cognito app-client SECRET_HASH.",
        epilog="Exit codes: 0 ok, 1 problem found, 2 bad input, 3 target unreachable.",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for add in _SUBCOMMANDS:
        if only is None or _command_name(add) == only:
            add(sub)
    return parser


def _strict_advice(message: str, args: argparse.Namespace) -> str:
    """The hashing's "pass strict=False" advice, as this command's way in (or none)."""
    from .hashing import strict_hint

    if hasattr(args, "no_strict"):
        return strict_hint(message, "pass --no-strict (or set COGNITO_STRICT=0) to hash it "
                                    "exactly as given")
    return strict_hint(message, None)  # a Python keyword means nothing on a command line


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # Register only the subcommand named, when one is: building them all imports
    # every subcommand's module (~35 ms), which `hash` must not pay (benchmarks/).
    named = argv[0] if argv and argv[0] in {_command_name(a) for a in _SUBCOMMANDS} else None
    parser = build_parser(named)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except InvalidInputError as exc:
        print(f"error: {_strict_advice(str(exc), args)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except CognitoHelpersError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREACHABLE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
