"""The outbox: notifications written with the change that causes them, delivered later."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, Row, bindparam, func, insert, text, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col, select

from storage import redact
from storage.erasure import PREFIX as ERASED_PREFIX
from storage.models import Erasure, Outbox, Request

MAX_ERROR = 500
MAX_REASON = 100
CLAIM_LOCK = 0x6F7574626F78  # pg advisory lock key that serializes dispatchers' claims
ANSWER_GRACE = timedelta(seconds=10)  # the answer's own path has it first; then the dispatcher
_TABLE = SQLModel.metadata.tables["outbox"]
# A claimed row as the dispatcher reads it (a Core row: read once, then updated by id).
OutboxRow = Row[*tuple[Any, ...]]
# Core statements compiled once and reused (the ORM insert path costs more per call).
_PLAIN = insert(_TABLE)
_RETURNING_ID = insert(_TABLE).returning(_TABLE.c.id)
_DEDUPE_PG: Any = postgresql.insert(_TABLE).on_conflict_do_nothing().returning(_TABLE.c.id)
_DEDUPE_SQLITE: Any = sqlite.insert(_TABLE).on_conflict_do_nothing().returning(_TABLE.c.id)
_ERASED_TARGET = "person:" + ERASED_PREFIX
_IS_ERASED = sa_select(col(Erasure.id)).where(col(Erasure.pseudonym) == bindparam("p")).limit(1)


def unreachable(session: Session, target: str) -> bool:
    """Whether ``target`` is an erased person (their pseudonym): nothing is ever sent to them,
    so nothing is queued. A query only for a target that looks like a pseudonym."""
    if not target.startswith(_ERASED_TARGET):
        return False
    found = session.connection().execute(_IS_ERASED, {"p": target.removeprefix("person:")})
    return found.first() is not None


def row(target: str, payload: dict[str, Any], now: datetime, *,
        due_at: datetime | None = None, dedupe_key: str | None = None,
        request_id: int | None = None) -> dict[str, Any]:
    """The values of one notification's row, due at ``due_at`` (default: now)."""
    return {"target": target, "payload": payload, "created_at": now, "due_at": due_at or now,
            "attempts": 0, "dedupe_key": dedupe_key, "request_id": request_id}


def enqueue(
    session: Session,
    target: str,
    payload: dict[str, Any],
    now: datetime,
    *,
    due_at: datetime | None = None,
    dedupe_key: str | None = None,
    request_id: int | None = None,
) -> bool:
    """Queue one notification; with a ``dedupe_key`` a second enqueue is a no-op (False), and
    so is one to an erased person."""
    if unreachable(session, target):
        return False
    values = row(target, payload, now, due_at=due_at, dedupe_key=dedupe_key,
                 request_id=request_id)
    connection = session.connection()
    if dedupe_key is None:
        connection.execute(_PLAIN, values)
        return True
    stmt = _DEDUPE_PG if connection.dialect.name == "postgresql" else _DEDUPE_SQLITE
    return connection.execute(stmt, values).scalar_one_or_none() is not None


def enqueue_many(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Queue several notifications without a dedupe key (``row``s) in one statement, in
    order; none to an erased person."""
    rows = [r for r in rows if not unreachable(session, r["target"])]
    if rows:
        session.connection().execute(_PLAIN, list(rows))


def add_answer(session: Session, target: str, payload: dict[str, Any], now: datetime, *,
               request_id: int | None = None) -> int:
    """Queue a person's answer, for the inbound path to send at once (``claim_ids``); the
    dispatcher leaves it alone for ``ANSWER_GRACE``, then sends it itself (the process that
    took the message died before answering). Its row id. ``request_id``: the request it is
    about (its card is then among the request's, e.g. to grey)."""
    values = row(target, payload, now, due_at=now + ANSWER_GRACE, request_id=request_id)
    return int(session.connection().execute(_RETURNING_ID, values).scalar_one())


def claim_due(session: Session, now: datetime, limit: int) -> list[OutboxRow]:
    """Undelivered rows due by ``now``, oldest first, locked against other dispatchers.

    Per target, a row is never taken while an older row to the same target is still on its
    way (leased by a dispatcher, or rescheduled after a failure or a pace): messages to one
    channel, thread or person keep their order. A row merely scheduled for later (never
    leased) does not hold the rows behind it. Rows are taken in id order, so an older due
    row is always in the batch before a newer one; on PostgreSQL claims are serialized by a
    transaction-scoped advisory lock, so two dispatchers never take one target's rows at once.
    """
    stmt = _CLAIM
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CLAIM_LOCK})
        stmt = _CLAIM_LOCKED
    return list(session.connection().execute(stmt, {"now": now, "limit": limit}))


def _claim_statement(now: datetime, limit: int) -> Any:
    """The due rows whose target has no older row on its way (``claim_due``)."""
    return _CLAIM.params(now=now, limit=limit)


def _build_claim() -> Any:
    """``_claim_statement`` with the parameters ``now`` and ``limit``: built once, as every
    dispatch pass runs it.

    The rows on their way (leased, due later) are few, whatever the backlog: they are found
    once per claim, first row per target, and each due row is checked against that short list
    (not by a search of its target's older rows of its own: in a burst, thousands of due rows
    wait behind a paced head, and every claim meets them all)."""
    now = bindparam("now", type_=_TABLE.c.due_at.type)
    on_its_way = (select(_TABLE.c.target, func.min(_TABLE.c.id).label("first"))
                  .where(_TABLE.c.delivered_at.is_(None), _TABLE.c.failed_at.is_(None),
                         _TABLE.c.due_at > now, _TABLE.c.leased_at.is_not(None))
                  .group_by(_TABLE.c.target)
                  .cte("on_its_way"))
    held_back = (select(on_its_way.c.first)
                 .where(on_its_way.c.target == _TABLE.c.target,
                        on_its_way.c.first < _TABLE.c.id)
                 .exists())
    return (
        sa_select(_TABLE)
        .where(_TABLE.c.delivered_at.is_(None), _TABLE.c.failed_at.is_(None),
               _TABLE.c.due_at <= now, ~held_back)
        .order_by(_TABLE.c.id)
        .limit(bindparam("limit", type_=Integer()))
    )


_CLAIM = _build_claim()
_CLAIM_LOCKED = _CLAIM.with_for_update(skip_locked=True)


def claim_ids(session: Session, ids: Sequence[int], now: datetime,
              lease_until: datetime) -> list[OutboxRow]:
    """These answers, leased until ``lease_until`` in the same statement (in id order),
    unless delivered, tried, or leased by a dispatcher already. On PostgreSQL a row a
    dispatcher is leasing at that moment is waited for, then left alone (its due time moved)."""
    rows = session.connection().execute(_TAKE_IDS, {"ids": list(ids),
                                                    "until": now + ANSWER_GRACE,
                                                    "until_at": lease_until, "leased": now})
    return sorted(rows, key=lambda row: row.id)


# Core rows, not ORM objects: a dispatcher reads each row once and updates it by id.
_TAKE_IDS = (update(_TABLE)
             .where(_TABLE.c.id.in_(bindparam("ids", expanding=True)),
                    _TABLE.c.delivered_at.is_(None), _TABLE.c.attempts == 0,
                    _TABLE.c.due_at <= bindparam("until", type_=_TABLE.c.due_at.type))
             .values(due_at=bindparam("until_at"), leased_at=bindparam("leased"))
             .returning(*_TABLE.c))
_LEASE = (update(_TABLE).where(_TABLE.c.id.in_(bindparam("ids", expanding=True)))
          .values(due_at=bindparam("until_at"), leased_at=bindparam("leased")))


def lease(session: Session, ids: Sequence[int], until: datetime,
          now: datetime | None = None) -> None:
    """Hold these rows for one sender until ``until`` (then they are due again)."""
    if ids:
        session.connection().execute(_LEASE, {"ids": list(ids), "until_at": until,
                                              "leased": now or until})


def record(session: Session, rows: Sequence[Recorded]) -> None:
    """Write what happened to leased rows, in a few statements (no row is loaded): delivered
    ones get ``delivered_at`` and the platform's reference; refused ones for good
    ``failed_at`` and the reason; the others their next due time, attempt count and error. A
    row delivered meanwhile (by another sender) is left alone."""
    rows = [replace(r, error=redact.scrub(r.error) if r.error else r.error,
                    reason=redact.scrub(r.reason) if r.reason else r.reason) for r in rows]
    delivered = [{"i": r.row_id, "at": r.delivered_at, "ref": r.platform_ref,
                  "n": r.attempts} for r in rows if r.delivered_at is not None]
    failed = [{"i": r.row_id, "at": r.failed_at, "err": r.error, "n": r.attempts,
               "why": (r.reason or "refused")[:MAX_REASON]}
              for r in rows if r.failed_at is not None and r.delivered_at is None]
    waiting = [{"i": r.row_id, "due": r.due_at, "err": r.error, "n": r.attempts}
               for r in rows if r.delivered_at is None and r.failed_at is None]
    connection = session.connection()
    if delivered:
        connection.execute(_DELIVERED, delivered)
    if failed:
        connection.execute(_FAILED, failed)
    if waiting:
        connection.execute(_WAITING, waiting)


def record_progress(session: Session, row_id: int, progress: dict[str, Any]) -> None:
    """Keep with an undelivered row what its tries have sent so far (``Outbox.progress``)."""
    session.connection().execute(_PROGRESS, {"i": row_id, "p": progress})


@dataclass(frozen=True)
class Recorded:
    """The outcome for one leased row: delivered (``delivered_at``), refused for good
    (``failed_at`` and a short ``reason``) or due again at ``due_at``, with its attempt count
    and last error."""

    row_id: int
    attempts: int
    delivered_at: datetime | None = None
    platform_ref: str | None = None
    due_at: datetime | None = None
    error: str | None = None
    failed_at: datetime | None = None
    reason: str | None = None


_UNSENT = (_TABLE.c.id == bindparam("i")) & _TABLE.c.delivered_at.is_(None)
_DELIVERED = update(_TABLE).where(_UNSENT).values(
    delivered_at=bindparam("at"), platform_ref=bindparam("ref"), attempts=bindparam("n"),
    last_error=None)
_WAITING = update(_TABLE).where(_UNSENT).values(
    due_at=bindparam("due"), last_error=bindparam("err"), attempts=bindparam("n"))
_PROGRESS = update(_TABLE).where(_UNSENT).values(progress=bindparam("p"))
_FAILED = update(_TABLE).where(_UNSENT).values(
    failed_at=bindparam("at"), failed_reason=bindparam("why"), last_error=bindparam("err"),
    attempts=bindparam("n"))


def pending_count(session: Session) -> int:
    """How many notifications are still waiting (refused ones are not)."""
    stmt = select(func.count()).select_from(Outbox).where(
        col(Outbox.delivered_at).is_(None), col(Outbox.failed_at).is_(None))
    return int(session.exec(stmt).one())


def oldest_pending(session: Session) -> datetime | None:
    """When the oldest undelivered (and not refused) notification was queued."""
    stmt = select(func.min(Outbox.created_at)).where(
        col(Outbox.delivered_at).is_(None), col(Outbox.failed_at).is_(None))
    return session.exec(stmt).one()


@dataclass(frozen=True)
class Refusals:
    """Rows a platform refused for good: how many, and the newest one's reason and target."""

    count: int
    newest_reason: str | None = None
    newest_error: str | None = None
    newest_target: str | None = None
    newest_at: datetime | None = None


def refusals(session: Session) -> Refusals:
    """The refused rows, for /healthz."""
    count = int(session.exec(select(func.count()).select_from(Outbox)
                             .where(col(Outbox.failed_at).is_not(None))).one())
    if not count:
        return Refusals(0)
    newest = session.exec(select(Outbox).where(col(Outbox.failed_at).is_not(None))
                          .order_by(col(Outbox.failed_at).desc(), col(Outbox.id).desc())
                          .limit(1)).one()
    return Refusals(count, newest.failed_reason, newest.last_error, newest.target,
                    newest.failed_at)


def refusals_by_reason(session: Session) -> dict[str, int]:
    """How many rows were refused for good, by reason (e.g. ``slack:channel_not_found``)."""
    stmt = (select(Outbox.failed_reason, func.count()).where(col(Outbox.failed_at).is_not(None))
            .group_by(Outbox.failed_reason))
    return {str(reason or "refused"): int(n) for reason, n in session.exec(stmt)}


def delivered(session: Session, platform_ref: str,
              request_id: int | None = None) -> dict[str, Any] | None:
    """The payload of the message delivered as ``platform_ref`` (a Slack ts, a WeCom card's
    task id), one about request ``request_id`` when given."""
    stmt = select(Outbox).where(col(Outbox.platform_ref) == platform_ref)
    if request_id is not None:
        stmt = stmt.where(col(Outbox.request_id) == request_id)
    row = session.exec(stmt.limit(1)).first()
    return dict(row.payload) if row is not None else None


def delivered_to_channel(session: Session, platform_ref: str) -> tuple[str, str] | None:
    """(department key, request ref) of the message about a request delivered to a
    department's channel as ``platform_ref`` (a thread root, say); None when there is none."""
    stmt = (select(Outbox.target, Request.ref)
            .join(Request, col(Outbox.request_id) == col(Request.id))
            .where(col(Outbox.platform_ref) == platform_ref,
                   col(Outbox.target).startswith("dept:"))
            .limit(1))
    row = session.exec(stmt).first()
    return (row[0].removeprefix("dept:"), row[1]) if row is not None else None


def delivered_about(session: Session, target: str, platform_ref: str) -> str | None:
    """The ref of the request that the message delivered to ``target`` as ``platform_ref``
    was about."""
    stmt = (select(Request.ref).join(Outbox, col(Outbox.request_id) == col(Request.id))
            .where(col(Outbox.platform_ref) == platform_ref, col(Outbox.target) == target)
            .limit(1))
    return session.exec(stmt).first()
