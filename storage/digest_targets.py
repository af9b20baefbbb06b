"""First-response and resolution targets: those that fell due in a period, met or missed,
and the requests past one at a moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlmodel import Session, col

from storage.digest_history import all_rows, chunks
from storage.models import Breach, Event, Request
from storage.request_store import OPEN_STATES


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


def fell_due(target: str, start: datetime, end: datetime) -> Any:
    """A request's current target whose deadline is in [start, end): every one counts, met
    or missed, except a request withdrawn or closed unanswered before its deadline
    (cancelled, auto-closed), a resolution paused while the desk waits on the requester,
    and one kept already (its row counts it: see ``kept_counts``)."""
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


def kept_counts(start: datetime, end: datetime) -> Any:
    """Per desk, target and outcome (met in time or not), the kept targets whose deadline is
    in [start, end): whatever the request did since (moved to another desk, reopened,
    waiting on the requester), its desk met or missed that one."""
    b = Breach
    return (select(col(b.department), col(b.target), col(b.met), func.count())
            .where(col(b.due_at) >= start, col(b.due_at) < end)
            .group_by(col(b.department), col(b.target), col(b.met)))


def is_met(target: str) -> Any:
    """The condition that the target was met by its deadline."""
    due, at = _target_columns(target)
    return and_(at.is_not(None), at <= due)


def targets(session: Session, start: datetime, end: datetime) -> list[Target]:
    """Every target that fell due in [start, end), met or missed (see fell_due)."""
    out: list[Target] = []
    for target in ("first", "resolution"):
        stmt = select(col(Request.department), case((is_met(target), 1), else_=0)).where(
            fell_due(target, start, end))
        out += [Target(d, target, bool(met)) for d, met in all_rows(session, stmt)]
    for d, target, met, n in all_rows(session, kept_counts(start, end)):
        out += [Target(d, target, bool(met))] * int(n)
    return out


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
    """The department's requests open and past a target at moment ``at`` by their times now
    (see due_passed_at), the furthest past first: those open or resolved now, and those
    closed since ``at``. A request moved to another desk since has other targets now: see
    ``moved_since``."""
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


@dataclass(frozen=True)
class Moved:
    """A request at a desk at a moment and transferred to another since: the targets that
    desk kept at the transfer (deadline, and how late they were met in its clock: None,
    unmet then) that were past due at the moment."""

    request: Request
    kept: tuple[tuple[datetime, int | None], ...]


def moved_since(session: Session, department: str, at: datetime) -> list[Moved]:
    """The requests open at ``department`` at moment ``at`` and transferred since, with its
    targets past due at ``at`` as it kept them (two queries: the transfers since ``at``,
    then those requests with their kept targets)."""
    r, e, b = Request, Event, Breach
    stmt = (select(col(e.request_id), col(e.note)).join(r, col(r.id) == col(e.request_id))
            .where(col(e.kind) == "transferred", col(e.at) >= at, col(r.created_at) < at,
                   or_(col(r.closed_at).is_(None), col(r.closed_at) >= at))
            .order_by(col(e.request_id), col(e.at), col(e.id)))
    left: dict[int, str] = {}
    for rid, note in all_rows(session, stmt):
        left.setdefault(rid, (note or "").partition("->")[0])  # the first transfer since
    ids = [rid for rid, old in left.items() if old == department]
    out = []
    for part in chunks(ids):
        rows = (select(r, col(b.due_at), col(b.late_seconds))
                .join(b, col(b.request_id) == col(r.id))
                .where(col(r.id).in_(part), col(b.department) == department,
                       col(b.due_at) < at, col(b.met).is_(False))
                .order_by(col(r.id), col(b.due_at)))
        kept: dict[int, tuple[Request, list[tuple[datetime, int | None]]]] = {}
        for request, due, late in all_rows(session, rows):
            kept.setdefault(request.id, (request, []))[1].append((due, late))
        out += [Moved(request, tuple(dues)) for request, dues in kept.values()]
    return out
