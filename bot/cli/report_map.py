"""The report's internal service map: requesting × serving department for a period, as its
end saw it (a later transfer leaves a finished period as it was), and confidential requests
counted without their requesting department (a report travels by email)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from handlers import confidential
from handlers.desk import Desk
from storage.digest_history import CHUNK, HistoryStep, all_rows, history
from storage.digest_ratings import rated
from storage.models import Event, Request

OTHER = "other"  # the requesting "department" of people outside every department
CONFIDENTIAL = "confidential"  # the requesting side of a confidential request: never shown

Pair = tuple[str, str]


@dataclass(frozen=True)
class ServiceMap:
    """Requests opened, and the average rating given, per (requesting, serving) department."""

    keys: list[str]
    counts: list[list[int]]
    ratings: list[list[float | None]]
    rated: list[list[int]]

    def pairs(self) -> list[tuple[str, str, int, float | None, int]]:
        """Non-empty cells as (requesting, serving, requests, rating, ratings), busiest first."""
        n = range(len(self.keys))
        cells = [(self.keys[i], self.keys[j], self.counts[i][j], self.ratings[i][j],
                  self.rated[i][j]) for i in n for j in n if self.counts[i][j] or self.rated[i][j]]
        return sorted(cells, key=lambda c: -c[2])


@dataclass(frozen=True)
class _Current:
    """A request as it stands now: where a walk back through its transfers starts."""

    requester: str | None
    department: str
    category: str


def _transfer_step(note: str | None) -> tuple[str, str | None] | None:
    """(desk left, service left or None) of a transfer's note ``old->new [left->to]``."""
    route, space, services = (note or "").partition(" ")
    old, sep, _new = route.partition("->")
    left, sep2, _to = services.partition("->")
    return (old, left if space and sep2 else None) if sep else None


def _served(desk: Desk, now: _Current, steps: list[HistoryStep], until: datetime,
           inclusive: bool) -> tuple[str, bool]:
    """The desk serving the request at ``until`` (just before it unless ``inclusive``), and
    whether its service then was confidential. A transfer noted before notes named services
    leaves the service unknown: a confidential request moves only to a confidential service,
    so the current one stands in."""
    for step in steps:
        if step.kind == "transferred" and (step.at > until or
                                           (step.at == until and not inclusive)):
            found = _transfer_step(step.note)
            if found is not None:
                old, left = found
                secret = (confidential.is_confidential(desk, old, left) if left is not None
                          else confidential.is_confidential(desk, now.department, now.category))
                return old, secret
    return now.department, confidential.is_confidential(desk, now.department, now.category)


def _transfers(session: Session, ids: Iterable[int]) -> dict[int, list[HistoryStep]]:
    """The transfers of each request in ``ids``, oldest first."""
    return history(session, list(ids), ("transferred",))


def _opened(session: Session, desk: Desk, start: datetime, end: datetime) -> Counter[Pair]:
    """Each request opened in [start, end), once, for the desk serving it at ``end``: counted
    as they stand now, then those transferred since moved back to where they were."""
    r, e = Request, Event
    opened = (col(r.created_at) >= start, col(r.created_at) < end)
    out: Counter[Pair] = Counter()
    now = select(col(r.requester_department), col(r.department), col(r.category), func.count()
                 ).where(*opened).group_by(col(r.requester_department), col(r.department),
                                           col(r.category))
    for src, dst, category, n in all_rows(session, now):
        out[_pair(desk, _Current(src, dst, category), [], end)] += int(n)
    moved = all_rows(session, select(col(r.id), col(r.requester_department), col(r.department),
                                     col(r.category)).join(e, col(e.request_id) == col(r.id))
                     .where(*opened, col(e.kind) == "transferred", col(e.at) >= end).distinct())
    steps = _transfers(session, {rid for rid, *_ in moved})
    for rid, src, dst, category in moved:
        current = _Current(src, dst, category)
        out[_pair(desk, current, [], end)] -= 1
        out[_pair(desk, current, steps.get(rid, []), end)] += 1
    return out


def _pair(desk: Desk, now: _Current, steps: list[HistoryStep], end: datetime) -> Pair:
    """(requesting, serving) of a request opened before ``end``, as ``end`` saw it."""
    dep, secret = _served(desk, now, steps, end, False)
    return CONFIDENTIAL if secret else now.requester or OTHER, dep


def _ratings(session: Session, desk: Desk, start: datetime, end: datetime
             ) -> Iterable[tuple[Pair, int]]:
    """Each rating given in [start, end), for the desk that owned the request then."""
    given = rated(session, start, end)
    refs = sorted({g.ref for g in given})
    now: dict[str, tuple[int, _Current]] = {}
    for i in range(0, len(refs), CHUNK):
        stmt = select(col(Request.id), col(Request.ref), col(Request.requester_department),
                      col(Request.department), col(Request.category)
                      ).where(col(Request.ref).in_(refs[i:i + CHUNK]))
        now.update((ref, (rid, _Current(src, dep, cat)))
                   for rid, ref, src, dep, cat in all_rows(session, stmt))
    steps = _transfers(session, {rid for rid, _ in now.values()})
    for g in given:
        rid, current = now[g.ref]
        _dep, secret = _served(desk, current, steps.get(rid, []), g.at, True)
        yield (CONFIDENTIAL if secret else g.requester_department or OTHER, g.department), g.stars


def service_map(session: Session, desk: Desk, start: datetime, end: datetime) -> ServiceMap:
    """The map for [start, end): catalog departments first, then removed ones, outsiders and
    confidential requests last."""
    counts = +_opened(session, desk, start, end)  # no empty cells
    rated_: Counter[Pair] = Counter()
    stars: Counter[Pair] = Counter()
    for pair, given in _ratings(session, desk, start, end):
        rated_[pair] += 1
        stars[pair] += given
    seen = {k for pair in [*counts, *rated_] for k in pair}
    catalog = [d.key for d in desk.catalog.departments]
    tail = [k for k in (OTHER, CONFIDENTIAL) if k in seen]
    keys = ([k for k in catalog if k in seen] + sorted(seen - set(catalog) - set(tail)) + tail)
    grid = [[(a, b) for b in keys] for a in keys]
    return ServiceMap(keys=keys, counts=[[counts[c] for c in row] for row in grid],
                      ratings=[[stars[c] / rated_[c] if rated_[c] else None for c in row]
                               for row in grid],
                      rated=[[rated_[c] for c in row] for row in grid])
