"""Retention's queries: the closed requests still to blank, in batches by closing time, and
blanking their words table by table. Each function finds only what is not blank yet (so a
dry run counts exactly what a real run changes, and a second run changes nothing); with
``apply`` False it only counts. Figures (times, states, stars, tags, amounts) stay."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import String, Text, and_, cast, delete, or_, tuple_, update
from sqlmodel import Session, col, select

from storage.models import (
    ApprovalStepRow,
    Event,
    HeldMessage,
    Outbox,
    Proposal,
    Rating,
    Request,
    RequestField,
)

PURGED_TITLE = "—"  # a purged request's title: lists stay readable, `show` explains
CLOSED_STATES = ("closed", "cancelled", "rejected")
TEXT_FIELDS = ("text", "long_text")  # form values that are words, not figures
PURGED_MARK = '"purged": true'  # in a sent message's payload once its words are gone


@dataclass
class Blanked:
    """What one step blanked (or would): the requests touched, rows, stored files, bytes."""

    requests: set[int] = field(default_factory=set)
    rows: int = 0
    files: int = 0
    bytes: int = 0

    def add(self, other: Blanked) -> None:
        """Count ``other`` in too."""
        self.requests |= other.requests
        self.rows += other.rows
        self.files += other.files
        self.bytes += other.bytes


@dataclass(frozen=True)
class Due:
    """A closed request not purged yet."""

    id: int
    ref: str
    closed_at: datetime


def due(session: Session, closed_by: datetime, after: Due | None, limit: int,
        lock: bool = False, recheck: bool = False) -> list[Due]:
    """Up to ``limit`` closed requests not purged yet (``recheck``: purged ones too),
    closed at or before ``closed_by``, in closing order after ``after``
    (ix_request_purged_at, ix_request_closed_at). ``lock`` on PostgreSQL: rows another
    replica's run holds are skipped, not waited for."""
    stmt = (select(Request.id, Request.ref, Request.closed_at)
            .where(col(Request.closed_at).is_not(None),
                   col(Request.closed_at) <= closed_by, col(Request.state).in_(CLOSED_STATES))
            .order_by(col(Request.closed_at), col(Request.id)).limit(limit))
    if not recheck:
        stmt = stmt.where(col(Request.purged_at).is_(None))
    if after is not None:
        stmt = stmt.where(tuple_(col(Request.closed_at), col(Request.id))
                          > tuple_(after.closed_at, after.id))
    if lock and session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return [Due(id=i, ref=ref, closed_at=at) for i, ref, at in session.exec(stmt)
            if i is not None and at is not None]


def mark_purged(session: Session, ids: Collection[int], now: datetime) -> None:
    """Every kind due on these requests is blank: they leave the job's list."""
    if ids:
        session.execute(update(Request).where(col(Request.id).in_(ids)).values(purged_at=now))


def request_texts(session: Session, ids: Collection[int], apply: bool) -> Blanked:
    """Title (a neutral marker), details and resolution note."""
    stmt = select(Request.id).where(col(Request.id).in_(ids), or_(
        col(Request.title) != PURGED_TITLE, col(Request.details) != "",
        col(Request.resolution_note).is_not(None)))
    found = {i for i in session.exec(stmt) if i is not None}
    if apply and found:
        session.execute(update(Request).where(col(Request.id).in_(found))
                        .values(title=PURGED_TITLE, details="", resolution_note=None))
    return Blanked(requests=found, rows=len(found))


def field_texts(session: Session, ids: Collection[int], apply: bool) -> Blanked:
    """Form values typed as free text (amounts, dates, choices and people stay)."""
    stmt = select(RequestField.id, RequestField.request_id).where(
        col(RequestField.request_id).in_(ids), col(RequestField.type).in_(TEXT_FIELDS))
    rows = list(session.exec(stmt))
    if apply and rows:
        session.execute(delete(RequestField).where(col(RequestField.id).in_(
            [r[0] for r in rows])))
    return Blanked(requests={r[1] for r in rows}, rows=len(rows))


def proposal_texts(session: Session, ids: Collection[int], apply: bool) -> Blanked:
    """What proposals said, and why they were declined (their dates and states stay)."""
    stmt = select(Proposal.id, Proposal.request_id).where(
        col(Proposal.request_id).in_(ids),
        or_(col(Proposal.text) != "", col(Proposal.reason).is_not(None)))
    rows = list(session.exec(stmt))
    if apply and rows:
        session.execute(update(Proposal).where(col(Proposal.id).in_([r[0] for r in rows]))
                        .values(text="", reason=None))
    return Blanked(requests={r[1] for r in rows}, rows=len(rows))


def approval_reasons(session: Session, ids: Collection[int], apply: bool) -> Blanked:
    """Why approvers rejected (the decisions and their times stay)."""
    stmt = select(ApprovalStepRow.id, ApprovalStepRow.request_id).where(
        col(ApprovalStepRow.request_id).in_(ids), col(ApprovalStepRow.reason).is_not(None))
    rows = list(session.exec(stmt))
    if apply and rows:
        session.execute(update(ApprovalStepRow)
                        .where(col(ApprovalStepRow.id).in_([r[0] for r in rows]))
                        .values(reason=None))
    return Blanked(requests={r[1] for r in rows}, rows=len(rows))


def held_messages(session: Session, refs: dict[str, int], apply: bool) -> Blanked:
    """Messages held, then added to one of these requests (``refs``: ref → id)."""
    stmt = select(HeldMessage.id, HeldMessage.attached_ref).where(
        col(HeldMessage.attached_ref).in_(list(refs)),
        or_(col(HeldMessage.text) != "", cast(col(HeldMessage.files), Text) != "[]"))
    rows = list(session.exec(stmt))
    if apply and rows:
        session.execute(update(HeldMessage).where(col(HeldMessage.id).in_(
            [r[0] for r in rows])).values(text="", files=[]))
    return Blanked(requests={refs[r[1]] for r in rows if r[1] in refs}, rows=len(rows))


def event_notes(session: Session, ids: Collection[int], apply: bool, *,
                kinds: Sequence[str] = (), other_than: Sequence[str] = (),
                keep: Sequence[str] = (), actors: Sequence[str] = ()) -> Blanked:
    """History notes of events of ``kinds`` (or of every kind but ``other_than``), except the
    notes in ``keep`` (markers shown translated); with ``actors``, only theirs."""
    stmt = select(Event.id, Event.request_id).where(
        col(Event.request_id).in_(ids), col(Event.note).is_not(None))
    if actors:
        stmt = stmt.where(col(Event.actor_id).in_(actors))
    if kinds:
        stmt = stmt.where(col(Event.kind).in_(kinds))
    if other_than:
        stmt = stmt.where(col(Event.kind).not_in(other_than))
    if keep:
        stmt = stmt.where(col(Event.note).not_in(keep))
    rows = list(session.exec(stmt))
    if apply and rows:
        session.execute(update(Event).where(col(Event.id).in_([r[0] for r in rows]))
                        .values(note=None))
    return Blanked(requests={r[1] for r in rows}, rows=len(rows))


def rating_comments(session: Session, ids: Collection[int], apply: bool) -> Blanked:
    """What raters wrote, in the rating and in its history note ("4★ slow" → "4★"); the
    stars and tags stay."""
    ratings = list(session.exec(select(Rating.id, Rating.request_id).where(
        col(Rating.request_id).in_(ids), col(Rating.comment).is_not(None))))
    events = [(e_id, r_id, note) for e_id, r_id, note in session.exec(
        select(Event.id, Event.request_id, Event.note).where(
            col(Event.request_id).in_(ids), col(Event.kind) == "rated",
            col(Event.note).is_not(None)))
        if note != _stars_only(note)]
    if apply:
        if ratings:
            session.execute(update(Rating).where(col(Rating.id).in_([r[0] for r in ratings]))
                            .values(comment=None))
        for e_id, _, note in events:
            session.execute(update(Event).where(col(Event.id) == e_id)
                            .values(note=_stars_only(note)))
    return Blanked(requests={r[1] for r in ratings} | {e[1] for e in events},
                   rows=len(ratings) + len(events))


def _stars_only(note: str | None) -> str | None:
    """``"4★ slow #timely"`` → ``"4★"``; a note that is not a rating's → None."""
    first = (note or "").split(" ", 1)[0]
    return first if first.endswith("★") else None


def sent_copies(session: Session, ids: Collection[int], apply: bool) -> Blanked:
    """The messages sent (or given up) about these requests repeat their words: keep only
    where they went and what they were (target, kind, ref), for thread and card lookups."""
    stmt = select(Outbox.id, Outbox.request_id, Outbox.payload).where(
        col(Outbox.request_id).in_(ids),
        or_(col(Outbox.delivered_at).is_not(None), col(Outbox.failed_at).is_not(None)),
        cast(col(Outbox.payload), String).not_like(f"%{PURGED_MARK}%"))
    rows = list(session.exec(stmt))
    if apply and rows:  # one UPDATE executed for many rows (by primary key)
        session.execute(update(Outbox), [{"id": row_id, "payload": blank_payload(payload)}
                                         for row_id, _, payload in rows])
    return Blanked(requests={r[1] for r in rows if r[1] is not None}, rows=len(rows))


def unlinked_copies(session: Session, first: datetime, after: int, limit: int,
                    apply: bool) -> tuple[Blanked, int]:
    """Up to ``limit`` sent (or given up) messages after outbox id ``after`` with no request
    row (nudges listing several requests, rating notices, digests, answers): one naming a
    request (``request_ref``) goes once that request closed at or before ``first``; one
    naming none may quote any request, so it goes once it was written at or before
    ``first`` (what it quoted goes the first kind's age after it was sent). Blanked as
    ``sent_copies`` does; with the last id found (walk on while ``limit`` rows are found)."""
    named = col(Outbox.payload)["request_ref"].as_string()
    due_refs = select(Request.ref).where(
        col(Request.closed_at) <= first, col(Request.state).in_(CLOSED_STATES))
    stmt = (select(Outbox.id, Outbox.payload).where(
        col(Outbox.id) > after, col(Outbox.request_id).is_(None),
        or_(col(Outbox.delivered_at).is_not(None), col(Outbox.failed_at).is_not(None)),
        or_(and_(named.is_(None), col(Outbox.created_at) <= first), named.in_(due_refs)),
        cast(col(Outbox.payload), String).not_like(f"%{PURGED_MARK}%"))
        .order_by(col(Outbox.id)).limit(limit))
    rows = list(session.exec(stmt))
    if apply and rows:
        session.execute(update(Outbox), [{"id": row_id, "payload": blank_payload(payload)}
                                         for row_id, payload in rows])
    last = rows[-1][0] if rows else after
    return Blanked(rows=len(rows)), last or after


def blank_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    """A sent message without its words: where it went and what it was (target, kind, ref)
    stay, for thread and card lookups."""
    kept = {k: payload.get(k) for k in ("target", "locale", "request_ref", "kind", "thread_root")}
    return {**kept, "text": "", "fields": [], "buttons": [], "extra": {}, "purged": True}
