"""Core benchmark: opening requests and reading a deep queue, on SQLite and PostgreSQL.

Run from the repository root::

    python bench/core.py                 # SQLite temp file, then PostgreSQL
    python bench/core.py --sqlite-only
    python bench/core.py --requests 20000 --opens 500

For each database it

1. seeds ``--requests`` stored requests (the departments of config.example.toml, mixed
   states, created over the past year, one "opened" event each) with bulk Core inserts,
   and moves each department counter to its highest number;
2. opens ``--opens`` requests through the real handlers (``App.handle``) with a manual clock
   moved a few seconds per call, timing each call;
3. tops one department (``--queue-department``, default finance) up to ``--queue-open``
   open requests and times ``/request queue <department>`` on page 1 and a deep page as one
   of its members;

and ends with a table of the figures beside their targets (PASS / MISS).

The PostgreSQL database (``--pg-url``) is created if missing and its ``public`` schema is
dropped and rebuilt: never point it at a database whose contents matter (``test`` is refused,
the test suite owns it). An unreachable server is reported and skipped.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench_pg import ensure_database, reset_schema
from sqlalchemy import Engine, func, insert, select, text, update
from sqlalchemy.engine import make_url

from bot.runtime import app as app_mod
from bot.runtime import config as config_mod
from bot.runtime.clock import ManualClock
from handlers.catalog import Category, Department
from handlers.sla import BusinessCalendar
from storage import migrate
from storage.engine import make_engine, normalize_url
from storage.models import DepartmentCounter, Event, Person, Request
from storage.request_store import OPEN_STATES

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "config.example.toml"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/crossdesk_bench"
OPEN_TEXT = "/request finance reimbursement taxi 86 CNY"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
CHUNK = 5_000
SYNTHETIC_PEOPLE = 300
WARMUP = 5
TARGET_OPEN_P99_MS = 20.0
TARGET_QUEUE_P99_MS = 50.0

DETAILS = (
    "taxi 86 CNY", "hotel Shenzhen 2 nights 1,180 CNY", "please check the attached figures",
    "needed before Friday's meeting", "customer is waiting, urgent", "same as last month",
    "line 3 stopped twice this morning", "new colleague starts on Monday",
    "quarterly numbers for the east region", "see the e-mail from the supplier",
)
NOTES = ("done", "sent by e-mail", "fixed on site", "approved", "booked", "paid")


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile of ``values`` (not empty)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Line:
    """One row of the final table."""

    backend: str
    metric: str
    figure_ms: float
    target_ms: float | None

    def verdict(self) -> str:
        if self.target_ms is None:
            return "info"
        return "PASS" if self.figure_ms <= self.target_ms else "MISS"


@dataclass
class Results:
    """Everything one backend run measured."""

    backend: str
    lines: list[Line] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def timings_text(label: str, ms: list[float]) -> str:
    return (f"  {label}: n={len(ms)}  p50 {percentile(ms, 50):.2f} ms  "
            f"p99 {percentile(ms, 99):.2f} ms  max {max(ms):.2f} ms  "
            f"mean {statistics.fmean(ms):.2f} ms")


# ---------------------------------------------------------------------------
# Seeding
# ---------------------------------------------------------------------------


def chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    """``rows`` in lists of at most ``size``."""
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class Seeder:
    """Makes plausible request rows (and their "opened" events) for bulk insertion."""

    def __init__(self, settings: config_mod.Settings, now: datetime, seed: int) -> None:
        self.settings = settings
        self.now = now.astimezone(UTC)
        self.tz = settings.policy.tz
        self.rng = random.Random(seed)
        self.departments = settings.catalog.departments
        company = settings.calendar()
        own = settings.department_calendars()
        self.calendars: dict[str, BusinessCalendar] = {
            d.key: own.get(d.key, company) for d in self.departments
        }
        self.factors = settings.policy.priority_factors
        self.configured = [p.id for p in settings.catalog.people if p.id != "root"]
        self.synthetic = [f"emp{i:04d}" for i in range(1, SYNTHETIC_PEOPLE + 1)]
        self.homes = {
            pid: (deps[0].key if (deps := settings.catalog.departments_of(pid)) else None)
            for pid in self.configured
        }
        self.numbers = {d.key: 0 for d in self.departments}
        self.request_id = 0
        self.event_id = 0

    # -- people ---------------------------------------------------------------

    def people_rows(self) -> list[dict[str, Any]]:
        """Employees met in chat (not in config), so requesters are not all the same few."""
        return [
            {"id": pid, "name": f"Employee {pid[3:]}", "locale": None, "slack_id": None,
             "wecom_id": None, "manager_id": None, "source": "chat",
             "created_at": self.now - timedelta(days=400)}
            for pid in self.synthetic
        ]

    # -- times ----------------------------------------------------------------

    def created_times(self, count: int, recent_bias: float = 1.0) -> list[float]:
        """``count`` creation instants (epoch seconds, ascending) over the past year.

        Mostly weekdays and office hours; ``recent_bias`` > 1 crowds them towards now.
        """
        rng = self.rng
        now_local = self.now.astimezone(self.tz)
        out: list[float] = []
        while len(out) < count:
            days_ago = int(365 * rng.random() ** recent_bias)
            day = (now_local - timedelta(days=days_ago)).date()
            if day.weekday() >= 5 and rng.random() < 0.85:
                continue
            if rng.random() < 0.9:
                minute = rng.randrange(8 * 60 + 30, 18 * 60 + 30)
            else:
                minute = rng.randrange(0, 24 * 60)
            local = datetime(day.year, day.month, day.day, tzinfo=self.tz) + timedelta(
                minutes=minute, seconds=rng.randrange(60))
            moment = local.timestamp()
            if moment < self.now.timestamp() - 60:
                out.append(moment)
        out.sort()
        return out

    def _state(self, age: timedelta) -> str:
        r = self.rng.random()
        if age < timedelta(days=3):
            table = (("open", .40), ("acknowledged", .20), ("in_progress", .25),
                     ("waiting", .10), ("resolved", .05))
        elif age < timedelta(days=30):
            table = (("open", .03), ("acknowledged", .02), ("in_progress", .04),
                     ("waiting", .01), ("resolved", .10), ("closed", .70), ("cancelled", .10))
        else:
            table = (("open", .005), ("in_progress", .01), ("waiting", .005),
                     ("resolved", .01), ("closed", .91), ("cancelled", .06))
        for state, share in table:
            r -= share
            if r < 0:
                return state
        return table[-1][0]

    # -- rows -----------------------------------------------------------------

    def rows(
        self, times: list[float], department: Department | None = None,
        state: str | None = None,
    ) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        """(request row, "opened" event row) for each creation time.

        ``department`` fixes the department (else random); ``state`` fixes the state.
        """
        rng = self.rng
        for moment in times:
            dep = department or rng.choice(self.departments)
            category = rng.choice(dep.categories)
            created = datetime.fromtimestamp(moment, UTC)
            yield self._request(dep, category, created, state or self._state(self.now - created))

    def _request(
        self, dep: Department, category: Category, created: datetime, state: str
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        rng = self.rng
        self.request_id += 1
        self.event_id += 1
        self.numbers[dep.key] += 1
        number = self.numbers[dep.key]
        if rng.random() < 0.35:
            requester = rng.choice(self.configured)
            home = self.homes[requester]
        else:
            requester = rng.choice(self.synthetic)
            home = None
        priority = category.priority
        if rng.random() < 0.08:
            priority = "P1" if priority in ("P1", "P2") else "P2"
        base = self.factors.get(category.priority, 1.0) or 1.0
        scale = self.factors.get(priority, base) / base
        calendar = self.calendars[dep.key]
        first_due = calendar.add_business_time(created, category.first_response * scale)
        resolution_due = calendar.add_business_time(created, category.resolution * scale)
        details = rng.choice(DETAILS)
        staff = dep.staff()
        row: dict[str, Any] = {
            "id": self.request_id, "ref": f"{dep.prefix}-{number}", "number": number,
            "origin_department": dep.key, "department": dep.key, "category": category.key,
            "requester_id": requester, "requester_department": home,
            "assignee_id": None, "resolver_id": None, "priority": priority, "state": state,
            "title": details, "details": details, "resolution_note": None,
            "created_at": created, "updated_at": created, "first_response_at": None,
            "resolved_at": None, "closed_at": None, "first_response_due": first_due,
            "resolution_due": resolution_due, "paused_at": None, "paused_seconds": 0,
            "thread_ref": None,
        }
        last = created
        if state != "open":
            gap = timedelta(minutes=rng.randrange(5, 6 * 60))
            last = min(self.now, created + gap)
            if state != "cancelled":
                row["first_response_at"] = last
                row["assignee_id"] = rng.choice(staff)
        if state == "waiting":
            row["paused_at"] = last
        if state in ("resolved", "closed"):
            last = min(self.now, last + timedelta(minutes=rng.randrange(10, 5 * 24 * 60)))
            row.update(resolved_at=last, resolver_id=row["assignee_id"],
                       resolution_note=rng.choice(NOTES))
        if state in ("closed", "cancelled"):
            last = min(self.now, last + timedelta(minutes=rng.randrange(1, 2 * 24 * 60)))
            row["closed_at"] = last
        row["updated_at"] = last
        self._optional_columns(row, state)
        event = {
            "id": self.event_id, "request_id": self.request_id, "actor_id": requester,
            "at": created, "kind": "opened", "from_state": None, "to_state": "open",
            "note": details,
        }
        return row, event


    @staticmethod
    def _optional_columns(row: dict[str, Any], state: str) -> None:
        """Fill SLA-sweep columns when this schema has them (it is still growing)."""
        columns = Request.__table__.c  # type: ignore[attr-defined]
        if "clock_started_at" in columns:
            row["clock_started_at"] = row["created_at"]
        if "next_sweep_at" in columns:
            due = row["first_response_due"] if row["first_response_at"] is None else (
                row["resolution_due"])
            row["next_sweep_at"] = due if state in OPEN_STATES and state != "waiting" else None


def insert_requests(
    engine: Engine, pairs: Iterable[tuple[dict[str, Any], dict[str, Any]]]
) -> int:
    """Bulk insert (request, event) pairs in chunks, one transaction; returns the count."""
    request_table = Request.__table__  # type: ignore[attr-defined]
    event_table = Event.__table__  # type: ignore[attr-defined]
    count = 0
    with engine.begin() as conn:
        requests: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        for row, event in pairs:
            requests.append(row)
            events.append(event)
            if len(requests) >= CHUNK:
                conn.execute(insert(request_table), requests)
                conn.execute(insert(event_table), events)
                count += len(requests)
                requests, events = [], []
        if requests:
            conn.execute(insert(request_table), requests)
            conn.execute(insert(event_table), events)
            count += len(requests)
        if engine.dialect.name == "postgresql":
            for table in ("request", "event"):
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"))
    return count


def set_counters(engine: Engine, numbers: dict[str, int]) -> None:
    """Move each department counter to the highest number stored."""
    with engine.begin() as conn:
        for department, number in numbers.items():
            conn.execute(
                update(DepartmentCounter.__table__)  # type: ignore[arg-type]
                .where(DepartmentCounter.__table__.c.department == department)  # type: ignore[attr-defined]
                .values(last_number=number))


def analyze(engine: Engine) -> None:
    """VACUUM ANALYZE on PostgreSQL after a bulk load: the steady state autovacuum reaches."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM (ANALYZE) request, event, person, department_counter"))


def load_text() -> str:
    """Load average against the CPUs: other work on the machine skews latency figures."""
    one, five, _ = os.getloadavg()
    cpus = os.cpu_count() or 1
    note = "  (busy machine: figures are pessimistic)" if one > cpus * 0.75 else ""
    return f"load average {one:.2f} / {five:.2f} (1/5 min) on {cpus} CPUs{note}"


# ---------------------------------------------------------------------------
# PostgreSQL housekeeping
# ---------------------------------------------------------------------------


def prepare_postgres(url: str) -> str | None:
    """Create the bench database if needed and empty its schema; None if unreachable."""
    url = normalize_url(url)
    if not ensure_database(url):
        return None
    reset_schema(url)
    return url


# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------


def run_backend(backend: str, url: str, args: argparse.Namespace,
                settings: config_mod.Settings) -> Results:
    """Seed, open and queue on one database; print as it goes."""
    results = Results(backend)
    print(f"\n=== {backend}: {make_url(url).render_as_string()} ===")
    print(f"   {load_text()}")
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        clock = ManualClock(NOW)
        app = app_mod.build(settings, clock, engine=engine, upgrade=False)
        seeder = Seeder(settings, clock(), args.seed)

        # 1. Seed the stored history.
        started = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(insert(Person.__table__), seeder.people_rows())  # type: ignore[attr-defined]
        times = seeder.created_times(args.requests)
        seeded = insert_requests(engine, seeder.rows(times))
        del times
        set_counters(engine, seeder.numbers)
        elapsed = time.perf_counter() - started
        print(f"1. seed: {seeded:,} requests + {seeded:,} events in {elapsed:.1f} s "
              f"({seeded / elapsed:,.0f} requests/s)")
        if engine.dialect.name == "postgresql":
            started = time.perf_counter()
            analyze(engine)
            print(f"   VACUUM (ANALYZE) after the load: {time.perf_counter() - started:.1f} s "
                  "(not in the seed time)")
        with engine.connect() as conn:
            open_by_dep = dict(conn.execute(
                select(Request.department, func.count())  # type: ignore[call-overload]
                .where(Request.state.in_(OPEN_STATES))  # type: ignore[attr-defined]
                .group_by(Request.department)).all())
        print(f"   open after seed: {sum(open_by_dep.values()):,} "
              f"({', '.join(f'{k} {v}' for k, v in sorted(open_by_dep.items()))})")

        # 2. Open requests through the real handlers.
        results.lines.append(bench_opens(app, clock, seeder, args, results))

        # 3. A deep queue.
        results.lines.extend(bench_queue(app, engine, seeder, args, results))
    finally:
        engine.dispose()
    return results


def bench_opens(app: app_mod.DeskApp, clock: ManualClock, seeder: Seeder,
                args: argparse.Namespace, results: Results) -> Line:
    """Open ``args.opens`` requests as assorted requesters; time each call."""
    department = app.settings.catalog.department("finance")
    first_number = seeder.numbers["finance"] + 1
    actors = [p for p in seeder.configured if p not in department.staff()] + seeder.synthetic
    latencies: list[float] = []
    refs: list[str] = []
    failures = 0
    started = time.perf_counter()
    for i in range(args.opens):
        clock.set(clock() + timedelta(seconds=7 + i % 11))
        actor = actors[i % len(actors)]
        t0 = time.perf_counter()
        reply = app.handle(actor, OPEN_TEXT, clock())
        latencies.append((time.perf_counter() - t0) * 1000)
        if not reply.ok or reply.request_ref is None:
            failures += 1
            if failures <= 3:
                results.problems.append(f"open #{i} failed: {reply.text[:200]}")
        else:
            refs.append(reply.request_ref)
    elapsed = time.perf_counter() - started
    expected = {f"{department.prefix}-{n}" for n in range(first_number, first_number + args.opens)}
    unique = len(set(refs)) == len(refs)
    continues = set(refs) == expected
    seeder.numbers["finance"] += len(refs)
    print(f"2. opens: {args.opens:,} in {elapsed:.2f} s = {args.opens / elapsed:,.0f} opens/s")
    print(timings_text("latency per open", latencies))
    print(f"   {load_text()}")
    print(f"   replies ok: {len(refs):,}/{args.opens:,}; ids unique: {unique}; "
          f"numbering continues from seed ({department.prefix}-{first_number}"
          f"..{department.prefix}-{first_number + args.opens - 1}): {continues}")
    if failures:
        results.problems.append(f"{failures} opens failed")
    if not unique:
        results.problems.append("duplicate request ids")
    if not continues:
        results.problems.append("opened ids do not continue the seeded numbering")
    target = TARGET_OPEN_P99_MS if results.backend == "sqlite" else None
    return Line(results.backend, "open p99 (one /request open)", percentile(latencies, 99),
                target)


def bench_queue(app: app_mod.DeskApp, engine: Engine, seeder: Seeder,
                args: argparse.Namespace, results: Results) -> list[Line]:
    """Top the department up to ``args.queue_open`` open requests; time page 1 and a deep page."""
    key = args.queue_department
    department = app.settings.catalog.department(key)
    member = next(m for m in department.members if m not in department.leads)
    with engine.connect() as conn:
        have = conn.execute(
            select(func.count()).select_from(Request)
            .where(Request.department == key,
                   Request.state.in_(OPEN_STATES))  # type: ignore[attr-defined]
        ).scalar_one()
        seeder.request_id = conn.execute(select(func.max(Request.id))).scalar_one() or 0
        seeder.event_id = conn.execute(select(func.max(Event.id))).scalar_one() or 0
        seeder.numbers[key] = conn.execute(
            select(DepartmentCounter.last_number).where(DepartmentCounter.department == key)
        ).scalar_one()
    missing = max(0, args.queue_open - have)
    started = time.perf_counter()
    times = seeder.created_times(missing, recent_bias=2.0)
    states = [seeder.rng.choice(OPEN_STATES[:3]) for _ in range(missing)]
    state_iter = iter(states)
    pairs = (
        seeder._request(department, seeder.rng.choice(department.categories),
                        datetime.fromtimestamp(t, UTC), next(state_iter))
        for t in times
    )
    insert_requests(engine, pairs)
    set_counters(engine, {key: seeder.numbers[key]})
    analyze(engine)
    print(f"3. queue: {key} had {have:,} open; seeded {missing:,} more in "
          f"{time.perf_counter() - started:.1f} s -> {args.queue_open:,} open")
    total = max(have, args.queue_open)
    pages = -(-total // app.desk.policy.page_size)
    deep = min(args.deep_page, pages)
    lines = []
    for page in (1, deep):
        command = f"/request queue {key}" + (f" {page}" if page > 1 else "")
        for _ in range(WARMUP):
            app.handle(member, command)
        latencies: list[float] = []
        bad = 0
        for _ in range(args.queue_runs):
            t0 = time.perf_counter()
            reply = app.handle(member, command)
            latencies.append((time.perf_counter() - t0) * 1000)
            if not reply.ok or not _page_ok(reply.text, page, pages, total):
                bad += 1
        print(timings_text(f"'{command}' as {member} (page {page}/{pages})", latencies))
        if bad:
            results.problems.append(f"queue page {page}: {bad} unexpected replies")
        lines.append(Line(results.backend, f"queue page {page} p99 ({total:,} open)",
                          percentile(latencies, 99), TARGET_QUEUE_P99_MS))
    print(f"   {load_text()}")
    return lines


def _page_ok(reply_text: str, page: int, pages: int, total: int) -> bool:
    last = reply_text.strip().splitlines()[-1]
    return [int(n) for n in re.findall(r"\d+", last)] == [page, pages, total]


def print_table(all_results: list[Results], footer: str | None = None,
                metric_width: int = 34) -> None:
    """The figures beside their targets, then each run's problems and ``footer``."""
    print("\n=== summary ===")
    header = f"{'backend':<11} {'metric':<{metric_width}} {'figure':>10} {'target':>10}  result"
    print(header)
    print("-" * len(header))
    for res in all_results:
        for line in res.lines:
            target = f"<= {line.target_ms:.0f} ms" if line.target_ms is not None else "-"
            print(f"{line.backend:<11} {line.metric:<{metric_width}} {line.figure_ms:>7.2f} ms "
                  f"{target:>10}  {line.verdict()}")
    for res in all_results:
        for problem in res.problems:
            print(f"PROBLEM [{res.backend}]: {problem}")
    print(footer if footer is not None else (
        "(open target applies to SQLite; PostgreSQL opens are shown for information. "
        f"Queue figures exclude {WARMUP} warm-up calls.)"))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=100_000,
                        help="requests seeded before the run (default 100000)")
    parser.add_argument("--opens", type=int, default=2_000,
                        help="requests opened through the handlers (default 2000)")
    parser.add_argument("--queue-department", default="finance",
                        help="department whose queue is read (default finance)")
    parser.add_argument("--queue-open", type=int, default=10_000,
                        help="open requests that department holds for the queue test")
    parser.add_argument("--deep-page", type=int, default=400, help="the deep queue page")
    parser.add_argument("--queue-runs", type=int, default=200, help="timed runs per page")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL,
                        help=f"PostgreSQL URL (schema is dropped!) (default {DEFAULT_PG_URL})")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG,
                        help="company config (default config.example.toml)")
    parser.add_argument("--seed", type=int, default=20261123, help="random seed")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = config_mod.load(args.config)
    print(f"crossdesk core bench: {args.requests:,} seeded requests, {args.opens:,} opens, "
          f"{args.queue_open:,}-deep {args.queue_department} queue; python "
          f"{sys.version.split()[0]}")
    all_results: list[Results] = []
    with tempfile.TemporaryDirectory(prefix="crossdesk-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        all_results.append(run_backend("sqlite", url, args, settings))
    if args.sqlite_only:
        print("\n(PostgreSQL skipped: --sqlite-only)")
    else:
        print("\n=== postgresql: preparing database ===")
        pg_url = prepare_postgres(args.pg_url)
        if pg_url is not None:
            all_results.append(run_backend("postgresql", pg_url, args, settings))
    print_table(all_results)
    print(load_text())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")
    return 1 if any(r.problems for r in all_results) else 0


if __name__ == "__main__":
    sys.exit(main())
