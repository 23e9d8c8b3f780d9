"""The local Cognito's clock for rules that wait: lockout and the refresh-token grace period.

Wall time plus an offset a lesson can move forward (``LocalCognito.advance_clock``),
so a lesson shows a 15-minute lock or a 60-second grace period without waiting.
Tokens keep wall time in ``iat``/``exp``/``auth_time`` (a verifier compares them
with its own clock). Taught in ``notebooks/09-troubleshooting.ipynb`` (lockout).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from ..exceptions import InvalidInputError
from ..validate import shown

_MAX_ADVANCE = 10 * 365 * 86_400  # seconds: ten years is past every lockout and grace period

__all__ = ["Clock"]


class Clock:
    """``now()`` is ``source()`` plus every ``advance()`` so far, in seconds."""

    def __init__(self, source: Callable[[], float] | None = None) -> None:
        if source is not None and not callable(source):
            raise InvalidInputError(
                "clock", f"{source!r} is not a function returning the time in seconds."
            )
        self._source = source or time.time
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        value = self._source()
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
        ):
            raise InvalidInputError("clock", f"the clock returned {value!r}, not seconds.")
        with self._lock:
            return float(value) + self._offset

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds`` (>= 0); returns the new ``now()``."""
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, (int, float))
            or not 0 <= seconds <= _MAX_ADVANCE  # False for nan; no float() of a huge int
        ):
            raise InvalidInputError(
                "seconds",
                f"{shown(seconds)} is not a number of seconds from 0 to {_MAX_ADVANCE} "
                "(ten years; the clock only goes forward).",
            )
        with self._lock:
            self._offset += float(seconds)
        return self.now()
