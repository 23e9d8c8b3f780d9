"""Masking of secrets, passwords and tokens for anything a person will see.

Taught in ``notebooks/01-setup-check.ipynb``: a masked form is enough to tell
two secrets apart without showing either.
"""

from __future__ import annotations

from .exceptions import InvalidInputError

__all__ = ["mask"]

_ELLIPSIS = "…"


def _visible(text: str) -> str:
    """Escape what would not show (a trailing newline must read as ``\\n``, not break a line)."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def mask(value: str | None, *, keep: int = 2) -> str:
    """Return ``value`` masked as ``ab…yz (51 chars)``; short values keep nothing.

    ``keep`` characters are shown at each end only when the value is at least
    five times as long, so that a short secret is never mostly revealed.
    """
    # checked here, not with .validate: the CLI's `hash` imports this module and no more
    if isinstance(keep, bool) or not isinstance(keep, int) or not 0 <= keep <= 64:
        raise InvalidInputError(
            "keep", "expected a whole number of characters from 0 to 64, got "
            + (f"{type(keep).__name__}." if not isinstance(keep, int) else "a value out of range.")
        )
    if value is None:
        return "<none>"
    if not isinstance(value, str):
        return f"<{type(value).__name__}>"
    n = len(value)
    if n == 0:
        return "<empty>"
    unit = "char" if n == 1 else "chars"
    if keep > 0 and n >= 5 * keep:
        return f"{_visible(value[:keep])}{_ELLIPSIS}{_visible(value[-keep:])} ({n} {unit})"
    return f"{_ELLIPSIS} ({n} {unit})"
