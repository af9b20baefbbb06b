"""The outbox: notifications written with the change that causes them, delivered later."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col, select

from storage.models import Outbox

MAX_ERROR = 500
_TABLE = SQLModel.metadata.tables["outbox"]
# Core statements compiled once and reused (the ORM insert path costs more per call).
_PLAIN = insert(_TABLE)
_RETURNING_ID = insert(_TABLE).returning(_TABLE.c.id)
_DEDUPE_PG: Any = postgresql.insert(_TABLE).on_conflict_do_nothing().returning(_TABLE.c.id)
_DEDUPE_SQLITE: Any = sqlite.insert(_TABLE).on_conflict_do_nothing().returning(_TABLE.c.id)


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
    """Queue one notification; with a ``dedupe_key`` a second enqueue is a no-op (False)."""
    values = {
        "target": target,
        "payload": payload,
        "created_at": now,
        "due_at": due_at or now,
        "attempts": 0,
        "dedupe_key": dedupe_key,
        "request_id": request_id,
    }
    connection = session.connection()
    if dedupe_key is None:
        connection.execute(_PLAIN, values)
        return True
    stmt = _DEDUPE_PG if connection.dialect.name == "postgresql" else _DEDUPE_SQLITE
    return connection.execute(stmt, values).scalar_one_or_none() is not None


def add(session: Session, target: str, payload: dict[str, Any], now: datetime,
        request_id: int | None = None) -> int:
    """Queue one notification due now; its row id (to deliver it at once)."""
    values = {"target": target, "payload": payload, "created_at": now, "due_at": now,
              "attempts": 0, "dedupe_key": None, "request_id": request_id}
    return int(session.connection().execute(_RETURNING_ID, values).scalar_one())


def claim_due(session: Session, now: datetime, limit: int) -> list[Outbox]:
    """Undelivered rows due by ``now``, oldest first, locked against other dispatchers."""
    stmt = (
        select(Outbox)
        .where(col(Outbox.delivered_at).is_(None), col(Outbox.due_at) <= now)
        .order_by(col(Outbox.due_at), col(Outbox.id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return list(session.exec(stmt))


def claim_ids(session: Session, ids: Sequence[int], now: datetime) -> list[Outbox]:
    """These rows, if still undelivered and due by ``now`` (not leased by another sender)."""
    stmt = (select(Outbox)
            .where(col(Outbox.id).in_(list(ids)), col(Outbox.delivered_at).is_(None),
                   col(Outbox.due_at) <= now)
            .order_by(col(Outbox.id)))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return list(session.exec(stmt))


def mark_delivered(row: Outbox, now: datetime, platform_ref: str | None) -> None:
    """Record a successful delivery."""
    row.delivered_at = now
    row.platform_ref = platform_ref
    row.attempts += 1
    row.last_error = None


def mark_failed(row: Outbox, now: datetime, error: str, retry_in: timedelta) -> None:
    """Record a failure and reschedule the row; it is never dropped."""
    row.attempts += 1
    row.last_error = error[:MAX_ERROR]
    row.due_at = now + retry_in


def pending_count(session: Session) -> int:
    """How many notifications are still waiting."""
    stmt = select(func.count()).select_from(Outbox).where(col(Outbox.delivered_at).is_(None))
    return int(session.exec(stmt).one())


def oldest_pending(session: Session) -> datetime | None:
    """When the oldest undelivered notification was queued."""
    stmt = select(func.min(Outbox.created_at)).where(col(Outbox.delivered_at).is_(None))
    return session.exec(stmt).one()
