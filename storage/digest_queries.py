"""Read-only queries for digests and reports: plain rows over a time range, all departments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session, col

from storage.models import Rating, Request, Suggestion
from storage.request_store import OPEN_STATES


@dataclass(frozen=True)
class Opened:
    """A request as received."""

    department: str
    category: str
    requester_department: str | None
    created_at: datetime


@dataclass(frozen=True)
class Answered:
    """A first response: when the clock started, when it was due, when it came."""

    department: str
    started: datetime
    due: datetime | None
    at: datetime


@dataclass(frozen=True)
class Closed:
    """A request closed with a resolution (cancelled and unanswered ones excluded)."""

    department: str
    started: datetime
    due: datetime | None
    resolved_at: datetime
    closed_at: datetime
    paused_seconds: int


@dataclass(frozen=True)
class Rated:
    """A rating, with the serving and the requesting department."""

    department: str
    requester_department: str | None
    ref: str
    stars: int
    tags: list[str]
    comment: str | None
    at: datetime


def _rows(session: Session, stmt: Any) -> list[Any]:
    return list(session.execute(stmt).all())


def opened(session: Session, start: datetime, end: datetime) -> list[Opened]:
    """Requests received in [start, end)."""
    r = Request
    stmt = select(
        col(r.department), col(r.category), col(r.requester_department), col(r.created_at)
    ).where(col(r.created_at) >= start, col(r.created_at) < end)
    return [Opened(*row) for row in _rows(session, stmt)]


def answered(session: Session, start: datetime, end: datetime) -> list[Answered]:
    """First responses given in [start, end)."""
    r = Request
    stmt = select(
        col(r.department),
        col(r.clock_started_at),
        col(r.created_at),
        col(r.first_response_due),
        col(r.first_response_at),
    ).where(col(r.first_response_at) >= start, col(r.first_response_at) < end)
    return [
        Answered(d, started or created, due, at)
        for d, started, created, due, at in _rows(session, stmt)
    ]


def closed(session: Session, start: datetime, end: datetime) -> list[Closed]:
    """Requests closed with a resolution in [start, end), owner at close."""
    r = Request
    stmt = select(
        col(r.department),
        col(r.clock_started_at),
        col(r.created_at),
        col(r.resolution_due),
        col(r.resolved_at),
        col(r.closed_at),
        col(r.paused_seconds),
    ).where(
        col(r.closed_at) >= start,
        col(r.closed_at) < end,
        col(r.state) == "closed",
        col(r.resolved_at).is_not(None),
    )
    return [
        Closed(d, started or created, due, resolved, closed_at, paused)
        for d, started, created, due, resolved, closed_at, paused in _rows(session, stmt)
    ]


def rated(session: Session, start: datetime, end: datetime) -> list[Rated]:
    """Ratings given in [start, end)."""
    stmt = (
        select(
            col(Request.department),
            col(Request.requester_department),
            col(Request.ref),
            col(Rating.stars),
            col(Rating.tags),
            col(Rating.comment),
            col(Rating.created_at),
        )
        .join(Request, col(Request.id) == col(Rating.request_id))
        .where(col(Rating.created_at) >= start, col(Rating.created_at) < end)
    )
    return [Rated(*row) for row in _rows(session, stmt)]


def open_counts(session: Session, at: datetime) -> dict[str, int]:
    """Requests open at moment ``at``, per department (approximated by open/close times)."""
    r = Request
    stmt = (
        select(col(r.department), func.count())
        .where(col(r.created_at) < at, or_(col(r.closed_at).is_(None), col(r.closed_at) >= at))
        .group_by(r.department)
    )
    return {d: int(n) for d, n in _rows(session, stmt)}


def overdue(session: Session, department: str, now: datetime, limit: int) -> list[Request]:
    """Open requests past a target now, the earliest deadline first."""
    r = Request
    late_first = and_(col(r.first_response_at).is_(None), col(r.first_response_due) < now)
    late_resolution = and_(col(r.state) != "waiting", col(r.resolution_due) < now)
    stmt = (
        select(r)
        .where(
            col(r.department) == department,
            col(r.state).in_(OPEN_STATES),
            or_(late_first, late_resolution),
        )
        .order_by(col(r.resolution_due))
        .limit(limit)
    )
    return list(session.scalars(stmt))


def suggestions(session: Session, start: datetime, end: datetime) -> list[Suggestion]:
    """Suggestions received in [start, end)."""
    stmt = (
        select(Suggestion)
        .where(col(Suggestion.created_at) >= start, col(Suggestion.created_at) < end)
        .order_by(col(Suggestion.id))
    )
    return list(session.scalars(stmt))
