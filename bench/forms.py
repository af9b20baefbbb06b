"""Forms bench: opening a request with a five-field form (and a two-step approval) against a
plain open and the open-request target of bench/core.py, on SQLite and PostgreSQL.

Run from the repository root::

    python bench/forms.py                  # SQLite temp file, then PostgreSQL
    python bench/forms.py --sqlite-only
    CROSSDESK_BENCH_DATABASE_URL=postgresql+psycopg://… python bench/forms.py

Each backend is seeded with ``--requests`` stored requests (bench/core.py's Seeder), then
``--opens`` commands of each kind run through the real handlers (``App.handle``: from the
typed line to the answer the person reads, commit included), the clock moved a few seconds
per call:

- ``plain``: ``/request finance reimbursement taxi 86 CNY`` on a service without a form;
- ``form``: the same service asking five fields (amount, date, cost centre, choice, text),
  all given as ``key=value``: parsed, validated, stored typed, shown in the root and the
  confirmation;
- ``approval``: the form plus a two-step approval (the requester's manager, then Finance's
  leads above 500), opened with 8,600: the open, then each approver's ``approve`` timed.

The form and approval are declared here, not read from config.example.toml, so the figures
do not move when the example's forms change. The PostgreSQL database (``--pg-url``, or
``CROSSDESK_BENCH_DATABASE_URL``) is created if missing and its schema dropped and rebuilt.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from core import (
    DEFAULT_CONFIG,
    DEFAULT_PG_URL,
    NOW,
    OPEN_TEXT,
    TARGET_OPEN_P99_MS,
    WARMUP,
    Line,
    Results,
    Seeder,
    insert_requests,
    load_text,
    percentile,
    prepare_postgres,
    print_table,
    set_counters,
    timings_text,
)
from sqlalchemy import insert
from sqlalchemy.engine import make_url

from bot.runtime import app as app_mod
from bot.runtime import config as config_mod
from bot.runtime.clock import ManualClock
from handlers.catalog import Catalog
from handlers.service_spec import ApprovalSpec, ApprovalStep, Choice, FieldSpec
from storage import migrate
from storage.engine import make_engine
from storage.models import Person

FIVE_FIELDS = (
    FieldSpec(key="amount", name="Amount", name_zh="金额", type="amount", required=True,
              currency="CNY", minimum=Decimal("0.01"), maximum=Decimal("100000")),
    FieldSpec(key="spent_on", name="Date of expense", name_zh="消费日期", type="date"),
    FieldSpec(key="cost_centre", name="Cost centre", name_zh="成本中心", type="department"),
    FieldSpec(key="purpose", name="Purpose", name_zh="用途", type="choice", choices=(
        Choice(key="taxi", name="Taxi", name_zh="出租车"),
        Choice(key="meal", name="Client meal", name_zh="客户餐费"))),
    FieldSpec(key="note", name="Note", name_zh="备注", type="text", max_length=200),
)
TWO_STEPS = ApprovalSpec(amount_field="amount", steps=(
    ApprovalStep(approvers=("manager",)),
    ApprovalStep(approvers=("leads:finance",), above=Decimal("500"))))
FORM_TEXT = ("/request finance reimbursement taxi to the airport amount={amount} "
             "spent_on=11-20 cost_centre=sales purpose=taxi note=\"flight CA1234\"")


def with_service(settings: config_mod.Settings, **changes: object) -> config_mod.Settings:
    """``settings`` with Finance's reimbursement changed (its form, instructions, approval)."""
    deps = []
    for dep in settings.catalog.departments:
        if dep.key == "finance":
            cats = tuple(dataclasses.replace(c, **changes) if c.key == "reimbursement"  # type: ignore[arg-type]
                         else c for c in dep.categories)
            dep = dataclasses.replace(dep, categories=cats, _category_index={})
        deps.append(dep)
    return dataclasses.replace(settings, catalog=Catalog(departments=tuple(deps),
                                                         people=settings.catalog.people))


def approval_available() -> bool:
    """Whether the approvals work is in the tree (handlers/approval.py)."""
    try:
        import handlers.approval  # noqa: F401
    except ImportError:
        return False
    return True


def requesters(settings: config_mod.Settings) -> list[str]:
    """People outside Finance whose manager exists and is not Finance's lead (two distinct
    approvers for the two steps)."""
    finance = settings.catalog.department("finance")
    out = []
    for p in settings.catalog.people:
        if p.id == "root" or p.id in finance.staff() or not p.manager:
            continue
        if p.manager in finance.leads or settings.catalog.person_spec(p.manager) is None:
            continue
        out.append(p.id)
    return out


def timed_opens(name: str, app: app_mod.DeskApp, clock: ManualClock, actors: list[str],
                text: str, count: int, results: Results
                ) -> tuple[list[float], list[float], list[str]]:
    """Open ``count`` requests typing ``text``; wall and CPU latencies (ms), the ids opened.
    CPU time is this process's only: on a busy machine it shows the code's own cost."""
    latencies: list[float] = []
    cpu: list[float] = []
    refs: list[str] = []
    for i in range(count + WARMUP):
        clock.set(clock() + timedelta(seconds=7 + i % 11))
        actor = actors[i % len(actors)]
        c0, t0 = time.process_time(), time.perf_counter()
        reply = app.handle(actor, text, clock())
        took, used = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
        if not reply.ok or reply.request_ref is None:
            if len(results.problems) < 5:
                results.problems.append(f"{name} open #{i} failed: {reply.text[:200]}")
            continue
        if i >= WARMUP:
            latencies.append(took)
            cpu.append(used)
        refs.append(reply.request_ref)
    print(timings_text(f"{name}: open", latencies) if latencies else f"  {name}: no opens")
    if cpu:
        print(f"  {name}: CPU per open: mean {sum(cpu) / len(cpu):.2f} ms")
    return latencies, cpu, refs


def timed_approvals(app: app_mod.DeskApp, clock: ManualClock, refs: list[str],
                    results: Results) -> tuple[list[float], list[float]]:
    """Approve each request's two steps as its approvers; latencies (ms) per step."""
    catalog = app.settings.catalog
    lead = catalog.department("finance").leads[0]
    first: list[float] = []
    second: list[float] = []
    for ref in refs:
        requester = _requester(app, ref)
        manager = catalog.person_spec(requester).manager if requester else None
        for who, into in ((manager, first), (lead, second)):
            clock.set(clock() + timedelta(seconds=5))
            t0 = time.perf_counter()
            reply = app.handle(who or "?", f"/request approve {ref}", clock())
            into.append((time.perf_counter() - t0) * 1000)
            if not reply.ok and len(results.problems) < 5:
                results.problems.append(f"approve {ref} by {who} failed: {reply.text[:200]}")
    return first, second


def _requester(app: app_mod.DeskApp, ref: str) -> str | None:
    from sqlmodel import Session, select

    from storage.models import Request

    with Session(app.desk.engine) as session:
        row = session.exec(select(Request).where(Request.ref == ref)).first()
        return row.requester_id if row else None


def run_backend(backend: str, url: str, args: argparse.Namespace,
                settings: config_mod.Settings) -> Results:
    """Seed, then time the three kinds of open (and the approvals) on one database."""
    results = Results(backend)
    print(f"\n=== {backend}: {make_url(url).render_as_string()} ===")
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        clock = ManualClock(NOW)
        plain = with_service(settings, fields=(), instructions="", instructions_zh="",
                             approval=None)
        form = with_service(settings, fields=FIVE_FIELDS, approval=None,
                            instructions="Receipts older than 90 days are not reimbursed.",
                            instructions_zh="超过 90 天的票据不予报销。")
        app_mod.build(plain, clock, engine=engine, upgrade=False)  # people, counters
        seeder = Seeder(plain, clock(), args.seed)
        started = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(insert(Person.__table__), seeder.people_rows())  # type: ignore[attr-defined]
        seeded = insert_requests(engine, seeder.rows(seeder.created_times(args.requests)))
        set_counters(engine, seeder.numbers)
        print(f"seed: {seeded:,} requests in {time.perf_counter() - started:.1f} s")
        actors = requesters(settings)
        target = TARGET_OPEN_P99_MS if backend == "sqlite" else None  # as bench/core.py
        kinds: list[tuple[str, config_mod.Settings, str]] = [
            ("plain", plain, OPEN_TEXT), ("form", form, FORM_TEXT.format(amount=86))]
        if approval_available():
            kinds.append(("approval", dataclasses.replace(
                form, catalog=with_service(form, approval=TWO_STEPS).catalog),
                FORM_TEXT.format(amount=8600)))
        else:
            print("  approval: handlers/approval.py is not in the tree; not measured")
        for name, kind_settings, text in kinds:
            app = app_mod.build(kind_settings, clock, engine=engine, upgrade=False)
            latencies, cpu, refs = timed_opens(name, app, clock, actors, text, args.opens,
                                               results)
            if latencies:
                results.lines.append(Line(backend, f"open p99, {name}",
                                          percentile(latencies, 99), target))
                results.lines.append(Line(backend, f"open p50, {name}",
                                          percentile(latencies, 50), None))
                results.lines.append(Line(backend, f"open CPU mean, {name}",
                                          sum(cpu) / len(cpu), None))
            if name == "approval" and refs:
                first, second = timed_approvals(app, clock, refs[WARMUP:], results)
                print(timings_text("approval: step 1 approve (manager)", first))
                print(timings_text("approval: step 2 approve (finance lead)", second))
                results.lines.append(Line(backend, "approve p99, step 1",
                                          percentile(first, 99), target))
                results.lines.append(Line(backend, "approve p99, step 2 (opens)",
                                          percentile(second, 99), target))
        print(f"   {load_text()}")
    finally:
        engine.dispose()
    return results


FOOTER = (f"(target: bench/core.py's open p99, {TARGET_OPEN_P99_MS:.0f} ms, on SQLite; "
          f"PostgreSQL for information, as in bench/core.py; {WARMUP} warm-up calls per kind "
          "excluded)")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=20_000,
                        help="requests seeded before the run (default 20000)")
    parser.add_argument("--opens", type=int, default=300,
                        help="requests opened per kind (default 300)")
    parser.add_argument("--pg-url", default=os.environ.get("CROSSDESK_BENCH_DATABASE_URL",
                                                           DEFAULT_PG_URL),
                        help="PostgreSQL URL (schema is dropped!) (default "
                             "$CROSSDESK_BENCH_DATABASE_URL, else " + DEFAULT_PG_URL + ")")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG,
                        help="company config (default config.example.toml)")
    parser.add_argument("--seed", type=int, default=20261123, help="random seed")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = config_mod.load(args.config)
    print(f"crossdesk forms bench: {args.requests:,} seeded requests, {args.opens:,} opens per "
          f"kind; python {sys.version.split()[0]}")
    all_results: list[Results] = []
    with tempfile.TemporaryDirectory(prefix="crossdesk-bench-") as tmp:
        all_results.append(run_backend("sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}", args,
                                       settings))
    if args.sqlite_only:
        print("\n(PostgreSQL skipped: --sqlite-only)")
    else:
        pg_url = prepare_postgres(args.pg_url)
        if pg_url is not None:
            all_results.append(run_backend("postgresql", pg_url, args, settings))
    print_table(all_results, FOOTER, metric_width=30)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")
    return 1 if any(r.problems for r in all_results) else 0


if __name__ == "__main__":
    sys.exit(main())
