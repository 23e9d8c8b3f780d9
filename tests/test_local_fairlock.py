"""The fidelity layer's lock: reentrant, and its waiters served in the order they came."""

from __future__ import annotations

import threading

import pytest

from cognito_helpers.local.fairlock import FairLock


def test_reentrant_for_its_owner_and_refused_to_others():
    lock = FairLock()
    with lock, lock:  # the owner takes it again at once
        errors = []

        def other() -> None:
            try:
                lock.release()
            except RuntimeError as exc:
                errors.append(str(exc))

        t = threading.Thread(target=other)
        t.start()
        t.join()
        assert errors and "does not hold" in errors[0]
    with pytest.raises(RuntimeError):
        lock.release()  # released as often as taken: nobody holds it now


def _wait_until(predicate) -> None:
    """Poll until ``predicate()`` (at most 30 s: a broken lock fails an assert, never hangs)."""
    event = threading.Event()
    for _ in range(30000):
        if predicate():
            return
        event.wait(0.001)


def test_waiters_get_the_lock_in_the_order_they_asked():
    lock = FairLock()
    order: list[int] = []
    threads = []
    lock.acquire()
    for i in range(8):
        t = threading.Thread(target=lambda i=i: (lock.acquire(), order.append(i), lock.release()))
        t.start()
        threads.append(t)
        _wait_until(lambda n=i + 1: lock.waiting() == n)  # thread i queued before i+1 starts
    lock.release()
    for t in threads:
        t.join()
    assert order == list(range(8))  # threading.RLock promises no order at all


def test_no_waiter_waits_more_than_one_turn_per_other_thread():
    # Every thread asks again as soon as it released (a kept-alive connection's next
    # call) and holds the lock a little while (the GIL is free meanwhile, as while moto
    # works): with threading.RLock a releasing thread often wins again and some waiters
    # wait 14-54 turns of 8 threads; here at most one turn per other thread, plus one or
    # two for the gap between reading the turn count and asking.
    lock = FairLock()
    threads_n, turns = 8, 100
    sequence: list[int] = []
    waited: list[int] = []
    start = threading.Barrier(threads_n)
    pause = threading.Event()

    def work(me: int) -> None:
        start.wait()
        for _ in range(turns):
            asked = len(sequence)
            with lock:
                waited.append(len(sequence) - asked)
                sequence.append(me)
                pause.wait(0.0001)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(sequence) == threads_n * turns
    assert max(waited) <= threads_n + 2, f"a thread waited {max(waited)} turns of the others"


def test_the_layer_serializes_with_it():
    from cognito_helpers.local import LocalCognito

    with LocalCognito() as local:
        assert isinstance(local._layer._lock, FairLock)


class _Interrupt(Exception):
    pass


def _raise_interrupt(*_) -> None:
    raise _Interrupt


@pytest.mark.parametrize("when", ["while queued", "as the lock is handed over"])
def test_a_waiter_interrupted_while_waiting_leaves_no_dead_entry(when):
    # Ctrl-C in a notebook's main thread while it waits must not leave an entry that
    # the next release hands the lock to (everyone would then wait forever), nor a
    # lock handed to it and held by nobody.
    import _thread
    import signal

    lock = FairLock()
    holding = threading.Event()

    def holder() -> None:
        with lock:
            holding.set()
            _wait_until(lambda: lock.waiting() == 1)  # the main thread is queued
            if when == "while queued":  # a real signal: the blocked wait returns at once
                signal.pthread_kill(threading.main_thread().ident, signal.SIGUSR1)
                _wait_until(lambda: lock.waiting() == 0)
            else:  # flagged only: seen once the main thread holds the lock
                _thread.interrupt_main(signal.SIGUSR1)

    previous = signal.signal(signal.SIGUSR1, _raise_interrupt)
    try:
        t = threading.Thread(target=holder)
        t.start()
        holding.wait(30)
        with pytest.raises(_Interrupt):
            lock.acquire()
        t.join()
    finally:
        signal.signal(signal.SIGUSR1, previous)
    assert lock.waiting() == 0
    got = []
    other = threading.Thread(target=lambda: got.append(lock.acquire()))
    other.start()
    other.join(30)
    assert got == [True]  # nobody holds it: another thread takes it at once
