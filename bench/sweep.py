"""Sweep benchmark: one ``handlers.sweep.sweep`` over a deep open backlog, SQLite and PostgreSQL.

Run from the repository root::

    python bench/sweep.py                  # SQLite temp file, then PostgreSQL
    python bench/sweep.py --sqlite-only
    python bench/sweep.py --sizes 10000 100000 --due 1000 --runs 3
    python bench/sweep.py --sqlite-only --profile   # cProfile the largest size

For each backend and each backlog size N (default 10,000 and 100,000 open requests) it

1. seeds N open requests with bulk Core inserts: the departments and categories of
   config.example.toml, states open / acknowledged / in_progress, created over the past two
   weeks mostly in office hours, due times computed with each department's business calendar
   (priority-scaled, as the handlers do). The sweep's own rule engine (``rules_for`` with the
   real escalation ladders) decides each row's steady state: every rule already past is
   claimed (``nudge_claim``; ``breach`` rows for missed targets) and ``next_sweep_at`` is the
   next rule still ahead. Exactly ``--due`` rows (default 1,000) are instead caught mid-flight:
   a breach, repeat or escalation of theirs fell due in the last ``--window`` minutes, the
   rules before it are claimed and ``next_sweep_at`` is that rule's moment, so the sweep has
   real nudges and escalations to claim. Every other row's ``next_sweep_at`` is in the future;
2. builds the app with ``bot.runtime.app.build(settings, ManualClock(now), engine=engine)`` and runs
   ``--warmup`` untimed sweeps then ``--runs`` timed ones at ``now`` (Tuesday 2026-11-24
   10:00 Asia/Shanghai, inside everyone's working hours). Between sweeps the due rows get
   their ``next_sweep_at`` back and the claims, breaches and outbox rows stamped ``now`` are
   deleted, so every sweep does the same work;

and ends with a table: ms per sweep (median of the timed runs), requests evaluated, claims
made and the ratio time(largest N) / time(smallest N), beside the targets (PASS / MISS).

PostgreSQL (``--pg-url``, database created if missing) is used through its own schema
(``--pg-schema``, default ``sweep_bench``), which is dropped and rebuilt for each size; the
``public`` schema other benches use is left alone, and database ``test`` is refused (the test
suite owns it). An unreachable server is reported and skipped.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast
from zoneinfo import ZoneInfo

from bench_pg import ensure_database, reset_schema
from sqlalchemy import Engine, bindparam, delete, func, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlmodel import Session

from bot.runtime import app as app_mod
from bot.runtime import config as config_mod
from bot.runtime.clock import ManualClock
from handlers.catalog import Category, Department
from handlers.desk import Desk
from handlers.sweep import SweepStats, due_count, sweep
from handlers.sweep_rules import Rule, ladder, rules_for
from storage import migrate
from storage.engine import make_engine, normalize_url
from storage.models import Breach, DepartmentCounter, NudgeClaim, Outbox, Person, Request

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "config.example.toml"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/crossdesk_bench"
DEFAULT_PG_SCHEMA = "sweep_bench"
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
CHUNK = 5_000
SYNTHETIC_PEOPLE = 300
HISTORY_DAYS = 14
STATES = (("open", 0.40), ("acknowledged", 0.25), ("in_progress", 0.35))
MID_FLIGHT = ("breach", "repeat", "escalate")  # what makes a row due: a deadline passed
MAX_TRIES = 400  # creation times tried per department/category pick
TARGET_SQLITE_MS = 300.0
TARGET_RATIO = 1.5

TITLES = (
    "taxi 86 CNY", "hotel Shenzhen 2 nights 1,180 CNY", "please check the attached figures",
    "needed before Friday's meeting", "customer is waiting, urgent", "same as last month",
    "line 3 stopped twice this morning", "new colleague starts on Monday",
    "quarterly numbers for the east region", "see the e-mail from the supplier",
)


# ---------------------------------------------------------------------------
# Seeding
# ---------------------------------------------------------------------------


@dataclass
class Plan:
    """Rows to insert for one backlog, and the due rows' ``next_sweep_at`` to restore."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    breaches: list[dict[str, Any]] = field(default_factory=list)
    due: dict[int, datetime] = field(default_factory=dict)
    people: list[dict[str, Any]] = field(default_factory=list)
    numbers: dict[str, int] = field(default_factory=dict)
    candidates: int = 0
    states: dict[str, int] = field(default_factory=dict)
    departments: dict[str, int] = field(default_factory=dict)
    due_kinds: dict[str, int] = field(default_factory=dict)


class Seeder:
    """Open requests in a plausible steady state, judged by the sweep's own rules."""

    def __init__(self, settings: config_mod.Settings, desk: Desk, now: datetime,
                 window: timedelta, seed: int) -> None:
        self.settings = settings
        self.desk = desk
        self.now = now.astimezone(UTC)
        self.window_start = self.now - window
        self.tz = settings.policy.tz
        self.rng = random.Random(seed)
        self.departments = settings.catalog.departments
        self.factors = settings.policy.priority_factors
        self.configured = [p.id for p in settings.catalog.people if p.id != "root"]
        self.synthetic = [f"emp{i:04d}" for i in range(1, SYNTHETIC_PEOPLE + 1)]
        self.homes = {
            pid: (deps[0].key if (deps := settings.catalog.departments_of(pid)) else None)
            for pid in self.configured
        }
        with Session(desk.engine) as session:
            self.ladders = {
                d.key: ladder(session, desk, d.key, desk.service.nudges_for(d.key).escalation_depth)
                for d in self.departments
            }

    def people_rows(self) -> list[dict[str, Any]]:
        """Employees met in chat (not in config), so requesters are not all the same few."""
        return [
            {"id": pid, "name": f"Employee {pid[3:]}", "locale": None, "slack_id": None,
             "wecom_id": None, "manager_id": None, "source": "chat",
             "created_at": self.now - timedelta(days=400)}
            for pid in self.synthetic
        ]

    def _created(self) -> datetime:
        """A creation instant in the past two weeks: mostly weekdays and office hours."""
        rng = self.rng
        now_local = self.now.astimezone(self.tz)
        while True:
            days_ago = int(HISTORY_DAYS * rng.random() ** 1.5)
            day = (now_local - timedelta(days=days_ago)).date()
            if day.weekday() >= 5 and rng.random() < 0.85:
                continue
            if rng.random() < 0.9:
                minute = rng.randrange(8 * 60 + 30, 18 * 60 + 30)
            else:
                minute = rng.randrange(0, 24 * 60)
            moment = datetime(day.year, day.month, day.day, tzinfo=self.tz) + timedelta(
                minutes=minute, seconds=rng.randrange(60))
            if moment < self.now - timedelta(minutes=5):
                return moment.astimezone(UTC)

    def _state(self) -> str:
        r = self.rng.random()
        for state, share in STATES:
            r -= share
            if r < 0:
                return state
        return STATES[-1][0]

    def candidate(self, dep: Department, category: Category) -> dict[str, Any]:
        """One open request row (no id, ref or next_sweep_at yet)."""
        rng = self.rng
        created = self._created()
        state = self._state()
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
        calendar = self.desk.calendar_for(dep.key)
        first_due = calendar.add_business_time(created, category.first_response * scale)
        title = rng.choice(TITLES)
        assignee = None
        first_response_at = None
        updated = created
        if state != "open":
            gap = timedelta(minutes=rng.randrange(5, 4 * 60))
            first_response_at = updated = min(self.now - timedelta(minutes=1), created + gap)
            assignee = rng.choice(dep.staff())
        elif rng.random() < 0.2:  # assigned by a lead, not yet acknowledged
            assignee = rng.choice(dep.staff())
        return {
            "ref": "", "number": 0, "origin_department": dep.key, "department": dep.key,
            "category": category.key, "requester_id": requester, "requester_department": home,
            "assignee_id": assignee, "resolver_id": None, "priority": priority, "state": state,
            "title": title, "details": title, "resolution_note": None,
            "created_at": created, "updated_at": updated, "first_response_at": first_response_at,
            "resolved_at": None, "closed_at": None, "first_response_due": first_due,
            "resolution_due": calendar.add_business_time(created, category.resolution * scale),
            "paused_at": None, "paused_seconds": 0, "thread_ref": None,
            "clock_started_at": created, "snoozed_until": None, "next_sweep_at": None,
            "swept_until": None, "cycle": 0, "original_resolution_due": None,
            "agreed_at": None, "agreements": 0, "proposed_at": None,
        }

    def rules(self, row: dict[str, Any]) -> list[Rule]:
        """Every rule of the row, from the sweep's own rule engine."""
        request = cast(Request, SimpleNamespace(**row))
        return list(rules_for(self.desk, request, self.ladders[row["department"]]))

    def plan(self, n_open: int, n_due: int) -> Plan:
        """``n_open`` rows of which exactly ``n_due`` are due at ``now``."""
        plan = Plan(numbers={d.key: 0 for d in self.departments})
        want_rest = n_open - n_due
        rest = 0
        while len(plan.due) < n_due or rest < want_rest:
            # Department and category first, so the backlog is spread like the catalog; then
            # creation times until the row is still live (a rule ahead) or, for a due row,
            # crossed a deadline in the window.
            dep: Department = self.rng.choice(self.departments)
            category: Category = self.rng.choice(dep.categories)
            for _ in range(MAX_TRIES):
                plan.candidates += 1
                row = self.candidate(dep, category)
                rules = self.rules(row)
                flight = [r for r in rules
                          if r.kind in MID_FLIGHT and self.window_start < r.when <= self.now]
                ahead = [r.when for r in rules if r.when > self.now]
                if flight and len(plan.due) < n_due:
                    first = min(flight, key=lambda r: r.when)
                    cutoff = first.when  # the previous sweep ran just before this rule
                    row["next_sweep_at"] = cutoff
                    plan.due_kinds[first.kind] = plan.due_kinds.get(first.kind, 0) + 1
                elif ahead and rest < want_rest:
                    cutoff = self.now + timedelta(microseconds=1)  # everything past is done
                    row["next_sweep_at"] = min(ahead)
                    rest += 1
                else:
                    continue
                # the previous sweep looked at everything before the cutoff
                row["swept_until"] = cutoff - timedelta(microseconds=1)
                self._add(plan, row, [r for r in rules if r.when < cutoff])
                break
        return plan

    def _add(self, plan: Plan, row: dict[str, Any], done: list[Rule]) -> None:
        """Number the row and record the claims (and breaches) of the rules already acted on."""
        request_id = len(plan.requests) + 1
        dep = self.settings.catalog.department(row["department"])
        plan.numbers[dep.key] += 1
        number = plan.numbers[dep.key]
        row.update(id=request_id, ref=f"{dep.prefix}-{number}", number=number)
        plan.requests.append(row)
        if row["next_sweep_at"] <= self.now:
            plan.due[request_id] = row["next_sweep_at"]
        plan.states[row["state"]] = plan.states.get(row["state"], 0) + 1
        plan.departments[dep.key] = plan.departments.get(dep.key, 0) + 1
        keys: set[str] = set()
        breached: set[tuple[str, datetime]] = set()
        for rule in done:
            key = rule.key(request_id)
            if key in keys:
                continue
            keys.add(key)
            claimed_at = min(rule.when, self.now - timedelta(seconds=1))
            plan.claims.append({"key": key, "request_id": request_id, "claimed_at": claimed_at})
            if rule.kind == "breach" and (rule.target, rule.due) not in breached:
                breached.add((rule.target, rule.due))
                plan.breaches.append({
                    "request_id": request_id, "department": dep.key, "target": rule.target,
                    "due_at": rule.due, "detected_at": claimed_at, "late_seconds": None,
                })


def chunks(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    """``rows`` in lists of at most ``size``."""
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def bulk_insert(engine: Engine, plan: Plan) -> None:
    """Insert people, requests, claims and breaches in one transaction; move the counters."""
    tables: Iterable[tuple[Any, list[dict[str, Any]]]] = (
        (Person.__table__, plan.people),  # type: ignore[attr-defined]
        (Request.__table__, plan.requests),  # type: ignore[attr-defined]
        (NudgeClaim.__table__, plan.claims),  # type: ignore[attr-defined]
        (Breach.__table__, plan.breaches),  # type: ignore[attr-defined]
    )
    counter = DepartmentCounter.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        for table, rows in tables:
            for batch in chunks(rows, CHUNK):
                conn.execute(insert(table), batch)
        for department, number in plan.numbers.items():
            conn.execute(update(counter).where(counter.c.department == department)
                         .values(last_number=number))
        if engine.dialect.name == "postgresql":
            for name in ("request", "breach"):
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {name}))"))


def analyze(engine: Engine) -> None:
    """Refresh planner statistics (what autovacuum / a periodic ANALYZE would do)."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
        else:
            conn.exec_driver_sql("ANALYZE")


def reset(engine: Engine, plan: Plan, now: datetime) -> None:
    """Undo one sweep: due rows due again; its claims, breaches and outbox rows gone."""
    request = Request.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(
            update(request).where(request.c.id == bindparam("rid"))
            .values(next_sweep_at=bindparam("when"), swept_until=bindparam("seen")),
            [{"rid": rid, "when": when, "seen": when - timedelta(microseconds=1)}
             for rid, when in plan.due.items()])
        conn.execute(delete(NudgeClaim).where(NudgeClaim.claimed_at == now))  # type: ignore[arg-type]
        conn.execute(delete(Breach).where(Breach.detected_at == now))  # type: ignore[arg-type]
        conn.execute(delete(Outbox).where(Outbox.created_at == now))  # type: ignore[arg-type]


def table_counts(engine: Engine) -> dict[str, int]:
    """Row counts of the tables the sweep touches."""
    out = {}
    with engine.connect() as conn:
        for model in (Request, NudgeClaim, Breach, Outbox):
            out[model.__tablename__] = conn.execute(  # type: ignore[attr-defined]
                select(func.count()).select_from(model)).scalar_one()
    return out


# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------


@dataclass
class Measure:
    """One backlog size on one backend."""

    backend: str
    n_open: int
    runs_ms: list[float]
    cpu_ms: list[float]
    warmup_ms: list[float]
    stats: SweepStats
    outbox: int

    @property
    def median_ms(self) -> float:
        return statistics.median(self.runs_ms)


def measure(backend: str, engine: Engine, settings: config_mod.Settings,
            args: argparse.Namespace, n_open: int, plans: dict[int, Plan],
            problems: list[str]) -> Measure:
    """Seed one backlog (the same rows on every backend), then time the sweeps."""
    started = time.perf_counter()
    migrate.upgrade(engine)
    plan = plans.get(n_open)
    how = "plan reused"
    if plan is None:
        planner = app_mod.build(settings, ManualClock(NOW), engine=engine, upgrade=False)
        seeder = Seeder(settings, planner.desk, NOW, timedelta(minutes=args.window),
                        args.seed + n_open)
        plan = plans[n_open] = seeder.plan(n_open, args.due)
        plan.people = seeder.people_rows()
        how = f"plan {time.perf_counter() - started:.1f} s"
    planned = time.perf_counter()
    bulk_insert(engine, plan)
    analyze(engine)
    seeded = time.perf_counter()
    counts = table_counts(engine)
    print(f"  seed: {len(plan.requests):,} open requests from {plan.candidates:,} candidates "
          f"({how}, insert+analyze {seeded - planned:.1f} s); "
          f"{counts['nudge_claim']:,} earlier claims, {counts['breach']:,} breaches")
    print("    states: " + ", ".join(f"{k} {v:,}" for k, v in sorted(plan.states.items())))
    print("    departments: "
          + ", ".join(f"{k} {v:,}" for k, v in sorted(plan.departments.items())))
    print("    due rows by the rule that fell due first: "
          + ", ".join(f"{k} {v}" for k, v in sorted(plan.due_kinds.items())))

    clock = ManualClock(NOW)
    app = app_mod.build(settings, clock, engine=engine)
    now = clock()
    with Session(engine) as session:
        waiting = due_count(session, now)
    if waiting != args.due:
        problems.append(f"{backend} {n_open:,}: {waiting} due before the sweep, "
                        f"expected {args.due}")

    runs: list[float] = []
    cpu: list[float] = []
    warm: list[float] = []
    stats = SweepStats()
    outbox = 0
    for i in range(args.warmup + args.runs):
        if i:
            reset(engine, plan, now)
        c0, t0 = time.process_time(), time.perf_counter()
        stats = sweep(app.desk, now)
        ms = (time.perf_counter() - t0) * 1000
        cpu_ms = (time.process_time() - c0) * 1000
        outbox = table_counts(engine)["outbox"]
        label = "warm-up" if i < args.warmup else f"run {i - args.warmup + 1}"
        print(f"  {label}: {ms:8.1f} ms (cpu {cpu_ms:6.1f})  evaluated {stats.requests:,}  claimed "
              f"{stats.claimed:,}  outbox +{outbox:,}" + ("  SKIPPED (lock)" if stats.skipped
                                                          else ""))
        (warm if i < args.warmup else runs).append(ms)
        if i >= args.warmup:
            cpu.append(cpu_ms)
        if stats.skipped or stats.requests != args.due or stats.claimed == 0:
            problems.append(f"{backend} {n_open:,} {label}: evaluated {stats.requests}, "
                            f"claimed {stats.claimed}, skipped {stats.skipped}")
        with Session(engine) as session:
            left = due_count(session, now)
        if left:
            problems.append(f"{backend} {n_open:,} {label}: {left} still due after the sweep")
    result = Measure(backend, n_open, runs, cpu, warm, stats, outbox)
    print(f"  => median {result.median_ms:.1f} ms per sweep (min {min(runs):.1f}, "
          f"max {max(runs):.1f}) over {len(runs)} runs")
    if args.profile and n_open == max(args.sizes):
        profile(engine, plan, app.desk, now, args.profile_lines)
    return result


def profile(engine: Engine, plan: Plan, desk: Desk, now: datetime, lines: int) -> None:
    """cProfile one more sweep and print where the time goes."""
    reset(engine, plan, now)
    profiler = cProfile.Profile()
    profiler.enable()
    sweep(desk, now)
    profiler.disable()
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(lines)
        print(f"  --- cProfile, one sweep, by {order} ---")
        print("\n".join("  " + line for line in out.getvalue().strip().splitlines()))


def run_size(backend: str, n_open: int, args: argparse.Namespace,
             settings: config_mod.Settings, plans: dict[int, Plan],
             problems: list[str]) -> Measure:
    """One backlog size on one backend, on a fresh database."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="crossdesk-sweep-") as tmp:
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            print(f"\n=== sqlite, {n_open:,} open: {url} ===")
            engine = make_engine(url)
            try:
                return measure(backend, engine, settings, args, n_open, plans, problems)
            finally:
                engine.dispose()
    url = normalize_url(args.pg_url)
    print(f"\n=== postgresql, {n_open:,} open: {make_url(url).render_as_string()} "
          f"(schema {args.pg_schema}) ===")
    reset_schema(url, args.pg_schema)
    engine = make_engine(url, connect_args={"options": f"-csearch_path={args.pg_schema}"})
    try:
        return measure(backend, engine, settings, args, n_open, plans, problems)
    finally:
        engine.dispose()


def print_table(results: list[Measure], sizes: list[int]) -> None:
    """The figures beside their targets."""
    small, large = min(sizes), max(sizes)
    print("\n=== summary (median of the timed runs) ===")
    header = (f"{'backend':<11} {'open':>8} {'ms/sweep':>9} {'cpu ms':>7} {'evaluated':>9} "
              f"{'claims':>7} {'outbox':>6}")
    print(header)
    print("-" * len(header))
    for m in results:
        print(f"{m.backend:<11} {m.n_open:>8,} {m.median_ms:>9.1f} "
              f"{statistics.median(m.cpu_ms):>7.1f} {m.stats.requests:>9,} "
              f"{m.stats.claimed:>7,} {m.outbox:>6,}")
    print()
    header = f"{'backend':<11} {'metric':<36} {'figure':>10} {'target':>10}  result"
    print(header)
    print("-" * len(header))
    for backend in dict.fromkeys(m.backend for m in results):
        by_size = {m.n_open: m for m in results if m.backend == backend}
        if large in by_size:
            figure = by_size[large].median_ms
            if backend == "sqlite":
                verdict = "PASS" if figure <= TARGET_SQLITE_MS else "MISS"
                target = f"<= {TARGET_SQLITE_MS:.0f} ms"
            else:
                verdict, target = "info", "-"
            print(f"{backend:<11} {f'ms per sweep at {large:,} open':<36} {figure:>7.1f} ms "
                  f"{target:>10}  {verdict}")
        if small in by_size and large in by_size and small != large:
            ratio = by_size[large].median_ms / by_size[small].median_ms
            verdict = "PASS" if ratio <= TARGET_RATIO else "MISS"
            print(f"{backend:<11} {f'ratio time({large:,}) / time({small:,})':<36} "
                  f"{ratio:>10.2f} {f'<= {TARGET_RATIO}':>10}  {verdict}")
    print("(ms = wall time of sweep(); cpu = this process's CPU time, without the PostgreSQL\n"
          " server's. The ms target applies to SQLite; PostgreSQL's ms is shown for information,\n"
          " its ratio is judged.)")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000],
                        help="open requests per backlog (default 10000 100000)")
    parser.add_argument("--due", type=int, default=1_000,
                        help="of which due for the sweep at the measured moment (default 1000)")
    parser.add_argument("--window", type=int, default=55,
                        help="due rows crossed a deadline within this many minutes (default 55)")
    parser.add_argument("--runs", type=int, default=3, help="timed sweeps per size (default 3)")
    parser.add_argument("--warmup", type=int, default=1,
                        help="untimed sweeps first, per size (default 1)")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL,
                        help=f"PostgreSQL URL (default {DEFAULT_PG_URL})")
    parser.add_argument("--pg-schema", default=DEFAULT_PG_SCHEMA,
                        help="schema the bench drops and rebuilds (default sweep_bench)")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile one extra sweep at the largest size on each backend")
    parser.add_argument("--profile-lines", type=int, default=30,
                        help="functions listed per profile table (default 30)")
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG,
                        help="company config (default config.example.toml)")
    parser.add_argument("--seed", type=int, default=20261124, help="random seed")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.due < 1 or any(n <= args.due for n in args.sizes):
        parser.error("need --runs >= 1, --due >= 1 and every size larger than --due")
    if args.pg_schema in ("public", "pg_catalog", "information_schema"):
        parser.error(f"refusing to drop schema {args.pg_schema!r}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = config_mod.load(args.config)
    print(f"crossdesk sweep bench: backlogs {', '.join(f'{n:,}' for n in args.sizes)} open, "
          f"{args.due:,} due at {NOW.isoformat()} ({NOW:%A}); {args.warmup} warm-up + "
          f"{args.runs} timed sweeps each; python {sys.version.split()[0]}")
    problems: list[str] = []
    backends = ["sqlite"]
    if args.sqlite_only:
        print("(PostgreSQL skipped: --sqlite-only)")
    elif ensure_database(normalize_url(args.pg_url)):
        backends.append("postgresql")
    results: list[Measure] = []
    for n_open in args.sizes:
        plans: dict[int, Plan] = {}  # planned once per size, inserted on every backend
        for backend in backends:
            results.append(run_size(backend, n_open, args, settings, plans, problems))
    results.sort(key=lambda m: (backends.index(m.backend), m.n_open))
    print_table(results, args.sizes)
    for problem in problems:
        print(f"PROBLEM: {problem}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
