"""Read-only queries for digests and reports: rows and counts over a time range, all departments."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlmodel import Session, col

from storage.models import Breach, Event, Rating, Request, RequestField, Suggestion
from storage.request_store import OPEN_STATES


@dataclass(frozen=True)
class Opened:
    """A request as received by a desk: opened there, or transferred to it (``moved_from``:
    the desk it came from); ``category`` is its service there ('' when it has moved on)."""

    department: str
    category: str
    requester_department: str | None
    created_at: datetime
    moved_from: str | None = None


@dataclass(frozen=True)
class Answered:
    """A first response: when the clock started, when it was due, when it came."""

    department: str
    started: datetime
    due: datetime | None
    at: datetime


@dataclass(frozen=True)
class Closed:
    """One resolution cycle closed (confirmed, or confirmed by itself) in the period: the
    desk that owned it then, when the cycle began (the clock's start at that desk, or the
    reopen), its resolution, and its waits on the requester: ``paused_seconds`` in the desk's
    business time (the request's current cycle), or ``pauses`` to count (an earlier one)."""

    department: str
    started: datetime
    due: datetime | None
    resolved_at: datetime
    closed_at: datetime
    paused_seconds: int
    request_id: int = 0
    pauses: tuple[tuple[datetime, datetime], ...] = ()


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


def _rows(session: Session, stmt: Any) -> list[Any]:
    return list(session.execute(stmt).all())


def opened(session: Session, start: datetime, end: datetime) -> list[Opened]:
    """Requests opened in [start, end), each for the desk it was opened at (a later transfer
    leaves it that desk's: it received it)."""
    r = Request
    stmt = select(
        col(r.origin_department), col(r.department), col(r.category),
        col(r.requester_department), col(r.created_at)
    ).where(col(r.created_at) >= start, col(r.created_at) < end)
    return [Opened(origin, category if origin == now else "", requester, at)
            for origin, now, category, requester, at in _rows(session, stmt)]


def transferred(session: Session, start: datetime, end: datetime) -> list[Opened]:
    """Requests transferred from one desk to another in [start, end): received by the desk
    they went to (``moved_from`` the one they left), at the moment of the transfer."""
    r, e = Request, Event
    stmt = (select(col(e.note), col(e.at), col(r.department), col(r.category),
                   col(r.requester_department))
            .join(r, col(r.id) == col(e.request_id))
            .where(col(e.kind) == "transferred", col(e.at) >= start, col(e.at) < end))
    out = []
    for note, at, now, category, requester in _rows(session, stmt):
        old, sep, new = (note or "").partition("->")
        if sep and old != new:  # another service of the same desk is no transfer between desks
            out.append(Opened(new, category if new == now else "", requester, at, old))
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
    ).where(col(r.first_response_at) >= start, col(r.first_response_at) < end)
    return [
        Answered(d, _start(started, created), due, at)
        for d, started, created, due, at in _rows(session, stmt)
    ]


def _start(clock_started: datetime | None, created: datetime) -> datetime:
    """Where a request's first response is timed from: its clock's start (the opening, the
    approval, or the transfer to the current desk), which a reopen leaves as it was."""
    return clock_started or created


CLOSE_KINDS = ("confirmed", "auto_confirmed")  # closed with a resolution
PAUSE_STARTS = ("waiting", "proposed")  # a question to the requester, a desk proposal
PAUSE_ENDS = ("resumed", "agreed", "proposal_declined", "countered", "proposal_lapsed",
              "resolved", "transferred", "cancelled", "auto_closed")
HISTORY_KINDS = ("resolved", "reopened", "transferred", "rated", "auto_closed", *CLOSE_KINDS,
                 *PAUSE_STARTS, *PAUSE_ENDS)
CHUNK = 5000  # ids per IN list


@dataclass(frozen=True)
class HistoryStep:
    """One event of a request's history that the week's figures read."""

    at: datetime
    kind: str
    to_state: str | None
    note: str | None


def _chunks(ids: Collection[int]) -> Iterable[list[int]]:
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
    for part in _chunks(ids):
        stmt = (select(col(e.request_id), col(e.at), col(e.kind), col(e.to_state), col(e.note))
                .where(col(e.request_id).in_(part)).order_by(col(e.request_id), col(e.id)))
        for rid, at, kind, to_state, note in _rows(session, stmt):
            if kind in wanted:
                out[rid].append(HistoryStep(at, kind, to_state, note))
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
                   col(r.cycle_paused_seconds))
            .join(r, col(r.id) == col(e.request_id))
            .where(col(e.kind).in_(CLOSE_KINDS), col(e.at) >= start, col(e.at) < end))
    return [_Close(*row) for row in _rows(session, stmt)]


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
                              c.paused_seconds, c.request_id))
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
                          0, c.request_id, _pauses(mine, began, done)))
    return out


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
           for dep, src, ref, stars, tags, comment, at, cat in _rows(session, given)]
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
    return {rid for (rid,) in _rows(session, rows)} | {rid for (rid,) in _rows(session, events)}


def rated_counts(session: Session, start: datetime, end: datetime) -> dict[str, Counter[int]]:
    """Per desk then, the ratings of [start, end) by stars, as ``rated`` finds them."""
    r, g = Request, Rating
    stmt = (select(col(r.department), col(g.stars), func.count())
            .join(r, col(r.id) == col(g.request_id)).where(*_as_given(start, end))
            .group_by(col(r.department), col(g.stars)))
    out: dict[str, Counter[int]] = defaultdict(Counter)
    for d, stars, n in _rows(session, stmt):
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
    for part in _chunks(ids):
        info.update((rid, rest) for rid, *rest in _rows(session, select(
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
    rows = [(src, dst, int(n), 0, 0) for src, dst, n in _rows(session, received)]
    rows += [(given.requester_department, given.department, 0, 1, given.stars)
             for given in rated(session, start, end)]
    return rows


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
    counts: Counter[str] = Counter({d: int(n) for d, n in _rows(session, still_open)})
    closed_later = select(col(r.department)).where(col(r.closed_at) >= at, col(r.created_at) < at)
    counts.update(d for (d,) in _rows(session, closed_later))
    counts.subtract(_closed_then_reopened(session, at))
    return {d: n for d, n in counts.items() if n}


def _closed_then_reopened(session: Session, at: datetime) -> Counter[str]:
    """Per desk then, the requests closed at moment ``at`` and reopened since (counted open
    above by their times now)."""
    r, e = Request, Event
    stmt = (select(col(e.request_id), col(r.department)).join(r, col(r.id) == col(e.request_id))
            .where(col(e.kind) == "reopened", col(e.at) >= at, col(r.created_at) < at,
                   or_(col(r.closed_at).is_(None), col(r.closed_at) >= at)).distinct())
    now = dict(_rows(session, stmt))
    out: Counter[str] = Counter()
    ends = ("reopened", "auto_closed", "cancelled", *CLOSE_KINDS)
    for rid, steps in history(session, now, (*ends, "transferred")).items():
        before = [s for s in steps if s.at < at and s.kind in ends]
        if before and before[-1].kind != "reopened":
            out[department_at(steps, now[rid], at)] += 1
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
    for d, n in _rows(session, received):
        of(d).received = int(n)
    for moved in transferred(session, start, end):
        of(moved.department).moved_in += 1
        of(moved.moved_from or "").moved_out += 1
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
    for d, n in closed_requests(session, start, end).items():
        of(d).closed = n
    for d, stars in rated_counts(session, start, end).items():
        of(d).stars = stars
    return counts


def closed_requests(session: Session, start: datetime, end: datetime) -> dict[str, int]:
    """Per desk then, how many requests were closed with a resolution in [start, end) (once
    each, however often they were closed in it): counted by the database for the requests
    never reopened nor transferred (their desk now is the one they closed at), the others
    from their history."""
    r, e = Request, Event
    closes = (select(col(r.department), func.count(func.distinct(col(e.request_id))))
              .join(r, col(r.id) == col(e.request_id))
              .where(col(e.kind).in_(CLOSE_KINDS), col(e.at) >= start, col(e.at) < end,
                     col(r.cycle) == 0)
              .group_by(col(r.department)))
    out: Counter[str] = Counter({d: int(n) for d, n in _rows(session, closes)})
    moved = (select(col(e.request_id), col(e.at), col(r.department))
             .join(r, col(r.id) == col(e.request_id))
             .where(col(e.kind).in_(CLOSE_KINDS), col(e.at) >= start, col(e.at) < end,
                    col(r.cycle) > 0))
    rows = _rows(session, moved)
    steps = history(session, {rid for rid, _, _ in rows}, ("transferred",))
    seen: set[tuple[str, int]] = set()
    for rid, at, department in rows:
        seen.add((department_at(steps.get(rid, []), department, at), rid))
    out.update(department for department, _ in seen)
    return dict(out)


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
