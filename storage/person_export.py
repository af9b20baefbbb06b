"""The right of access: everything stored about one person, as plain JSON-ready data
(datetimes ISO in UTC, amounts as strings, files described but not their bytes)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Text, cast, or_
from sqlmodel import Session, SQLModel, col, select

from storage import request_fields
from storage.models import (
    ApprovalStepRow,
    ApprovalVote,
    Attachment,
    Away,
    Deflection,
    Disclosure,
    Event,
    FormDraft,
    HeldMessage,
    Outbox,
    Person,
    Proposal,
    Rating,
    Request,
    Suggestion,
)

ANONYMOUS_NOTE = ("suggestions marked anonymous are included: they are this person's own; "
                  "the departments never see who sent them")


def plain(value: Any) -> Any:
    """``value`` as JSON: datetimes ISO in UTC, dates ISO, amounts as strings, file bytes
    (``data``) left out."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k != "data"}
    return value


def _row(item: SQLModel) -> dict[str, Any]:
    return {k: plain(v) for k, v in item.model_dump().items()}


def _rows(session: Session, model: type[SQLModel], *where: Any) -> list[dict[str, Any]]:
    keys = model.__table__.primary_key.columns  # type: ignore[attr-defined]
    stmt = select(model).where(or_(*where)).order_by(*keys)
    return [_row(item) for item in session.exec(stmt)]


def collect(session: Session, person_id: str) -> dict[str, Any] | None:
    """Everything stored about ``person_id`` (None if no such person: an erased person is not
    found by their old id)."""
    person = session.get(Person, person_id)
    if person is None:
        return None
    pid = person_id
    quoted = f'"{pid}"'
    steps = [s for s in _rows(session, ApprovalStepRow,
                              cast(col(ApprovalStepRow.approvers), Text).contains(quoted),
                              col(ApprovalStepRow.decided_by) == pid)
             if pid in s["approvers"] or s["decided_by"] == pid]
    events = _rows(session, Event, col(Event.actor_id) == pid)
    ratings = _rows(session, Rating, col(Rating.rater_id) == pid)
    proposals = _rows(session, Proposal, col(Proposal.proposer_id) == pid,
                      col(Proposal.decided_by) == pid)
    files = _rows(session, Attachment, col(Attachment.author_id) == pid)
    _add_refs(session, events, ratings, proposals, files)
    return {
        "person": _row(person),
        "requests": _requests(session, pid),
        "events": events,
        "ratings": ratings,
        "suggestions": _rows(session, Suggestion, col(Suggestion.author_id) == pid),
        "suggestions_note": ANONYMOUS_NOTE,
        "suggestions_replied": _rows(session, Suggestion, col(Suggestion.replied_by) == pid),
        "approval_steps": steps,
        "approval_votes": _rows(session, ApprovalVote, col(ApprovalVote.person_id) == pid),
        "proposals": proposals,
        "away": _rows(session, Away, col(Away.person_id) == pid, col(Away.delegate_id) == pid),
        "held_messages": _rows(session, HeldMessage, col(HeldMessage.person_id) == pid),
        "form_draft": _rows(session, FormDraft, col(FormDraft.person_id) == pid),
        "deflections": _rows(session, Deflection, col(Deflection.person_id) == pid),
        "attachments": files,
        "messages": _messages(session, pid),
        "disclosures": _rows(session, Disclosure, col(Disclosure.actor_id) == pid),
    }


def _messages(session: Session, pid: str) -> list[dict[str, Any]]:
    """The messages the bot sent (or queued) to them in person: when, about which request,
    what they said, and whether they were delivered or failed."""
    stmt = select(Outbox).where(col(Outbox.target) == f"person:{pid}").order_by(col(Outbox.id))
    return [{"id": m.id, "created_at": plain(m.created_at), "request_id": m.request_id,
             "ref": m.payload.get("request_ref"), "kind": m.payload.get("kind"),
             "title": m.payload.get("title"), "text": m.payload.get("text"),
             "delivered_at": plain(m.delivered_at), "failed_at": plain(m.failed_at),
             "failed_reason": m.failed_reason} for m in session.exec(stmt)]


def _add_refs(session: Session, *lists: list[dict[str, Any]]) -> None:
    """Give each row of their own on a request its request's ``ref`` right after request_id
    (one query): the person typed or was shown that ref when they made the row."""
    ids = {row["request_id"] for rows in lists for row in rows}
    stmt = select(col(Request.id), col(Request.ref)).where(col(Request.id).in_(ids))
    refs = {i: ref for i, ref in session.exec(stmt)} if ids else {}
    for rows in lists:
        for n, row in enumerate(rows):
            pairs = list(row.items())
            pairs.insert(list(row).index("request_id") + 1, ("ref", refs.get(row["request_id"])))
            rows[n] = dict(pairs)


def _requests(session: Session, pid: str) -> list[dict[str, Any]]:
    """Requests they asked, were assigned or resolved, each with its form values, events and
    files (described)."""
    found = _rows(session, Request, col(Request.requester_id) == pid,
                  col(Request.assignee_id) == pid, col(Request.resolver_id) == pid)
    values = request_fields.of_requests(session, [r["id"] for r in found])
    for request in found:
        rid = request["id"]
        request["fields"] = {k: plain(vars(v)) for k, v in values.get(rid, {}).items()}
        request["events"] = _rows(session, Event, col(Event.request_id) == rid)
        request["attachments"] = _rows(session, Attachment, col(Attachment.request_id) == rid)
    return found
