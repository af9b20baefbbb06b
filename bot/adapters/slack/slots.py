"""A fair limit on commands running at once: waiters are served in the order they came."""

from __future__ import annotations

import threading
from collections import deque


class FairSlots:
    """At most ``size`` holders at a time; a freed slot goes to the longest waiter.

    ``threading.Semaphore`` lets a newcomer take a slot ahead of threads already waiting, so
    under load a few unlucky commands wait for seconds while others pass; here a released
    slot is handed straight to the first waiter."""

    def __init__(self, size: int) -> None:
        self._free = size
        self._lock = threading.Lock()
        self._waiters: deque[threading.Event] = deque()

    def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
        """Take a slot, waiting at most ``timeout`` seconds (None: as long as it takes)."""
        with self._lock:
            if self._free and not self._waiters:
                self._free -= 1
                return True
            if not blocking:
                return False
            turn = threading.Event()
            self._waiters.append(turn)
        if turn.wait(timeout):
            return True
        with self._lock:
            if turn.is_set():  # handed over just as the wait ran out
                return True
            self._waiters.remove(turn)
            return False

    def release(self) -> None:
        """Give the slot to the first waiter, or free it."""
        with self._lock:
            if self._waiters:
                self._waiters.popleft().set()
            else:
                self._free += 1
