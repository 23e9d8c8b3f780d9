"""A reentrant lock that serves its waiters in the order they came (first come, first served).

The fidelity layer serializes every call that reads or changes moto's state
under one lock (:attr:`FidelityLayer._lock <cognito_helpers.local.layer.FidelityLayer>`).
``threading.RLock`` promises no order: a thread that releases it and asks again
at once (a kept-alive connection's next call) usually wins against threads that
have been waiting, so under 16 threads a few calls waited many turns and the
load benchmark's p99 was 1.6-1.8x bare moto's at the same rate (README,
"Benchmarks"). Here a release hands the lock straight to the oldest waiter, so
no waiter waits more than one turn per thread ahead of it.

Same interface as ``threading.RLock`` for what the package uses: ``with``,
``acquire()`` (blocking, no timeout) and ``release()``, reentrant for its owner.
"""

from __future__ import annotations

import collections
import threading

__all__ = ["FairLock"]


class FairLock:
    """A reentrant, first-come-first-served lock (a release hands it to the oldest waiter)."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()  # guards the fields below, held for microseconds
        self._owner: int | None = None
        self._depth = 0
        self._waiting: collections.deque[tuple[int, threading.Lock]] = collections.deque()

    def acquire(self) -> bool:
        """Wait for the lock (reentrant: its owner gets it again at once)."""
        me = threading.get_ident()
        with self._mutex:
            if self._owner == me:
                self._depth += 1
                return True
            if self._owner is None and not self._waiting:
                self._owner, self._depth = me, 1
                return True
            gate = threading.Lock()
            gate.acquire()
            entry = (me, gate)
            self._waiting.append(entry)
        try:
            gate.acquire()  # released by release(), which has made this thread the owner
        except BaseException:  # e.g. Ctrl-C in a notebook's main thread while it waited
            with self._mutex:
                if entry in self._waiting:  # not handed over yet: leave the queue
                    self._waiting.remove(entry)
                    raise
            self.release()  # handed over just then: pass it on, not held by nobody
            raise
        return True

    def release(self) -> None:
        """Release once; the last release hands the lock to the oldest waiter, if any."""
        with self._mutex:
            if self._owner != threading.get_ident():
                raise RuntimeError("cannot release a FairLock this thread does not hold")
            self._depth -= 1
            if self._depth:
                return
            if self._waiting:
                self._owner, gate = self._waiting.popleft()
                self._depth = 1
                gate.release()
            else:
                self._owner = None

    def waiting(self) -> int:
        """How many threads wait for the lock now."""
        with self._mutex:
            return len(self._waiting)

    def __enter__(self) -> FairLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
