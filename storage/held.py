"""Messages held until their author says which request they belong to."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.models import HeldMessage, Request
from storage.request_store import OPEN_STATES


def hold(session: Session, person_id: str, platform: str, text: str,
         files: list[dict[str, Any]], now: datetime) -> HeldMessage:
    """Keep a message (its text and files' descriptions) until its request is chosen."""
    row = HeldMessage(person_id=person_id, platform=platform, text=text, files=files,
                      created_at=now)
    session.add(row)
    session.flush()
    return row


def get(session: Session, held_id: int, *, lock: bool = False) -> HeldMessage | None:
    """One held message, optionally locked for this transaction (one click attaches it)."""
    stmt = select(HeldMessage).where(col(HeldMessage.id) == held_id)
    if lock and session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return session.exec(stmt).first()


def claim(session: Session, held_id: int, ref: str, now: datetime) -> bool:
    """Mark the message as added to ``ref``; False when it already was (another click won)."""
    stmt = (update(HeldMessage)
            .where(col(HeldMessage.id) == held_id, col(HeldMessage.attached_ref).is_(None))
            .values(attached_ref=ref, attached_at=now)
            .execution_options(synchronize_session="fetch"))
    return bool(session.execute(stmt).rowcount)  # type: ignore[attr-defined]


# What a plain message may be about: the open requests and those awaiting approval (words and
# files on those go to their approvers).
TALKED_STATES = (*OPEN_STATES, "pending_approval")


def open_requests_of(session: Session, person_id: str, limit: int) -> tuple[list[Request], int]:
    """The person's open requests and those awaiting approval, newest first (at most
    ``limit``), and how many there are."""
    where = (col(Request.requester_id) == person_id, col(Request.state).in_(TALKED_STATES))
    rows = list(session.exec(select(Request).where(*where)
                             .order_by(col(Request.created_at).desc(), col(Request.id).desc())
                             .limit(limit + 1)))
    if len(rows) <= limit:
        return rows, len(rows)
    total = len(list(session.exec(select(Request.id).where(*where))))
    return rows[:limit], total


def unanswered(session: Session, person_id: str, since: datetime) -> HeldMessage | None:
    """The person's newest held message while it still waits for its request and was held at
    ``since`` or later; None otherwise (added already, older, or none)."""
    stmt = (select(HeldMessage).where(col(HeldMessage.person_id) == person_id)
            .order_by(col(HeldMessage.id).desc()).limit(1))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    row = session.exec(stmt).first()
    if row is None or row.attached_ref is not None or row.created_at < since:
        return None
    return row
