"""Kept targets: one row per request, desk, target and cycle (a reopen or a transfer starts
one), kept for the digest whatever later moves the request's own targets (a transfer, a
reopen, a pause): every miss, and a target met in time that a transfer or a reopen moved."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.models import Breach

BREACHES = Breach.__table__  # type: ignore[attr-defined]


def record(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert kept targets (``request_id``, ``department``, ``target``, ``cycle``, ``due_at``,
    ``detected_at``, optionally ``late_seconds`` and ``met``) in one statement; a row already
    there for the same request, desk, target and cycle stays as it is."""
    if not rows:
        return
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.connection().execute(module.insert(BREACHES).on_conflict_do_nothing(), rows)


def kept(session: Session, request_id: int, department: str, target: str, *,
         since: int = 0) -> bool:
    """Whether ``department`` has a row for this request's ``target`` in a cycle from
    ``since`` (a first response is due once per stay at a desk, whatever the reopens:
    ``since`` the stay's first cycle)."""
    return session.exec(select(col(Breach.id)).where(
        col(Breach.request_id) == request_id, col(Breach.department) == department,
        col(Breach.target) == target, col(Breach.cycle) >= since).limit(1)).first() is not None
