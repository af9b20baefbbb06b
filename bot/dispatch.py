"""Deliver outbox rows through the adapters' senders; failures are rescheduled, never dropped."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from sqlalchemy import Engine

from handlers.desk import Clock
from handlers.messages import Message
from storage import outbox, request_store
from storage.engine import transaction

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=1)
FIRST_BACKOFF = timedelta(seconds=30)


class DeliveryError(Exception):
    """A platform refused or failed a message; ``retry_after`` (seconds) if it said when."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Sender(Protocol):
    """Delivers one message; returns the platform's reference (e.g. Slack ts) if any."""

    def send(self, message: Message, thread_ref: str | None) -> str | None: ...


@dataclass
class DispatchStats:
    """What one dispatch pass did."""

    delivered: int = 0
    failed: int = 0


def backoff(attempts: int, retry_after: float | None) -> timedelta:
    """How long to wait before the next try: the platform's word, else doubling from 30 s."""
    if retry_after is not None:
        return timedelta(seconds=max(1.0, retry_after))
    return min(FIRST_BACKOFF * (2 ** max(0, attempts - 1)), MAX_BACKOFF)


class Dispatcher:
    """Claims due outbox rows in batches and hands each to the sender its target routes to."""

    def __init__(self, engine: Engine, route: Callable[[Message], Sender], clock: Clock,
                 batch_size: int = 50) -> None:
        self.engine = engine
        self.route = route
        self.clock = clock
        self.batch_size = batch_size

    def run_once(self, max_batches: int = 100) -> DispatchStats:
        """Deliver everything due now (bounded); return counts."""
        stats = DispatchStats()
        for _ in range(max_batches):
            done = self._batch(stats)
            if done < self.batch_size:
                break
        return stats

    def _batch(self, stats: DispatchStats) -> int:
        now = self.clock()
        with transaction(self.engine) as session:
            rows = outbox.claim_due(session, now, self.batch_size)
            for row in rows:
                message = Message.from_dict(row.payload)
                request = (
                    request_store.by_ref(session, message.request_ref)
                    if message.request_ref else None
                )
                same_dept = request is not None and message.target == f"dept:{request.department}"
                thread = request.thread_ref if same_dept and not message.thread_root else None
                try:
                    ref = self.route(message).send(message, thread)
                except DeliveryError as exc:
                    outbox.mark_failed(row, now, str(exc), backoff(row.attempts + 1,
                                                                  exc.retry_after))
                    stats.failed += 1
                    log.warning("delivery failed, retrying later", extra={"outbox_id": row.id})
                else:
                    outbox.mark_delivered(row, now, ref)
                    stats.delivered += 1
                    if same_dept and message.thread_root and ref and request is not None:
                        request.thread_ref = ref
                        session.add(request)
                session.add(row)
            return len(rows)
