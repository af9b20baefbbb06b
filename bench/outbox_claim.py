"""Outbox claim benchmark: how long a dispatcher's claim takes as the outbox grows.

Run from the repository root::

    python bench/outbox_claim.py                 # SQLite temp file, then PostgreSQL
    python bench/outbox_claim.py --sqlite-only
    python bench/outbox_claim.py --delivered 100000 500000 --waiting 5000

The claim (``storage.outbox.claim_due``) keeps each target's messages in order: a row is not
taken while an older row to its target is still on its way. For each size it seeds
``--delivered`` delivered rows (history nobody pruned yet), ``--waiting`` undelivered rows to
one busy channel behind a head that waits out a 429, and 200 due rows to 200 people; then
times ``--runs`` claims of a 50-row batch (rolled back, so each claim sees the same outbox)
and prints the median, beside the target: a claim under 20 ms whatever the history, since a
dispatcher pass makes one per batch and commands share the database with it. Then a real
``Dispatcher`` (a platform that takes everything at once, the clock standing still) makes one
pass that delivers the 200 free rows (CPU ms per row) and ``--runs`` passes that find only
the held rows: the CPU a burst's dispatch pass pays for the rows waiting.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench.bench_pg import ensure_database, reset_schema  # noqa: E402
from bot.runtime.dispatch import Dispatcher  # noqa: E402
from handlers.messages import Message  # noqa: E402
from storage import outbox  # noqa: E402
from storage.engine import make_engine, transaction  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Outbox  # noqa: E402

TARGET_MS = 20.0
PG_URL = os.environ.get("CROSSDESK_BENCH_PG_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/crossdesk_bench")
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


def seed(engine, delivered: int, waiting: int) -> None:  # type: ignore[no-untyped-def]
    """History, one held channel and 200 free people (see the module docstring)."""
    chunk = 20_000
    old = NOW - timedelta(days=3)
    with transaction(engine) as s:
        for start in range(0, delivered, chunk):
            s.connection().execute(insert(Outbox), [
                {"target": f"person:p{n % 500}", "payload": {"text": "old"}, "created_at": old,
                 "due_at": old, "attempts": 1, "delivered_at": old}
                for n in range(start, min(delivered, start + chunk))])
        s.connection().execute(insert(Outbox), [
            {"target": "dept:busy", "payload": {"text": f"busy {n}"}, "created_at": NOW,
             "due_at": NOW, "attempts": 0} for n in range(waiting)])
        s.connection().execute(insert(Outbox), [
            {"target": f"person:free{n}", "payload": {"text": "hi"}, "created_at": NOW,
             "due_at": NOW, "attempts": 0} for n in range(200)])
    with transaction(engine) as s:
        head = s.connection().exec_driver_sql(
            "SELECT min(id) FROM outbox WHERE target = 'dept:busy'").scalar_one()
        outbox.lease(s, [head], NOW + timedelta(seconds=30), NOW)  # a 429 holds it back


def time_claims(engine, runs: int) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """Median ms of one 50-row claim (rolled back each time) and the rows one claim got."""
    took, got = [], 0
    for _ in range(runs):
        with Session(engine) as s:
            started = time.perf_counter()
            rows = outbox.claim_due(s, NOW, 50)
            took.append((time.perf_counter() - started) * 1000)
            got = len(rows)
            s.rollback()
    return statistics.median(took), got


class Quick:
    """A platform that takes every message at once (the pass's own work is what is timed)."""

    def __init__(self) -> None:
        self.sent = 0

    def send(self, message: Message, thread_ref: str | None) -> str | None:
        self.sent += 1
        return None


def time_passes(engine, runs: int) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    """Dispatcher passes over the seeded outbox, clock standing still: the first delivers the
    200 free rows (CPU ms per row), then ``runs`` passes find only rows held behind the busy
    channel's head (median CPU ms and wall ms of one): what a burst's passes pay for the
    rows waiting. CPU is this process's (on PostgreSQL the server's share is not in it)."""
    platform = Quick()
    dispatcher = Dispatcher(engine, lambda _m: platform, lambda: NOW)
    started = time.process_time()
    dispatcher.run_once()
    per_row = (time.process_time() - started) * 1000 / max(1, platform.sent)
    cpu, wall = [], []
    for _ in range(runs):
        started, began = time.process_time(), time.perf_counter()
        stats = dispatcher.run_once()
        cpu.append((time.process_time() - started) * 1000)
        wall.append((time.perf_counter() - began) * 1000)
        assert stats.delivered == 0, stats
    return per_row, statistics.median(cpu), statistics.median(wall)


def run(name: str, url: str, sizes: list[int], waiting: int, runs: int) -> list[str]:
    lines = []
    for delivered in sizes:
        if name == "postgresql":
            reset_schema(url)
        engine = make_engine(url)
        upgrade(engine)
        seed(engine, delivered, waiting)
        if name == "postgresql":
            with engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE outbox")
        ms, got = time_claims(engine, runs)
        verdict = "PASS" if ms < TARGET_MS and got == 50 else "MISS"
        lines.append(f"{name:<10} delivered={delivered:>8,} waiting={waiting:>6,} "
                     f"claim_ms={ms:7.2f} rows={got}  target<{TARGET_MS:.0f}ms {verdict}")
        print(lines[-1], flush=True)
        per_row, cpu, wall = time_passes(engine, runs)
        lines.append(f"{'':<10} a pass with {waiting:,} rows held and none free: "
                     f"cpu_ms={cpu:6.2f} wall_ms={wall:6.2f}; a pass sending 200: "
                     f"cpu_ms/row={per_row:5.2f}")
        print(lines[-1], flush=True)
        engine.dispose()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delivered", type=int, nargs="+", default=[10_000, 200_000])
    parser.add_argument("--waiting", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.delivered:
            url = f"sqlite:///{tmp}/claim-{size}.db"
            run("sqlite", url, [size], args.waiting, args.runs)
    if not args.sqlite_only and ensure_database(PG_URL):
        run("postgresql", PG_URL, args.delivered, args.waiting, args.runs)


if __name__ == "__main__":
    main()
