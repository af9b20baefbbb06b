"""Weekly figures per department: volume, speed, SLA attainment, satisfaction, customers."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from handlers import (
    approval_digest,
    confidential,
    digest_services,
    feedback,
    negotiation_digest,
)
from handlers.desk import Desk
from handlers.digest_clock import clock, round_the_clock
from handlers.digest_overdue import Overdue, overdue_at
from handlers.negotiation_digest import Negotiated
from storage import deflections, digest_counts, digest_flow, digest_ratings, digest_targets
from storage.digest_amounts import AmountSum, amount_sums
from storage.models import Suggestion

WEEK = timedelta(days=7)
TREND_WEEKS = 4


@dataclass
class Figures:
    """One department's (or the company's) week."""

    received: int = 0  # opened at the desk, or transferred to it (the company: opened)
    closed: int = 0  # requests closed (once each): confirmed, by themselves, or unanswered
    cancelled: int = 0  # requests the requester withdrew: no close of the desk's
    open_at_end: int = 0
    transferred_out: int = 0  # of those it had, passed on to another desk in the period
    first_times: list[timedelta] = field(default_factory=list)
    resolution_times: list[timedelta] = field(default_factory=list)
    first_met: int = 0
    first_total: int = 0
    resolution_met: int = 0
    resolution_total: int = 0
    stars: list[int] = field(default_factory=list)
    tags: Counter[str] = field(default_factory=Counter)
    comments: list[tuple[int, str, str]] = field(default_factory=list)
    categories: Counter[str] = field(default_factory=Counter)
    customers: Counter[str] = field(default_factory=Counter)
    wall_timed: bool = False  # some times ran round the clock (an after-hours P1's)

    @property
    def first_attainment(self) -> float | None:
        """Share of first-response targets due this week that were met (None: none due)."""
        return self.first_met / self.first_total if self.first_total else None

    @property
    def resolution_attainment(self) -> float | None:
        """Share of resolution targets due this week that were met (None: none due)."""
        return self.resolution_met / self.resolution_total if self.resolution_total else None

    @property
    def rating_avg(self) -> float | None:
        """Average stars given this week."""
        return sum(self.stars) / len(self.stars) if self.stars else None

    @property
    def response_rate(self) -> float | None:
        """Ratings per request closed."""
        return min(1.0, len(self.stars) / self.closed) if self.closed else None

    def add_counts(self, other: Figures) -> None:
        """Add ``other``'s counts and stars (not its lists of times, tags or comments, nor
        open_at_end, a count at a moment)."""
        self.received += other.received
        self.closed += other.closed
        self.cancelled += other.cancelled
        self.transferred_out += other.transferred_out
        self.first_met += other.first_met
        self.first_total += other.first_total
        self.resolution_met += other.resolution_met
        self.resolution_total += other.resolution_total
        self.stars.extend(other.stars)

    def distribution(self) -> dict[int, int]:
        """How many ratings of each star count, 5 to 1."""
        counts = Counter(self.stars)
        return {s: counts.get(s, 0) for s in (5, 4, 3, 2, 1)}


def median(values: list[timedelta]) -> timedelta | None:
    """The usual median: the middle value, or the mean of the two middle ones."""
    if not values:
        return None
    return timedelta(seconds=statistics.median(v.total_seconds() for v in values))


def percentile(values: list[timedelta], share: float) -> timedelta | None:
    """Nearest-rank percentile (p90: the time 90% of the values are within, one of them)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def parse_week(text: str) -> date:
    """'2026-W47' → the Monday of that ISO week (ValueError if malformed)."""
    year, _, week = text.upper().partition("-W")
    return date.fromisocalendar(int(year), int(week), 1)


def week_label(monday: date) -> str:
    """The ISO label of a week, e.g. 2026-W47."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def bounds(desk: Desk, monday: date) -> tuple[datetime, datetime]:
    """A local calendar week as a UTC [start, end) pair."""
    tz = desk.policy.tz
    start = datetime.combine(monday, time(0), tz)
    end = datetime.combine(monday + WEEK, time(0), tz)
    return start, end


def _blank(desk: Desk) -> dict[str, Figures]:
    """Empty figures for every department and for the company ('*')."""
    figures = {d.key: Figures() for d in desk.catalog.departments}
    figures["*"] = Figures()
    return figures


def _both(figures: dict[str, Figures], department: str) -> tuple[Figures, ...]:
    """Where a department's numbers go: its own figures (when in the catalog) and the company's."""
    own, company = figures.get(department), figures["*"]
    return (own, company) if own is not None else (company,)


def compute(session: Session, desk: Desk, start: datetime, end: datetime) -> dict[str, Figures]:
    """Every department's figures for [start, end), in business time; key '*' is the company.
    What happened in the period, as the history has it: a later reopen, rating, transfer or
    change of service leaves a finished period's figures as they were."""
    figures = _blank(desk)
    opened = digest_flow.opened(session, start, end)
    moved = digest_flow.transferred(session, start, end)
    for row in opened:
        for f in _both(figures, row.department):
            _received(desk, f, row)
    for row in moved:
        own, left = figures.get(row.department), figures.get(row.moved_from or "")
        if own is not None:  # the desk received it; the company had it already
            _received(desk, own, row)
        if left is not None:
            left.transferred_out += 1
    for ans in digest_flow.answered(session, start, end):
        took = clock(desk, ans.department, ans.priority).business_time_between(
            ans.started, ans.at)
        wall = round_the_clock(desk, ans.department, ans.priority)
        for f in _both(figures, ans.department):
            f.first_times.append(took)
            f.wall_timed |= wall
    for done in digest_flow.closed(session, start, end):
        took = resolution_time(desk, done)
        wall = round_the_clock(desk, done.department, done.priority)
        for f in _both(figures, done.department):
            f.resolution_times.append(took)
            f.wall_timed |= wall
    for department, n in digest_counts.closed_requests(session, start, end).items():
        for f in _both(figures, department):
            f.closed += n
    for department, n in digest_counts.closed_requests(
            session, start, end, ("cancelled",)).items():
        for f in _both(figures, department):
            f.cancelled += n
    for target in digest_targets.targets(session, start, end):
        for f in _both(figures, target.department):
            if target.target == "first":
                f.first_total += 1
                f.first_met += int(target.met)
            else:
                f.resolution_total += 1
                f.resolution_met += int(target.met)
    for rating in digest_ratings.rated(session, start, end):
        tags, comment = list(rating.tags), rating.comment
        if rating.typed:
            tags, comment = feedback.tags_in(desk, comment or "")
        for f in _both(figures, rating.department):
            f.stars.append(rating.stars)
            f.tags.update(tags)
            if comment and not confidential.is_confidential(
                    desk, rating.department, rating.category):  # counts only, no words
                f.comments.append((rating.stars, comment, rating.ref))
    for key, services in digest_services.top_services(session, desk, opened + moved,
                                                      end).items():
        if key in figures:
            figures[key].categories.update(services)
    add_open(session, end, figures)
    return figures


CONFIDENTIAL = "~"  # the customers' key of a confidential request: no department shown


def _received(desk: Desk, f: Figures, row: digest_flow.Opened) -> None:
    """Count a request received; its requester's department among the customers, or
    CONFIDENTIAL for a confidential one (the id and counts only)."""
    f.received += 1
    secret = any(category and confidential.is_confidential(desk, department, category)
                 for department, category in ((row.department, row.category), row.now))
    f.customers[CONFIDENTIAL if secret else row.requester_department or "-"] += 1


def resolution_time(desk: Desk, done: digest_flow.Closed) -> timedelta:
    """One cycle's time to resolution in the clock its targets used (the desk's business
    time, or round the clock for an after-hours P1): from the cycle's start (the clock's
    start at the desk, or the reopen) to its resolution, less its waits on the requester;
    never the days it sat closed before a reopen."""
    calendar = clock(desk, done.department, done.priority)
    took = calendar.business_time_between(done.started, done.resolved_at)
    current = done.paused_wall_seconds if round_the_clock(desk, done.department, done.priority) \
        else done.paused_seconds
    paused = timedelta(seconds=current) + sum(
        (calendar.business_time_between(a, b) for a, b in done.pauses), timedelta(0))
    return max(timedelta(0), took - paused)


def tally(session: Session, desk: Desk, start: datetime, end: datetime) -> dict[str, Figures]:
    """compute()'s counts of what happened in [start, end) (received, closed, attainment,
    stars), counted by the database: enough for trends, averages and scores. The per-request
    lists (times, tags, comments, categories, customers) stay empty, and so does open_at_end,
    a count at a moment rather than over the period (see add_open)."""
    figures = _blank(desk)
    for department, c in digest_counts.week_counts(session, start, end).items():
        counted = Figures(received=c.received, closed=c.closed,
                          first_met=c.first_met, first_total=c.first_total,
                          resolution_met=c.resolution_met, resolution_total=c.resolution_total,
                          stars=sorted(c.stars.elements()))
        for f in _both(figures, department):
            f.add_counts(counted)
        own = figures.get(department)
        if own is not None:  # received by the desk, not by the company again
            own.received += c.moved_in
            own.transferred_out += c.moved_out
    return figures


def add_open(session: Session, at: datetime, figures: dict[str, Figures]) -> None:
    """Add the requests open at moment ``at`` to ``figures``' open_at_end, per department."""
    for department, count in digest_counts.open_counts(session, at).items():
        for f in _both(figures, department):
            f.open_at_end += count


@dataclass
class Digest:
    """Everything one department's weekly digest says."""

    department: str
    monday: date
    week: Figures
    previous: Figures  # counts only (see tally)
    average: Figures  # counts per week over the TREND_WEEKS weeks before
    overdue: list[Overdue]  # overdue at ``as_of`` as they stood then, worst first
    suggestions: list[Suggestion]
    now: datetime
    as_of: datetime  # the week's end, or now for a week not over yet: what figures count to
    over: bool  # the week has ended (as_of is its end)
    amounts: list[AmountSum] = field(default_factory=list)  # this desk's services' sums
    deflections: dict[str, int] = field(default_factory=dict)  # service → questions answered
    negotiated: Negotiated | None = None  # renegotiated, agreed dates met, both attainments
    approvals: dict[str, timedelta] = field(default_factory=dict)  # service → median approval

    def is_quiet(self) -> bool:
        """Nothing happened and nothing is pending: no digest worth posting. A request
        received, transferred away, cancelled, closed, resolved (open at the end) or rated, a
        target that fell due (even of a request gone to another desk), a request still open
        or overdue, a suggestion, an approval or a renegotiation is something."""
        f = self.week
        return not (f.received or f.closed or f.cancelled or f.transferred_out
                    or f.open_at_end or f.stars or self.overdue or self.suggestions
                    or self.deflections or f.first_total or f.resolution_total
                    or self.approvals or (self.negotiated is not None and self.negotiated.shown))


def average(weeks: list[Figures]) -> Figures:
    """Figures summed over several weeks (rates then average naturally)."""
    total = Figures()
    for f in weeks:
        total.add_counts(f)
    n = max(1, len(weeks))
    total.received = round(total.received / n)
    total.closed = round(total.closed / n)
    return total


def build_all(session: Session, desk: Desk, monday: date, now: datetime,
              overdue_limit: int = 10) -> dict[str, Digest]:
    """Digests for every department for the week starting ``monday``."""
    start, end = bounds(desk, monday)
    as_of = min(end, now)
    week = compute(session, desk, start, end)
    before = [tally(session, desk, *bounds(desk, monday - WEEK * k))
              for k in range(1, TREND_WEEKS + 1)]
    ideas = digest_flow.suggestions(session, start, end)
    sums = amount_sums(session, start, end)
    keys = [d.key for d in desk.catalog.departments]
    answered = deflections.counts(session, keys, start, end)
    agreed = negotiation_digest.figures(session, desk, start, end)
    approved = approval_digest.figures(session, desk, start, end)
    out: dict[str, Digest] = {}
    for dep in desk.catalog.departments:
        out[dep.key] = Digest(
            department=dep.key, monday=monday, week=week[dep.key],
            previous=before[0][dep.key],
            average=average([w[dep.key] for w in before]),
            overdue=overdue_at(session, desk, dep.key, as_of, overdue_limit),
            suggestions=[s for s in ideas if s.department == dep.key],
            now=now,
            as_of=as_of,
            over=as_of == end,
            amounts=[a for a in sums if a.department == dep.key],
            deflections={cat: n for (key, cat), n in answered.items() if key == dep.key},
            negotiated=agreed.get(dep.key),
            approvals=approved.get(dep.key, {}),
        )
    return out


def company(session: Session, desk: Desk, monday: date) -> tuple[dict[str, Figures],
                                                                 dict[str, Figures]]:
    """This week's counts (see tally) with the requests open at its end, and last week's
    counts, per department: what the scorecard shows and what its post checks."""
    start, end = bounds(desk, monday)
    week = tally(session, desk, start, end)
    add_open(session, end, week)
    return week, tally(session, desk, *bounds(desk, monday - WEEK))
