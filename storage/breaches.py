"""Missed targets: one breach row per request, desk, target and reopen cycle, kept for the
digest whatever later moves the request's own targets (a transfer, a reopen, a pause)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage.models import Breach

BREACHES = Breach.__table__  # type: ignore[attr-defined]


def record(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert breach rows (``request_id``, ``department``, ``target``, ``cycle``, ``due_at``,
    ``detected_at``, optionally ``late_seconds``) in one statement; a row already there for
    the same request, desk, target and cycle stays as it is."""
    if not rows:
        return
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.connection().execute(module.insert(BREACHES).on_conflict_do_nothing(), rows)
