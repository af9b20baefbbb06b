"""Per-recipient pacing under WeCom's limits (30/min and 1000/h to a member, 20/min a robot)."""

from __future__ import annotations

import threading
from collections import Counter, deque
from collections.abc import Iterable
from datetime import datetime, timedelta

from bot.runtime.dispatch import DeliveryError
from handlers.desk import Clock

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
# Recipient kind → (most messages, per window); kept just under WeCom's published limits.
LIMITS: dict[str, tuple[tuple[int, timedelta], ...]] = {
    "user": ((29, MINUTE), (990, HOUR)),
    "chat": ((29, MINUTE),),
    "robot": ((19, MINUTE),),
}


class RecipientPacer:
    """Counts recent sends per recipient key (``user:zhangwei``, ``chat:…``, ``robot:…``).

    A recipient over its limit, or held after a failure, makes the send raise DeliveryError
    with the seconds to wait, so the outbox retries later, in the original order.
    """

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._sent: dict[str, deque[datetime]] = {}
        self._held: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def check(self, keys: Iterable[str]) -> None:
        """Raise DeliveryError unless every key (one per message part) may be sent now."""
        now = self.clock()
        wanted = Counter(keys)
        with self._lock:
            waits = [self._wait(key, count, now) for key, count in wanted.items()]
        worst = max(waits, default=(0.0, ""))
        if worst[0] > 0:
            raise DeliveryError(f"pacing: {worst[1]} must wait", retry_after=worst[0],
                                paced=True)

    def _wait(self, key: str, count: int, now: datetime) -> tuple[float, str]:
        held = self._held.get(key)
        if held is not None and held > now:
            return (held - now).total_seconds(), f"{key} (held after a failure)"
        times = self._sent.get(key, deque())
        for limit, window in LIMITS.get(key.split(":", 1)[0], LIMITS["user"]):
            recent = [t for t in times if t > now - window]
            if recent and len(recent) + count > limit:
                free_at = recent[min(len(recent), len(recent) + count - limit) - 1] + window
                return max(1.0, (free_at - now).total_seconds()), f"{key} ({limit} per {window})"
        return 0.0, ""

    def record(self, keys: Iterable[str]) -> None:
        """Count one message to each key, now."""
        now = self.clock()
        horizon = now - HOUR
        with self._lock:
            for key in keys:
                times = self._sent.setdefault(key, deque())
                times.append(now)
                while times and times[0] <= horizon:
                    times.popleft()
                self._held.pop(key, None)

    def hold(self, keys: Iterable[str], seconds: float) -> None:
        """After a failure, later messages to these keys wait too (order is kept)."""
        until = self.clock() + timedelta(seconds=max(1.0, seconds))
        with self._lock:
            for key in keys:
                self._held[key] = max(until, self._held.get(key, until))
