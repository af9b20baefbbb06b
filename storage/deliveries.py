"""Deliveries from chat platforms, each claimed once, in the transaction of its change."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col

from storage.models import Delivery

MAX_KEY = 200
_TABLE = SQLModel.metadata.tables["delivery"]
_NONCES = SQLModel.metadata.tables["seen_nonce"]
_NONCE_PG: Any = postgresql.insert(_NONCES).on_conflict_do_nothing().returning(_NONCES.c.nonce)
_NONCE_SQLITE: Any = sqlite.insert(_NONCES).on_conflict_do_nothing().returning(_NONCES.c.nonce)
_CLAIM_PG: Any = postgresql.insert(_TABLE).on_conflict_do_nothing().returning(_TABLE.c.key)
_CLAIM_SQLITE: Any = sqlite.insert(_TABLE).on_conflict_do_nothing().returning(_TABLE.c.key)


def stored_key(key: str) -> str:
    """``key`` as stored: itself, or a hash of it when too long for the column."""
    if len(key) <= MAX_KEY:
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def claim(session: Session, key: str, now: datetime,
          answer: list[dict[str, Any]] | None = None) -> bool:
    """Claim ``key`` in the session's transaction, keeping its ``answer`` for a repeat; False
    when it was claimed before.

    On PostgreSQL a concurrent claim of the same key waits for the first transaction: it
    gets False once that one commits, and the claim once it rolls back."""
    connection = session.connection()
    stmt = _CLAIM_PG if connection.dialect.name == "postgresql" else _CLAIM_SQLITE
    row = {"key": stored_key(key), "seen_at": now, "answer": answer}
    return connection.execute(stmt, row).scalar_one_or_none() is not None


def claim_nonce(session: Session, nonce: str, now: datetime) -> bool:
    """Claim a request's single-use ``nonce`` in the session's transaction; False when it was
    claimed before (a replay). ``prune`` forgets old ones."""
    connection = session.connection()
    stmt = _NONCE_PG if connection.dialect.name == "postgresql" else _NONCE_SQLITE
    return connection.execute(stmt, {"nonce": nonce, "seen_at": now}).scalar_one_or_none() \
        is not None


def answer_of(session: Session, key: str) -> list[dict[str, Any]] | None:
    """What a delivery claimed before was answered (None if it is unknown or said nothing)."""
    row = session.get(Delivery, stored_key(key))
    return list(row.answer) if row is not None and row.answer is not None else None


def prune(session: Session, seen_before: datetime) -> int:
    """Forget deliveries and nonces seen before ``seen_before`` (past every platform's retry
    and replay window); how many deliveries went."""
    session.execute(delete(_NONCES).where(_NONCES.c.seen_at < seen_before))
    result = session.execute(delete(Delivery).where(col(Delivery.seen_at) < seen_before))
    return int(getattr(result, "rowcount", 0) or 0)
