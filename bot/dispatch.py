"""Deliver outbox rows through the adapters' senders; failures are rescheduled, never dropped.

Rows are leased in a short transaction, sent with no transaction open (a slow platform
never holds a database lock), then recorded. A process killed mid-send leaves its leased
rows to be sent again when the lease ends: duplicates are limited to the rows in flight."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from handlers.desk import Clock
from handlers.messages import Message
from storage import outbox
from storage.engine import transaction
from storage.models import Outbox, Request

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=1)
FIRST_BACKOFF = timedelta(seconds=30)
LEASE = timedelta(minutes=5)


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


@dataclass
class _Leased:
    row_id: int
    message: Message
    attempts: int
    request_id: int | None
    department: str | None
    thread: str | None


@dataclass
class _Outcome:
    leased: _Leased
    ref: str | None = None
    error: DeliveryError | None = None


def backoff(attempts: int, retry_after: float | None) -> timedelta:
    """How long to wait before the next try: the platform's word, else doubling from 30 s."""
    if retry_after is not None:
        return timedelta(seconds=max(1.0, retry_after))
    return min(FIRST_BACKOFF * (2 ** max(0, attempts - 1)), MAX_BACKOFF)


class Dispatcher:
    """Leases due outbox rows in batches and hands each to the sender its target routes to."""

    def __init__(self, engine: Engine, route: Callable[[Message], Sender], clock: Clock,
                 batch_size: int = 50) -> None:
        self.engine = engine
        self.route = route
        self.clock = clock
        self.batch_size = batch_size
        self._unrecorded: list[_Outcome] = []  # sent, but the database was away to record it
        self._running = threading.Lock()

    def run_once(self, max_batches: int = 100) -> DispatchStats:
        """Deliver everything due now (bounded); return counts.

        Outcomes that could not be recorded (the database went away after the send) are kept
        and recorded first on the next run, so a short outage neither sends them twice nor
        leaves them leased until the lease ends."""
        stats = DispatchStats()
        with self._running:
            if self._unrecorded:
                kept, self._unrecorded = self._unrecorded, []
                self._record_or_keep(kept, stats)
            for _ in range(max_batches):
                leased = self._lease(self.clock())
                if not leased:
                    break
                self._record_or_keep(self._send(leased), stats)
                if len(leased) < self.batch_size:
                    break
        return stats

    def _record_or_keep(self, outcomes: list[_Outcome], stats: DispatchStats) -> None:
        try:
            self._record(outcomes, self.clock(), stats)
        except Exception:
            self._unrecorded.extend(outcomes)
            raise

    def _lease(self, now: datetime) -> list[_Leased]:
        with transaction(self.engine) as session:
            rows = outbox.claim_due(session, now, self.batch_size)
            ids = {r.request_id for r in rows if r.request_id is not None}
            requests = {}
            if ids:
                stmt = select(Request).where(col(Request.id).in_(ids))
                requests = {r.id: r for r in session.exec(stmt)}
            leased = []
            for row in rows:
                assert row.id is not None
                row.due_at = now + LEASE
                session.add(row)
                request = requests.get(row.request_id)
                message = Message.from_dict(row.payload)
                message = replace(message, extra={**message.extra, "outbox_id": row.id})
                leased.append(_Leased(
                    row_id=row.id, message=message, attempts=row.attempts,
                    request_id=row.request_id,
                    department=request.department if request else None,
                    thread=request.thread_ref if request else None,
                ))
            return leased

    def _send(self, leased: list[_Leased]) -> list[_Outcome]:
        roots: dict[int, str] = {}
        outcomes = []
        for item in leased:
            message = item.message
            same_dept = item.department is not None and message.target == f"dept:{item.department}"
            thread = None
            if same_dept and not message.thread_root and item.request_id is not None:
                thread = roots.get(item.request_id, item.thread)
            try:
                ref = self.route(message).send(message, thread)
            except DeliveryError as exc:
                outcomes.append(_Outcome(item, error=exc))
                log.warning("delivery failed, retrying later: %s", exc)
                continue
            except Exception as exc:  # noqa: BLE001 - an adapter bug must not lose the row
                log.exception("sender crashed; the message will be retried")
                outcomes.append(_Outcome(item, error=DeliveryError(f"sender crashed: {exc}")))
                continue
            if same_dept and message.thread_root and ref and item.request_id is not None:
                roots[item.request_id] = ref
            outcomes.append(_Outcome(item, ref=ref))
        return outcomes

    def _record(self, outcomes: list[_Outcome], now: datetime, stats: DispatchStats) -> None:
        with transaction(self.engine) as session:
            for outcome in outcomes:
                row = session.get(Outbox, outcome.leased.row_id)
                if row is None or row.delivered_at is not None:
                    continue
                if outcome.error is not None:
                    wait = backoff(row.attempts + 1, outcome.error.retry_after)
                    outbox.mark_failed(row, now, str(outcome.error), wait)
                    stats.failed += 1
                else:
                    outbox.mark_delivered(row, now, outcome.ref)
                    stats.delivered += 1
                    self._store_thread(session, outcome)
                session.add(row)

    @staticmethod
    def _store_thread(session: Session, outcome: _Outcome) -> None:
        message, item = outcome.leased.message, outcome.leased
        if not (message.thread_root and outcome.ref and item.request_id is not None):
            return
        if message.target != f"dept:{item.department}":
            return
        request = session.get(Request, item.request_id)
        if request is not None and request.department == item.department:
            request.thread_ref = outcome.ref
            session.add(request)
