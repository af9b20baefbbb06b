"""WeCom callback benchmark: the real ``crossdesk serve``, encrypted ``/request`` messages.

Run from the repository root::

    python bench/wecom_callback.py
    python bench/wecom_callback.py --sqlite-only --requests 200 --clients 10

What is measured. For SQLite (a temp file) and PostgreSQL (``--pg-url``, database
``crossdesk_bench_wecom`` by default: created if missing, its schema dropped and rebuilt each round;
``test`` is refused) the script starts ``python -m bot serve`` as a child process with
``[wecom] enabled = true`` and ``api_base_url`` at a local WeCom API stand-in (a process of its
own: gettoken, message/send answering errcode 0 with a msgid, user/get, …; it records every
message/send with its arrival time), the scheduler and the dispatcher running as in production.
Callbacks are encrypted with wechatpy's WeChatCrypto as WeCom does (and as
tests/adapters/wecom/conftest.py does): a text message ``/request finance cost-accounting
taxi 86 #n`` (a service without form fields: opened as typed) with a unique MsgId. serve
runs and commits the command before its 200; the answer is an outbox row sent through
message/send right after the response. The *answer time* is from
sending the POST to that message/send (a card "已提交 FIN-n …" with its Cancel button: the
confirmation and the answer are one message) arriving at the stand-in.

* warm-up: ``/request help`` from each sender (registers them through user/get), not timed;
* one person: ``--single`` (14) messages, one after another. Opening a request sends its
  requester one message (the answer, a card), and WeCom lets 29 a minute reach a member:
  14 + the warm-up's answer stays well under that;
* burst: ``--requests`` (2,000) messages from ``--clients`` (50) concurrent keep-alive
  clients, sent by ``--users`` (250) distinct userids (8 each, 17 messages back: under the
  pacing limit); then the serve process's resident memory (VmRSS);
* redelivery: ``--redeliver`` (100) accepted burst messages sent again (same MsgId, new nonce
  and timestamp), as WeCom retries: each must be answered 200 and not run again;
* after serve stopped: every MsgId not refused (a passive "busy" reply says nothing was
  stored) opened exactly one request (the ``#n`` in its title) and
  got exactly one answer (a message/send to its sender naming that request, its card).

``--api-nodelay``: the stand-in answers each API call in one TCP segment. By default its
``http.server`` writes the headers and the body apart, with Nagle's algorithm on, so each
answer waits for serve's delayed ACK: about 40 ms per API call (serve's threads wait, and
its CPU per message reads higher), a stall of this stand-in, not of WeCom.

Targets: one person answer p99 <= 50 ms; burst answer p99 <= 1 s, nothing lost, nothing
doubled, no busy answers; redeliveries not run again; serve RSS after the burst <= 150 MB.
"""

from __future__ import annotations

import argparse
import base64
import json
import multiprocessing as mp
import os
import re
import socketserver
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from serve_rig import (  # noqa: E402 - after the path set-up above
    DEFAULT_PG_URL,
    REF,
    Load,
    Serve,
    StandIn,
    count_titles,
    cpu_seconds,
    http_post,
    mark,
    percentile,
    postgres_url,
    rss_mb,
    run_load,
    sqlite_url,
    standin_main,
    summarize_problems,
)

CORP_ID = "ww0123456789abcdef"
AGENT_ID = 1000002
TOKEN = "callbacktoken"
WARM_BASE, SINGLE_BASE = 100_000, 200_000
SINGLE_USER = "wsolo"
TARGET_SINGLE_P99_MS = 50.0
TARGET_BURST_P99_MS = 1000.0
TARGET_RSS_MB = 150.0
TITLE_MARK = re.compile(r"#(\d+)")
# A database of its own: the other serve benches (slack_http.py, …) reset crossdesk_bench.
PG_URL = DEFAULT_PG_URL.rsplit("/", 1)[0] + "/crossdesk_bench_wecom"


def verdict(text: str) -> str:
    """What an answer says: opened, busy, or error."""
    if "已提交" in text or "Opened " in text:
        return "opened"
    if "非常繁忙" in text or "very busy" in text:
        return "busy"
    return "error"


def text_xml(userid: str, content: str, ts: int, msg_id: int) -> str:
    """A text message callback body, before encryption (as the tests' rig builds it)."""
    return (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
            f"<FromUserName><![CDATA[{userid}]]></FromUserName><CreateTime>{ts}</CreateTime>"
            f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content>"
            f"<MsgId>{msg_id}</MsgId><AgentID>{AGENT_ID}</AgentID></xml>")


class Messages:
    """Message n: its sender, its inner XML (fixed MsgId and CreateTime), and its encrypted
    POST, made ahead of a load so that the load generator only sends."""

    def __init__(self, aes_key: str, users: list[str]) -> None:
        from wechatpy.enterprise.crypto import WeChatCrypto

        self.crypto = WeChatCrypto(TOKEN, aes_key, CORP_ID)
        self.users = users
        self.sender: dict[int, str] = {}
        self.inner: dict[int, str] = {}
        self.msg_id: dict[int, int] = {}

    def make(self, numbers: list[int], user: str | None = None,
             text: str = "/request finance cost-accounting taxi 86 #{n}") -> dict[int, bytes]:
        """The wire bytes of each message (a fresh nonce and timestamp each)."""
        out = {}
        for n in numbers:
            if n not in self.inner:
                self.sender[n] = user or self.users[n % len(self.users)]
                self.msg_id[n] = uuid.uuid4().int % 10**18
                self.inner[n] = text_xml(self.sender[n], text.format(n=n), int(time.time()),
                                         self.msg_id[n])
            out[n] = self.encrypt(self.inner[n])
        return out

    def encrypt(self, inner: str) -> bytes:
        nonce = uuid.uuid4().hex[:16]
        ts = str(int(time.time()))
        envelope = self.crypto.encrypt_message(inner, nonce, ts)
        sig = re.search(r"<MsgSignature><!\[CDATA\[(.*?)\]\]>", envelope)
        assert sig is not None, envelope
        query = f"msg_signature={sig.group(1)}&timestamp={ts}&nonce={nonce}"
        return http_post(f"/wecom/callback?{query}", envelope.encode(),
                         {"Content-Type": "text/xml"})

    def passive(self, body: bytes) -> str:
        """The text of an encrypted passive reply (serve's "busy" / "try again")."""
        try:
            envelope = body.decode()
            sig, ts, nonce = (re.search(rf"<{tag}><!\[CDATA\[(.*?)\]\]>|<{tag}>(.*?)</{tag}>",
                                        envelope) for tag in ("MsgSignature", "TimeStamp",
                                                              "Nonce"))
            parts = [m.group(1) or m.group(2) if m else "" for m in (sig, ts, nonce)]
            return str(self.crypto.decrypt_message(envelope, *parts))
        except Exception as exc:  # noqa: BLE001 - reported as an error answer
            return f"undecryptable passive reply: {exc}"


def nodelay_standin_main(kind: str, conn: Any) -> None:
    """``standin_main`` whose answers leave at once (TCP_NODELAY on its connections)."""
    socketserver.StreamRequestHandler.disable_nagle_algorithm = True
    standin_main(kind, conn)


class NodelayStandIn(StandIn):
    """The WeCom API stand-in, answering without Nagle's delay (``--api-nodelay``)."""

    def __init__(self) -> None:  # StandIn's, with the child's entry point above
        self.conn, child_end = mp.Pipe()
        self.process = mp.get_context("spawn").Process(
            target=nodelay_standin_main, args=("wecom", child_end), daemon=True)
        self.process.start()
        self.port = int(self.conn.recv())
        self.base = f"http://127.0.0.1:{self.port}"


# --------------------------------------------------------------------------- figures


@dataclass
class Phase:
    """One load: answer times and what the answers said."""

    count: int = 0
    seconds: float = 0.0
    answer_ms: list[float] = field(default_factory=list)
    said: Counter[str] = field(default_factory=Counter)
    refused: set[int] = field(default_factory=set)  # busy / try again: nothing was stored

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def p(self, pct: float) -> float:
        return percentile(self.answer_ms, pct)


@dataclass
class Round:
    single: Phase
    burst: Phase
    rss_mb: float
    cpu_ms: float  # serve's CPU per burst message, its answer's delivery included
    lost: int
    doubled: int
    refused: int
    refused_stored: int
    unanswered: int
    answered_twice: int
    redelivered: int
    redelivery_not_200: int
    redelivery_ran: int
    cards_not_one: int
    api_calls: dict[str, int]
    problems: list[str]
    exit_status: int | None


Arrivals = dict[tuple[str, str], list[float]]


ANSWER_TYPES = ("text", "markdown", "template_card")  # an answer with buttons is a card


def answers_by(records: list[dict[str, Any]], msgtype: str = "answer") -> Arrivals:
    """message/send arrivals of ``msgtype`` by (touser, request ref named in it); for
    ``answer``, the messages of any kind saying a request was opened."""
    out: Arrivals = defaultdict(list)
    for record in records:
        try:
            body = json.loads(record["body"])
        except ValueError:
            continue
        if body.get("msgtype") not in (ANSWER_TYPES if msgtype == "answer" else (msgtype,)):
            continue
        text = json.dumps(body, ensure_ascii=False)
        if msgtype == "answer" and verdict(text) != "opened":
            continue
        for user in str(body.get("touser") or "").split("|"):
            for ref in set(REF.findall(text)):
                out[(user, ref)].append(float(record["at"]))
    return out


def judge(load: Load, messages: Messages, refs: dict[str, str],
          answers: Arrivals) -> tuple[Phase, int, int]:
    """Answer time and verdict per message; the counts of unanswered and twice-answered."""
    phase = Phase(count=len(load.sent), seconds=load.seconds)
    unanswered = twice = 0
    for n, sent in load.sent.items():
        if sent.status != 200:
            phase.said["error"] += 1
            phase.refused.add(n)
            continue
        if sent.body.strip():  # a passive reply: nothing was stored
            phase.said[verdict(messages.passive(sent.body))] += 1
            phase.refused.add(n)
            continue
        ref = refs.get(str(n))
        arrivals = answers.get((messages.sender[n], ref), []) if ref else []
        if not arrivals:
            unanswered += 1
            phase.said["no answer"] += 1
            continue
        twice += len(arrivals) > 1
        phase.said["opened"] += 1
        phase.answer_ms.append((min(arrivals) - sent.at) * 1000)
    return phase, unanswered, twice


def wait_answers(stand_in: StandIn, users: set[str], wanted: int, timeout: float) -> None:
    """Wait (bounded) until ``wanted`` messages reached the senders."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = 0
        for record in stand_in.records():
            with suppress(ValueError, KeyError):
                body = json.loads(record["body"])
                got += body["msgtype"] in ANSWER_TYPES and str(body["touser"]) in users
        if got >= wanted:
            return
        time.sleep(0.5)


def run_round(url: str, args: argparse.Namespace, tmp: Path, label: str) -> Round:
    """One round: serve up, warm-up, one person, burst, RSS, redeliveries, stop, count."""
    aes_key = base64.b64encode(os.urandom(32)).decode().rstrip("=")
    env = {"WECOM_CORP_ID": CORP_ID, "WECOM_AGENT_ID": str(AGENT_ID), "WECOM_SECRET": "s3cret",
           "WECOM_TOKEN": TOKEN, "WECOM_AES_KEY": aes_key}
    users = [f"wbench{i:03d}" for i in range(args.users)]
    stand_in = NodelayStandIn() if args.api_nodelay else StandIn("wecom")
    extra = f'\n[wecom]\nenabled = true\napi_base_url = "{stand_in.base}/cgi-bin/"\n'
    serve = Serve(tmp, url, extra, env, label)
    messages = Messages(aes_key, users)
    try:
        warm = [WARM_BASE + i for i in range(len(users))]
        wires = messages.make(warm, text="/request help")
        wires.update(messages.make([WARM_BASE + len(users)], SINGLE_USER, "/request help"))
        warm.append(WARM_BASE + len(users))
        run_load(serve.port, warm, wires.__getitem__, 10)
        wait_answers(stand_in, {*users, SINGLE_USER}, len(warm), 30)
        time.sleep(1)  # the warm-up's last deliveries and dispatcher passes end

        single_numbers = [SINGLE_BASE + i for i in range(args.single)]
        single_wires = messages.make(single_numbers, SINGLE_USER)
        single_load = run_load(serve.port, single_numbers, single_wires.__getitem__, 1,
                               args.single_pause)

        burst_numbers = list(range(args.requests))
        burst_wires = messages.make(burst_numbers)
        cpu = cpu_seconds(serve.pid)
        burst_load = run_load(serve.port, burst_numbers, burst_wires.__getitem__, args.clients)
        rss = rss_mb(serve.pid)
        wait_answers(stand_in, {*users, SINGLE_USER}, len(warm) + args.single + args.requests,
                     60)
        cpu = (cpu_seconds(serve.pid) - cpu) / args.requests * 1000

        accepted = [n for n in burst_numbers  # a refused one was not stored: WeCom moves on
                    if burst_load.sent[n].status == 200 and not burst_load.sent[n].body.strip()]
        again = accepted[:: max(1, len(accepted) // max(1, args.redeliver))][: args.redeliver]
        redeliveries = {n: messages.encrypt(messages.inner[n]) for n in again}
        redelivery_load = run_load(serve.port, again, redeliveries.__getitem__,
                                   min(10, args.clients))
        wait_answers(stand_in, {*users, SINGLE_USER},
                     len(warm) + args.single + args.requests, 60)
        time.sleep(2)  # a redelivery that did run would answer within this
    finally:
        serve.stop()
        records = stand_in.records()
        api_calls = stand_in.counts()
        stand_in.close()
    counts, refs = count_titles(url, TITLE_MARK)
    answers = answers_by(records)
    cards = answers_by(records, "template_card")
    single, unanswered_s, twice_s = judge(single_load, messages, refs, answers)
    burst, unanswered_b, twice_b = judge(burst_load, messages, refs, answers)
    burst.said["connection failures"] += burst_load.failures
    refused = burst.refused | single.refused
    wanted = [str(n) for n in (*burst_numbers, *single_numbers) if n not in refused]
    problems = serve.problems()
    if problems or serve.exit_status:
        serve.keep_log("wecom_callback")
    return Round(
        single=single, burst=burst, rss_mb=rss, cpu_ms=cpu,
        lost=sum(1 for key in wanted if counts[key] == 0),
        doubled=sum(1 for key in wanted if counts[key] > 1),
        refused=len(refused), refused_stored=sum(1 for n in refused if counts[str(n)]),
        unanswered=unanswered_s + unanswered_b, answered_twice=twice_s + twice_b,
        redelivered=len(again),
        redelivery_not_200=sum(1 for s in redelivery_load.sent.values()
                               if s.status != 200 or s.body.strip())
        + redelivery_load.failures,
        redelivery_ran=sum(1 for n in again if counts[str(n)] > 1 or len(
            answers.get((messages.sender[n], refs.get(str(n), "")), [])) > 1),
        cards_not_one=sum(1 for n in (*burst_numbers, *single_numbers) if n not in refused
                          and len(
            cards.get((messages.sender[n], refs.get(str(n), "")), [])) != 1),
        api_calls=api_calls, problems=problems, exit_status=serve.exit_status,
    )


# --------------------------------------------------------------------------- report


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def said_text(said: Counter[str]) -> str:
    keys = ["opened", "busy", "error", "no answer", "connection failures"]
    return ", ".join(f"{k} {said[k]}" for k in keys if said[k]) or "-"


def report(backend: str, rounds: list[Round], args: argparse.Namespace) -> int:
    """Print one backend's table and its targets; the number of targets missed."""
    said = sum((r.burst.said for r in rounds), Counter())
    single_said = sum((r.single.said for r in rounds), Counter())
    single_p99 = med([r.single.p(99) for r in rounds])
    burst_p99 = med([r.burst.p(99) for r in rounds])
    rss = med([r.rss_mb for r in rounds])
    lost = sum(r.lost for r in rounds)
    doubled = sum(r.doubled for r in rounds)
    refused = sum(r.refused for r in rounds)
    refused_stored = sum(r.refused_stored for r in rounds)
    unanswered = sum(r.unanswered for r in rounds)
    twice = sum(r.answered_twice for r in rounds)
    redelivered = sum(r.redelivered for r in rounds)
    ran = sum(r.redelivery_ran for r in rounds)
    not_200 = sum(r.redelivery_not_200 for r in rounds)
    print(f"\n{backend}: {len(rounds)} round(s); medians over rounds, counts summed")
    print(f"  {'phase':<26}{'msgs':>6}{'msg/s':>8}{'p50 ms':>9}{'p99 ms':>9}   answers said")
    print(f"  {'one person (sequential)':<26}{args.single * len(rounds):>6}"
          f"{med([r.single.per_second for r in rounds]):>8.0f}"
          f"{med([r.single.p(50) for r in rounds]):>9.1f}{single_p99:>9.1f}   "
          f"{said_text(single_said)}")
    print(f"  {f'burst, {args.clients} clients':<26}{args.requests * len(rounds):>6}"
          f"{med([r.burst.per_second for r in rounds]):>8.0f}"
          f"{med([r.burst.p(50) for r in rounds]):>9.1f}{burst_p99:>9.1f}   "
          f"{said_text(said)}")
    calls: Counter[str] = Counter()
    for r in rounds:
        calls.update({path.removeprefix("/cgi-bin/"): n for path, n in r.api_calls.items()})
    print("  WeCom stand-in calls (all rounds): "
          + (", ".join(f"{name} {n}" for name, n in calls.most_common()) or "none"))
    checks = [
        (single_p99 <= TARGET_SINGLE_P99_MS,
         f"one person: answer p99 {single_p99:.1f} ms (target <= {TARGET_SINGLE_P99_MS:g} ms)"),
        (burst_p99 <= TARGET_BURST_P99_MS,
         f"burst: answer p99 {burst_p99:.0f} ms (target <= {TARGET_BURST_P99_MS:g} ms)"),
        (lost == 0, f"burst + one person: {lost} MsgId(s) lost (no request stored)"),
        (doubled == 0, f"burst + one person: {doubled} MsgId(s) doubled (2+ requests)"),
        (refused_stored == 0, f"refused (passive busy/error reply: 'nothing was changed') "
                              f"{refused}, of them stored anyway {refused_stored}"),
        (unanswered == 0 and twice == 0,
         f"answers: {unanswered} MsgId(s) without one, {twice} with two or more"),
        (said["busy"] == 0 and single_said["busy"] == 0,
         f"busy answers: {said['busy'] + single_said['busy']} (target 0)"),
        (ran == 0 and not_200 == 0,
         f"redeliveries: {redelivered} sent, {not_200} not answered an empty 200, {ran} run "
         "again"),
        (rss <= TARGET_RSS_MB,
         f"serve RSS after the burst {rss:.0f} MB (target <= {TARGET_RSS_MB:g} MB)"),
    ]
    missed = 0
    for ok, text in checks:
        missed += not ok
        print(f"  {backend:<11}{text} {mark(ok)}")
    print(f"  {backend:<11}serve CPU per burst message (its answer sent): "
          f"{med([r.cpu_ms for r in rounds]):.2f} ms info")
    errors = said["error"] + said["connection failures"] + single_said["error"]
    print(f"  {backend:<11}error answers {errors}; requester's card: "
          f"{sum(r.cards_not_one for r in rounds)} MsgId(s) without exactly one info")
    problems = [line for r in rounds for line in r.problems]
    print(f"  {backend:<11}serve log: {len(problems)} warning/error line(s); exit status "
          f"{[r.exit_status for r in rounds]} info")
    for line in summarize_problems(problems):
        print(f"      {line}")
    return missed


def main(argv: list[str] | None = None) -> int:
    """Run every backend and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="messages in the burst")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (burst)")
    parser.add_argument("--users", type=int, default=250,
                        help="distinct WeCom userids sending the burst")
    parser.add_argument("--single", type=int, default=14,
                        help="messages one person sends one after another (<= 14: pacing)")
    parser.add_argument("--single-pause", type=float, default=0.1,
                        help="seconds the person waits between messages")
    parser.add_argument("--redeliver", type=int, default=100,
                        help="burst messages WeCom sends again (same MsgId, new nonce)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="rounds per database; the table shows medians")
    parser.add_argument("--api-nodelay", action="store_true",
                        help="the API stand-in answers without Nagle's ~40 ms stall")
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--pg-only", action="store_true")
    args = parser.parse_args(argv)
    print(f"crossdesk serve, WeCom callbacks: {args.single} sequential messages from one "
          f"person, then a burst of {args.requests} from {args.clients} clients "
          f"({args.users} senders), {args.redeliver} redeliveries; {args.rounds} round(s)",
          flush=True)
    missed = 0
    with tempfile.TemporaryDirectory(prefix="crossdesk-wecom-bench-") as tmp_name:
        tmp = Path(tmp_name)
        backends: list[tuple[str, Any]] = []
        if not args.pg_only:
            backends.append(("SQLite", lambda: sqlite_url(tmp / "crossdesk.db")))
        if not args.sqlite_only:
            backends.append(("PostgreSQL", lambda: postgres_url(args.pg_url)))
        for backend, prepare in backends:
            rounds: list[Round] = []
            for n in range(1, args.rounds + 1):
                url = prepare()
                if url is None:
                    break
                r = run_round(url, args, tmp, f"{backend.lower()}-r{n}")
                rounds.append(r)
                print(f"{backend} round {n}: one person p99 {r.single.p(99):.1f} ms; burst "
                      f"{r.burst.per_second:.0f} msg/s, p99 {r.burst.p(99):.0f} ms, "
                      f"{said_text(r.burst.said)}; lost {r.lost}, doubled {r.doubled}, "
                      f"unanswered {r.unanswered}, answered twice {r.answered_twice}; "
                      f"redeliveries run again {r.redelivery_ran}; RSS {r.rss_mb:.0f} MB",
                      flush=True)
            if rounds:
                missed += report(backend, rounds, args)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
