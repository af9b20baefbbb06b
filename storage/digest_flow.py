"""A period's requests one row each: received (opened or transferred), answered, closed;
and the suggestions received."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from storage.digest_history import (
    CLOSE_KINDS,
    PAUSE_ENDS,
    PAUSE_STARTS,
    HistoryStep,
    all_rows,
    department_at,
    history,
)
from storage.models import Event, Request, Suggestion


@dataclass(frozen=True)
class Opened:
    """A request as received by a desk: opened there, or transferred to it (``moved_from``:
    the desk it came from); ``category`` is its service there ('' when it has moved on)."""

    department: str
    category: str
    requester_department: str | None
    created_at: datetime
    moved_from: str | None = None
    now: tuple[str, str] = ("", "")  # its desk and service now (is it confidential?)
    request_id: int = 0


@dataclass(frozen=True)
class Answered:
    """A first response: when the clock started, when it was due, when it came."""

    department: str
    started: datetime
    due: datetime | None
    at: datetime
    priority: str = ""  # the request's: its clock (a P1 may run round the clock)


@dataclass(frozen=True)
class Closed:
    """One resolution cycle closed (confirmed, or confirmed by itself) in the period: the
    desk that owned it then, when the cycle began (the clock's start at that desk, or the
    reopen), its resolution, and its waits on the requester: ``paused_seconds`` in the desk's
    business time (the request's current cycle; ``paused_wall_seconds`` in wall time), or
    ``pauses`` to count (an earlier one); ``priority`` the request's, for its clock."""

    department: str
    started: datetime
    due: datetime | None
    resolved_at: datetime
    closed_at: datetime
    paused_seconds: int
    request_id: int = 0
    pauses: tuple[tuple[datetime, datetime], ...] = ()
    priority: str = ""
    paused_wall_seconds: int = 0


def opened(session: Session, start: datetime, end: datetime) -> list[Opened]:
    """Requests opened in [start, end), each for the desk it was opened at (a later transfer
    leaves it that desk's: it received it)."""
    r = Request
    stmt = select(
        col(r.origin_department), col(r.department), col(r.category),
        col(r.requester_department), col(r.created_at), col(r.id)
    ).where(col(r.created_at) >= start, col(r.created_at) < end)
    return [Opened(origin, category if origin == now else "", requester, at, now=(now, category),
                   request_id=rid)
            for origin, now, category, requester, at, rid in all_rows(session, stmt)]


def transferred(session: Session, start: datetime, end: datetime) -> list[Opened]:
    """Requests transferred from one desk to another in [start, end): received by the desk
    they went to (``moved_from`` the one they left), at the moment of the transfer."""
    r, e = Request, Event
    stmt = (select(col(e.note), col(e.at), col(r.department), col(r.category),
                   col(r.requester_department), col(r.id))
            .join(r, col(r.id) == col(e.request_id))
            .where(col(e.kind) == "transferred", col(e.at) >= start, col(e.at) < end))
    out = []
    for note, at, now, category, requester, rid in all_rows(session, stmt):
        old, sep, new = (note or "").partition(" ")[0].partition("->")  # then its services
        if sep and old != new:  # another service of the same desk is no transfer between desks
            out.append(Opened(new, category if new == now else "", requester, at, old,
                              (now, category), rid))
    return out


def answered(session: Session, start: datetime, end: datetime) -> list[Answered]:
    """First responses given in [start, end)."""
    r = Request
    stmt = select(
        col(r.department),
        col(r.clock_started_at),
        col(r.created_at),
        col(r.first_response_due),
        col(r.first_response_at),
        col(r.priority),
    ).where(col(r.first_response_at) >= start, col(r.first_response_at) < end)
    return [
        Answered(d, _start(started, created), due, at, priority)
        for d, started, created, due, at, priority in all_rows(session, stmt)
    ]


def _start(clock_started: datetime | None, created: datetime) -> datetime:
    """Where a request's first response is timed from: its clock's start (the opening, the
    approval, or the transfer to the current desk), which a reopen leaves as it was."""
    return clock_started or created


def _is_cycle_start(step: HistoryStep) -> bool:
    """A reopen (not a rejected approval's) or a transfer starts a cycle of targets."""
    return step.kind == "transferred" or (step.kind == "reopened"
                                          and step.to_state == "in_progress")


def _pauses(steps: list[HistoryStep], begin: datetime, end: datetime
            ) -> tuple[tuple[datetime, datetime], ...]:
    """The waits on the requester between ``begin`` and ``end`` (a question, a proposal)."""
    out, since = [], None
    for step in steps:
        if step.at < begin or step.at > end:
            continue
        if step.kind in PAUSE_STARTS and since is None:
            since = step.at
        elif step.kind in PAUSE_ENDS and since is not None:
            out.append((since, step.at))
            since = None
    return tuple(out)


@dataclass(frozen=True)
class _Close:
    """A close event with what its request holds now."""

    request_id: int
    at: datetime
    department: str
    cycle: int
    state: str
    closed_at: datetime | None
    resolved_at: datetime | None
    resolution_due: datetime | None
    began: datetime | None  # the current cycle's start
    clock_started_at: datetime | None
    created_at: datetime
    paused_seconds: int  # the current cycle's waits, in the desk's business time
    paused_wall_seconds: int  # the same waits in wall time
    priority: str

    @property
    def is_current(self) -> bool:
        """Whether it closed the request's current cycle (closed since, never reopened)."""
        return self.state == "closed" and self.closed_at == self.at \
            and self.resolved_at is not None


def _closes(session: Session, start: datetime, end: datetime) -> list[_Close]:
    """Every close with a resolution in [start, end), with its request's columns (one query
    through the event's (kind, at) index)."""
    r, e = Request, Event
    stmt = (select(col(e.request_id), col(e.at), col(r.department), col(r.cycle), col(r.state),
                   col(r.closed_at), col(r.resolved_at), col(r.resolution_due),
                   col(r.cycle_started_at), col(r.clock_started_at), col(r.created_at),
                   col(r.cycle_paused_seconds), col(r.cycle_paused_wall_seconds),
                   col(r.priority))
            .join(r, col(r.id) == col(e.request_id))
            .where(col(e.kind).in_(CLOSE_KINDS), col(e.at) >= start, col(e.at) < end))
    return [_Close(*row) for row in all_rows(session, stmt)]


def closed(session: Session, start: datetime, end: datetime) -> list[Closed]:
    """Every resolution cycle closed in [start, end), with the desk that owned it then, from
    the history: a later reopen, rating or transfer leaves a finished week as it was. The
    request's current cycle is timed from its own columns; an earlier one (reopened since)
    from its events."""
    closes = _closes(session, start, end)
    steps = history(session, {c.request_id for c in closes if not c.is_current})
    out = []
    for c in closes:
        if c.is_current:
            assert c.resolved_at is not None
            began = c.began or c.clock_started_at or c.created_at
            out.append(Closed(c.department, began, c.resolution_due, c.resolved_at, c.at,
                              c.paused_seconds, c.request_id, priority=c.priority,
                              paused_wall_seconds=c.paused_wall_seconds))
            continue
        mine = steps.get(c.request_id, [])
        resolved = [s.at for s in mine if s.kind == "resolved" and s.at <= c.at]
        if not resolved:
            continue
        done = resolved[-1]
        starts = [s.at for s in mine if _is_cycle_start(s) and s.at <= done]
        moved = any(s.kind == "transferred" for s in mine)
        began = starts[-1] if starts else (
            c.created_at if moved else c.clock_started_at or c.created_at)
        out.append(Closed(department_at(mine, c.department, c.at), began, None, done, c.at,
                          0, c.request_id, _pauses(mine, began, done), c.priority))
    return out


def suggestions(session: Session, start: datetime, end: datetime) -> list[Suggestion]:
    """Suggestions received in [start, end)."""
    stmt = (
        select(Suggestion)
        .where(col(Suggestion.created_at) >= start, col(Suggestion.created_at) < end)
        .order_by(col(Suggestion.id))
    )
    return list(session.scalars(stmt))
