"""Checks of the public API's arguments: a wrong type or value is an :class:`InvalidInputError`.

Each check names the argument, says what it expected and what it got (the
type, never the value: it may be a secret), and returns the value so a caller
can write ``name = text("name", name)``. Standard library only: the CLI's
``hash`` imports nothing heavier. Fuzzed by ``tests/test_public_api_garbage.py``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from .exceptions import InvalidInputError

TYPE_CHECKING = False
if TYPE_CHECKING:  # `import typing` would cost the CLI's `hash` ~2 ms of its start
    from typing import Any

__all__ = [
    "callback",
    "file_path",
    "flag",
    "has_methods",
    "items",
    "mapping",
    "number",
    "of_type",
    "shown",
    "strings",
    "text",
    "type_name",
    "with_text_fields",
]


def type_name(value: object) -> str:
    """``int``, ``NoneType``, ``bytes``... (what a message says instead of the value)."""
    return type(value).__name__


def text(field: str, value: object, *, optional: bool = False, empty: bool = True,
         what: str = "text (str)") -> Any:
    """``value`` if it is a str (or None when ``optional``), else InvalidInputError."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        hint = " or None" if optional else ""
        raise InvalidInputError(field, f"expected {what}{hint}, got {type_name(value)}.")
    if not empty and not value:
        raise InvalidInputError(field, f"is empty: expected {what}.")
    return value


def flag(field: str, value: object, *, optional: bool = False) -> Any:
    """``value`` if it is True or False (or None when ``optional``)."""
    if value is None and optional:
        return None
    if not isinstance(value, bool):
        hint = ", or None" if optional else ""
        raise InvalidInputError(field, f"expected True or False{hint}, got {type_name(value)}.")
    return value


def number(field: str, value: object, *, minimum: float | None = None,
           maximum: float | None = None, integer: bool = False, optional: bool = False,
           unit: str = "") -> Any:
    """``value`` if it is a finite number within [minimum, maximum] (an int when ``integer``)."""
    if value is None and optional:
        return None
    kinds: tuple[type, ...] = (int,) if integer else (int, float)
    what = "a whole number (int)" if integer else "a number"
    if isinstance(value, bool) or not isinstance(value, kinds):
        hint = " or None" if optional else ""
        raise InvalidInputError(field, f"expected {what}{hint}, got {type_name(value)}.")
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidInputError(field, f"expected a finite number, got {value}.")
    unit = f" {unit}" if unit else ""
    if minimum is not None and value < minimum:
        raise InvalidInputError(field, f"must be at least {minimum}{unit}, got {shown(value)}.")
    if maximum is not None and value > maximum:
        raise InvalidInputError(field, f"must be at most {maximum}{unit}, got {shown(value)}.")
    return value


def mapping(field: str, value: object, *, values: type | tuple[type, ...] | None = str,
            optional: bool = False, what: str = "a dict of text") -> Any:
    """``value`` if it is a mapping with str keys (and values of ``values``, if given)."""
    if value is None and optional:
        return None
    if not isinstance(value, Mapping):
        raise InvalidInputError(field, f"expected {what}, got {type_name(value)}.")
    for key, item in value.items():
        if not isinstance(key, str):
            raise InvalidInputError(field, f"expected text (str) keys, got a {type_name(key)} key.")
        if values is not None and not isinstance(item, values):
            raise InvalidInputError(
                field, f"the value of {shown(key)} is a {type_name(item)}; expected {what}."
            )
    return value


def items(field: str, value: object, *, what: str = "a list") -> tuple[Any, ...]:
    """``value`` as a tuple, if it is an iterable that is not text, bytes or a dict."""
    if isinstance(value, (str, bytes, bytearray, Mapping)) or not isinstance(value, Iterable):
        raise InvalidInputError(field, f"expected {what}, got {type_name(value)}.")
    return tuple(value)


def strings(field: str, value: object, *, what: str = "a list of text (str)") -> tuple[str, ...]:
    """``value`` as a tuple, if it is an iterable of str that is not itself a str or bytes."""
    found = items(field, value, what=what)
    for item in found:
        if not isinstance(item, str):
            raise InvalidInputError(field, f"expected {what}, got an item of type {type_name(item)}.")
    return found


def callback(field: str, value: object, *, optional: bool = False,
             what: str = "a function") -> Any:
    """``value`` if it can be called (or None when ``optional``)."""
    if value is None and optional:
        return None
    if not callable(value):
        hint = " or None" if optional else ""
        raise InvalidInputError(field, f"expected {what}{hint}, got {type_name(value)}.")
    return value


def of_type(field: str, value: object, kind: type | tuple[type, ...], what: str,
            *, optional: bool = False) -> Any:
    """``value`` if it is an instance of ``kind`` (described to the reader as ``what``)."""
    if value is None and optional:
        return None
    if not isinstance(value, kind):
        raise InvalidInputError(field, f"expected {what}, got {type_name(value)}.")
    return value


def has_methods(field: str, value: object, names: Iterable[str], what: str) -> Any:
    """``value`` if it has each method in ``names`` (a boto3 client, an argparse object...)."""
    missing = [n for n in names if not callable(getattr(value, n, None))]
    if missing:
        raise InvalidInputError(
            field, f"expected {what}, got {type_name(value)} (it has no {missing[0]}())."
        )
    return value


def with_text_fields(field: str, value: object, names: Iterable[str], what: str,
                     *, optional: Iterable[str] = ()) -> Any:
    """``value`` if each attribute in ``names`` is a str (None allowed for ``optional`` ones)."""
    optional = set(optional)
    for name in names:
        attr = getattr(value, name, _MISSING)
        if attr is _MISSING or not (isinstance(attr, str) or (attr is None and name in optional)):
            got = type_name(value) if attr is _MISSING else f"{type_name(value)} whose {name} is {type_name(attr)}"
            raise InvalidInputError(field, f"expected {what}, got {got}.")
    return value


_MISSING = object()


def shown(value: object, limit: int = 40) -> str:
    """``repr(value)``, cut to about ``limit`` characters (for values that are not secrets)."""
    try:
        out = repr(value)
    except ValueError:  # an int of more than 4300 digits
        return f"<a {type_name(value)} too large to show>"
    return out if len(out) <= limit else f"{out[: limit - 10]}... ({len(out)} chars)"



def file_path(field: str, value: object, what: str = "a file's path") -> str:
    """``value`` (str or PathLike) as a path the file system can take, or InvalidInputError.

    Refused: bytes, empty text, NUL, and text with a lone surrogate that the file
    system's encoding cannot encode (``"\\ud800"``: a name no file can have), which
    ``open()`` would answer with a bare UnicodeEncodeError. A name read from the file
    system itself (``os.listdir``: undecodable bytes become ``\\udc80``-``\\udcff``)
    encodes back and is accepted.
    """
    import os
    import sys

    of_type(field, value, (str, os.PathLike), f"{what} (str or Path)")
    path = os.fspath(value)  # type: ignore[arg-type]  # a PathLike may answer bytes
    if not isinstance(path, str) or not path or "\x00" in path:
        raise InvalidInputError(field, f"expected {what}: non-empty text without NUL.")
    try:
        os.fsencode(path)
    except UnicodeEncodeError as exc:
        bad = path[exc.start:exc.end].encode("utf-8", "backslashreplace").decode("ascii")
        raise InvalidInputError(
            field, f"{path!r} cannot be a file name: it holds {bad}, a lone "
            f"surrogate the file system's encoding ({sys.getfilesystemencoding()}) cannot "
            "encode. Type the path again, or take it from the file system (os.listdir, "
            "pathlib.Path.iterdir).",
        ) from None
    return path
