"""Lockout after failed passwords: every password path, one rule, one clock.

AWS developer guide, "Authentication with user pools", section "Lockout
behavior for failed sign-in attempts"
(https://docs.aws.amazon.com/cognito/latest/developerguide/authentication.html#authentication-flow-lockout-behavior),
in our words: after five failed sign-ins with a password, unauthenticated or
IAM-authorized, the user is locked out for one second; each further failure
doubles the lock, up to about 15 minutes (for n failures, 2^(n-5) seconds).
An attempt during a lock answers ``Password attempts exceeded`` (even with the
right password) and does not lengthen later locks. The count goes back to
zero after a successful sign-in once the lock has passed, or after 15 minutes
with no attempt at all following a lockout. AWS adds that the behaviour is
subject to change.

Password paths that go through here: USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH
(and its legacy name ADMIN_NO_SRP_AUTH), the SRP proof (PASSWORD_VERIFIER),
USER_AUTH's PASSWORD and PASSWORD_SRP, and the OAuth sign-in page
(:meth:`PasswordLockout.verify_password`). Taught in
``notebooks/09-troubleshooting.ipynb``.
"""

from __future__ import annotations

import hmac
import threading
from dataclasses import dataclass
from typing import Any

from .answers import AwsFault
from .clock import Clock

__all__ = [
    "FAILURES_BEFORE_LOCK",
    "IDLE_RESET_SECONDS",
    "MAX_LOCK_SECONDS",
    "Lockout",
    "PasswordLockout",
    "lock_seconds",
]

FAILURES_BEFORE_LOCK = 5  # "After five failed ... sign-in attempts"
MAX_LOCK_SECONDS = 15 * 60  # "up to a maximum of approximately 15 minutes"
IDLE_RESET_SECONDS = 15 * 60  # "not initiate any sign-in attempts for 15 consecutive minutes"


def lock_seconds(failures: int) -> float:
    """The lock after ``failures`` failed passwords: 0 below five, then 2^(n-5) s, capped."""
    if failures < FAILURES_BEFORE_LOCK:
        return 0.0
    return float(min(2 ** (failures - FAILURES_BEFORE_LOCK), MAX_LOCK_SECONDS))


@dataclass
class _Record:
    failures: int = 0
    locked_until: float = 0.0
    last_attempt: float = 0.0


class Lockout:
    """Failed-password counts per user of a pool, on a :class:`~.clock.Clock`."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._records: dict[tuple[str, str], _Record] = {}
        self._lock = threading.Lock()

    def _record(self, pool_id: str, username: str, now: float) -> _Record:
        record = self._records.setdefault((pool_id, username), _Record())
        if (
            record.failures >= FAILURES_BEFORE_LOCK
            and now >= record.locked_until
            and now - record.last_attempt >= IDLE_RESET_SECONDS
        ):
            record.failures, record.locked_until = 0, 0.0  # 15 quiet minutes after a lockout
        return record

    def guard(self, pool_id: str, username: str) -> None:
        """Raise ``Password attempts exceeded`` if the user is locked out right now."""
        now = self.clock.now()
        with self._lock:
            record = self._record(pool_id, username, now)
            locked = now < record.locked_until
            record.last_attempt = now
        if locked:
            raise AwsFault.of("attempts_exceeded")

    def record(self, pool_id: str, username: str, *, ok: bool) -> None:
        """Count one password attempt that was not refused by a lock."""
        now = self.clock.now()
        with self._lock:
            record = self._record(pool_id, username, now)
            record.last_attempt = now
            if ok:
                record.failures, record.locked_until = 0, 0.0
            else:
                record.failures += 1
                record.locked_until = now + lock_seconds(record.failures)

    def state(self, pool_id: str, username: str) -> tuple[int, float]:
        """(failures so far, seconds of lock left) for a user: what a lesson shows."""
        now = self.clock.now()
        with self._lock:
            record = self._records.get((pool_id, username)) or _Record()
            return record.failures, max(0.0, record.locked_until - now)

    def forget_pool(self, pool_id: str) -> None:
        with self._lock:
            for key in [k for k in self._records if k[0] == pool_id]:
                del self._records[key]


class PasswordLockout:
    """Mixed into :class:`~cognito_helpers.local.layer.FidelityLayer`: owns ``self.lockout``."""

    lockout: Lockout

    def verify_password(self, pool: Any, user: Any, password: Any) -> None:
        """Check ``user``'s password with lockout, as every password path does.

        Raises :class:`~.answers.AwsFault` ``Password attempts exceeded`` during
        a lock (whatever the password), ``Incorrect username or password.`` for
        a wrong one; returns None for the right one and resets the count. For
        the OAuth sign-in page too: one function, one count per user.
        """
        self.lockout.guard(pool.id, user.username)
        stored = user.password or ""
        ok = isinstance(password, str) and hmac.compare_digest(
            password.encode("utf-8"), stored.encode("utf-8")
        )
        self.lockout.record(pool.id, user.username, ok=ok)
        if not ok:
            raise AwsFault.of("wrong_password")
