"""Deliver outbox rows through the adapters' senders; failures are rescheduled, never dropped.

Rows are leased in a short transaction, sent with no transaction open (a slow platform
never holds a database lock), then recorded. A process killed mid-send leaves its leased
rows to be sent again when the lease ends: duplicates are limited to the rows in flight.

Messages to one target keep their order: the outbox never hands out a row while an older
row to the same target is on its way (``outbox.claim_due``), and a target that must wait
(the platform's pace, a 429, any transient failure) is not tried again in the same pass: its
later rows get slots after the wait, one ``PACE_SPACING`` apart, in their order. A refusal
for good (``DeliveryError.permanent``: a channel gone, a text too long) marks the row failed,
lets the target's later rows go, and tells the admins once per row (``handlers.delivery``).
A person's answer (``deliver``) is sent at once, beside the queue, never behind it.

A sender whose pacing is counted in the database (``PacedSender``: WeCom's ``send_log``,
shared by replicas) takes a row's slots in the transaction that leases it: no transaction of
its own per message, and no send without its slot (a lease rolled back leaves none; a
process killed after it leaves a slot counted for a send that may have gone out).

A message that takes several platform calls keeps what is sent of it with its row
(``bot.runtime.delivery_progress``); the dispatcher hands it to the row's next try."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol, cast

from sqlalchemy import Engine, bindparam, select, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel

from bot.runtime.delivery_progress import OUTBOX_ID, PROGRESS, SLOTS_TAKEN
from handlers import delivery
from handlers.desk import Clock, Policy
from handlers.messages import IN_THREAD, Message
from storage import outbox, redact
from storage.engine import transaction

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=1)
FIRST_BACKOFF = timedelta(seconds=30)
LEASE = timedelta(minutes=5)
PACE_SPACING = timedelta(seconds=1)  # between the slots of a target's rows that had to wait
MAX_POSTPONE = timedelta(minutes=1)  # a long queue's tail is looked at again within this
CRASH_TRIES = 3  # a row its sender crashes on this many times fails for good
CRASHED = "crossdesk:sender_crashed"  # its reason (/healthz, /metrics, the admins' notice)
UNREADABLE = "crossdesk:unreadable"  # a row whose payload is no Message: failed at its lease


class DeliveryError(Exception):
    """A platform refused or failed a message; ``retry_after`` (seconds) if it said when.
    ``paced``: not tried at all, the target must wait its turn (no attempt is counted).
    ``permanent``: trying again cannot help (the row is marked failed); ``code`` is the
    short reason kept for /healthz and /metrics, e.g. ``slack:channel_not_found``."""

    def __init__(self, reason: str, retry_after: float | None = None,
                 paced: bool = False, permanent: bool = False,
                 code: str | None = None) -> None:
        super().__init__(redact.scrub(reason))  # it is logged and stored: no secret in it
        self.retry_after = retry_after
        self.paced = paced
        self.permanent = permanent
        self.code = code


class Sender(Protocol):
    """Delivers one message; returns the platform's reference (e.g. Slack ts) if any."""

    def send(self, message: Message, thread_ref: str | None) -> str | None: ...


class PacedSender(Sender, Protocol):
    """A sender whose pacing is counted in the database: the dispatcher lets it take the slots
    of the rows it leases in the lease's own transaction, then sends them marked
    ``SLOTS_TAKEN`` (the sender takes none again)."""

    def pace(self, session: Session, messages: Sequence[Message],
             now: datetime) -> list[DeliveryError | None]:
        """For each message, in order: None when its slots are taken in ``session``, else the
        DeliveryError it gets instead of a try (``paced``: wait; or why it cannot be sent).
        Once one to a target must wait, the later ones to that target take no slot."""
        ...


class RecordingSender(Sender, Protocol):
    """A sender with something of its own to store for a sent message (WeCom: a card's
    response code), written in the transaction that marks the row delivered."""

    def record_sent(self, session: Session, message: Message, ref: str | None,
                    now: datetime) -> None:
        """Store what sending ``message`` (reference ``ref``) left to keep."""
        ...


@dataclass
class DispatchStats:
    """What one dispatch pass did."""

    delivered: int = 0
    failed: int = 0
    refused: int = 0  # of ``failed``: refused for good, not retried


@dataclass
class _Leased:
    row_id: int
    message: Message
    attempts: int
    request_id: int | None
    department: str | None
    thread: str | None
    early: DeliveryError | None = None  # decided when leased (its pace): not tried


@dataclass
class _Outcome:
    leased: _Leased
    ref: str | None = None
    error: DeliveryError | None = None
    postpone_to: datetime | None = None  # not tried: its target had to wait


def backoff(attempts: int, retry_after: float | None) -> timedelta:
    """How long to wait before the next try: the platform's word, else doubling from 30 s."""
    if retry_after is not None:
        return timedelta(seconds=max(1.0, retry_after))
    return min(FIRST_BACKOFF * (2 ** max(0, attempts - 1)), MAX_BACKOFF)


class Dispatcher:
    """Leases due outbox rows in batches and hands each to the sender its target routes to."""

    def __init__(self, engine: Engine, route: Callable[[Message], Sender], clock: Clock,
                 batch_size: int = 50, policy: Policy | None = None) -> None:
        self.engine = engine
        self.route = route
        self.clock = clock
        self.batch_size = batch_size
        self.policy = policy or Policy()  # its admins hear of refused messages
        self._unrecorded: list[_Outcome] = []  # sent, but the database was away to record it
        self._unrecorded_lock = threading.Lock()
        self._running = threading.Lock()

    def deliver(self, ids: Sequence[int]) -> DispatchStats:
        """Send these rows now (a person's answer), beside the queue: a long outbox never
        delays them. Rows delivered already, tried already, or leased by a pass are left
        alone."""
        stats = DispatchStats()
        if ids:
            with transaction(self.engine) as session:
                now = self.clock()
                rows = outbox.claim_ids(session, ids, now, now + LEASE)
                leased = self._leased(session, rows, now, leased_already=True)
            if leased:
                self._record_or_keep(self._send(leased), stats)
        return stats

    def run_once(self, max_batches: int = 100) -> DispatchStats:
        """Deliver everything due now (bounded); return counts.

        Outcomes that could not be recorded (the database went away after the send) are kept
        and recorded first on the next run, so a short outage neither sends them twice nor
        leaves them leased until the lease ends."""
        stats = DispatchStats()
        with self._running:
            with self._unrecorded_lock:
                kept, self._unrecorded = self._unrecorded, []
            if kept:
                self._record_or_keep(kept, stats)
            slots: dict[str, tuple[datetime, datetime]] = {}
            for _ in range(max_batches):
                leased = self._lease(self.clock(), slots.keys())
                if not leased:
                    break
                refused = stats.refused
                self._record_or_keep(self._send(leased, slots), stats)
                if len(leased) < self.batch_size and stats.refused == refused:
                    break  # (a refusal queued notices to the admins: one more batch)
        return stats

    def _record_or_keep(self, outcomes: list[_Outcome], stats: DispatchStats) -> None:
        try:
            self._record(outcomes, self.clock(), stats)
        except Exception:
            with self._unrecorded_lock:
                self._unrecorded.extend(outcomes)
            raise

    def _lease(self, now: datetime, waiting: Iterable[str] = ()) -> list[_Leased]:
        with transaction(self.engine) as session:
            return self._leased(session, outbox.claim_due(session, now, self.batch_size), now,
                                frozenset(waiting))

    def _leased(self, session: Session, rows: list[outbox.OutboxRow], now: datetime,
                waiting: frozenset[str] = frozenset(), *,
                leased_already: bool = False) -> list[_Leased]:
        """Lease ``rows`` (their due time moves out by ``LEASE``; ``leased_already`` when
        their claim did) with what sending needs, and take their pacing slots in the same
        transaction (not for ``waiting`` targets: their rows are postponed unsent)."""
        ids = {r.request_id for r in rows if r.request_id is not None}
        requests: dict[int, tuple[str, str | None]] = {}
        if ids:  # (two columns, not the whole request row)
            found = session.connection().execute(_THREADS, {"ids": list(ids)})
            requests = {r.id: (r.department, r.thread_ref) for r in found}
        if not leased_already:
            outbox.lease(session, [row.id for row in rows], now + LEASE, now)
        leased = []
        for row in rows:
            assert row.id is not None
            department, thread = (requests.get(row.request_id, (None, None))
                                  if row.request_id is not None else (None, None))
            unreadable = None
            try:
                message = Message.from_dict(row.payload)
            except Exception as exc:  # noqa: BLE001 - one bad row must not stop every lease
                log.exception("outbox row %s cannot be read; it fails for good", row.id)
                message = Message(text="", target=row.target, kind=str(
                    row.payload.get("kind", "info")) if isinstance(row.payload, dict) else "info")
                unreadable = DeliveryError(f"unreadable message: {type(exc).__name__}: {exc}",
                                           permanent=True, code=UNREADABLE)
            extra = {**message.extra, OUTBOX_ID: row.id}
            if row.progress is not None:  # an earlier try sent some of its parts
                extra[PROGRESS] = row.progress
            message = replace(message, extra=extra)
            leased.append(_Leased(
                row_id=row.id, message=message, attempts=row.attempts,
                request_id=row.request_id, department=department, thread=thread,
                early=unreadable,
            ))
        self._pace(session, [item for item in leased if item.message.target not in waiting
                             and item.early is None], now)
        return leased

    def _pace(self, session: Session, leased: list[_Leased], now: datetime) -> None:
        """Let each ``PacedSender`` take its rows' slots in the lease's transaction."""
        groups: dict[int, tuple[PacedSender, list[_Leased]]] = {}
        for item in leased:
            try:
                sender = self.route(item.message)
            except Exception:  # noqa: BLE001 - _send meets it again and keeps the row
                continue
            if callable(getattr(sender, "pace", None)):
                groups.setdefault(id(sender), (cast(PacedSender, sender), []))[1].append(item)
        for sender, items in groups.values():
            try:  # (no savepoint: a database error here fails the lease, and it is retried)
                verdicts = sender.pace(session, [item.message for item in items], now)
            except Exception:  # noqa: BLE001 - a bug: each send paces itself, as before
                log.exception("pacing at lease failed; the senders pace each message")
                continue
            for item, verdict in zip(items, verdicts, strict=True):
                if verdict is None:
                    item.message = replace(item.message,
                                           extra={**item.message.extra, SLOTS_TAKEN: True})
                else:
                    item.early = verdict

    def _send(self, leased: list[_Leased],
              slots: dict[str, tuple[datetime, datetime]] | None = None) -> list[_Outcome]:
        """Send each row; once a target must wait, its later rows get the next slots."""
        roots: dict[int, str] = {}
        outcomes = []
        slots = {} if slots is None else slots
        for item in leased:
            message = item.message
            if message.target in slots:
                first, latest = slots[message.target]
                latest += PACE_SPACING
                slots[message.target] = (first, latest)
                until = min(latest, max(first, self.clock() + MAX_POSTPONE))
                outcomes.append(_Outcome(item, postpone_to=until))
                continue
            same_dept = item.department is not None and message.target == f"dept:{item.department}"
            thread = message.extra.get(IN_THREAD)  # one the request left (transferred)
            if same_dept and not message.thread_root and item.request_id is not None:
                thread = roots.get(item.request_id, item.thread)
            try:
                if item.early is not None:  # its pace said so when it was leased
                    raise item.early
                ref = self.route(message).send(message, thread)
            except DeliveryError as exc:
                outcomes.append(_Outcome(item, error=exc))
                if exc.permanent:  # the row fails; the target's later rows may go
                    log.warning("delivery refused for good, not retried: %s", exc)
                    continue
                self._hold(slots, message.target, item, exc)
                if exc.paced:
                    log.debug("waiting for its turn: %s", exc)
                else:
                    log.warning("delivery failed, retrying later: %s", exc)
                continue
            except Exception as exc:  # noqa: BLE001 - an adapter bug must not lose the row
                error = _crashed(exc, item.attempts + 1)
                outcomes.append(_Outcome(item, error=error))
                if error.permanent:  # a row its sender cannot send: the target's next go
                    log.exception("sender crashed on a message to %s %d times; it failed "
                                  "for good", message.target, item.attempts + 1)
                    continue
                log.exception("sender crashed on a message to %s; it will be retried",
                              message.target)
                self._hold(slots, message.target, item, error)
                continue
            if same_dept and message.thread_root and ref and item.request_id is not None:
                roots[item.request_id] = ref
            outcomes.append(_Outcome(item, ref=ref))
        return outcomes

    def _hold(self, slots: dict[str, tuple[datetime, datetime]], target: str, item: _Leased,
              error: DeliveryError) -> None:
        """A transient failure: the target's later rows in this pass wait behind the row."""
        wait = self.clock() + backoff(item.attempts + 1, error.retry_after)
        slots[target] = (wait, wait)

    def _record(self, outcomes: list[_Outcome], now: datetime, stats: DispatchStats) -> None:
        recorded: list[outbox.Recorded] = []
        refused: list[delivery.Refused] = []
        for outcome in outcomes:
            item, error = outcome.leased, outcome.error
            if outcome.postpone_to is not None:  # not tried: its target had to wait
                recorded.append(outbox.Recorded(item.row_id, item.attempts,
                                                due_at=outcome.postpone_to))
            elif error is not None and error.permanent:
                reason = error.code or "refused"
                recorded.append(outbox.Recorded(item.row_id, item.attempts + 1, failed_at=now,
                                                error=str(error)[:outbox.MAX_ERROR],
                                                reason=reason))
                refused.append(delivery.Refused(item.row_id, item.message.target,
                                                item.message.request_ref, item.message.kind,
                                                reason))
                stats.failed += 1
                stats.refused += 1
            elif error is not None:
                tries = item.attempts + (0 if error.paced else 1)
                due = now + backoff(item.attempts + 1, error.retry_after)
                recorded.append(outbox.Recorded(item.row_id, tries, due_at=due,
                                                error=str(error)[:outbox.MAX_ERROR]))
                stats.failed += 1
            else:
                recorded.append(outbox.Recorded(item.row_id, item.attempts + 1,
                                                delivered_at=now, platform_ref=outcome.ref))
                stats.delivered += 1
        sent = [o for o in outcomes if o.error is None and o.postpone_to is None]
        with transaction(self.engine) as session:
            outbox.record(session, recorded)
            for gone in refused:
                delivery.tell_admins(session, gone, self.policy, now)
            roots = [root for root in map(_thread_root, sent) if root is not None]
            if roots:
                session.connection().execute(_STORE_THREAD, roots)
            for outcome in sent:
                self._store_sent(session, outcome, now)

    def _store_sent(self, session: Session, outcome: _Outcome, now: datetime) -> None:
        """What a ``RecordingSender`` keeps of a sent message, with its delivered mark."""
        message = outcome.leased.message
        try:
            sender = self.route(message)
        except Exception:  # noqa: BLE001 - it was sent through it a moment ago
            return
        if callable(getattr(sender, "record_sent", None)):
            cast(RecordingSender, sender).record_sent(session, message, outcome.ref, now)


def _crashed(exc: Exception, tries: int) -> DeliveryError:
    """A sender's unexpected error on its ``tries``-th try of a row. The database or the
    network away is passing: retried like any failure. Anything else is a bug meeting this
    row (e.g. a malformed payload): retried ``CRASH_TRIES`` times, then failed for good
    (``CRASHED``), so one row never holds its target's later rows back for ever."""
    if isinstance(exc, (DBAPIError, OSError)) or tries < CRASH_TRIES:
        return DeliveryError(f"sender crashed: {exc}")
    return DeliveryError(f"sender crashed: {type(exc).__name__}: {exc} ({tries} tries; a bug "
                         "or a malformed message: not retried)", permanent=True, code=CRASHED)


def _thread_root(outcome: _Outcome) -> dict[str, object] | None:
    """The request thread a delivered root starts (its department's channel only), as the
    parameters of ``_STORE_THREAD``; None for any other message."""
    message, item = outcome.leased.message, outcome.leased
    if not (message.thread_root and outcome.ref and item.request_id is not None):
        return None
    if message.target != f"dept:{item.department}":
        return None
    return {"i": item.request_id, "d": item.department, "root": outcome.ref}


_REQUEST = SQLModel.metadata.tables["request"]
_THREADS = (select(_REQUEST.c.id, _REQUEST.c.department, _REQUEST.c.thread_ref)
            .where(_REQUEST.c.id.in_(bindparam("ids", expanding=True))))
# the request is still in that department (not moved while its root was on its way)
_STORE_THREAD = (update(_REQUEST)
                 .where(_REQUEST.c.id == bindparam("i"), _REQUEST.c.department == bindparam("d"))
                 .values(thread_ref=bindparam("root")))
