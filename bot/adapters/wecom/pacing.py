"""Per-recipient pacing under WeCom's limits (30/min and 1000/h to a member, 20/min a robot),
counted in the database so every replica shares one count (WeCom drops the excess silently)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from bot.runtime.dispatch import DeliveryError
from handlers.desk import Clock
from storage import send_log
from storage.engine import transaction

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
# Recipient kind → (most messages, per window); kept just under WeCom's published limits.
LIMITS: dict[str, tuple[tuple[int, timedelta], ...]] = {
    "user": ((29, MINUTE), (990, HOUR)),
    "chat": ((29, MINUTE),),
    "robot": ((19, MINUTE),),
}


class RecipientPacer:
    """Takes slots per recipient key (``user:zhangwei``, ``chat:…``, ``robot:…``) in the shared
    ``send_log``, in a sliding window.

    A message whose recipients are over a limit takes no slot and gets a DeliveryError
    (``paced``) with the seconds to wait; the outbox tries it again then, in its order. The
    dispatcher takes the slots in the transaction that leases the row (``lock`` + ``reserve``),
    so a slot is counted exactly when a send is allowed; ``take`` is the same in a transaction
    of its own.
    """

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock

    def take(self, keys: Iterable[str]) -> None:
        """Take one slot per key (a key twice: two slots) now, or raise DeliveryError."""
        wanted = Counter(keys)
        if not wanted:
            return
        with transaction(self.engine) as session:
            self.lock(session, wanted)
            refused = self.reserve(session, wanted, self.clock())
        if refused is not None:
            raise refused

    @staticmethod
    def lock(session: Session, keys: Iterable[str]) -> None:
        """Hold ``keys`` until the transaction ends (PostgreSQL; SQLite has one writer): lock
        every key a transaction will reserve first, in one call, so two never deadlock."""
        send_log.lock(session, keys)

    def reserve(self, session: Session, wanted: Counter[str],
                now: datetime) -> DeliveryError | None:
        """In ``session``, take ``wanted`` slots per key now; or take none and return the
        DeliveryError (``paced``) saying how long the worst key must wait."""
        if not wanted:
            return None
        waits = [self._wait(session, key, count, now) for key, count in wanted.items()]
        worst = max(waits)
        if worst[0] > 0:
            return DeliveryError(f"pacing: {worst[1]} must wait", retry_after=worst[0],
                                 paced=True)
        send_log.add(session, wanted.elements(), now)
        return None

    @staticmethod
    def _wait(session: Session, key: str, count: int, now: datetime) -> tuple[float, str]:
        """Seconds until ``count`` more sends to ``key`` fit every window (0: now)."""
        limits = LIMITS.get(key.split(":", 1)[0], LIMITS["user"])
        counts = send_log.counts_since(session, key, [now - window for _, window in limits])
        for (limit, window), recent in zip(limits, counts, strict=True):
            start = now - window
            if recent and recent + count > limit:  # an empty window takes any message
                oldest = send_log.nth_since(session, key, start,
                                            min(recent, recent + count - limit) - 1)
                free_at = (oldest or now) + window
                return max(1.0, (free_at - now).total_seconds()), f"{key} ({limit} per {window})"
        return 0.0, ""
