"""Read-only queries for digests and reports: rows and counts over a time range, all departments."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlmodel import Session, col

from storage.models import Breach, Rating, Request, RequestField, Suggestion
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
    category: str = ""


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
        Answered(d, _start(started, created), due, at)
        for d, started, created, due, at in _rows(session, stmt)
    ]


def _start(clock_started: datetime | None, created: datetime) -> datetime:
    """Where a request's times are measured from: its clock's start (the opening, the
    approval, or the transfer to the current desk), which a reopen leaves as it was, so
    that the times of a reopened request cover all its cycles at this desk."""
    return clock_started or created


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
        Closed(d, _start(started, created), due, resolved, closed_at, paused)
        for d, started, created, due, resolved, closed_at, paused in _rows(session, stmt)
    ]


@dataclass(frozen=True)
class Target:
    """A first-response or resolution target that fell due: met by its deadline or not."""

    department: str
    target: str  # "first" or "resolution"
    met: bool


def _target_columns(target: str) -> tuple[Any, Any]:
    """(deadline, moment met) of a target."""
    r = Request
    if target == "first":
        return col(r.first_response_due), col(r.first_response_at)
    return col(r.resolution_due), col(r.resolved_at)


def _fell_due(target: str, start: datetime, end: datetime) -> Any:
    """A request's current target whose deadline is in [start, end): every one counts, met
    or missed, except a request withdrawn or closed unanswered before its deadline
    (cancelled, auto-closed), a resolution paused while the desk waits on the requester,
    and one kept already (its row counts it: see ``_kept``)."""
    r, b = Request, Breach
    due, at = _target_columns(target)
    withdrawn = and_(at.is_(None), col(r.closed_at).is_not(None), col(r.closed_at) <= due)
    kept = select(col(b.id)).where(
        col(b.request_id) == col(r.id), col(b.department) == col(r.department),
        col(b.target) == target)
    if target == "resolution":
        kept = kept.where(col(b.cycle) == col(r.cycle))
    else:  # a first response is due once per stay at a desk, whatever the reopens
        kept = kept.where(col(b.cycle) >= col(r.stay_cycle))
    breached = kept.exists()
    clause = and_(due >= start, due < end, ~withdrawn, ~breached)
    if target == "resolution":  # paused: waiting on the requester, or a proposal waits
        clause = and_(clause, col(r.state) != "waiting", col(r.paused_at).is_(None))
    return clause


def _kept(start: datetime, end: datetime) -> Any:
    """Per desk, target and outcome (met in time or not), the kept targets whose deadline is
    in [start, end): whatever the request did since (moved to another desk, reopened,
    waiting on the requester), its desk met or missed that one."""
    b = Breach
    return (select(col(b.department), col(b.target), col(b.met), func.count())
            .where(col(b.due_at) >= start, col(b.due_at) < end)
            .group_by(col(b.department), col(b.target), col(b.met)))


def _met(target: str) -> Any:
    due, at = _target_columns(target)
    return and_(at.is_not(None), at <= due)


def targets(session: Session, start: datetime, end: datetime) -> list[Target]:
    """Every target that fell due in [start, end), met or missed (see _fell_due)."""
    out: list[Target] = []
    for target in ("first", "resolution"):
        stmt = select(col(Request.department), case((_met(target), 1), else_=0)).where(
            _fell_due(target, start, end))
        out += [Target(d, target, bool(met)) for d, met in _rows(session, stmt)]
    for d, target, met, n in _rows(session, _kept(start, end)):
        out += [Target(d, target, bool(met))] * int(n)
    return out


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
            col(Request.category),
        )
        .join(Request, col(Request.id) == col(Rating.request_id))
        .where(col(Rating.created_at) >= start, col(Rating.created_at) < end)
    )
    return [Rated(*row) for row in _rows(session, stmt)]


def pair_counts(session: Session, start: datetime, end: datetime
                ) -> list[tuple[str | None, str, int, int, int]]:
    """Per (requesting, serving) department: requests received in [start, end), and the
    ratings given in it with their stars summed. Rows (requesting, serving, requests, ratings,
    stars); requesting None is someone outside every department."""
    r = Request
    received = (
        select(col(r.requester_department), col(r.department), func.count())
        .where(col(r.created_at) >= start, col(r.created_at) < end)
        .group_by(col(r.requester_department), col(r.department))
    )
    rated = (
        select(col(r.requester_department), col(r.department), func.count(),
               func.sum(col(Rating.stars)))
        .select_from(Rating)
        .join(r, col(r.id) == col(Rating.request_id))
        .where(col(Rating.created_at) >= start, col(Rating.created_at) < end)
        .group_by(col(r.requester_department), col(r.department))
    )
    rows = [(src, dst, int(n), 0, 0) for src, dst, n in _rows(session, received)]
    rows += [(src, dst, 0, int(n), int(total)) for src, dst, n, total in _rows(session, rated)]
    return rows


def open_counts(session: Session, at: datetime) -> dict[str, int]:
    """Requests open at moment ``at``, per department (approximated by open/close times)."""
    # Two index range scans (never closed; closed after ``at``) rather than one OR over them,
    # which the planners answer by reading the whole table.
    r = Request
    still_open = (
        select(col(r.department), func.count())
        .where(col(r.closed_at).is_(None), col(r.created_at) < at)
        .group_by(col(r.department))
    )
    counts: Counter[str] = Counter({d: int(n) for d, n in _rows(session, still_open)})
    closed_later = select(col(r.department)).where(col(r.closed_at) >= at, col(r.created_at) < at)
    counts.update(d for (d,) in _rows(session, closed_later))
    return dict(counts)


@dataclass
class Counts:
    """One department's counters for a period: what trends and scores need, no rows."""

    received: int = 0
    closed: int = 0
    first_met: int = 0
    first_total: int = 0
    resolution_met: int = 0
    resolution_total: int = 0
    stars: Counter[int] = field(default_factory=Counter)


def week_counts(session: Session, start: datetime, end: datetime) -> dict[str, Counts]:
    """Per department: requests received and closed, targets that fell due (met and in
    all) and ratings by stars in [start, end), by the rules of opened/closed/targets/rated."""
    r = Request
    counts: dict[str, Counts] = {}

    def of(department: str) -> Counts:
        return counts.setdefault(department, Counts())

    received = (
        select(col(r.department), func.count())
        .where(col(r.created_at) >= start, col(r.created_at) < end)
        .group_by(col(r.department))
    )
    for d, n in _rows(session, received):
        of(d).received = int(n)
    for target in ("first", "resolution"):
        due = (
            select(col(r.department), func.count(),
                   func.sum(case((_met(target), 1), else_=0)))
            .where(_fell_due(target, start, end))
            .group_by(col(r.department))
        )
        for d, n, met in _rows(session, due):
            if target == "first":
                of(d).first_total, of(d).first_met = int(n), int(met or 0)
            else:
                of(d).resolution_total, of(d).resolution_met = int(n), int(met or 0)
    for d, target, met, n in _rows(session, _kept(start, end)):
        met_n = int(n) if met else 0
        if target == "first":
            of(d).first_total += int(n)
            of(d).first_met += met_n
        else:
            of(d).resolution_total += int(n)
            of(d).resolution_met += met_n
    closed = (
        select(col(r.department), func.count())
        .where(
            col(r.closed_at) >= start,
            col(r.closed_at) < end,
            col(r.state) == "closed",
            col(r.resolved_at).is_not(None),
        )
        .group_by(col(r.department))
    )
    for d, n in _rows(session, closed):
        of(d).closed = int(n)
    stars = (
        select(col(Request.department), col(Rating.stars), func.count())
        .select_from(Rating)
        .join(Request, col(Request.id) == col(Rating.request_id))
        .where(col(Rating.created_at) >= start, col(Rating.created_at) < end)
        .group_by(col(Request.department), col(Rating.stars))
    )
    for d, s, n in _rows(session, stars):
        of(d).stars[int(s)] += int(n)
    return counts


def due_passed_at(request: Request, at: datetime) -> datetime | None:
    """The deadline the request was furthest past at ``at``: its first response while then
    unanswered, or its resolution while then unresolved and not waiting on the requester
    (None: neither had passed)."""
    dues = []
    first, answered = request.first_response_due, request.first_response_at
    if first is not None and first < at and (answered is None or answered >= at):
        dues.append(first)
    due, resolved = request.resolution_due, request.resolved_at
    if due is not None and due < at and (resolved is None or resolved >= at) \
            and request.state != "waiting" and request.paused_at is None:
        dues.append(due)
    return min(dues, default=None)


def overdue_at(session: Session, department: str, at: datetime, limit: int) -> list[Request]:
    """The department's requests open and past a target at moment ``at``, the furthest past
    first (see due_passed_at; judged by their times now, as open_counts is): those open or
    resolved now, and those closed since ``at``."""
    r = Request
    first = and_(col(r.first_response_due) < at,
                 or_(col(r.first_response_at).is_(None), col(r.first_response_at) >= at))
    resolution = and_(col(r.resolution_due) < at,
                      or_(col(r.resolved_at).is_(None), col(r.resolved_at) >= at),
                      col(r.state) != "waiting", col(r.paused_at).is_(None))
    earlier = and_(resolution, col(r.resolution_due) < col(r.first_response_due))
    worst = case((first, case((earlier, col(r.resolution_due)), else_=col(r.first_response_due))),
                 else_=col(r.resolution_due))
    mine = (col(r.department) == department, col(r.created_at) < at, or_(first, resolution))
    not_closed = (col(r.state).in_((*OPEN_STATES, "resolved")), col(r.closed_at).is_(None))
    found: dict[int | None, Request] = {}
    for where in (not_closed, (col(r.closed_at) >= at,)):
        stmt = select(r).where(*mine, *where).order_by(worst, col(r.id)).limit(limit)
        found.update((row.id, row) for row in session.scalars(stmt))
    ranked = sorted(found.values(), key=lambda row: (due_passed_at(row, at) or at, row.id or 0))
    return ranked[:limit]


def suggestions(session: Session, start: datetime, end: datetime) -> list[Suggestion]:
    """Suggestions received in [start, end)."""
    stmt = (
        select(Suggestion)
        .where(col(Suggestion.created_at) >= start, col(Suggestion.created_at) < end)
        .order_by(col(Suggestion.id))
    )
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class AmountSum:
    """The amounts of one service's requests opened in a period, per field and currency."""

    department: str
    category: str
    key: str
    currency: str
    total: Decimal
    requests: int


UNCLAIMED_STATES = ("cancelled", "rejected")  # withdrawn or refused: no money asked for


def amount_sums(session: Session, start: datetime, end: datetime) -> list[AmountSum]:
    """Per (department, service, amount field, currency): the sum of the values of the
    requests opened in [start, end), not cancelled or rejected, and how many they are."""
    r, f = Request, RequestField
    stmt = (select(col(r.department), col(r.category), col(f.key), col(f.currency),
                   func.sum(f.number), func.count(func.distinct(f.request_id)))
            .join(f, col(f.request_id) == col(r.id))
            .where(col(r.created_at) >= start, col(r.created_at) < end,
                   col(r.state).not_in(UNCLAIMED_STATES), col(f.type) == "amount",
                   col(f.number).is_not(None))
            .group_by(col(r.department), col(r.category), col(f.key), col(f.currency))
            .order_by(col(r.department), col(r.category), col(f.key), col(f.currency)))
    cent = Decimal("0.01")  # SQLite sums a NUMERIC column as a float: back to cents
    return [AmountSum(dep, cat, key, currency or "", Decimal(str(total or 0)).quantize(cent),
                      int(n))
            for dep, cat, key, currency, total, n in _rows(session, stmt)]
