"""The inbox: commands acknowledged to a chat platform, stored first and run by a worker.

A row is written (many at once, ``add_many``) before the platform gets its ack, so an
acknowledged command survives the process that took it. Workers lease waiting rows
(``lease``), run them and mark them done (``finish``); a row whose worker died is leased
again once its lease runs out. Running twice is harmless to the desk: the command claims its
delivery key in its own transaction, so a second run changes nothing.

On PostgreSQL the inbox is a table of the desk's database. SQLite has one writer per file,
so there it lives in a file of its own next to the database (``crossdesk.inbox.db`` beside
``crossdesk.db``, see ``engine_for``): storing a command never waits for a running one to
commit.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col, select

from storage.engine import make_engine
from storage.models import InboxItem

_TABLE = SQLModel.metadata.tables["inbox"]
_ADD_PG: Any = postgresql.insert(_TABLE).on_conflict_do_nothing(index_elements=["key"])
_ADD_SQLITE: Any = sqlite.insert(_TABLE).on_conflict_do_nothing(index_elements=["key"])


_ENGINES: dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()


def engine_for(engine: Engine) -> Engine:
    """Where the inbox of the desk on ``engine`` lives: ``engine`` itself on PostgreSQL (and
    for an in-memory SQLite), else an engine on the SQLite file beside the database, created
    with its table on first use."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return engine
    path = Path(database).resolve()
    inbox_path = path.with_name(f"{path.stem}.inbox{path.suffix or '.db'}")
    with _ENGINES_LOCK:
        if str(inbox_path) not in _ENGINES:
            inbox_engine = make_engine(f"sqlite:///{inbox_path}")
            _TABLE.create(inbox_engine, checkfirst=True)
            _ENGINES[str(inbox_path)] = inbox_engine
        return _ENGINES[str(inbox_path)]


def add_many(connection: Connection, items: Sequence[tuple[str, dict[str, Any]]],
             now: datetime) -> None:
    """Store ``(key, payload)`` items; a key stored already (a redelivery) is left as it is.
    (A Core connection, not a session: this runs for every slash command, before its ack.)"""
    if not items:
        return
    stmt = _ADD_PG if connection.dialect.name == "postgresql" else _ADD_SQLITE
    connection.execute(stmt, [{"key": key, "payload": payload, "received_at": now,
                            "attempts": 0} for key, payload in items])


def lease(session: Session, now: datetime, hold: timedelta, limit: int) -> list[InboxItem]:
    """Up to ``limit`` waiting rows, oldest first, leased until ``now + hold``."""
    stmt = (select(InboxItem)
            .where(col(InboxItem.done_at).is_(None),
                   or_(col(InboxItem.lease_until).is_(None), col(InboxItem.lease_until) <= now))
            .order_by(col(InboxItem.id)).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    rows = list(session.exec(stmt))
    for row in rows:
        row.lease_until = now + hold
        row.attempts += 1
        session.add(row)
    return rows


def finish(session: Session, ids: Sequence[int], now: datetime) -> None:
    """Mark rows done."""
    if ids:
        session.execute(update(InboxItem).where(col(InboxItem.id).in_(list(ids)))
                        .values(done_at=now, lease_until=None))


def prune(session: Session, done_before: datetime) -> int:
    """Delete rows done before ``done_before``; how many went."""
    result = session.execute(delete(InboxItem).where(col(InboxItem.done_at) < done_before))
    return int(getattr(result, "rowcount", 0) or 0)


def waiting_count(session: Session) -> int:
    """How many rows are not done yet (leased or not)."""
    stmt = select(func.count()).select_from(InboxItem).where(col(InboxItem.done_at).is_(None))
    return int(session.exec(stmt).one())


def oldest_waiting(session: Session) -> datetime | None:
    """When the oldest command not done yet was stored (None when none waits)."""
    stmt = select(func.min(InboxItem.received_at)).where(col(InboxItem.done_at).is_(None))
    return session.exec(stmt).one()
