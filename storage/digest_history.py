"""A request's history as a period's figures read it: its events, the desk it was at."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from storage.models import Event

CLOSE_KINDS = ("confirmed", "auto_confirmed")  # closed with a resolution
CLOSED_KINDS = (*CLOSE_KINDS, "auto_closed")  # a close of the desk's: one unanswered too
PAUSE_STARTS = ("waiting", "proposed")  # a question to the requester, a desk proposal
PAUSE_ENDS = ("resumed", "agreed", "proposal_declined", "countered", "proposal_lapsed",
              "resolved", "transferred", "cancelled", "auto_closed")
HISTORY_KINDS = ("resolved", "reopened", "transferred", "rated", "auto_closed", *CLOSE_KINDS,
                 *PAUSE_STARTS, *PAUSE_ENDS)
OPEN_ENDS = ("reopened", "auto_closed", "cancelled", *CLOSE_KINDS)  # a close, or its undoing
CHUNK = 5000  # ids per IN list


@dataclass(frozen=True)
class HistoryStep:
    """One event of a request's history that the week's figures read."""

    at: datetime
    kind: str
    to_state: str | None
    note: str | None
    actor: str = ""


def all_rows(session: Session, stmt: Any) -> list[Any]:
    """The rows a select returns, as a list."""
    return list(session.execute(stmt).all())


def chunks(ids: Collection[int]) -> Iterable[list[int]]:
    """``ids`` in order, CHUNK at a time (one IN list each)."""
    ordered = sorted(ids)
    return (ordered[i:i + CHUNK] for i in range(0, len(ordered), CHUNK))


def history(session: Session, ids: Collection[int], kinds: tuple[str, ...] = HISTORY_KINDS
            ) -> dict[int, list[HistoryStep]]:
    """The events of ``kinds`` of each request in ``ids``, in order. Read through the request's
    index (a request has a handful of events) and picked here: a condition on the kind would
    lead the planner to the (kind, at) index, over the events of every request."""
    out: dict[int, list[HistoryStep]] = defaultdict(list)
    e = Event
    wanted = set(kinds)
    for part in chunks(ids):
        stmt = (select(col(e.request_id), col(e.at), col(e.kind), col(e.to_state), col(e.note),
                       col(e.actor_id))
                .where(col(e.request_id).in_(part)).order_by(col(e.request_id), col(e.id)))
        for rid, at, kind, to_state, note, actor in all_rows(session, stmt):
            if kind in wanted:
                out[rid].append(HistoryStep(at, kind, to_state, note, actor))
    return out


def department_at(steps: list[HistoryStep], current: str, at: datetime) -> str:
    """The desk that owned the request at moment ``at``: the one the first transfer after it
    left, else the one that owns it now."""
    for step in steps:
        if step.kind == "transferred" and step.at > at:
            old, sep, _ = (step.note or "").partition("->")
            if sep:
                return old
    return current


def open_then(steps: list[HistoryStep], at: datetime) -> bool:
    """Whether a request opened before ``at`` was open then: not closed (confirmed,
    cancelled, auto-closed) before it, or reopened since."""
    before = [step for step in steps if step.at < at and step.kind in OPEN_ENDS]
    return not before or before[-1].kind == "reopened"
