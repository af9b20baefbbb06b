"""Digest benchmark: weekly digests and the company report over two years of history.

Run from the repository root::

    python bench/digest.py                      # SQLite temp file + PostgreSQL
    python bench/digest.py --sqlite-only --requests 100000
    python bench/digest.py --sqlite-file /tmp/d.db      # keep the SQLite file
    python bench/digest.py --sqlite-file /tmp/d.db --reuse --profile --explain

1. Generation. ``--requests`` requests (default 1,000,000) spread over the two years before
   ``NOW`` (Monday 2026-11-23 09:30 Asia/Shanghai, the scheduler's digest slot) for the ten
   departments of config.example.toml: more on working days (the company's CN calendar) and
   mostly in office hours, a mild growth trend, requesters from the configured people and
   3,000 employees met in chat who mostly belong to a department (so the customers and the
   service map are varied). Each request lives a plausible life judged by its department's
   business calendar: due times computed as the handlers do (priority-scaled, business time),
   a first response (about 92% on time), sometimes a wait on the requester (the pause
   extends the resolution target), a resolution (about 90% on time), then a confirmation or
   an automatic one; about 11% are cancelled and 1.5% get stuck open. The timeline is cut at
   ``NOW``, so recent requests are still open. Events are written for every step (opened,
   acknowledged, commented, waiting/resumed, resolved, confirmed/auto_confirmed, cancelled,
   rated); about 40% of closed requests are rated (stars follow timeliness, with tags and
   comments); ``--requests / 300`` suggestions. Rows are generated day by day and written
   in chunks of ``--chunk`` requests to every database at once (SQLite: executemany on the
   driver connection, timestamps in SQLAlchemy's storage format; PostgreSQL: COPY), so
   memory stays flat. PostgreSQL then gets ``VACUUM (ANALYZE)`` (the state autovacuum
   reaches); SQLite is left as the product leaves it (no ANALYZE).
2. Measurement, per database in a fresh process (so its peak RSS is the measurement's own):
   (a) the weekly digests as the scheduler builds them (``build_all`` for the week starting
   Monday 2026-11-16, then per department the names lookup and ``render`` in the channel's
   locale); (b) the company scorecard (``company`` + ``scorecard``); (c) when bot/report.py
   has ``build_report``, the report over the last four weeks. Each is timed ``--runs`` times
   (the median is judged); one more digest pass runs under tracemalloc for its peak.
   The digest figures of the measured week are checked against what the generator wrote.

Ends with a table against the targets: all 10 digests <= 2 s on PostgreSQL, <= 5 s on SQLite,
peak memory <= 300 MB (PASS / MISS). ``--profile`` adds a cProfile of one digest pass and
``--explain`` the plans (EXPLAIN ANALYZE on PostgreSQL) of every digest query of the week.
``--sqlite-file`` keeps the SQLite database (and the generator's expected figures beside it);
``--reuse`` then measures the databases an earlier run left, without generating again (e.g.
to try an index). Exit status 1 when a target is missed or the digests disagree with the
generator.

PostgreSQL (``--pg-url``, database created if missing) is used through its own schema
(``--pg-schema``, default ``digest_bench``), dropped and rebuilt on each run; the database
``test`` (the test suite's) is refused. An unreachable server is reported and skipped.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import multiprocessing
import os
import pstats
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench_pg import ensure_database, reset_schema
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from bot.runtime import app as app_mod
from bot.runtime import config as config_mod
from bot.runtime.clock import ManualClock
from handlers.catalog import Department
from handlers.digest import WEEK, Figures, bounds, build_all, company, week_label, week_start
from handlers.digest_render import render, scorecard
from handlers.i18n import normalize_locale
from handlers.sla import BusinessCalendar
from storage import digest_counts, digest_flow, digest_ratings, digest_targets, migrate, people
from storage.engine import make_engine, normalize_url
from storage.models import Breach, Event, Person, Rating, Request, Suggestion
from storage.types import UTCDateTime

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "config.example.toml"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/crossdesk_bench"
DEFAULT_PG_SCHEMA = "digest_bench"
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))  # Monday, digest slot
HISTORY_DAYS = 730
SYNTHETIC_PEOPLE = 3_000
TARGET_S = {"sqlite": 5.0, "postgresql": 2.0}
TARGET_MEMORY_MB = 300.0

# Share of requests per serving department (working days; weekends lean to the factory).
DEPARTMENT_WEIGHTS = {
    "finance": 13, "sales": 9, "marketing": 6, "production": 9, "maintenance": 9,
    "quality": 7, "logistics": 7, "hr": 8, "it": 18, "admin": 14,
}
WEEKEND_WEIGHTS = {**{k: 1 for k in DEPARTMENT_WEIGHTS}, "maintenance": 12, "production": 6,
                   "logistics": 4, "quality": 3, "it": 3}
# Home departments of the employees met in chat (None: outside every department).
HOME_WEIGHTS: dict[str | None, int] = {
    "production": 25, "sales": 15, "logistics": 10, "quality": 8, "maintenance": 7,
    "marketing": 6, "finance": 5, "hr": 4, "it": 5, "admin": 5, None: 10,
}
P_CANCELLED = 0.115
P_STUCK = 0.015
P_FIRST_MET = 0.92
P_RESOLUTION_MET = 0.90
P_PAUSE = 0.12
P_COMMENT = 0.25
P_CONFIRMED = 0.65  # by the requester; the rest auto-confirmed after 3 days
P_RATED = {"confirmed": 0.52, "auto_confirmed": 0.18}
STARS_MET = (2, 4, 9, 25, 60)  # weights of 1..5 stars when both targets were met
STARS_LATE = (10, 13, 22, 30, 25)
GOOD_COMMENTS = ("very quick, thanks", "solved on the first try", "clear explanation",
                 "感谢，处理很及时", "态度很好", "always helpful", "好评", "great support")
BAD_COMMENTS = ("took far too long", "had to ask three times", "still not fully fixed",
                "太慢了", "nobody answered for a day", "unclear what happened")
DETAILS = (
    "taxi 86 CNY", "hotel Shenzhen 2 nights 1,180 CNY", "please check the attached figures",
    "needed before Friday's meeting", "customer is waiting, urgent", "same as last month",
    "line 3 stopped twice this morning", "new colleague starts on Monday",
    "quarterly numbers for the east region", "see the e-mail from the supplier",
)
NOTES = ("done", "sent by e-mail", "fixed on site", "approved", "booked", "paid")
IDEAS = ("please add a form for this", "the canteen queue is too long at noon",
         "could reimbursements be paid weekly?", "more meeting rooms on floor 3",
         "VPN drops every afternoon", "thank you for the quick help last week",
         "training on the new ERP, please", "parking is full by 8:30")

REQUEST_COLUMNS = (
    "id", "ref", "number", "origin_department", "department", "category", "requester_id",
    "requester_department", "assignee_id", "resolver_id", "priority", "state", "title",
    "details", "resolution_note", "created_at", "updated_at", "first_response_at",
    "resolved_at", "closed_at", "first_response_due", "resolution_due", "paused_at",
    "paused_seconds", "thread_ref", "clock_started_at", "snoozed_until", "next_sweep_at",
    "swept_until", "cycle", "agreements", "cycle_started_at", "cycle_paused_seconds",
    "cycle_paused_wall_seconds", "stay_cycle",
)
EVENT_COLUMNS = ("id", "request_id", "actor_id", "at", "kind", "from_state", "to_state", "note")
RATING_COLUMNS = ("id", "request_id", "rater_id", "stars", "comment", "tags", "created_at",
                  "updated_at")
SUGGESTION_COLUMNS = ("id", "department", "author_id", "anonymous", "text", "reply",
                      "replied_by", "created_at")
PERSON_COLUMNS = ("id", "name", "locale", "slack_id", "wecom_id", "manager_id", "source",
                  "created_at")
BREACH_COLUMNS = ("id", "request_id", "department", "target", "due_at", "detected_at",
                  "late_seconds", "cycle", "met")
TABLES = {
    "request": (Request, REQUEST_COLUMNS), "event": (Event, EVENT_COLUMNS),
    "rating": (Rating, RATING_COLUMNS), "suggestion": (Suggestion, SUGGESTION_COLUMNS),
    "person": (Person, PERSON_COLUMNS), "breach": (Breach, BREACH_COLUMNS),
}
Row = tuple[Any, ...]


def mb(kib: float) -> float:
    """ru_maxrss (KiB on Linux) in MB."""
    return kib / 1024


def rss_now() -> float:
    """This process's peak RSS so far, in MB."""
    return mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def load_text() -> str:
    """Load average against the CPUs: other work on the machine skews the figures."""
    one, five, _ = os.getloadavg()
    cpus = os.cpu_count() or 1
    note = "  (busy machine: figures are pessimistic)" if one > cpus * 0.75 else ""
    return f"load average {one:.2f} / {five:.2f} (1/5 min) on {cpus} CPUs{note}"


# ---------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------


@dataclass
class Batch:
    """One chunk of rows, ready for every sink."""

    requests: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    ratings: list[Row] = field(default_factory=list)
    breaches: list[Row] = field(default_factory=list)


@dataclass
class Expected:
    """What the digest of the measured week must find for one department."""

    received: int = 0
    first_due: int = 0  # first-response targets that fell due, met or missed
    closed: int = 0
    rated: int = 0
    open_at_end: int = 0
    suggestions: int = 0


class Generator:
    """Requests with plausible lives over two years, streamed in chunks."""

    def __init__(self, settings: config_mod.Settings, n: int, seed: int) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.now = NOW.astimezone(UTC)
        self.tz = settings.policy.tz
        self.factors = settings.policy.priority_factors
        self.departments = settings.catalog.departments
        self.company_calendar = settings.calendar()
        own = settings.department_calendars()
        self.calendars: dict[str, BusinessCalendar] = {
            d.key: own.get(d.key, self.company_calendar) for d in self.departments}
        keys = [d.key for d in self.departments]
        self.weekday_pick = ([d for d in self.departments],
                             [DEPARTMENT_WEIGHTS.get(k, 5) for k in keys])
        self.weekend_pick = ([d for d in self.departments],
                             [WEEKEND_WEIGHTS.get(k, 1) for k in keys])
        self.staff = {d.key: d.staff() for d in self.departments}
        homes = list(HOME_WEIGHTS)
        rng = self.rng
        self.synthetic = [
            (f"emp{i:05d}", rng.choices(homes, weights=list(HOME_WEIGHTS.values()))[0])
            for i in range(1, SYNTHETIC_PEOPLE + 1)]
        configured = []
        for p in settings.catalog.people:
            if p.id != "root":
                deps = settings.catalog.departments_of(p.id)
                configured.append((p.id, deps[0].key if deps else None))
        self.configured = configured
        self.numbers = {k: 0 for k in keys}
        self.request_id = self.event_id = self.rating_id = self.breach_id = 0
        self.states: Counter[str] = Counter()
        self.first_met = self.first_total = self.res_met = self.res_total = 0
        self.week_start, self.week_end = (
            datetime.combine(measured_monday(), datetime.min.time(), self.tz).astimezone(UTC),
            datetime.combine(measured_monday() + WEEK, datetime.min.time(), self.tz)
            .astimezone(UTC))
        self.expected = {k: Expected() for k in keys}

    # -- people and suggestions ------------------------------------------------

    def people_rows(self) -> list[Row]:
        """The employees met in chat (configured people come from the app's directory sync)."""
        since = self.now - timedelta(days=HISTORY_DAYS + 30)
        return [(pid, f"Employee {pid[3:]}", None, None, None, None, "chat", since)
                for pid, _home in self.synthetic]

    def suggestion_rows(self, count: int) -> list[Row]:
        """Ideas and complaints over the two years, a third anonymous, half answered."""
        rng = self.rng
        deps, weights = self.weekday_pick
        first_day = self.now.astimezone(self.tz).date() - timedelta(days=HISTORY_DAYS)
        rows: list[Row] = []
        for i in range(1, count + 1):
            dep = rng.choices(deps, weights=weights)[0]
            day = first_day + timedelta(days=rng.randrange(HISTORY_DAYS))
            at = self._moment(day, rng.random())
            author, _home = self._requester()
            answered = rng.random() < 0.5 and at < self.now - timedelta(days=7)
            rows.append((i, dep.key, author, rng.random() < 0.3, rng.choice(IDEAS),
                         "thanks, we are looking into it" if answered else None,
                         dep.leads[0] if answered and dep.leads else None, at))
            if self.week_start <= at < self.week_end:
                self.expected[dep.key].suggestions += 1
        return rows

    # -- times ----------------------------------------------------------------

    def day_counts(self) -> Iterator[tuple[date, int]]:
        """(local day, requests created that day): working days, a growth trend, noise."""
        rng = self.rng
        last = self.now.astimezone(self.tz).date() - timedelta(days=1)
        days = [last - timedelta(days=k) for k in range(HISTORY_DAYS - 1, -1, -1)]
        weights = []
        for i, day in enumerate(days):
            base = 1.0 if self.company_calendar.is_workday(day) else 0.12
            weights.append(base * (0.8 + 0.4 * i / len(days)) * rng.uniform(0.85, 1.15))
        total = sum(weights)
        cumulative = 0.0
        given = 0
        for day, weight in zip(days, weights, strict=True):
            cumulative += weight
            upto = min(self.n, round(self.n * cumulative / total))
            yield day, upto - given
            given = upto

    def _moment(self, day: date, r: float) -> datetime:
        """A local instant on ``day``: mostly office hours, some shoulders, a few at night."""
        rng = self.rng
        if r < 0.85:
            minute = rng.randrange(450)
            minute += 9 * 60 if minute < 180 else 13 * 60 + 30 - 180
        elif r < 0.97:
            low, high = rng.choice(((8 * 60, 9 * 60), (12 * 60, 13 * 60 + 30),
                                    (18 * 60, 21 * 60)))
            minute = rng.randrange(low, high)
        else:
            minute = rng.randrange(24 * 60)
        local = datetime(day.year, day.month, day.day, tzinfo=self.tz) + timedelta(
            minutes=minute, seconds=rng.randrange(60), microseconds=rng.randrange(1_000_000))
        return local.astimezone(UTC)

    def _requester(self) -> tuple[str, str | None]:
        rng = self.rng
        return rng.choice(self.configured) if rng.random() < 0.15 else rng.choice(self.synthetic)

    # -- requests -------------------------------------------------------------

    def batches(self, chunk: int) -> Iterator[Batch]:
        """Every request, chronologically, in batches of about ``chunk`` requests."""
        batch = Batch()
        for day, count in self.day_counts():
            if not count:
                continue
            workday = self.company_calendar.is_workday(day)
            deps, weights = self.weekday_pick if workday else self.weekend_pick
            moments = sorted(self._moment(day, self.rng.random()) for _ in range(count))
            picks = self.rng.choices(deps, weights=weights, k=count)
            for created, dep in zip(moments, picks, strict=True):
                if created >= self.now:
                    created = self.now - timedelta(seconds=1)
                self._request(batch, dep, created)
            if len(batch.requests) >= chunk:
                yield batch
                batch = Batch()
        if batch.requests:
            yield batch

    def _event(self, batch: Batch, rid: int, actor: str, at: datetime, kind: str,
               from_state: str | None, to_state: str | None, note: str | None = None) -> None:
        self.event_id += 1
        batch.events.append((self.event_id, rid, actor, at, kind, from_state, to_state, note))

    def _request(self, batch: Batch, dep: Department, created: datetime) -> None:
        rng = self.rng
        now = self.now
        self.request_id += 1
        rid = self.request_id
        self.numbers[dep.key] += 1
        number = self.numbers[dep.key]
        category = rng.choice(dep.categories)
        priority = category.priority
        if rng.random() < 0.08:
            priority = {"P4": "P3", "P3": "P2"}.get(priority, "P1")
        base = self.factors.get(category.priority, 1.0) or 1.0
        scale = self.factors.get(priority, base) / base
        calendar = self.calendars[dep.key]
        first_target = category.first_response * scale
        res_target = category.resolution * scale
        first_due = calendar.add_business_time(created, first_target)
        res_due = calendar.add_business_time(created, res_target)
        requester, home = self._requester()
        assignee = rng.choice(self.staff[dep.key])
        details = rng.choice(DETAILS)
        state = "open"
        first_at = resolved = closed = paused_at = None
        paused = 0
        note = None
        updated = created
        self._event(batch, rid, requester, created, "opened", None, "open", details)
        fate = rng.random()

        def answer(share: float) -> bool:
            nonlocal first_at, state, updated
            at = calendar.add_business_time(created, first_target * share)
            if at >= now:
                return False
            first_at = updated = at
            self._event(batch, rid, assignee, at, "acknowledged", "open", "acknowledged")
            state = "acknowledged"
            return True

        met_first = rng.random() < P_FIRST_MET
        first_share = rng.uniform(0.03, 0.97) if met_first else rng.uniform(1.05, 3.0)
        stuck = P_CANCELLED <= fate < P_CANCELLED + P_STUCK
        stuck_state = rng.choice(("open", "acknowledged", "in_progress", "in_progress",
                                  "waiting")) if stuck else ""
        if fate < P_CANCELLED:
            if rng.random() < 0.4:
                answer(first_share)
            at = (first_at or created) + timedelta(minutes=rng.randrange(5, 3 * 24 * 60))
            if at < now:
                self._event(batch, rid, requester, at, "cancelled", state, "cancelled")
                state, closed, updated = "cancelled", at, at
        elif stuck_state != "open" and answer(first_share):
            assert first_at is not None
            if rng.random() < P_COMMENT:
                at = first_at + timedelta(minutes=rng.randrange(2, 240))
                if at < now:
                    self._event(batch, rid, assignee, at, "commented", None, None, "on it")
                    updated = at
            if stuck_state == "in_progress" or (not stuck and rng.random() < 0.5):
                at = first_at + timedelta(minutes=rng.randrange(1, 30))
                if at < now:
                    self._event(batch, rid, assignee, at, "assigned", state, "in_progress",
                                assignee)
                    state = "in_progress"
            pause = timedelta(0)
            pause_end = first_at
            if stuck_state == "waiting" or (not stuck and rng.random() < P_PAUSE):
                start = calendar.add_business_time(
                    first_at, timedelta(minutes=rng.randrange(10, 240)))
                if start < now:
                    self._event(batch, rid, assignee, start, "waiting", state, "waiting",
                                "need the receipt")
                    state, paused_at, updated = "waiting", start, start
                    length = timedelta(minutes=rng.randrange(30, 12 * 60))
                    end = calendar.add_business_time(start, length)
                    if not stuck and end < now:
                        self._event(batch, rid, requester, end, "resumed", "waiting",
                                    "in_progress", "attached")
                        state, paused_at, updated, pause_end = "in_progress", None, end, end
                        pause = length
                        paused = int(length.total_seconds())
                        res_due = calendar.add_business_time(res_due, length)
            if not stuck and state != "waiting":
                met = rng.random() < P_RESOLUTION_MET
                share = rng.uniform(0.1, 0.97) if met else rng.uniform(1.05, 2.5)
                at = calendar.add_business_time(created, res_target * share + pause)
                at = max(at, pause_end + timedelta(minutes=rng.randrange(5, 60)))
                if at < now:
                    note = rng.choice(NOTES)
                    self._event(batch, rid, assignee, at, "resolved", state, "resolved", note)
                    state, resolved, updated = "resolved", at, at
                    confirmed = rng.random() < P_CONFIRMED
                    if confirmed:
                        at += timedelta(minutes=rng.randrange(2, 8 * 60))
                    else:
                        at += timedelta(days=3, minutes=rng.randrange(1, 15))
                    if at < now:
                        kind = "confirmed" if confirmed else "auto_confirmed"
                        actor = requester if confirmed else "system"
                        self._event(batch, rid, actor, at, kind, "resolved", "closed")
                        state, closed, updated = "closed", at, at
                        if rng.random() < P_RATED[kind]:
                            self._rating(batch, rid, requester, at, dep.key,
                                         resolved <= res_due and first_at <= first_due)
        self.states[state] += 1
        if first_at is not None:
            self.first_total += 1
            self.first_met += first_at <= first_due
        if resolved is not None and state == "closed":
            self.res_total += 1
            self.res_met += resolved <= res_due
        self._expect(dep.key, created, first_at, first_due, closed, resolved, state)
        ended = closed or now
        self._breach(batch, rid, dep.key, "first", first_due, first_at, ended)
        if state != "waiting":  # a paused resolution is not missed
            self._breach(batch, rid, dep.key, "resolution", res_due, resolved, ended)
        open_now = state in ("open", "acknowledged", "in_progress", "waiting")
        next_sweep = None
        if open_now and state != "waiting":
            next_sweep = first_due if first_at is None else res_due
        batch.requests.append((
            rid, f"{dep.prefix}-{number}", number, dep.key, dep.key, category.key, requester,
            home, assignee if first_at else None, assignee if resolved else None, priority,
            state, f"{category.name}: {details}", details, note, created, updated, first_at,
            resolved, closed, first_due, res_due, paused_at, paused, None, created, None,
            next_sweep, None, 0, 0, created, paused, paused, 0,
        ))

    def _breach(self, batch: Batch, rid: int, department: str, target: str, due: datetime,
                met: datetime | None, ended: datetime) -> None:
        """The breach row the sweep keeps for a target missed: met late, or still unmet past
        its deadline while the request was open."""
        if (met or ended) <= due or due >= self.now:
            return
        self.breach_id += 1
        batch.breaches.append((self.breach_id, rid, department, target, due,
                               due + timedelta(minutes=1), None, 0, False))

    def _rating(self, batch: Batch, rid: int, rater: str, closed: datetime, department: str,
                on_time: bool) -> None:
        rng = self.rng
        at = closed + timedelta(minutes=rng.randrange(1, 20 * 60))
        if at >= self.now:
            return
        stars = rng.choices((1, 2, 3, 4, 5), weights=STARS_MET if on_time else STARS_LATE)[0]
        tags: list[str] = []
        if stars >= 4 and rng.random() < 0.6:
            tags = rng.sample(("timely", "professional", "courteous", "solved"),
                              rng.choice((1, 1, 2)))
        comment = None
        if rng.random() < 0.3:
            comment = rng.choice(GOOD_COMMENTS if stars >= 4 else BAD_COMMENTS)
        self.rating_id += 1
        batch.ratings.append((self.rating_id, rid, rater, stars, comment, json.dumps(tags), at,
                              at))
        self._event(batch, rid, rater, at, "rated", None, None, f"{stars}★ {comment or ''}")
        if self.week_start <= at < self.week_end:
            self.expected[department].rated += 1

    def _expect(self, department: str, created: datetime, first_at: datetime | None,
                first_due: datetime, closed: datetime | None, resolved: datetime | None,
                state: str) -> None:
        start, end = self.week_start, self.week_end
        e = self.expected[department]
        e.received += start <= created < end
        withdrawn = first_at is None and closed is not None and closed <= first_due
        e.first_due += start <= first_due < end and not withdrawn
        e.closed += (state == "closed" and resolved is not None and closed is not None
                     and start <= closed < end)
        e.open_at_end += created < end and (closed is None or closed >= end)


def measured_monday() -> date:
    """The week the digests cover: the last full week before NOW."""
    return week_start(NOW.date()) - WEEK


# ---------------------------------------------------------------------------
# Sinks: bulk writers
# ---------------------------------------------------------------------------


def _columns_checked(table: str, columns: tuple[str, ...]) -> None:
    model, _ = TABLES[table]
    have = model.__table__.c  # type: ignore[attr-defined]
    missing = [c for c in columns if c not in have]
    if missing:
        raise SystemExit(f"bench/digest.py is out of date: {table} has no {missing}")
    unfilled = [c.name for c in have if c.name not in columns and not c.nullable
                and c.server_default is None]
    if unfilled:
        raise SystemExit(f"bench/digest.py does not fill {table}.{unfilled} (NOT NULL)")


class Sink:
    """Bulk writes for one database; keeps its own time."""

    backend = ""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.raw = engine.raw_connection()
        self.seconds = 0.0

    def write(self, table: str, rows: list[Row]) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        started = time.perf_counter()
        self.raw.commit()
        self.seconds += time.perf_counter() - started

    def close(self) -> None:
        self.raw.close()


class SqliteSink(Sink):
    """executemany on the sqlite3 connection, timestamps as SQLAlchemy stores them."""

    backend = "sqlite"

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.cursor = self.raw.cursor()
        self.cursor.execute("BEGIN")
        self.sql: dict[str, tuple[str, list[int]]] = {}
        for table, (model, columns) in TABLES.items():
            table_columns = model.__table__.c  # type: ignore[attr-defined]
            stamps = [i for i, c in enumerate(columns)
                      if isinstance(table_columns[c].type, UTCDateTime)]
            marks = ", ".join("?" for _ in columns)
            self.sql[table] = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                               stamps)

    def write(self, table: str, rows: list[Row]) -> None:
        started = time.perf_counter()
        sql, stamps = self.sql[table]
        out = []
        for row in rows:
            values = list(row)
            for i in stamps:
                v = values[i]
                if v is not None:
                    values[i] = v.astimezone(UTC).replace(tzinfo=None).isoformat(
                        " ", "microseconds")
            out.append(values)
        self.cursor.executemany(sql, out)
        self.seconds += time.perf_counter() - started

    def commit(self) -> None:
        started = time.perf_counter()
        self.cursor.execute("COMMIT")
        self.cursor.execute("BEGIN")
        self.seconds += time.perf_counter() - started

    def close(self) -> None:
        self.cursor.execute("COMMIT")
        super().close()


class PostgresSink(Sink):
    """COPY FROM STDIN through psycopg."""

    backend = "postgresql"

    def write(self, table: str, rows: list[Row]) -> None:
        started = time.perf_counter()
        columns = TABLES[table][1]
        conn: Any = self.raw.driver_connection
        with conn.cursor() as cur, cur.copy(
                f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        self.seconds += time.perf_counter() - started

    def close(self) -> None:
        conn: Any = self.raw.driver_connection
        with conn.cursor() as cur:
            for table in ("request", "event", "rating", "suggestion"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT coalesce(max(id), 1) FROM {table}))")
        self.raw.commit()
        super().close()


# ---------------------------------------------------------------------------
# Databases
# ---------------------------------------------------------------------------


@dataclass
class Target:
    """One database to load and measure."""

    backend: str
    url: str
    schema: str | None = None

    def engine(self) -> Engine:
        if self.schema:
            return make_engine(self.url, connect_args={"options": f"-csearch_path={self.schema}"})
        return make_engine(self.url)


def pg_prepare(url: str, schema: str, fresh: bool = True) -> bool:
    """Create the bench database if missing and (``fresh``) rebuild our schema; False if the
    server is unreachable."""
    if not ensure_database(url):
        return False
    if fresh:
        reset_schema(url, schema)
    return True


def load(targets: list[Target], settings: config_mod.Settings, args: argparse.Namespace
         ) -> Generator:
    """Schema, directory, then the generated history into every target at once."""
    for table, (_model, columns) in TABLES.items():
        _columns_checked(table, columns)
    engines = [t.engine() for t in targets]
    for engine in engines:
        migrate.upgrade(engine)
        app_mod.build(settings, ManualClock(NOW - timedelta(days=HISTORY_DAYS + 30)),
                      engine=engine, upgrade=False)  # configured people and counters
    sinks: list[Sink] = [SqliteSink(e) if e.dialect.name == "sqlite" else PostgresSink(e)
                         for e in engines]
    gen = Generator(settings, args.requests, args.seed)
    started = time.perf_counter()
    cpu0 = time.process_time()
    counts = Counter[str]()
    people_rows = gen.people_rows()
    suggestion_rows = gen.suggestion_rows(max(20, args.requests // 300))
    for sink in sinks:
        sink.write("person", people_rows)
        sink.write("suggestion", suggestion_rows)
    counts.update(person=len(people_rows), suggestion=len(suggestion_rows))
    del people_rows, suggestion_rows
    report_every = max(args.requests // 10, 1)
    next_report = report_every
    for batch in gen.batches(args.chunk):
        for sink in sinks:
            sink.write("request", batch.requests)
            sink.write("event", batch.events)
            sink.write("rating", batch.ratings)
            sink.write("breach", batch.breaches)
            sink.commit()
        counts.update(request=len(batch.requests), event=len(batch.events),
                      rating=len(batch.ratings), breach=len(batch.breaches))
        if counts["request"] >= next_report:
            next_report += report_every
            elapsed = time.perf_counter() - started
            print(f"   ... {counts['request']:>9,} requests  {elapsed:6.1f} s  "
                  + "  ".join(f"{s.backend} {s.seconds:.1f} s" for s in sinks), flush=True)
    for sink in sinks:
        sink.close()
    for engine in engines:
        with engine.begin() as conn:
            for department, number in gen.numbers.items():
                conn.execute(text("UPDATE department_counter SET last_number = :n "
                                  "WHERE department = :d"), {"n": number, "d": department})
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu0
    writes = sum(s.seconds for s in sinks)
    print(f"1. generation: {counts['request']:,} requests, {counts['event']:,} events, "
          f"{counts['rating']:,} ratings, {counts['breach']:,} missed targets, "
          f"{counts['suggestion']:,} suggestions, "
          f"{counts['person']:,} chat employees in {elapsed:.1f} s "
          f"({counts['request'] / elapsed:,.0f} requests/s; cpu {cpu:.1f} s)")
    print(f"   rows made in Python: {elapsed - writes:.1f} s; written: "
          + ", ".join(f"{s.backend} {s.seconds:.1f} s" for s in sinks)
          + f"; generator peak RSS so far {rss_now():.0f} MB")
    total = sum(gen.states.values())
    print("   states now: " + ", ".join(f"{k} {v:,} ({v / total:.1%})"
                                        for k, v in gen.states.most_common()))
    print(f"   targets met over the history: first response "
          f"{gen.first_met / max(1, gen.first_total):.1%}, resolution (closed) "
          f"{gen.res_met / max(1, gen.res_total):.1%}; rated "
          f"{counts['rating'] / max(1, gen.states['closed']):.1%} of closed")
    for engine in engines:
        started = time.perf_counter()
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                    text("VACUUM (ANALYZE)"))
            print(f"   postgresql VACUUM (ANALYZE) after the load: "
                  f"{time.perf_counter() - started:.1f} s (not in the generation time)")
        else:
            size = Path(make_url(str(engine.url)).database or "").stat().st_size
            print(f"   sqlite file {size / 2**20:,.0f} MB (no ANALYZE: the product never runs it)")
        engine.dispose()
    return gen


# ---------------------------------------------------------------------------
# Measurement (in a fresh process per database)
# ---------------------------------------------------------------------------


@dataclass
class Measured:
    """One database's figures, sent back to the parent."""

    backend: str
    digest_s: list[float]
    build_s: list[float]
    render_s: list[float]
    company_s: list[float]
    report_s: list[float] | None
    report_note: str
    tracemalloc_mb: float
    rss_mb: float
    week: dict[str, dict[str, int]]
    lines: list[str]


def digest_pass(engine: Engine, desk: Any, monday: date, now: datetime
                ) -> tuple[float, float, int]:
    """What post_due does for the digests: build_all, then names + render per department.
    Returns (build seconds, render seconds, characters rendered)."""
    with Session(engine) as session:
        t0 = time.perf_counter()
        digests = build_all(session, desk, monday, now)
        t1 = time.perf_counter()
        chars = 0
        for key, digest in digests.items():
            department = desk.catalog.department(key)
            locale = normalize_locale(department.locale, desk.policy.locale)
            ids = [r.assignee_id for r in digest.overdue if r.assignee_id]
            ids += [s.author_id for s in digest.suggestions if not s.anonymous]
            chars += len(render(desk, digest, locale, people.names(session, ids)).text)
        t2 = time.perf_counter()
    return t1 - t0, t2 - t1, chars


def company_pass(engine: Engine, desk: Any, monday: date, weight: float) -> str:
    with Session(engine) as session:
        week, previous = company(session, desk, monday)
        return scorecard(desk, week, previous, week_label(monday), desk.policy.locale,
                         weight).text


def report_builder() -> tuple[Callable[..., Any] | None, str]:
    """bot.cli.report.build_report when it exists (it is optional)."""
    try:
        from bot.cli import report as report
    except Exception as exc:  # noqa: BLE001 - someone else's module, maybe half-written
        return None, f"bot/report.py not importable: {type(exc).__name__}: {exc}"
    build = getattr(report, "build_report", None)
    if build is None:
        return None, "bot/report.py has no build_report"
    return build, "bot.cli.report.build_report, last 4 weeks"


def measure(target: Target, args: argparse.Namespace, expected: dict[str, Expected]
            ) -> dict[str, Any]:
    """Time digests, scorecard and report on one database (run in a child process)."""
    lines: list[str] = []

    def say(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    settings = config_mod.load(args.config)
    engine = target.engine()
    app = app_mod.build(settings, ManualClock(NOW), engine=engine, upgrade=False)
    desk = app.desk
    now = NOW
    monday = measured_monday()
    weight = settings.digest.timeliness_weight
    start, end = bounds(desk, monday)
    say(f"   {load_text()}")
    with Session(engine) as session:
        n = session.execute(select(func.count()).select_from(Request)).scalar_one()
    say(f"   {n:,} requests stored; digest week {week_label(monday)} "
        f"({start:%Y-%m-%d} .. {end - timedelta(days=1):%Y-%m-%d}), now {now:%Y-%m-%d %H:%M %Z}")

    digest_s, build_s, render_s, company_s = [], [], [], []
    report_s: list[float] | None = None
    build, report_note = report_builder()
    for i in range(args.runs):
        b, r, chars = digest_pass(engine, desk, monday, now)
        digest_s.append(b + r)
        build_s.append(b)
        render_s.append(r)
        t0 = time.perf_counter()
        card = company_pass(engine, desk, monday, weight)
        company_s.append(time.perf_counter() - t0)
        extra = ""
        if build is not None:
            rstart = bounds(desk, monday - 3 * WEEK)[0]
            t0 = time.perf_counter()
            try:
                with Session(engine) as session:
                    build(session, desk, rstart, end)
                report_s = (report_s or []) + [time.perf_counter() - t0]
                extra = f"  report {report_s[-1]:6.2f} s"
            except Exception as exc:  # noqa: BLE001 - optional, someone else's work in progress
                report_note = f"build_report failed: {type(exc).__name__}: {exc}"
                build = None
        say(f"   run {i + 1}: digests {b + r:6.2f} s (build_all {b:.2f} + names/render {r:.2f}; "
            f"{chars:,} chars)  scorecard {company_s[-1]:6.2f} s ({len(card):,} chars){extra}")
    if report_s is None:
        say(f"   report: {report_note}")

    tracemalloc.start()
    digest_pass(engine, desk, monday, now)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = rss_now()
    say(f"   memory: tracemalloc peak of one digest pass {peak / 2**20:.1f} MB; "
        f"peak RSS of this process {rss:.0f} MB")

    week = check_week(engine, desk, monday, now, expected, say)
    per_query(engine, start, end, say)
    if args.explain:
        explain(engine, desk, start, end, say)
    if args.profile:
        profile(engine, desk, monday, now, args.profile_lines, say)
    engine.dispose()
    return asdict(Measured(target.backend, digest_s, build_s, render_s, company_s, report_s,
                           report_note, peak / 2**20, rss, week, lines))


def check_week(engine: Engine, desk: Any, monday: date, now: datetime,
               expected: dict[str, Expected], say: Callable[[str], None]
               ) -> dict[str, dict[str, int]]:
    """Compare the digests' week with what the generator wrote; print the company line."""
    with Session(engine) as session:
        digests = build_all(session, desk, monday, now)
    bad = []
    week: dict[str, dict[str, int]] = {}
    for key, d in digests.items():
        f, e = d.week, expected.get(key, Expected())
        got = {"received": f.received, "first_due": f.first_total, "closed": f.closed,
               "rated": len(f.stars), "open_at_end": f.open_at_end,
               "suggestions": len(d.suggestions)}
        week[key] = got
        for name, value in got.items():
            if value != getattr(e, name):
                bad.append(f"{key}.{name} {value} != {getattr(e, name)}")
    total = Figures()
    for d in digests.values():
        total.add_counts(d.week)
        total.open_at_end += d.week.open_at_end
    overdue = sum(len(d.overdue) for d in digests.values())
    say(f"   week {week_label(monday)}, all departments: received {total.received:,}, closed "
        f"{total.closed:,}, open at end {total.open_at_end:,}, first response on time "
        f"{total.first_attainment or 0:.1%}, resolution on time "
        f"{total.resolution_attainment or 0:.1%}, {len(total.stars):,} ratings avg "
        f"{total.rating_avg or 0:.2f}, {overdue} overdue listed")
    say("   figures vs generator: " + ("all 60 match" if not bad else
                                        f"{len(bad)} MISMATCHES: " + "; ".join(bad[:8])))
    return week


def per_query(engine: Engine, start: datetime, end: datetime, say: Callable[[str], None]
              ) -> None:
    """Each digest query once for the measured week: where build_all's database time goes."""
    calls: list[tuple[str, Callable[[Session], Any]]] = [
        ("opened", lambda s: digest_flow.opened(s, start, end)),
        ("answered", lambda s: digest_flow.answered(s, start, end)),
        ("closed", lambda s: digest_flow.closed(s, start, end)),
        ("rated", lambda s: digest_ratings.rated(s, start, end)),
        ("open_counts", lambda s: digest_counts.open_counts(s, end)),
        ("overdue(it)", lambda s: digest_targets.overdue_at(s, "it", NOW, 10)),
        ("suggestions", lambda s: digest_flow.suggestions(s, start, end)),
    ]
    parts = []
    with Session(engine) as session:
        for name, call in calls:
            t0 = time.perf_counter()
            rows = call(session)
            parts.append(f"{name} {(time.perf_counter() - t0) * 1000:.0f} ms ({len(rows):,})")
    say("   one week's queries (rows): " + ", ".join(parts))


def explain(engine: Engine, desk: Any, start: datetime, end: datetime,
            say: Callable[[str], None]) -> None:
    """The plan of every statement one week's compute() runs (EXPLAIN ANALYZE on PostgreSQL)."""
    from handlers.digest import compute

    captured: list[tuple[str, Any]] = []

    def grab(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
             _many: bool) -> None:
        captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", grab)
    try:
        with Session(engine) as session:
            compute(session, desk, start, end)
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    pg = engine.dialect.name == "postgresql"
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        for statement, parameters in captured:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            say("   --- " + " ".join(statement.split())[:160])
            prefix = "EXPLAIN (ANALYZE, BUFFERS) " if pg else "EXPLAIN QUERY PLAN "
            t0 = time.perf_counter()
            cur.execute(prefix + statement, parameters)
            rows = cur.fetchall()
            for row in rows:
                say("       " + (str(row[0]) if pg else f"{row[-1]}"))
            if not pg:
                t0 = time.perf_counter()
                cur.execute(statement, parameters)
                got = len(cur.fetchall())
                say(f"       (ran in {(time.perf_counter() - t0) * 1000:.0f} ms, {got:,} rows)")
    finally:
        raw.close()


def profile(engine: Engine, desk: Any, monday: date, now: datetime, lines: int,
            say: Callable[[str], None]) -> None:
    """cProfile one digest pass."""
    profiler = cProfile.Profile()
    profiler.enable()
    digest_pass(engine, desk, monday, now)
    profiler.disable()
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(lines)
        say(f"   --- cProfile, one digest pass, by {order} ---")
        for line in out.getvalue().strip().splitlines():
            say("   " + line)


# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------


def print_table(results: list[Measured]) -> None:
    """The figures beside their targets."""
    print("\n=== summary (median of the timed runs; first run in brackets) ===")
    header = f"{'backend':<11} {'metric':<44} {'figure':>16} {'target':>10}  result"
    print(header)
    print("-" * len(header))

    def line(backend: str, metric: str, figure: str, target: str, verdict: str) -> None:
        print(f"{backend:<11} {metric:<44} {figure:>16} {target:>10}  {verdict}")

    for m in results:
        limit = TARGET_S.get(m.backend)
        med = statistics.median(m.digest_s)
        line(m.backend, "all 10 digests (build_all + render)", f"{med:.2f} s ({m.digest_s[0]:.2f})",
             f"<= {limit:.0f} s" if limit else "-",
             ("PASS" if med <= limit else "MISS") if limit else "info")
        line(m.backend, "  of which build_all", f"{statistics.median(m.build_s):.2f} s", "-",
             "info")
        line(m.backend, "company scorecard (company + scorecard)",
             f"{statistics.median(m.company_s):.2f} s ({m.company_s[0]:.2f})", "-", "info")
        if m.report_s:
            line(m.backend, "build_report, last 4 weeks",
                 f"{statistics.median(m.report_s):.2f} s ({m.report_s[0]:.2f})", "-", "info")
        else:
            line(m.backend, "build_report, last 4 weeks", "n/a", "-", "skipped")
        line(m.backend, "peak RSS, measuring process", f"{m.rss_mb:.0f} MB",
             f"<= {TARGET_MEMORY_MB:.0f} MB",
             "PASS" if m.rss_mb <= TARGET_MEMORY_MB else "MISS")
        line(m.backend, "tracemalloc peak, one digest pass", f"{m.tracemalloc_mb:.1f} MB",
             f"<= {TARGET_MEMORY_MB:.0f} MB",
             "PASS" if m.tracemalloc_mb <= TARGET_MEMORY_MB else "MISS")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=1_000_000,
                        help="requests generated over two years (default 1000000)")
    parser.add_argument("--chunk", type=int, default=10_000,
                        help="requests per bulk write (default 10000)")
    parser.add_argument("--runs", type=int, default=3, help="timed passes (default 3)")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL,
                        help=f"PostgreSQL URL (default {DEFAULT_PG_URL})")
    parser.add_argument("--pg-schema", default=DEFAULT_PG_SCHEMA,
                        help="schema the bench drops and rebuilds (default digest_bench)")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile one digest pass on each database")
    parser.add_argument("--profile-lines", type=int, default=25,
                        help="functions listed per profile table (default 25)")
    parser.add_argument("--explain", action="store_true",
                        help="plans of one week's digest queries (EXPLAIN ANALYZE on PostgreSQL)")
    parser.add_argument("--sqlite-file", type=Path,
                        help="keep the SQLite database in this file (default: a temp file)")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the databases an earlier run left (--sqlite-file and the "
                        "PostgreSQL schema) instead of generating")
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG,
                        help="company config (default config.example.toml)")
    parser.add_argument("--seed", type=int, default=20261123, help="random seed")
    args = parser.parse_args(argv)
    if args.requests < 1000 or args.runs < 1 or args.chunk < 1:
        parser.error("need --requests >= 1000, --runs >= 1 and --chunk >= 1")
    if args.pg_schema in ("public", "pg_catalog", "information_schema"):
        parser.error(f"refusing to drop schema {args.pg_schema!r}")
    if args.reuse and not (args.sqlite_file and args.sqlite_file.exists()):
        parser.error("--reuse needs --sqlite-file naming the database of an earlier run")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = config_mod.load(args.config)
    print(f"crossdesk digest bench: {args.requests:,} requests over {HISTORY_DAYS} days, "
          f"{len(settings.catalog.departments)} departments; digest week "
          f"{week_label(measured_monday())}, now {NOW.isoformat()}; {args.runs} timed passes; "
          f"python {sys.version.split()[0]}")
    print(load_text())
    with tempfile.TemporaryDirectory(prefix="crossdesk-digest-") as tmp:
        sqlite_file = args.sqlite_file or Path(tmp) / "bench.db"
        sidecar = sqlite_file.with_name(sqlite_file.name + ".expected.json")
        targets = [Target("sqlite", f"sqlite:///{sqlite_file}")]
        if args.sqlite_only:
            print("(PostgreSQL skipped: --sqlite-only)")
        else:
            url = normalize_url(args.pg_url)
            if pg_prepare(url, args.pg_schema, fresh=not args.reuse):
                targets.append(Target("postgresql", url, args.pg_schema))
        if args.reuse:
            print(f"\n=== reusing the databases of an earlier run ({sqlite_file}) ===")
            expected = {k: Expected(**v) for k, v in json.loads(sidecar.read_text()).items()}
        else:
            for stale in (sqlite_file, sidecar):
                stale.unlink(missing_ok=True)
            print("\n=== generation into " + ", ".join(
                f"{t.backend}" + (f" (schema {t.schema})" if t.schema else "") for t in targets)
                + " ===")
            expected = load(targets, settings, args).expected
            sidecar.write_text(json.dumps({k: asdict(v) for k, v in expected.items()}))
        results = []
        spawn = multiprocessing.get_context("spawn")
        for target in targets:
            print(f"\n=== {target.backend}: measuring in a fresh process ===", flush=True)
            with spawn.Pool(1) as pool:
                results.append(Measured(**pool.apply(measure, (target, args, expected))))
    print_table(results)
    print(load_text())
    print(f"peak RSS of the generating process {rss_now():.0f} MB")
    missed = any(
        statistics.median(m.digest_s) > TARGET_S.get(m.backend, float("inf"))
        or m.rss_mb > TARGET_MEMORY_MB for m in results)
    mismatched = any(line.startswith("   figures vs generator:") and "MISMATCH" in line
                     for m in results for line in m.lines)
    return 1 if missed or mismatched else 0


if __name__ == "__main__":
    sys.exit(main())
