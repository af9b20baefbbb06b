"""Forms being filled in chat, one per person: kept across restarts until done, stopped or
expired."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.models import FormDraft


def get(session: Session, person_id: str, *, lock: bool = False) -> FormDraft | None:
    """The person's form in progress (locked for this transaction with ``lock``)."""
    stmt = select(FormDraft).where(col(FormDraft.person_id) == person_id)
    if lock:
        stmt = stmt.with_for_update()
    return session.exec(stmt).first()


def save(session: Session, draft: FormDraft) -> None:
    """Write ``draft`` (a new one replaces the person's previous form)."""
    session.merge(draft)
    session.flush()


def drop(session: Session, person_id: str) -> None:
    """Forget the person's form."""
    session.execute(delete(FormDraft).where(col(FormDraft.person_id) == person_id))
    session.flush()


def expired(session: Session, now: datetime, limit: int = 200) -> list[FormDraft]:
    """Forms past their expiry, oldest first, locked (a concurrent sweep skips them)."""
    stmt = (select(FormDraft).where(col(FormDraft.expires_at) <= now)
            .order_by(col(FormDraft.expires_at)).limit(limit).with_for_update(skip_locked=True))
    return list(session.exec(stmt))
