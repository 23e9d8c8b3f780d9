"""A participant's env file: written by ``up`` (``env/<username>.env``), read by ``load_env_file``.

The file holds the variables ``get_target()`` reads (README, "Use a real user
pool"); ``load_env_file`` puts them into a kernel's environment where the
participant cannot set variables before the server starts (README, "Run a
workshop").
"""

from __future__ import annotations

import os
import re
from collections.abc import MutableMapping
from pathlib import Path

from ..exceptions import InvalidInputError
from ..validate import file_path, of_type

__all__ = ["load_env_file"]


def _env_text(env: dict[str, str]) -> str:
    head = "# Cognito Secret Hash Lab workshop settings. Secret: keep this file private.\n"
    return head + "".join(f"{k}={v}\n" for k, v in env.items())


_ENV_LINE = re.compile(r"(?:export\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>.*)")


def load_env_file(
    path: str | os.PathLike[str], *, environ: MutableMapping[str, str] | None = None
) -> list[str]:
    """Put the settings of an env file (a participant's, from ``workshop up``) into the
    environment, so that ``get_target()`` uses that pool; returns the names set.

    For a kernel on JupyterHub or Binder, where the participant cannot set
    variables before the server starts (README, "Run a workshop"). Lines are
    ``NAME=value`` (``export`` and matching quotes allowed); ``#`` starts a
    comment. Values are never printed, and an error names the line number,
    never its content.
    """
    environ = os.environ if environ is None else environ
    of_type("environ", environ, MutableMapping, "a dict-like environment (os.environ)")
    file = Path(file_path("path", path))
    shown = repr(str(file))  # printable: a surrogate from os.listdir shows escaped
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInputError("path", f"no such file: {shown}") from None
    except (OSError, UnicodeError) as exc:
        raise InvalidInputError("path", f"cannot read {shown} ({exc.__class__.__name__})") from None
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _ENV_LINE.fullmatch(stripped)
        if not match:
            raise InvalidInputError(
                "path", f"line {number} of {shown} is not NAME=value (content not shown)"
            )
        value = match["value"]
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[match["key"]] = value
    environ.update(values)
    return list(values)
