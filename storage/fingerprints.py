"""The config fingerprint the database last saw, swapped in one compare-and-set: of several
processes starting together with the same new config, one finds it new."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage.models import ConfigFingerprint

Seen = Literal["same", "changed", "first"]
_TABLE = ConfigFingerprint.__table__  # type: ignore[attr-defined]


def record(session: Session, scope: str, sha256: str, now: datetime) -> Seen:
    """Keep ``sha256`` as ``scope``'s fingerprint: ``changed`` when another was kept,
    ``first`` when none was, ``same`` when it is the one kept (then nothing is written)."""
    if _swap(session, scope, sha256, now):
        return "changed"
    if _add(session, scope, sha256, now):
        return "first"
    # another process added one meanwhile (PostgreSQL waited for it): ours may differ
    return "changed" if _swap(session, scope, sha256, now) else "same"


def _swap(session: Session, scope: str, sha256: str, now: datetime) -> bool:
    """Replace a different fingerprint kept for ``scope``; True if there was one."""
    swapped = session.connection().execute(
        update(_TABLE).where(_TABLE.c.scope == scope, _TABLE.c.sha256 != sha256)
        .values(sha256=sha256, recorded_at=now))
    return bool(swapped.rowcount)


def _add(session: Session, scope: str, sha256: str, now: datetime) -> bool:
    """Keep the first fingerprint for ``scope``; False if one was kept already."""
    connection = session.connection()
    module = postgresql if connection.dialect.name == "postgresql" else sqlite
    added = connection.execute(
        module.insert(_TABLE).values(scope=scope, sha256=sha256, recorded_at=now)
        .on_conflict_do_nothing().returning(_TABLE.c.scope))  # rowcount: -1 on psycopg
    return added.first() is not None
