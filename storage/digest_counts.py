"""Per-desk counters counted by the database: a period's (trends, scores), and the
requests open at a moment."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, or_, select
from sqlmodel import Session, col

from storage.digest_flow import transferred
from storage.digest_history import (
    CLOSED_KINDS,
    OPEN_ENDS,
    all_rows,
    department_at,
    history,
    open_then,
)
from storage.digest_ratings import rated_counts
from storage.digest_targets import fell_due, is_met, kept_counts
from storage.models import Event, Request


def open_counts(session: Session, at: datetime) -> dict[str, int]:
    """Requests open at moment ``at``, per department (by open/close times; a request closed
    then and reopened since was not open then)."""
    # Two index range scans (never closed; closed after ``at``) rather than one OR over them,
    # which the planners answer by reading the whole table.
    r = Request
    still_open = (
        select(col(r.department), func.count())
        .where(col(r.closed_at).is_(None), col(r.created_at) < at)
        .group_by(col(r.department))
    )
    counts: Counter[str] = Counter({d: int(n) for d, n in all_rows(session, still_open)})
    closed_later = select(col(r.department)).where(col(r.closed_at) >= at, col(r.created_at) < at)
    counts.update(d for (d,) in all_rows(session, closed_later))
    counts.update(_changed_since(session, at))
    return {d: n for d, n in counts.items() if n > 0}


def _changed_since(session: Session, at: datetime) -> Counter[str]:
    """Per desk, what the history changes in the counts above (by times and desks now) of
    the requests reopened or transferred since moment ``at``: one fewer at the desk now, one
    more at the desk it was at then when it was open then (not closed, to be reopened)."""
    r, e = Request, Event
    stmt = (select(col(e.request_id), col(r.department)).join(r, col(r.id) == col(e.request_id))
            .where(col(e.kind).in_(("reopened", "transferred")), col(e.at) >= at,
                   col(r.created_at) < at,
                   or_(col(r.closed_at).is_(None), col(r.closed_at) >= at)).distinct())
    now = dict(all_rows(session, stmt))
    out: Counter[str] = Counter()
    steps_of = history(session, now, (*OPEN_ENDS, "transferred"))
    for rid, department in now.items():
        steps = steps_of.get(rid, [])
        out[department] -= 1
        if open_then(steps, at):
            out[department_at(steps, department, at)] += 1
    return out


@dataclass
class Counts:
    """One department's counters for a period: what trends and scores need, no rows.
    ``received`` counts the requests opened at the desk; ``moved_in`` those transferred to
    it (received too, not by the company a second time)."""

    received: int = 0
    closed: int = 0
    first_met: int = 0
    first_total: int = 0
    resolution_met: int = 0
    resolution_total: int = 0
    stars: Counter[int] = field(default_factory=Counter)
    moved_in: int = 0
    moved_out: int = 0


def week_counts(session: Session, start: datetime, end: datetime) -> dict[str, Counts]:
    """Per department: requests received and closed, targets that fell due (met and in
    all) and ratings by stars in [start, end), by the rules of opened/closed/targets/rated."""
    r = Request
    counts: dict[str, Counts] = {}

    def of(department: str) -> Counts:
        return counts.setdefault(department, Counts())

    received = (
        select(col(r.origin_department), func.count())
        .where(col(r.created_at) >= start, col(r.created_at) < end)
        .group_by(col(r.origin_department))
    )
    for d, n in all_rows(session, received):
        of(d).received = int(n)
    for moved in transferred(session, start, end):
        of(moved.department).moved_in += 1
        of(moved.moved_from or "").moved_out += 1
    for target in ("first", "resolution"):
        due = (
            select(col(r.department), func.count(),
                   func.sum(case((is_met(target), 1), else_=0)))
            .where(fell_due(target, start, end))
            .group_by(col(r.department))
        )
        for d, n, met in all_rows(session, due):
            if target == "first":
                of(d).first_total, of(d).first_met = int(n), int(met or 0)
            else:
                of(d).resolution_total, of(d).resolution_met = int(n), int(met or 0)
    for d, target, met, n in all_rows(session, kept_counts(start, end)):
        met_n = int(n) if met else 0
        if target == "first":
            of(d).first_total += int(n)
            of(d).first_met += met_n
        else:
            of(d).resolution_total += int(n)
            of(d).resolution_met += met_n
    for d, n in closed_requests(session, start, end).items():
        of(d).closed = n
    for d, stars in rated_counts(session, start, end).items():
        of(d).stars = stars
    return counts


def closed_requests(session: Session, start: datetime, end: datetime,
                    kinds: tuple[str, ...] = CLOSED_KINDS) -> dict[str, int]:
    """Per desk then, how many requests were closed in [start, end) (once each, however
    often they were closed in it): confirmed, confirmed by themselves, or closed for no answer
    (auto-closed: a close the desk got no rating for); with ``kinds`` ("cancelled"), the
    requests ended so. Counted by the database for the requests never reopened nor
    transferred (their desk now is the one they closed at), the others from their history."""
    r, e = Request, Event
    closes = (select(col(r.department), func.count(func.distinct(col(e.request_id))))
              .join(r, col(r.id) == col(e.request_id))
              .where(col(e.kind).in_(kinds), col(e.at) >= start, col(e.at) < end,
                     col(r.cycle) == 0)
              .group_by(col(r.department)))
    out: Counter[str] = Counter({d: int(n) for d, n in all_rows(session, closes)})
    moved = (select(col(e.request_id), col(e.at), col(r.department))
             .join(r, col(r.id) == col(e.request_id))
             .where(col(e.kind).in_(kinds), col(e.at) >= start, col(e.at) < end,
                    col(r.cycle) > 0))
    rows = all_rows(session, moved)
    steps = history(session, {rid for rid, _, _ in rows}, ("transferred",))
    seen: set[tuple[str, int]] = set()
    for rid, at, department in rows:
        seen.add((department_at(steps.get(rid, []), department, at), rid))
    out.update(department for department, _ in seen)
    return dict(out)
