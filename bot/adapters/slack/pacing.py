"""Per-channel pacing: about one post a second, and a channel that failed waits its turn."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

INTERVAL = 1.0
FIRST_BACKOFF = 15.0
MAX_BACKOFF = 300.0


class ChannelPacer:
    """When each channel may be posted to next.

    After a failure every later message to that channel is told to wait until the same
    moment, so the outbox (ordered by due time, then id) retries them in their old order.
    """

    def __init__(self) -> None:
        self._next: dict[str, datetime] = {}
        self._streak: dict[str, int] = {}
        self._lock = threading.Lock()

    def wait(self, channel: str, now: datetime) -> float:
        """Seconds until ``channel`` may be posted to (0 when it may be now)."""
        with self._lock:
            ready = self._next.get(channel)
        return max(0.0, (ready - now).total_seconds()) if ready else 0.0

    def sent(self, channel: str, now: datetime) -> None:
        """A post went through: the next one waits ``INTERVAL``."""
        with self._lock:
            self._next[channel] = now + timedelta(seconds=INTERVAL)
            self._streak.pop(channel, None)

    def failed(self, channel: str, now: datetime, retry_after: float | None) -> float:
        """A post failed: hold the channel for Slack's Retry-After, else a doubling backoff."""
        with self._lock:
            if retry_after is None:
                streak = self._streak.get(channel, 0) + 1
                self._streak[channel] = streak
                retry_after = min(FIRST_BACKOFF * 2 ** (streak - 1), MAX_BACKOFF)
            retry_after = max(float(retry_after), INTERVAL)
            self._next[channel] = now + timedelta(seconds=retry_after)
            return retry_after
