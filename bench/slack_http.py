"""Slack HTTP mode benchmark: the real ``crossdesk serve``, signed ``/request`` slash commands.

Run from the repository root::

    python bench/slack_http.py
    python bench/slack_http.py --sqlite-only --requests 200 --clients 10 --rounds 1

What is measured. For SQLite (a temp file) and PostgreSQL (``--pg-url``, database
``crossdesk_bench`` by default: created if missing, its schema dropped and rebuilt each round;
``test`` is refused) the script starts ``python -m bot serve`` as a child process: config
``[slack] mode = "http"``, ``api_base_url`` at a local Slack Web API stand-in (a process of its
own that answers ``{"ok": true, …}`` and counts the calls; it is also every command's
``response_url``, recording each POST and its arrival time), with the scheduler (sweep,
dispatch) and the dispatcher running as in production. A slash command runs before its ack,
and the ack body carries the answer; one still running after 2.5 s is acked "still working"
and answered on the response_url. The *answer time* is from sending the signed request to the
answer being visible: the ack, or for "still working" the response_url POST.

* one person: ``--single`` (200) commands, one after another (``--single-pause`` 0.1 s apart);
* burst: ``--requests`` (2,000) commands from ``--clients`` (50) concurrent keep-alive clients
  (one asyncio loop); then the serve process's resident memory (VmRSS);
* after serve stopped: the ``request`` table holds exactly one request per command (by the
  ``#n`` in its title) that was not refused, none for a refused one ("busy": nothing was
  changed, send it again): nothing lost, nothing doubled;
* the floor: a bare Bolt app (same signature checks, same thread-pool dispatch under uvicorn)
  whose ``/request`` listener inserts one row into a table of the same database and acks; its
  commands/s under the same burst, and ours over it.

Each app runs ``--rounds`` times (3), interleaved; the table shows medians (counts: sums).
Targets: one person answer p99 <= 30 ms; burst answer p99 <= 1 s, nothing lost, nothing
doubled, no busy answers; our commands/s >= 1/3 of the bare app's; serve RSS after the burst
<= 150 MB.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from serve_rig import (  # noqa: E402 - after the path set-up above
    DEFAULT_PG_URL,
    ROOT,
    Load,
    Serve,
    StandIn,
    cpu_seconds,
    free_port,
    http_post,
    mark,
    percentile,
    postgres_url,
    rss_mb,
    run_load,
    sqlite_url,
    summarize_problems,
)

SECRET = "bench-signing-secret"
ENV = {"SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SECRET}
WARMUP = 100
WARM_BASE, SINGLE_BASE = 100_000, 200_000
SINGLE_USER = "U0ALICE"
TARGET_SINGLE_P99_MS = 30.0
TARGET_BURST_P99_MS = 1000.0
TARGET_SHARE = 1 / 3
TARGET_RSS_MB = 150.0
TITLE_MARK = re.compile(r"#(\d+)")
VERDICTS = ("opened", "working", "busy", "error")


def verdict(text: str) -> str:
    """What an answer says: opened, working (still working), busy, or error."""
    if "Opened " in text or "已提交" in text:
        return "opened"
    if "Still working" in text or "正在处理" in text:
        return "working"
    if "very busy" in text or "非常繁忙" in text:
        return "busy"
    return "error"


# --------------------------------------------------------------------------- requests


def signed(body: str) -> dict[str, str]:
    """Headers Slack would send with ``body``."""
    from slack_sdk.signature import SignatureVerifier

    ts = str(int(time.time()))
    return {"Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": str(SignatureVerifier(SECRET).generate_signature(
                timestamp=ts, body=body))}


class Commands:
    """Slash commands from the sample company's people, across every department's services;
    command n says ``#n`` in its text and answers late on ``<stand-in>/respond/<n>``."""

    def __init__(self, respond_base: str) -> None:
        from bot.runtime import config as config_mod

        settings = config_mod.load(ROOT / "config.example.toml")
        self.users = [p.slack for p in settings.catalog.people if p.slack]
        self.services = [(d.key, c.key) for d in settings.catalog.departments  # opened as
                         for c in d.categories  # typed: no required field, no approval
                         if not any(f.required for f in c.fields) and c.approval is None]
        self.respond_base = respond_base

    def body(self, n: int, user: str | None = None) -> str:
        dep, cat = self.services[n % len(self.services)]
        return urlencode({
            "team_id": "T0ACME", "team_domain": "acme", "channel_id": "C0GENERAL",
            "user_id": user or self.users[n % len(self.users)], "user_name": "bench",
            "command": "/request", "text": f"{dep} {cat} taxi to the client, 86 CNY #{n}",
            "api_app_id": "A0DESK", "response_url": f"{self.respond_base}/respond/{n}",
            "trigger_id": f"{n}.{uuid.uuid4().hex}",
        })

    def wire(self, user: str | None = None) -> Any:
        """n → the signed POST, signed as it is sent (as Slack does)."""
        def build(n: int) -> bytes:
            body = self.body(n, user)
            return http_post("/slack/events", body.encode(), signed(body))
        return build


# --------------------------------------------------------------------------- figures


@dataclass
class Phase:
    """One load: answer times and what the answers said."""

    count: int = 0
    seconds: float = 0.0
    answer_ms: list[float] = field(default_factory=list)
    said: Counter[str] = field(default_factory=Counter)  # opened (ack), opened late, busy…
    ack_ms: list[float] = field(default_factory=list)
    verdicts: dict[int, str] = field(default_factory=dict)  # n → its final answer's verdict

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def p(self, pct: float) -> float:
        return percentile(self.answer_ms, pct)


def ack_text(body: bytes) -> str:
    """The verdict of an ack body (JSON with the answer's text)."""
    try:
        return verdict(str(json.loads(body or b"{}").get("text") or ""))
    except (ValueError, AttributeError):
        return "error"


def judge(load: Load, late: dict[int, dict[str, Any]]) -> Phase:
    """Answer time and verdict per command: the ack's, or the response_url's after a
    "still working" ack."""
    phase = Phase(count=len(load.sent), seconds=load.seconds)
    for n, sent in load.sent.items():
        phase.ack_ms.append(sent.ms)
        phase.verdicts[n] = "error"
        if sent.status != 200:
            phase.said["error"] += 1
            continue
        said = phase.verdicts[n] = ack_text(sent.body)
        if said == "working":
            phase.said["working"] += 1
            answer = late.get(n)
            if answer is None:
                phase.said["lost"] += 1
                continue
            said = phase.verdicts[n] = verdict(answer["body"])
            phase.said[f"{said} late" if said == "opened" else said] += 1
            phase.answer_ms.append((answer["at"] - sent.at) * 1000)
            continue
        phase.said[said] += 1
        phase.answer_ms.append(sent.ms)
    return phase


@dataclass
class Round:
    """One round of crossdesk serve."""

    single: Phase
    burst: Phase
    rss_mb: float
    cpu_ms: float  # serve's CPU per burst command
    lost: int
    doubled: int
    refused: int
    refused_stored: int
    api_calls: dict[str, int]
    problems: list[str]
    exit_status: int | None


@dataclass
class BareRound:
    burst: Phase
    cpu_ms: float


def late_answers(stand_in: StandIn) -> dict[int, dict[str, Any]]:
    """response_url POSTs by command number."""
    return {int(r["path"].rsplit("/", 1)[-1]): r for r in stand_in.records()
            if r["path"].startswith("/respond/")}


def wait_late(stand_in: StandIn, load: Load, timeout: float = 60) -> dict[int, dict[str, Any]]:
    """Wait (bounded) for the response_url answers of every "still working" ack."""
    wanted = {n for n, sent in load.sent.items() if ack_text(sent.body) == "working"}
    deadline = time.monotonic() + timeout
    while True:
        late = late_answers(stand_in)
        if wanted <= set(late) or time.monotonic() > deadline:
            return late
        time.sleep(0.5)


def run_crossdesk(url: str, args: argparse.Namespace, tmp: Path, label: str) -> Round:
    """One round: serve up, warm up, one person, burst, RSS, stop, count the requests."""
    from serve_rig import count_titles

    stand_in = StandIn("slack")
    extra = f'\n[slack]\nmode = "http"\napi_base_url = "{stand_in.base}/api/"\n'
    serve = Serve(tmp, url, extra, ENV, label)
    try:
        commands = Commands(stand_in.base)
        run_load(serve.port, [WARM_BASE + i for i in range(WARMUP)], commands.wire(), 10)
        single_load = run_load(serve.port, [SINGLE_BASE + i for i in range(args.single)],
                               commands.wire(SINGLE_USER), 1, args.single_pause)
        cpu = cpu_seconds(serve.pid)
        burst_load = run_load(serve.port, list(range(args.requests)), commands.wire(),
                              args.clients)
        cpu = (cpu_seconds(serve.pid) - cpu) / args.requests * 1000
        rss = rss_mb(serve.pid)
        late = wait_late(stand_in, burst_load)
        single = judge(single_load, late)
        burst = judge(burst_load, late)
        burst.said["connection failures"] += burst_load.failures
        api_calls = stand_in.counts()
    finally:
        serve.stop()
        stand_in.close()
    counts, _refs = count_titles(url, TITLE_MARK)
    verdicts = {**burst.verdicts, **single.verdicts}
    refused = {n for n, said in verdicts.items() if said in ("busy", "error")}
    lost = sum(1 for n in verdicts if n not in refused and counts[str(n)] == 0)
    doubled = sum(1 for n in verdicts if counts[str(n)] > 1)
    refused_stored = sum(1 for n in refused if counts[str(n)] > 0)
    problems = serve.problems()
    if problems or serve.exit_status:
        serve.keep_log("slack_http")
    return Round(single, burst, rss, cpu, lost, doubled, len(refused), refused_stored, api_calls,
                 problems, serve.exit_status)


# --------------------------------------------------------------------------- the floor


def bare_main(database_url: str, port: int, api_base: str) -> None:
    """Child process: a Bolt app whose /request listener inserts one row and acks, served as
    crossdesk serves Slack (uvicorn, Bolt.dispatch in a thread pool of its own)."""
    import asyncio
    import logging
    from concurrent.futures import ThreadPoolExecutor

    import uvicorn
    from slack_bolt import Ack, App
    from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
    from slack_sdk import WebClient
    from sqlalchemy import Column, Integer, MetaData, String, Table, insert
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from bot.adapters.slack.platform import DISPATCH_THREADS
    from bot.runtime.server import build_server, read_limited
    from storage.engine import make_engine

    logging.disable(logging.WARNING)
    engine = make_engine(database_url)
    acks = Table("bench_ack", MetaData(), Column("id", Integer, primary_key=True),
                 Column("trigger_id", String(100), nullable=False),
                 Column("text", String(300), nullable=False))
    acks.create(engine, checkfirst=True)
    client = WebClient(token="xoxb-bench", base_url=api_base, retry_handlers=[])
    bolt = App(client=client, signing_secret=SECRET, token_verification_enabled=False,
               process_before_response=True)
    pool = ThreadPoolExecutor(DISPATCH_THREADS)

    @bolt.command("/request")
    def store_and_ack(ack: Ack, body: dict[str, Any]) -> None:
        with engine.begin() as conn:
            conn.execute(insert(acks).values(trigger_id=body["trigger_id"], text=body["text"]))
        ack(text="Opened it", response_type="ephemeral")

    async def events(request: Request) -> Response:
        body = await read_limited(request) or b""
        response = await asyncio.get_running_loop().run_in_executor(
            pool, bolt.dispatch, to_bolt_request(request, body))
        return to_starlette_response(response)

    uvicorn.run(build_server([Route("/slack/events", events, methods=["POST"])]),
                host="127.0.0.1", port=port, log_level="error", access_log=False)


def run_bare(url: str, args: argparse.Namespace) -> BareRound:
    """One round of the bare app: warm-up, then the same burst."""
    import socket

    port = free_port()
    stand_in = StandIn("slack")  # Bolt calls auth.test once, on the first request
    child = mp.get_context("spawn").Process(
        target=bare_main, args=(url, port, f"{stand_in.base}/api/"), daemon=True)
    child.start()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if not child.is_alive() or time.monotonic() > deadline:
                    raise RuntimeError("the bare Bolt app did not start") from None
                time.sleep(0.1)
        commands = Commands(stand_in.base)
        run_load(port, [WARM_BASE + i for i in range(WARMUP)], commands.wire(), 10)
        cpu = cpu_seconds(child.pid)
        load = run_load(port, list(range(args.requests)), commands.wire(), args.clients)
        cpu = (cpu_seconds(child.pid) - cpu) / args.requests * 1000
        burst = judge(load, {})
        burst.said["connection failures"] += load.failures
        return BareRound(burst, cpu)
    finally:
        child.terminate()
        child.join(10)
        stand_in.close()


# --------------------------------------------------------------------------- report


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(backend: str, rounds: list[Round], bare: list[BareRound],
           args: argparse.Namespace) -> int:
    """Print one backend's table and its targets; the number of targets missed."""
    said = sum((r.burst.said for r in rounds), Counter())
    single_said = sum((r.single.said for r in rounds), Counter())
    single_p50 = med([r.single.p(50) for r in rounds])
    single_p99 = med([r.single.p(99) for r in rounds])
    burst_p50 = med([r.burst.p(50) for r in rounds])
    burst_p99 = med([r.burst.p(99) for r in rounds])
    ours = med([r.burst.per_second for r in rounds])
    floor = med([b.burst.per_second for b in bare])
    bare_p99 = med([b.burst.p(99) for b in bare])
    rss = med([r.rss_mb for r in rounds])
    lost = sum(r.lost for r in rounds)
    doubled = sum(r.doubled for r in rounds)
    refused = sum(r.refused for r in rounds)
    refused_stored = sum(r.refused_stored for r in rounds)
    total = args.requests * len(rounds)
    print(f"\n{backend}: {len(rounds)} round(s); medians over rounds, counts summed")
    print(f"  {'phase':<26}{'cmds':>6}{'cmd/s':>8}{'p50 ms':>9}{'p99 ms':>9}   answers said")
    print(f"  {'one person (sequential)':<26}{args.single * len(rounds):>6}"
          f"{med([r.single.per_second for r in rounds]):>8.0f}{single_p50:>9.1f}"
          f"{single_p99:>9.1f}   {said_text(single_said)}")
    print(f"  {f'burst, {args.clients} clients':<26}{total:>6}{ours:>8.0f}{burst_p50:>9.1f}"
          f"{burst_p99:>9.1f}   {said_text(said)}")
    bare_said = sum((b.burst.said for b in bare), Counter())
    print(f"  {'bare Bolt + insert, burst':<26}{args.requests * len(bare):>6}{floor:>8.0f}"
          f"{med([b.burst.p(50) for b in bare]):>9.1f}{bare_p99:>9.1f}   "
          f"{said_text(bare_said)}")
    calls: Counter[str] = Counter()
    for r in rounds:
        for path, n in r.api_calls.items():
            calls["response_url" if path.startswith("/respond/") else path.rsplit("/", 1)[-1]] += n
    print("  Slack stand-in calls (all rounds): "
          + (", ".join(f"{name} {n}" for name, n in calls.most_common()) or "none"))
    share = ours / floor if floor else 0.0
    checks = [
        (single_p99 <= TARGET_SINGLE_P99_MS,
         f"one person: answer p99 {single_p99:.1f} ms (target <= {TARGET_SINGLE_P99_MS:g} ms)"),
        (burst_p99 <= TARGET_BURST_P99_MS,
         f"burst: answer p99 {burst_p99:.0f} ms (target <= {TARGET_BURST_P99_MS:g} ms)"),
        (lost == 0, f"burst + one person: {lost} command(s) lost (answered, not refused, "
                    "but no request stored)"),
        (doubled == 0, f"burst + one person: {doubled} command(s) doubled (2+ requests)"),
        (refused_stored == 0, f"refused (busy/error: 'nothing was changed') {refused}, of "
                              f"them stored anyway {refused_stored}"),
        (said["busy"] == 0 and single_said["busy"] == 0,
         f"busy answers: {said['busy'] + single_said['busy']} (target 0)"),
        (share >= TARGET_SHARE,
         f"commands/s: ours {ours:.0f}, bare Bolt + insert {floor:.0f}, ratio {share:.2f} "
         f"(target >= {TARGET_SHARE:.2f})"),
        (rss <= TARGET_RSS_MB, f"serve RSS after the burst {rss:.0f} MB (target <= "
                               f"{TARGET_RSS_MB:g} MB)"),
    ]
    missed = 0
    for ok, text in checks:
        missed += not ok
        print(f"  {backend:<11}{text} {mark(ok)}")
    print(f"  {backend:<11}CPU per burst command: serve "
          f"{med([r.cpu_ms for r in rounds]):.2f} ms, bare Bolt + insert "
          f"{med([b.cpu_ms for b in bare]):.2f} ms (wall figures move with other work on "
          "the machine; these barely do) info")
    errors = said["error"] + said["lost"] + said["connection failures"] + single_said["error"]
    print(f"  {backend:<11}error answers {errors}, still-working acks "
          f"{said['working'] + single_said['working']} info")
    problems = [line for r in rounds for line in r.problems]
    statuses = [r.exit_status for r in rounds]
    print(f"  {backend:<11}serve log: {len(problems)} warning/error line(s); exit status "
          f"{statuses} info")
    for line in summarize_problems(problems):
        print(f"      {line}")
    return missed


def said_text(said: Counter[str]) -> str:
    keys = ["opened", "opened late", "working", "busy", "error", "lost", "connection failures"]
    return ", ".join(f"{k} {said[k]}" for k in keys if said[k]) or "-"


def main(argv: list[str] | None = None) -> int:
    """Run every backend and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="commands in the burst")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (burst)")
    parser.add_argument("--single", type=int, default=200,
                        help="commands one person sends one after another")
    parser.add_argument("--single-pause", type=float, default=0.1,
                        help="seconds the person waits between commands")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of each app, interleaved; the table shows medians")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--pg-only", action="store_true")
    args = parser.parse_args(argv)
    print(f"crossdesk serve, Slack HTTP mode: {args.single} sequential commands from one "
          f"person, then a burst of {args.requests} from {args.clients} clients; "
          f"{args.rounds} round(s), bare Bolt + insert interleaved", flush=True)
    missed = 0
    with tempfile.TemporaryDirectory(prefix="crossdesk-slack-bench-") as tmp_name:
        tmp = Path(tmp_name)
        backends: list[tuple[str, Any]] = []
        if not args.pg_only:
            backends.append(("SQLite", lambda name: sqlite_url(tmp / f"{name}.db")))
        if not args.sqlite_only:
            backends.append(("PostgreSQL", lambda _name: postgres_url(args.pg_url)))
        for backend, prepare in backends:
            rounds: list[Round] = []
            bare: list[BareRound] = []
            for n in range(1, args.rounds + 1):
                url = prepare("crossdesk")
                if url is None:
                    break
                ours = run_crossdesk(url, args, tmp, f"{backend.lower()}-r{n}")
                rounds.append(ours)
                url = prepare("bare")
                bare.append(run_bare(url, args))
                print(f"{backend} round {n}: one person p99 {ours.single.p(99):.1f} ms; burst "
                      f"{ours.burst.per_second:.0f} cmd/s, p99 {ours.burst.p(99):.0f} ms, "
                      f"{said_text(ours.burst.said)}; lost {ours.lost}, doubled "
                      f"{ours.doubled}, refused {ours.refused}; RSS {ours.rss_mb:.0f} MB; bare "
                      f"{bare[-1].burst.per_second:.0f} cmd/s", flush=True)
            if rounds:
                missed += report(backend, rounds, bare, args)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
