"""What every command of the CLI shares: exit codes and how the client secret is read.

Below both ``cognito_helpers.cli`` and ``cognito_helpers.diagnosis.commands``,
so neither imports the other. Standard library only (the CLI's ``hash`` start
stays fast).
"""

from __future__ import annotations

import os
import sys

from .exceptions import InvalidInputError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_FOUND",
    "EXIT_OK",
    "EXIT_UNREACHABLE",
    "SECRET_ENV",
    "add_timeout_arg",
    "read_secret",
    "strict_for",
    "timeout_of",
]

EXIT_OK = 0
EXIT_FOUND = 1
EXIT_BAD_INPUT = 2
EXIT_UNREACHABLE = 3

SECRET_ENV = "COGNITO_CLIENT_SECRET"  # noqa: S105 - the variable name, not a secret


def add_timeout_arg(parser: object, what: str = "each call to Cognito") -> None:
    """``--timeout SECONDS``: the deadline of every network call the command makes."""
    parser.add_argument(  # type: ignore[attr-defined]
        "--timeout", type=float, default=None, metavar="SECONDS",
        help=f"deadline for {what}, retries included (default $COGNITO_TIMEOUT, else 10)",
    )


def timeout_of(args: object) -> float:
    """The command's deadline in seconds: ``--timeout``, else ``$COGNITO_TIMEOUT``, else 10
    (a bad value is an InvalidInputError naming where it came from)."""
    from .deadline import resolve_timeout

    return resolve_timeout(getattr(args, "timeout", None), field="--timeout")


def strict_for(no_strict: bool, env: dict[str, str] | None = None) -> bool:
    """Cognito's rules on, unless ``--no-strict`` or ``COGNITO_STRICT=0`` turns them off."""
    from .exceptions import ConfigurationError
    from .hashing import STRICT_ENV, strict_from_env

    try:
        return not no_strict and strict_from_env(env)
    except ConfigurationError as exc:
        raise InvalidInputError(STRICT_ENV, str(exc).removeprefix(f"{STRICT_ENV}=")) from None


def read_secret(
    secret_file: str | None,
    *,
    env: dict[str, str] | None = None,
    stdin: TextIO | None = None,
    stderr: TextIO | None = None,
) -> str:
    """The client secret from ``--secret-file``, ``$COGNITO_CLIENT_SECRET`` or a hidden prompt.

    A secret file's single final newline (what ``echo s > file`` writes) is
    removed and said so on stderr; any other whitespace is left for the hash
    to refuse, so the mistake is never hidden.
    """
    env = os.environ if env is None else env
    stdin = sys.stdin if stdin is None else stdin
    stderr = sys.stderr if stderr is None else stderr
    if secret_file is not None:
        try:
            with open(secret_file, encoding="utf-8") as fh:
                text = fh.read()
        except FileNotFoundError:
            raise InvalidInputError("--secret-file", f"no such file: {secret_file}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInputError(
                "--secret-file", f"cannot read {secret_file}: {exc.__class__.__name__}"
            ) from None
        for ending in ("\r\n", "\n"):
            if text.endswith(ending) and not text[: -len(ending)].endswith(("\n", "\r")):
                text = text[: -len(ending)]
                print(
                    f"note: removed the final line ending of {secret_file} "
                    "(a text file's usual last newline).",
                    file=stderr,
                )
                break
        return text
    if env.get(SECRET_ENV):
        return env[SECRET_ENV]
    if stdin is not None and stdin.isatty():
        import getpass

        return getpass.getpass("Client secret (not echoed): ")
    raise InvalidInputError(
        "client_secret",
        f"not given. Set {SECRET_ENV}, pass --secret-file FILE, or run in a terminal "
        "to be prompted (it is never taken on the command line, to keep it out of "
        "shell history).",
    )
