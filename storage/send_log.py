"""Sends counted per paced recipient key, shared by every replica (``send_log``)."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, delete, func, insert, text
from sqlalchemy import select as sql_select
from sqlmodel import Session, SQLModel, col, select

from storage.models import SendLog

_LOCK_ALL = text("SELECT count(pg_advisory_xact_lock(k)) FROM "
                 "(SELECT unnest(CAST(:ids AS bigint[])) AS k ORDER BY k) AS wanted")


def _lock_id(key: str) -> int:
    """A stable signed 64-bit number for ``key`` (PostgreSQL advisory locks take one)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big",
                          signed=True)


def lock(session: Session, keys: Iterable[str]) -> None:
    """Hold these keys until the transaction ends, so two replicas never both take the last
    free slot. On SQLite the write transaction already serializes writers."""
    if session.get_bind().dialect.name != "postgresql":
        return
    ids = sorted({_lock_id(key) for key in keys})  # always in one order: no deadlock
    if ids:  # one round trip for them all
        session.connection().execute(_LOCK_ALL, {"ids": ids})


def counts_for(session: Session, keys: Sequence[str],
               starts: Sequence[datetime]) -> dict[str, list[int]]:
    """How many sends to each of ``keys`` came after each of ``starts``, in one statement
    (index range reads on ``ix_send_log_key``): key → a count per start."""
    if not keys or not starts:
        return {key: [0] * len(starts) for key in keys}
    values = {"keys": list(keys), "since": min(starts),
              **{f"s{i}": s for i, s in enumerate(starts)}}
    found = {row[0]: [int(n) for n in row[1:]]
             for row in session.connection().execute(_counts_by_key(len(starts)), values)}
    return {key: found.get(key, [0] * len(starts)) for key in keys}


@functools.cache
def _counts_by_key(windows: int) -> Any:
    """The statement ``counts_for`` runs for this many windows, built once (it runs for every
    lease that sends)."""
    sent_at, key = col(SendLog.sent_at), col(SendLog.key)
    return (sql_select(key, *[func.coalesce(func.sum(case((sent_at > bindparam(f"s{i}"), 1),
                                                          else_=0)), 0)
                              for i in range(windows)])
            .where(key.in_(bindparam("keys", expanding=True)), sent_at > bindparam("since"))
            .group_by(key))


def nth_since(session: Session, key: str, after: datetime, n: int) -> datetime | None:
    """The ``n``-th send (0 = oldest) to ``key`` after ``after``."""
    stmt = (select(SendLog.sent_at).where(col(SendLog.key) == key, col(SendLog.sent_at) > after)
            .order_by(col(SendLog.sent_at)).offset(n).limit(1))
    return session.exec(stmt).first()


_ADD = insert(SQLModel.metadata.tables["send_log"])  # built once: every send counts


def add(session: Session, keys: Iterable[str], at: datetime) -> None:
    """Count one send to each key (a key twice: two sends)."""
    rows = [{"key": key, "sent_at": at} for key in keys]
    if rows:
        session.connection().execute(_ADD, rows)


def prune(session: Session, before: datetime) -> int:
    """Drop what no window looks at any more (the sweep does it, not every send)."""
    result = session.connection().execute(delete(SendLog).where(col(SendLog.sent_at) <= before))
    return int(result.rowcount or 0)
