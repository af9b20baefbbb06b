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
    (``paced``) with the seconds to wait; the outbox tries it again then, in its order. A
    message needing more slots than a window holds never fits, not even an empty window (its
    excess would be dropped unseen): it is refused for good, and the admins told; the sender
    plans none such (``render.MAX_PARTS``). The
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
        slots = Slots(session, now)
        refused = slots.reserve(wanted)
        slots.write()
        return refused


class Slots:
    """Slots taken for several messages in one transaction (a lease's): each key's sends
    are counted once, and the slots taken are written together (``write``), as if each
    message had written its own before the next one counted."""

    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now
        self._counted: dict[str, list[int]] = {}  # key → sends per window when first asked
        self._taken: Counter[str] = Counter()  # slots taken here since then
        self._unwritten: list[str] = []

    def count(self, keys: Iterable[str]) -> None:
        """Count the recent sends of ``keys`` now, one statement per set of windows (a lease
        of a batch: not one per key when ``reserve`` first meets it)."""
        by_windows: dict[tuple[timedelta, ...], set[str]] = {}
        for key in keys:
            if key not in self._counted:
                by_windows.setdefault(_windows(key), set()).add(key)
        for windows, group in by_windows.items():
            starts = [self.now - window for window in windows]
            self._counted.update(send_log.counts_for(self.session, sorted(group), starts))

    def reserve(self, wanted: Counter[str]) -> DeliveryError | None:
        """Take ``wanted`` slots per key; or take none and return the DeliveryError:
        ``paced``, saying how long the worst key must wait, or ``permanent`` when a key wants
        more than its window ever holds."""
        if not wanted:
            return None
        for key, count in wanted.items():
            for limit, window in _limits(key):
                if count > limit:  # more than any window takes: WeCom would drop the rest
                    return DeliveryError(
                        f"pacing: {count} messages at once to {key} never fit {limit} per "
                        f"{window}", permanent=True, code="wecom:over_rate")
        waits = [self._wait(key, count) for key, count in wanted.items()]
        worst = max(waits)
        if worst[0] > 0:
            return DeliveryError(f"pacing: {worst[1]} must wait", retry_after=worst[0],
                                 paced=True)
        self._taken.update(wanted)
        self._unwritten += wanted.elements()
        return None

    def write(self) -> None:
        """Count the slots taken so far in ``send_log``."""
        if self._unwritten:
            send_log.add(self.session, self._unwritten, self.now)
            self._unwritten = []

    def _wait(self, key: str, count: int) -> tuple[float, str]:
        """Seconds until ``count`` more sends to ``key`` fit every window (0: now); ``count``
        is at most each window's limit (``reserve``)."""
        now = self.now
        limits = _limits(key)
        if key not in self._counted:
            self.count([key])
        for (limit, window), counted in zip(limits, self._counted[key], strict=True):
            recent = counted + self._taken[key]
            start = now - window
            if recent + count > limit:  # the oldest of these must leave the window first
                self.write()  # the oldest sends counted include this lease's own
                oldest = send_log.nth_since(self.session, key, start, recent + count - limit - 1)
                free_at = (oldest or now) + window
                return max(1.0, (free_at - now).total_seconds()), f"{key} ({limit} per {window})"
        return 0.0, ""


def _limits(key: str) -> tuple[tuple[int, timedelta], ...]:
    """``key``'s limits, by its kind (a kind not in ``LIMITS`` counts as a member)."""
    return LIMITS.get(key.split(":", 1)[0], LIMITS["user"])


def _windows(key: str) -> tuple[timedelta, ...]:
    """The windows ``key``'s limits count in."""
    return tuple(window for _, window in _limits(key))
