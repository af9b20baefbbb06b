"""The ratings given in a period, each for the desk that owned the request then."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlmodel import Session, col

from storage.digest_history import HistoryStep, all_rows, chunks, department_at, history
from storage.models import Event, Rating, Request


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
    typed: bool = False  # ``comment`` is the text as typed, its tags not yet taken out


def _stars_and_text(note: str | None) -> tuple[int, str] | None:
    """``"4★ slow #timely"`` → (4, "slow #timely"); None for a note that is not a rating's."""
    head, _, rest = (note or "").partition(" ")
    stars = head[:-1] if head.endswith("★") else ""
    return (int(stars), rest.strip()) if stars.isdigit() else None


def rated(session: Session, start: datetime, end: datetime) -> list[Rated]:
    """The ratings first given in [start, end), one per request (a rating after a reopen and
    a new resolution in the same period supersedes), with the stars it was left at (a change
    within the window replaces them, up to the period's end) and the desk that owned the
    request then. Read from the history, so a new rating after a reopen never takes an
    earlier week's away; the latest one comes from its rating row (its tags kept after
    retention blanked the words)."""
    r, g = Request, Rating
    given = (select(col(r.department), col(r.requester_department), col(r.ref),
                    col(g.stars), col(g.tags), col(g.comment), col(g.created_at),
                    col(r.category))
             .join(r, col(r.id) == col(g.request_id))
             .where(*_as_given(start, end)))
    out = [Rated(dep, src, ref, stars, list(tags or []), comment, at, cat)
           for dep, src, ref, stars, tags, comment, at, cat in all_rows(session, given)]
    return out + _rated_from_history(session, start, end, _rated_ids(session, start, end))


def _as_given(start: datetime, end: datetime) -> tuple[Any, ...]:
    """Ratings given in [start, end) whose row says it all: a request never reopened nor
    transferred (one resolution, one desk), its rating not changed after the period."""
    r, g = Request, Rating
    return (col(g.created_at) >= start, col(g.created_at) < end, col(g.updated_at) < end,
            col(r.cycle) == 0)


def _rated_ids(session: Session, start: datetime, end: datetime) -> set[int]:
    """The requests whose ratings of [start, end) are read from the history: reopened or
    transferred (their row may hold a later rating than the one given then), or changed
    after the period."""
    r, e, g = Request, Event, Rating
    rows = (select(col(g.request_id)).join(r, col(r.id) == col(g.request_id))
            .where(col(g.created_at) >= start, col(g.created_at) < end,
                   or_(col(g.updated_at) >= end, col(r.cycle) > 0)))
    events = (select(col(e.request_id)).join(r, col(r.id) == col(e.request_id))
              .where(col(e.kind) == "rated", col(e.at) >= start, col(e.at) < end,
                     col(r.cycle) > 0).distinct())
    given = {rid for (rid,) in all_rows(session, rows)}
    return given | {rid for (rid,) in all_rows(session, events)}


def rated_counts(session: Session, start: datetime, end: datetime) -> dict[str, Counter[int]]:
    """Per desk then, the ratings of [start, end) by stars, as ``rated`` finds them."""
    r, g = Request, Rating
    stmt = (select(col(r.department), col(g.stars), func.count())
            .join(r, col(r.id) == col(g.request_id)).where(*_as_given(start, end))
            .group_by(col(r.department), col(g.stars)))
    out: dict[str, Counter[int]] = defaultdict(Counter)
    for d, stars, n in all_rows(session, stmt):
        out[d][int(stars)] += int(n)
    for given in _rated_from_history(session, start, end, _rated_ids(session, start, end)):
        out[given.department][given.stars] += 1
    return out


def _rated_from_history(session: Session, start: datetime, end: datetime, ids: set[int]
                        ) -> list[Rated]:
    """``rated`` for the requests ``ids``, from their history."""
    if not ids:
        return []
    r = Request
    out = []
    info: dict[int, list[Any]] = {}
    rows: dict[int, Rating] = {}
    for part in chunks(ids):
        info.update((rid, rest) for rid, *rest in all_rows(session, select(
            col(r.id), col(r.department), col(r.requester_department), col(r.ref),
            col(r.category)).where(col(r.id).in_(part))))
        rows.update((row.request_id, row) for row in session.scalars(
            select(Rating).where(col(Rating.request_id).in_(part))))
    steps_of = history(session, ids, ("rated", "resolved", "transferred"))
    for rid in sorted(ids):
        department, requester, ref, category = info[rid]
        steps, row = steps_of.get(rid, []), rows.get(rid)
        if row is not None and not any(step.kind == "rated" for step in steps):
            if start <= row.created_at < end:  # written before the history kept ratings
                out.append(Rated(department, requester, ref, row.stars, list(row.tags or []),
                                 row.comment, row.created_at, category))
            continue
        cycles: list[list[HistoryStep]] = [[]]
        for step in steps:
            if step.kind == "resolved" and cycles[-1]:
                cycles.append([])  # a new resolution: a new rating
            elif step.kind == "rated":
                cycles[-1].append(step)
        cycles = [c for c in cycles if c]
        in_period = [i for i, c in enumerate(cycles) if start <= c[0].at < end]
        for i in in_period[-1:]:  # per request, the rating in force at the period's end
            cycle = [step for step in cycles[i] if step.at < end]  # a later change: not yet
            first, last = cycle[0], cycle[-1]
            owner = department_at(steps, department, first.at)
            if i == len(cycles) - 1 and last is cycles[i][-1] and row is not None:
                out.append(Rated(owner, requester, ref, row.stars, list(row.tags or []),
                                 row.comment, first.at, category))
                continue
            parsed = _stars_and_text(last.note)
            if parsed is not None:
                out.append(Rated(owner, requester, ref, parsed[0], [], parsed[1] or None,
                                 first.at, category, typed=True))
    return out
