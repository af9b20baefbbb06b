"""Scenario 6: soak. One `crossdesk serve` (Slack HTTP mode, PostgreSQL) under steady mixed
traffic for CROSSDESK_SOAK_SECONDS (45 by default, for CI; 600 for the long run by hand).

Six people-pairs work through requests at a fixed pace (open, list, ack, queue, resolve,
confirm: 8 commands a second in all). Two latencies per command: the HTTP answer (what Slack
times against its 3 s limit) and the ephemeral reply reaching the typer (in the ack itself, or
posted to response_url after it). After a warm-up
the serve process's RSS (VmRSS in /proc/<pid>/status) is sampled, and again at the end:
growth must stay under 10 %, and p99 latency in the last third of the run must stay within
twice that of the first third."""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, text

from tests.adapters.slack.fake_slack import FakeSlack
from tests.conftest import PG_SCHEMA_URL
from tests.reliability import slash
from tests.reliability.conftest import (
    Processes,
    ServeProcess,
    command_body,
    free_port,
    percentile,
    pg_only,
    report,
    serve_config,
    signed,
    slack_env,
)

pytestmark = pg_only

SECONDS = float(os.environ.get("CROSSDESK_SOAK_SECONDS", "45"))
WARM_UP = min(60.0, max(10.0, SECONDS / 4))
SAMPLE_EVERY = max(5.0, SECONDS / 20)
STEP = 0.75             # each pair sends one command every STEP seconds
REPLY_TIMEOUT = 20.0
RSS_GROWTH = 0.10
P99_RATIO = 2.0
FLOOR_MS = {"ack": 250.0, "reply": 250.0}  # below these a p99 is noise, not degradation
REF_RE = re.compile(r"\b([A-Z]{2,3}-\d+)\b")
PAIRS = [  # (department, category, staff, requester)
    ("finance", "reimbursement amount=86", "U0BOB", "U0ALICE"),  # its form needs the amount
    ("it", "laptop", "U0KEVIN", "U0HENRY"),
    ("hr", "training", "U0NICK", "U0EMMA"),
    ("admin", "travel", "U0MIA", "U0IVAN"),
    ("logistics", "shipment", "U0LEO", "U0KATE"),
    ("quality", "inspection", "U0KATE", "U0JACK"),
]


class TimedSlack(FakeSlack):
    """The stand-in, noting when each probed response_url answer arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: dict[str, tuple[float, str]] = {}
        self.cond = threading.Condition()

    def _record(self, method: str, args: dict[str, Any], token: str | None, ok: bool) -> None:
        super()._record(method, args, token, ok)
        if method == "response_url" and "probe" in args:
            with self.cond:
                self.arrived[str(args["probe"])] = (time.monotonic(), str(args.get("text")))
                self.cond.notify_all()

    def wait_reply(self, probe: str, timeout: float) -> tuple[float, str] | None:
        with self.cond:
            self.cond.wait_for(lambda: probe in self.arrived, timeout)
            return self.arrived.get(probe)


@dataclass
class Sample:
    sent_at: float
    what: str
    ack_ms: float
    reply_ms: float | None
    status: int


@dataclass
class Soak:
    fake: TimedSlack
    proc: ServeProcess
    stop_at: float
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    counter: int = 0

    def send(self, http: httpx.Client, user: str, line: str, what: str) -> str | None:
        """One command; its answer's text (None if none came). The reply time is when the
        answer arrived: with the ack itself, or later at the response_url."""
        with self.lock:
            self.counter += 1
            probe = f"soak-{self.counter}"
        body = command_body(user, line, f"{self.fake.response_url()}?probe={probe}")
        started = time.monotonic()
        response: httpx.Response | None = None
        try:
            response = http.post(self.proc.events_url, content=body, headers=signed(body))
            status = response.status_code
        except httpx.HTTPError:
            status = 0
        acked = time.monotonic()
        reply = slash.in_ack(response) if response is not None else None
        arrived = (acked, str(reply.get("text"))) if reply is not None else (
            self.fake.wait_reply(probe, REPLY_TIMEOUT) if status == 200 else None)
        sample = Sample(started, what, 1000 * (acked - started),
                        1000 * (arrived[0] - started) if arrived else None, status)
        with self.lock:
            self.samples.append(sample)
        return arrived[1] if arrived else None

    def pair(self, index: int) -> None:
        dep, cat, staff, requester = PAIRS[index]
        next_at = time.monotonic() + index * STEP / len(PAIRS)
        story = 0
        with httpx.Client(timeout=10) as http:

            def step(user: str, line: str, what: str) -> str | None:
                nonlocal next_at
                time.sleep(max(0.0, next_at - time.monotonic()))
                next_at += STEP
                if time.monotonic() >= self.stop_at:
                    return None
                return self.send(http, user, line, what)

            while time.monotonic() < self.stop_at:
                story += 1
                answer = step(requester, f"{dep} {cat} soak story {story}", "open")
                match = REF_RE.search(answer or "")
                if not match:
                    continue
                ref = match.group(1)
                step(requester, "list", "list")
                step(staff, f"ack {ref}", "ack")
                step(staff, "queue", "queue")
                step(staff, f"resolve {ref} done in story {story}", "resolve")
                step(requester, f"confirm {ref}", "confirm")


@pytest.fixture
def soak_server(tmp_path: Path, engine: Engine,
                processes: Processes) -> Iterator[tuple[ServeProcess, TimedSlack]]:
    assert PG_SCHEMA_URL
    fake = TimedSlack().start()
    port = free_port()
    config = serve_config(tmp_path / "soak.toml", port, slack_url=fake.url)
    proc = processes.serve("soak", config, port, PG_SCHEMA_URL, slack_env())
    try:
        yield proc.start(), fake  # type: ignore[misc]
    finally:
        proc.stop()
        fake.stop()


def undelivered(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM outbox WHERE delivered_at IS NULL")
                                ).scalar_one())


def thirds(samples: list[Sample], start: float, end: float, key: str) -> list[float]:
    """p99 (ms) of ``key`` latency in each third of [start, end)."""
    span = (end - start) / 3
    out = []
    for n in range(3):
        values = [getattr(s, key) for s in samples
                  if start + n * span <= s.sent_at < start + (n + 1) * span
                  and getattr(s, key) is not None]
        out.append(round(percentile(values, 99), 1))
    return out


def test_soak_memory_and_latency_stay_flat(soak_server: tuple[ServeProcess, TimedSlack],
                                          engine: Engine) -> None:
    proc, fake = soak_server
    started = time.monotonic()
    soak = Soak(fake, proc, stop_at=started + SECONDS)
    workers = [threading.Thread(target=soak.pair, args=(i,), daemon=True)
               for i in range(len(PAIRS))]
    for worker in workers:
        worker.start()
    rss = [proc.rss_kb()]
    backlog_every = []
    time.sleep(WARM_UP)
    rss_warm = proc.rss_kb()
    samples_at_warm = len(soak.samples)
    while time.monotonic() < soak.stop_at:
        time.sleep(min(SAMPLE_EVERY, max(0.0, soak.stop_at - time.monotonic())))
        rss.append(proc.rss_kb())
        backlog_every.append(undelivered(engine))
    for worker in workers:
        worker.join(timeout=REPLY_TIMEOUT + 10)
    rss_end = proc.rss_kb()
    ended = time.monotonic()

    samples = soak.samples
    measured = [s for s in samples if s.sent_at >= started + WARM_UP]
    ack = thirds(samples, started + WARM_UP, soak.stop_at, "ack_ms")
    reply = thirds(samples, started + WARM_UP, soak.stop_at, "reply_ms")
    with engine.connect() as conn:
        states: dict[str, int] = dict(conn.execute(
            text("SELECT state, count(*) FROM request GROUP BY state")).all())
        pending: dict[str, int] = dict(conn.execute(text(
            "SELECT target, count(*) FROM outbox WHERE delivered_at IS NULL GROUP BY target "
            "ORDER BY count(*) DESC LIMIT 5")).all())
    failed = [s for s in samples if s.status != 200]
    unanswered = [s for s in samples if s.status == 200 and s.reply_ms is None]
    growth = (rss_end - rss_warm) / rss_warm
    report(f"scenario 6: soak for {SECONDS:.0f}s (warm-up {WARM_UP:.0f}s)",
           commands=len(samples), per_second=round(len(samples) / (ended - started), 1),
           commands_after_warm_up=len(measured), before_warm_up=samples_at_warm,
           not_accepted=len(failed), unanswered=len(unanswered),
           requests_by_state=states, outbox_undelivered=backlog_every,
           most_undelivered_at_end=pending,
           rss_kb_start_warm_end=(rss[0], rss_warm, rss_end),
           rss_growth_after_warm_up=f"{100 * growth:.1f}%",
           rss_kb_sampled=rss,
           ack_p99_ms_by_third=ack, reply_p99_ms_by_third=reply,
           ack_p50_ms=round(percentile([s.ack_ms for s in measured], 50), 1),
           reply_p50_ms=round(percentile([s.reply_ms for s in measured
                                          if s.reply_ms is not None], 50), 1))
    assert not failed and not unanswered
    assert growth < RSS_GROWTH, f"RSS grew {100 * growth:.1f}% after the warm-up"
    for name, (first, _, last) in (("ack", ack), ("reply", reply)):
        assert last <= P99_RATIO * max(first, FLOOR_MS[name]), \
            f"{name} p99 went from {first} ms to {last} ms"
