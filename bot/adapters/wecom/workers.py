"""Background work after the callback has answered: in order per person, in parallel across."""

from __future__ import annotations

import logging
import threading
import time
import zlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

log = logging.getLogger(__name__)


class KeyedWorkers:
    """``n`` single-thread lanes; work with the same key always runs in the same lane."""

    def __init__(self, lanes: int = 4, name: str = "wecom") -> None:
        self._lanes = [ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{name}-{i}")
                       for i in range(lanes)]
        self._pending: set[Future[None]] = set()
        self._lock = threading.Lock()

    def submit(self, key: str, work: Callable[[], None]) -> None:
        """Run ``work`` after everything submitted earlier with the same ``key``."""
        lane = self._lanes[zlib.crc32(key.encode()) % len(self._lanes)]

        def guarded() -> None:
            try:
                work()
            except Exception:
                log.exception("WeCom background work failed")

        future = lane.submit(guarded)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until no work is queued or running; False on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._pending:
                    return True
            time.sleep(0.01)
        return False

    def shutdown(self) -> None:
        """Finish queued work and stop the lanes."""
        for lane in self._lanes:
            lane.shutdown(wait=True)
