"""Slack HTTP mode benchmark: signed ``/request`` POSTs over loopback, 50 concurrent clients.

Run from the repository root::

    /work/venv/bin/python bench/slack_http.py
    /work/venv/bin/python bench/slack_http.py --sqlite-only --requests 1000

For SQLite (a temp file) and PostgreSQL (``--pg-url``, database ``crossdesk_bench`` by
default: created if missing, its ``public`` schema dropped and rebuilt; ``test`` is refused)
it starts, in a child process, uvicorn serving the real crossdesk Slack app (``/slack/events``
in HTTP mode, Bolt signature checks, the handlers opening requests in the database, against a
local Slack Web API stand-in), then times ``--requests`` signed slash-command POSTs from
``--clients`` concurrent clients on keep-alive connections: from sending the request to reading
the whole response. It does the same for a bare Bolt app whose ``/request`` listener only acks,
served by the same Starlette app and uvicorn, and prints requests/s, p50 and p99, and our
figures over the bare ones. The bare app dispatches through Starlette's ``run_in_threadpool``
as Bolt's own Starlette adapter does; crossdesk uses a thread pool of its own, which costs
less per request (its A/B figures are in the commit that made the change).
The load generator is one asyncio event loop, each client a coroutine that signs its request as
it sends it; ``--client threads`` uses a thread per client (``http.client``) instead, as the
first versions of this script did: on two cores those 50 threads queue for their own
interpreter lock, and that queue, not the server, set the p99 of bare Bolt (77-116 ms).
Each app runs ``--rounds`` times (3), interleaved, so both meet the same moods of a shared
machine (bare Bolt alone varied 1,300-2,400 req/s from run to run here); each round is
printed, and the table shows the medians.
Targets: p99 <= 100 ms, ratio <= 2.

crossdesk stores a slash command in its inbox before it acks (so a 200 means the command is
stored: nothing acked is lost if the process dies) and acks with an empty body; its command
worker process runs it and posts the ephemeral answer to the command's response_url. A
stand-in for that URL, in a process of its own as Slack would be, records every answer: the
script checks that each one says "opened" and prints how long after the POST the answers
came, with 50 clients and with one client at a time (what a person typing a command sees).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import http.client
import json
import math
import multiprocessing as mp
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/crossdesk_bench"
SECRET = "bench-signing-secret"
ENV = {"SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SECRET}
TARGET_P99_MS = 100.0
TARGET_RATIO = 2.0
WARMUP = 100


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(pct / 100 * len(ordered))) - 1]


def free_port() -> int:
    """A port nothing listens on yet."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --------------------------------------------------------------------------- servers (child)


def slack_api_stand_in() -> str:
    """A local Web API that says ok to everything (Bolt calls auth.test once)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = json.dumps({"ok": True, "user_id": "U0BOT", "bot_id": "B0BOT",
                               "team_id": "T0ACME", "ts": "1790000000.000100"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/api/"


def crossdesk_asgi(database_url: str) -> Any:
    """The real thing: settings, desk, Slack platform, shared Starlette app."""
    import os

    from bot import app as app_mod
    from bot import config as config_mod
    from bot.adapters.slack import build_slack
    from bot.clock import SystemClock
    from bot.server import build_server
    from storage.engine import make_engine

    os.environ.update(ENV)  # the command worker process reads the secrets from here
    settings = config_mod.load(ROOT / "config.example.toml", database_url)
    settings = dataclasses.replace(settings, raw={**settings.raw, "slack": {"mode": "http"}})
    app = app_mod.build(settings, SystemClock(), make_engine(database_url), upgrade=False)
    platform = build_slack(app, settings, lambda: None, client_base_url=slack_api_stand_in(),
                           environ=ENV, worker="process")
    return build_server(platform.routes())


def bare_asgi() -> Any:
    """A Bolt app whose /request listener only acks, configured and served like ours."""
    from concurrent.futures import ThreadPoolExecutor as Pool

    from slack_bolt import Ack, App
    from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
    from slack_sdk import WebClient
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from bot.adapters.slack.bolt_app import LISTENER_THREADS
    from bot.server import build_server, read_limited

    client = WebClient(token="xoxb-bench", base_url=slack_api_stand_in(), retry_handlers=[])
    bolt = App(client=client, signing_secret=SECRET, token_verification_enabled=False,
               process_before_response=True, listener_executor=Pool(LISTENER_THREADS))

    @bolt.command("/request")
    def only_ack(ack: Ack) -> None:
        ack()

    async def events(request: Request) -> Response:
        body = await read_limited(request) or b""
        response = await run_in_threadpool(bolt.dispatch, to_bolt_request(request, body))
        return to_starlette_response(response)

    return build_server([Route("/slack/events", events, methods=["POST"])])


def serve(kind: str, database_url: str, port: int) -> None:
    """Child process: build the app and serve it on ``port`` until terminated."""
    import logging

    import uvicorn

    logging.disable(logging.WARNING)
    asgi = crossdesk_asgi(database_url) if kind == "crossdesk" else bare_asgi()
    uvicorn.run(asgi, host="127.0.0.1", port=port, log_level="error", access_log=False)


# --------------------------------------------------------------------------- load (parent)


def answers_main(conn: Any) -> None:
    """Child process: the response_url stand-in (Slack's side, so not in the clients' process);
    sends its port, then on request every answer's arrival time and whether it says opened."""
    arrived: dict[int, tuple[float, bool]] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            at = time.time()
            data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            n = int(self.path.rsplit("/", 1)[-1])
            arrived[n] = (at, opened(data))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    conn.send(server.server_address[1])
    while conn.recv() == "report":
        conn.send(dict(arrived))


def opened(data: bytes) -> bool:
    """True for an answer saying a request was opened (English or Chinese)."""
    return b"Opened" in data or b"\\u5df2" in data or "已".encode() in data


class Answers:
    """The response_url stand-in, run in a process of its own."""

    def __init__(self) -> None:
        self.conn, child_end = mp.Pipe()
        self.process = mp.get_context("spawn").Process(target=answers_main, args=(child_end,),
                                                       daemon=True)
        self.process.start()
        self.port = int(self.conn.recv())

    def url(self, n: int) -> str:
        return f"http://127.0.0.1:{self.port}/respond/{n}"

    def arrived(self) -> dict[int, tuple[float, bool]]:
        """Every answer so far: number → (arrival time, says opened)."""
        self.conn.send("report")
        return dict(self.conn.recv())

    def wait(self, wanted: set[int], timeout: float) -> dict[int, tuple[float, bool]]:
        """Wait (bounded) until every wanted answer arrived; what arrived."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.arrived()
            if wanted <= set(got) or time.monotonic() > deadline:
                return got
            time.sleep(0.2)

    def close(self) -> None:
        self.conn.send("stop")
        self.process.join(5)


def signed(body: str) -> dict[str, str]:
    """Headers Slack would send with ``body``."""
    from slack_sdk.signature import SignatureVerifier

    ts = str(int(time.time()))
    return {"Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": str(SignatureVerifier(SECRET).generate_signature(
                timestamp=ts, body=body))}


def command_bodies(count: int, answers: Answers, first: int = 0) -> list[str]:
    """Slash commands from the sample company's people, across every department's services."""
    from bot import config as config_mod

    settings = config_mod.load(ROOT / "config.example.toml")
    users = [p.slack for p in settings.catalog.people if p.slack]
    services = [(d.key, c.key) for d in settings.catalog.departments for c in d.categories]
    bodies = []
    for n in range(first, first + count):
        dep, cat = services[n % len(services)]
        bodies.append(urlencode({
            "team_id": "T0ACME", "team_domain": "acme", "channel_id": "C0GENERAL",
            "user_id": users[n % len(users)], "user_name": "bench", "command": "/request",
            "text": f"{dep} {cat} bench request {n}: taxi to the client, 86 CNY",
            "api_app_id": "A0DESK", "response_url": answers.url(n),
            "trigger_id": uuid.uuid4().hex,
        }))
    return bodies


@dataclasses.dataclass
class Figures:
    """One run's result: the HTTP acknowledgement; for crossdesk also how many answers said
    "opened" on the response_url and how long after the POST they came; one client at a time."""

    label: str
    rps: float
    p50: float
    p99: float
    errors: int
    sent_at: dict[int, float] = dataclasses.field(default_factory=dict, repr=False)
    answered: int | None = None
    answer_p50: float | None = None
    answer_p99: float | None = None
    drained_s: float | None = None
    single_p50: float | None = None
    single_p99: float | None = None
    single_answer_p50: float | None = None
    single_answer_p99: float | None = None


def load(port: int, bodies: list[str], clients: int, label: str, pause: float = 0.0,
         client: str = "asyncio") -> tuple[Figures, dict[int, bytes]]:
    """POST every body from ``clients`` concurrent keep-alive connections and time each; each
    client waits ``pause`` seconds after a response before its next POST. ``client`` picks
    the load generator: "asyncio" (one event loop, light enough that it measures the server)
    or "threads" (one ``http.client`` thread per client, the earlier harness)."""
    run_load = load_threads if client == "threads" else load_asyncio
    began = time.perf_counter()
    latencies, received, sent_at, errors = run_load(port, bodies, clients, pause)
    elapsed = time.perf_counter() - began
    return Figures(label, len(latencies) / elapsed, percentile(latencies, 50),
                   percentile(latencies, 99), errors, sent_at), received


LoadResult = tuple[list[float], dict[int, bytes], dict[int, float], int]


def request_bytes(body: str) -> bytes:
    """One signed POST to /slack/events, as it goes on the wire."""
    data = body.encode()
    head = "".join(f"{k}: {v}\r\n" for k, v in signed(body).items())
    return (f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}"
            f"Content-Length: {len(data)}\r\n\r\n").encode() + data


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """Status and body of one HTTP/1.1 response with a Content-Length."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = next((int(line.split(":", 1)[1]) for line in lines[1:]
                   if line.lower().startswith("content-length:")), 0)
    return status, await reader.readexactly(length) if length else b""


def load_asyncio(port: int, bodies: list[str], clients: int, pause: float) -> LoadResult:
    """The load from one asyncio event loop: each client a coroutine with its connection."""
    latencies: list[float] = []
    received: dict[int, bytes] = {}
    sent_at: dict[int, float] = {}
    errors = 0
    cursor = iter(range(len(bodies)))

    async def one_client() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for n in cursor:
            wire = request_bytes(bodies[n])  # signed as it is sent, as Slack does
            sent_at[n] = time.time()
            start = time.perf_counter()
            writer.write(wire)
            status, data = await read_response(reader)
            latencies.append((time.perf_counter() - start) * 1000)
            received[n] = data
            errors += status != 200
            if pause:
                await asyncio.sleep(pause)
        writer.close()

    async def everyone() -> None:
        await asyncio.gather(*(one_client() for _ in range(clients)))

    asyncio.run(everyone())
    return latencies, received, sent_at, errors


def load_threads(port: int, bodies: list[str], clients: int, pause: float) -> LoadResult:
    """The load from ``clients`` threads, each with an ``http.client`` connection."""
    latencies: list[float] = []
    received: dict[int, bytes] = {}
    sent_at: dict[int, float] = {}
    errors = 0
    lock = threading.Lock()
    cursor = iter(range(len(bodies)))

    def worker() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                n = next(cursor, None)
            if n is None:
                break
            body = bodies[n]
            headers = signed(body)
            sent_at[n] = time.time()
            start = time.perf_counter()
            conn.request("POST", "/slack/events", body=body.encode(), headers=headers)
            response = conn.getresponse()
            data = response.read()
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                received[n] = data
                errors += response.status != 200
            if pause:
                time.sleep(pause)
        conn.close()

    with ThreadPoolExecutor(clients) as pool:
        for _ in range(clients):
            pool.submit(worker)
    return latencies, received, sent_at, errors


def start_server(kind: str, database_url: str, label: str) -> tuple[int, Any]:
    """The server child and its port; another port when the free one was taken meanwhile."""
    for _attempt in range(5):
        port = free_port()
        child = mp.get_context("spawn").Process(target=serve, args=(kind, database_url, port))
        child.start()
        deadline = time.monotonic() + 60
        while child.is_alive() and time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return port, child
            except OSError:
                time.sleep(0.1)
        child.terminate()
        child.join(10)
    raise RuntimeError(f"{label}: server did not start")


def run(kind: str, database_url: str, args: argparse.Namespace, label: str) -> Figures:
    """Start the server child, warm it up, measure, stop it."""
    answers = Answers()
    port, child = start_server(kind, database_url, label)
    try:
        warm = command_bodies(WARMUP, answers, first=10**6)
        load(port, warm, min(args.clients, 10), label, client=args.client)
        if kind == "crossdesk":
            answers.wait(set(range(10**6, 10**6 + WARMUP)), 120)
        bodies = command_bodies(args.requests, answers)
        figures, received = load(port, bodies, args.clients, label, client=args.client)
        if kind == "crossdesk":
            check_answers(figures, received, answers, args.requests, first=0)
        single_bodies = command_bodies(args.single, answers, first=2 * 10**6)
        single, single_received = load(port, single_bodies, 1, label, args.single_pause,
                                       client=args.client)
        figures.single_p50, figures.single_p99 = single.p50, single.p99
        if kind == "crossdesk":
            check_answers(single, single_received, answers, args.single, first=2 * 10**6)
            figures.single_answer_p50 = single.answer_p50
            figures.single_answer_p99 = single.answer_p99
            figures.errors += single.errors
        return figures
    finally:
        answers.close()
        child.terminate()
        child.join(10)


def check_answers(figures: Figures, received: dict[int, bytes], answers: Answers, count: int,
                  first: int) -> None:
    """Wait for every answer on the response_url; count the ones saying "opened", and time
    them from their POST. An ack that carried text ("try again") or a missing answer is an
    error."""
    wanted = set(range(first, first + count))
    began = time.time()
    got = answers.wait(wanted, 300)
    delays = [(got[n][0] - figures.sent_at[n - first]) * 1000 for n in wanted if n in got]
    figures.answered = sum(1 for n in wanted if n in got and got[n][1])
    figures.answer_p50 = percentile(delays, 50) if delays else math.inf
    figures.answer_p99 = percentile(delays, 99) if delays else math.inf
    figures.drained_s = max((got[n][0] for n in wanted if n in got), default=began) - began
    figures.errors += sum(1 for data in received.values() if data.strip())
    figures.errors += count - figures.answered


# --------------------------------------------------------------------------- databases


def sqlite_url(tmp: Path) -> str:
    """A migrated SQLite file in ``tmp``."""
    from storage import migrate
    from storage.engine import make_engine

    url = f"sqlite:///{tmp / 'bench.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    return url


def postgres_url(url: str) -> str | None:
    """Create the database if missing and rebuild its schema; None when unreachable."""
    from bench_pg import ensure_database, reset_schema

    from storage import migrate
    from storage.engine import make_engine, normalize_url

    url = normalize_url(url)
    if not ensure_database(url):
        return None
    reset_schema(url)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    return url


# --------------------------------------------------------------------------- report


def median_of(runs: list[Figures]) -> Figures:
    """One figure per column: the median over the rounds (errors: their sum; answered: the
    fewest)."""
    first = runs[0]
    merged = dataclasses.replace(first, errors=sum(r.errors for r in runs))
    for field in ("rps", "p50", "p99", "answer_p50", "answer_p99", "drained_s", "single_p50",
                  "single_p99", "single_answer_p50", "single_answer_p99"):
        values = [getattr(r, field) for r in runs if getattr(r, field) is not None]
        if values:
            setattr(merged, field, statistics.median(values))
    if first.answered is not None:
        merged.answered = min(r.answered or 0 for r in runs)
    return merged


def report(rows: list[tuple[str, Figures, Figures]], requests: int, clients: int) -> int:
    """Print the table; exit status 1 when a target is missed."""
    missed = 0
    print(f"\n{'backend':<11}{'app':<11}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
          f"{'answered':>10}   one client: p50 ms  p99 ms")
    for backend, ours, bare in rows:
        for fig in (ours, bare):
            answered = "-" if fig.answered is None else f"{fig.answered}/{requests}"
            print(f"{backend:<11}{fig.label:<11}{fig.rps:>8.0f}{fig.p50:>9.1f}{fig.p99:>9.1f}"
                  f"{fig.errors:>8}{answered:>10}   {fig.single_p50:>18.1f}{fig.single_p99:>8.1f}")
        p99_ratio = ours.p99 / bare.p99
        rps_ratio = bare.rps / ours.rps
        ok_p99 = ours.p99 <= TARGET_P99_MS
        ok_ratio = p99_ratio <= TARGET_RATIO and rps_ratio <= TARGET_RATIO
        missed += (not ok_p99) + (not ok_ratio) + bool(ours.errors)
        print(f"{backend:<11}{clients} clients: p99 {ours.p99:.0f} ms (target <= "
              f"{TARGET_P99_MS:g} ms) {'PASS' if ok_p99 else 'MISS'}")
        print(f"{backend:<11}ratio ours/bare: p99 {p99_ratio:.2f}, req/s {rps_ratio:.2f} "
              f"(target <= {TARGET_RATIO:g}) {'PASS' if ok_ratio else 'MISS'}")
        print(f"{backend:<11}one client: ack p99 {ours.single_p99:.0f} ms; answer on the "
              f"response_url p50 {ours.single_answer_p50:.0f} ms, p99 "
              f"{ours.single_answer_p99:.0f} ms info")
        print(f"{backend:<11}{clients} clients: answers p50 {ours.answer_p50:.0f} ms, p99 "
              f"{ours.answer_p99:.0f} ms after the POST; the last came "
              f"{ours.drained_s:.1f} s after the load ended info")
    return 1 if missed else 0


def main(argv: list[str] | None = None) -> int:
    """Run every backend and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--single", type=int, default=200,
                        help="requests sent by one client after the concurrent run")
    parser.add_argument("--single-pause", type=float, default=0.1,
                        help="seconds one client waits between commands (a person typing)")
    parser.add_argument("--client", choices=("asyncio", "threads"), default="asyncio",
                        help="load generator: one event loop (default) or a thread per client")
    parser.add_argument("--rounds", type=int, default=3,
                        help="runs of each app, interleaved; the table shows their medians")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--pg-only", action="store_true")
    args = parser.parse_args(argv)
    print(f"{args.requests} signed /request POSTs, {args.clients} concurrent clients "
          f"({args.client} load generator), loopback; {args.rounds} round(s) of each app, "
          "the table shows medians")
    rows: list[tuple[str, Figures, Figures]] = []
    backends: list[tuple[str, Callable[[], str | None]]] = []
    with tempfile.TemporaryDirectory(prefix="crossdesk-slack-bench-") as tmp:
        if not args.pg_only:
            backends.append(("SQLite", lambda: sqlite_url(Path(tmp))))
        if not args.sqlite_only:
            backends.append(("PostgreSQL", lambda: postgres_url(args.pg_url)))
        for backend, prepare in backends:
            url = prepare()
            if url is None:
                continue
            rounds: list[tuple[Figures, Figures]] = []
            for n in range(1, args.rounds + 1):  # interleaved: both see the same machine
                rounds.append((run("crossdesk", url, args, "crossdesk"),
                               run("bare", url, args, "bare Bolt")))
                ours, bare = rounds[-1]
                print(f"{backend} round {n}: crossdesk {ours.rps:.0f} req/s p99 {ours.p99:.1f} "
                      f"ms, errors {ours.errors}; bare Bolt {bare.rps:.0f} req/s p99 "
                      f"{bare.p99:.1f} ms; ratio p99 {ours.p99 / bare.p99:.2f}, req/s "
                      f"{bare.rps / ours.rps:.2f}", flush=True)
            rows.append((backend, median_of([o for o, _ in rounds]),
                         median_of([b for _, b in rounds])))
    return report(rows, args.requests, args.clients)


if __name__ == "__main__":
    raise SystemExit(main())
