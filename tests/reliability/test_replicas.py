"""Scenario 1: two `crossdesk serve` replicas on one PostgreSQL schema, one SIGKILLed mid-run.

2,000 signed ``/request`` slash commands from 20 client threads, spread over both replicas
(Slack HTTP mode, dispatch every second). Mid-run replica B is SIGKILLed and restarted on the
same port; commands that could not reach it are retried by the client as Slack would (same
body, re-signed, ``X-Slack-Retry-Num``). Afterwards, within a bounded wait: no command stored
twice, every accepted command stored, the outbox empty, and the Slack stand-in got every
notification once, except the rows B had leased when it died (at most one batch).
Messages to one target keep their order, so the rows queued behind B's leased rows to the
same channel or person wait with them until the lease ends: a crash delays those targets by
up to the lease, never reorders them (the trade-off: order over availability).
Accepted means answered: the command ran and committed before its ack, so what B had in
flight at the kill was never acked, and the client's retry runs it (once) on a replica.

The whole run happens once per module (``cluster_run``); each test checks one property.
The dispatcher's lease is five minutes and not configurable: instead of waiting, the rows B
left leased are made due again (what the clock would do after five minutes)."""

from __future__ import annotations

import contextlib
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, text

from handlers.i18n import t
from tests.adapters.slack.fake_slack import FakeSlack
from tests.conftest import PG_SCHEMA_URL, _truncate, pg_engine
from tests.reliability.conftest import (
    Processes,
    ServeProcess,
    command_body,
    extra_departments,
    free_port,
    pg_only,
    report,
    serve_config,
    signed,
    slack_env,
    wait_for,
)
from tests.reliability.slash import in_ack

pytestmark = pg_only

TOTAL = 2000
CLIENTS = 20
KILL_AFTER = 0.4          # SIGKILL replica B once this share of commands was accepted
DOWN_SECONDS = 2.0        # how long B stays dead before it is restarted, at least …
A_MOVES_ON_TIMEOUT = 60.0  # … and at most until A finished the batch it sent at the kill
RETRY_DEADLINE = 60.0     # a client gives up on one command after this long
BATCH = 50                # bot.runtime.dispatch.Dispatcher's batch size
SETTLE_TIMEOUT = 240.0
REF_RE = re.compile(r"\b([A-Z]{2,3}-\d+)\b")
MARK_RE = re.compile(r"load-\d{5}")

CONFIGURED = ["U0ROOT", "U0GRACE", "U0FRANK", "U0CAROL", "U0BOB", "U0HENRY", "U0ALICE",
              "U0EMMA", "U0MIA", "U0NICK", "U0DAVE", "U0KEVIN", "U0IVAN", "U0JACK", "U0KATE",
              "U0LEO"]
NEWCOMERS = [f"U0LOAD{n:02d}" for n in range(24)]  # registered on first contact, concurrently
EXTRA_TOML, EXTRA_DESKS = extra_departments(30)
DEPARTMENTS = [("finance", "reimbursement amount=86"),  # its form needs the amount
               ("sales", "contract-status"),
               ("marketing", "promotion-plan"), ("production", "sample-request"),
               ("maintenance", "equipment-repair"), ("quality", "inspection"),
               ("logistics", "shipment"), ("hr", "training"), ("it", "laptop"),
               ("admin", "travel"), *EXTRA_DESKS]


@dataclass
class Sent:
    """One logical command as the client saw it."""

    marker: str
    replica: str
    accepted: bool = False
    attempts: int = 0
    failures: list[str] = field(default_factory=list)
    told_to_retry: int = 0  # 200s whose answer was the polite "try again": nothing stored

    @property
    def retried(self) -> bool:
        return self.attempts > 1


@dataclass
class RunResult:
    """What the scenario observed; the tests assert on it."""

    sent: list[Sent]
    stored: Counter[str]
    orphans: set[int]             # leased when B died and still leased once A moved on
    undelivered_before_expiry: set[int]  # what only the lease's end could release
    blocked_targets: set[str]     # the targets of the rows leased at the kill
    left_targets: set[str]        # the targets of what waited for the lease's end
    undelivered_at_end: int
    expected: dict[int, tuple[str, str]]
    posted: Counter[tuple[str, str]]
    seconds: dict[str, float]
    replay: dict[str, int]
    graceful: dict[str, int]
    attempts: dict[str, int]
    logs: str

    def accepted(self) -> list[Sent]:
        return [s for s in self.sent if s.accepted]


# --------------------------------------------------------------------------- the client


class Client:
    """Sends one command per call, retrying like Slack when the replica cannot be reached."""

    def __init__(self, fake: FakeSlack, replicas: dict[str, ServeProcess],
                 retry_deadline: float = RETRY_DEADLINE) -> None:
        self.fake = fake
        self.replicas = replicas
        self.retry_deadline = retry_deadline
        self.local = threading.local()
        self.accepted = 0
        self.lock = threading.Lock()

    def http(self) -> httpx.Client:
        if not hasattr(self.local, "client"):
            self.local.client = httpx.Client(timeout=10)
        return self.local.client

    def send(self, sent: Sent, user: str, text_: str, trigger_id: str) -> Sent:
        body = command_body(user, text_, self.fake.response_url(), trigger_id=trigger_id)
        url = self.replicas[sent.replica].events_url
        deadline = time.monotonic() + self.retry_deadline
        while sent.attempts == 0 or time.monotonic() < deadline:
            sent.attempts += 1
            extra = {}
            if sent.attempts > 1:  # what Slack adds when it redelivers
                extra = {"X-Slack-Retry-Num": str(sent.attempts - 1),
                         "X-Slack-Retry-Reason": "http_error"}
            try:
                response = self.http().post(url, content=body, headers=signed(body, **extra))
            except httpx.TransportError as exc:
                sent.failures.append(type(exc).__name__)
            else:
                if response.status_code == 200 and _asks_to_retry(response):
                    sent.told_to_retry += 1  # a person would type it again: so do we
                    sent.failures.append("try again")
                elif response.status_code == 200:
                    sent.accepted = True
                    with self.lock:
                        self.accepted += 1
                    return sent
                sent.failures.append(str(response.status_code))
            time.sleep(min(0.05 * 2 ** sent.attempts, 1.0))
        return sent


def _asks_to_retry(response: httpx.Response) -> bool:
    """True when the ack's answer is the desk's polite "nothing was changed, try again" or
    "busy, send it again" (no thread was free in time): neither ran the command."""
    reply = in_ack(response)
    text_ = str((reply or {}).get("text") or "")
    return any(t(locale, key) in text_ for locale in ("en", "zh-CN")
               for key in ("err.try_again", "err.busy"))


def load_text(index: int) -> tuple[str, str, str]:
    """(Slack user, command text, marker) of command ``index``."""
    users = CONFIGURED + NEWCOMERS
    dep, cat = DEPARTMENTS[index % len(DEPARTMENTS)]
    marker = f"load-{index:05d}"
    return users[index % len(users)], f"{dep} {cat} {marker} taxi {index}", marker


# --------------------------------------------------------------------------- database views


def stored_markers(engine: Engine) -> Counter[str]:
    with engine.connect() as conn:
        details = conn.execute(text("SELECT details FROM request")).scalars().all()
    found: Counter[str] = Counter()
    for value in details:
        match = MARK_RE.search(value or "")
        if match:
            found[match.group(0)] += 1
    return found


def undelivered_ids(engine: Engine, leased_after: datetime | None = None) -> set[int]:
    sql = "SELECT id FROM outbox WHERE delivered_at IS NULL"
    params: dict[str, Any] = {}
    if leased_after is not None:
        sql += " AND due_at > :t"
        params["t"] = leased_after
    with engine.connect() as conn:
        return set(conn.execute(text(sql), params).scalars().all())


def targets_of(engine: Engine, ids: set[int]) -> set[str]:
    """The targets of these outbox rows."""
    if not ids:
        return set()
    with engine.connect() as conn:
        return set(conn.execute(text("SELECT DISTINCT target FROM outbox WHERE id = ANY(:ids)"),
                                {"ids": sorted(ids)}).scalars())


def undelivered_summary(engine: Engine) -> list[tuple[Any, ...]]:
    """What is still waiting, by target kind, refusal and last error (for a failure)."""
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT split_part(target, ':', 1), failed_reason, left(last_error, 120), "
            "count(*), max(attempts) FROM outbox WHERE delivered_at IS NULL "
            "GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT 10"))]


def expected_deliveries(engine: Engine, fake: FakeSlack,
                        config: Path) -> dict[int, tuple[str, str]]:
    """Outbox row id → (Slack channel the stand-in would report, request ref)."""
    from bot.runtime import config as config_mod

    settings = config_mod.load(config)
    channels = {d.key: (d.slack_channel or d.channel).lstrip("#")
                for d in settings.catalog.departments}
    with engine.connect() as conn:
        slack_ids: dict[str, str] = dict(
            conn.execute(text("SELECT id, slack_id FROM person")).all())
        rows = conn.execute(text("SELECT id, target, payload FROM outbox")).all()
    out = {}
    for row_id, target, payload in rows:
        if payload.get("kind") == "root_update":  # a chat.update of a thread root, not a post
            continue
        kind, _, who = target.partition(":")
        channel = channels[who] if kind == "dept" else str(slack_ids[who])
        out[row_id] = (fake.channel_id(channel), str(payload.get("request_ref")))
    return out


def posted_counts(fake: FakeSlack) -> Counter[tuple[str, str]]:
    """(channel, request ref) → how many accepted chat.postMessage calls carried it."""
    counts: Counter[tuple[str, str]] = Counter()
    for call in fake.posted():
        match = REF_RE.search(str(call.get("text") or ""))
        if match:
            counts[(fake.channel_id(str(call["channel"])), match.group(1))] += 1
    return counts


def settle(engine: Engine, fake: FakeSlack, quiet: float = 4.0, timeout: float = 120.0) -> None:
    """Wait until commands stop being stored and answered (the replicas' queues are empty)."""
    last: tuple[int, int] | None = None
    since = time.monotonic()
    deadline = since + timeout
    while time.monotonic() < deadline:
        now = (sum(stored_markers(engine).values()), len(fake.calls_to("response_url")))
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.5)
    raise AssertionError("the replicas kept working for too long")


# --------------------------------------------------------------------------- the scenario


@pytest.fixture(scope="module")
def cluster_run(tmp_path_factory: pytest.TempPathFactory, _pg_schema: None) -> Iterator[RunResult]:
    assert PG_SCHEMA_URL
    engine = pg_engine()
    _truncate(engine)
    tmp = tmp_path_factory.mktemp("replicas")
    fake = FakeSlack().start()
    procs = Processes(tmp)
    try:
        yield _run(engine, fake, procs, tmp)
    finally:
        procs.stop_all()
        fake.stop()
        _truncate(engine)
        engine.dispose()


def _run(engine: Engine, fake: FakeSlack, procs: Processes, tmp: Path) -> RunResult:
    assert PG_SCHEMA_URL
    env = slack_env()
    replicas: dict[str, ServeProcess] = {}
    for name in ("a", "b"):
        port = free_port()
        config = serve_config(tmp / f"{name}.toml", port, slack_url=fake.url,
                              extra=EXTRA_TOML)
        replicas[name] = procs.serve(name, config, port, PG_SCHEMA_URL, env)
    started = time.monotonic()
    for replica in replicas.values():  # one after the other: see test_startup.py
        replica.start()
    seconds = {"startup": time.monotonic() - started}

    client = Client(fake, replicas)
    kill: dict[str, Any] = {}

    def killer() -> None:
        while client.accepted < KILL_AFTER * TOTAL:
            time.sleep(0.02)
        replicas["b"].kill()
        kill["at"] = time.monotonic()
        kill["accepted"] = client.accepted
        leased_until = datetime.now(UTC) + timedelta(minutes=4)
        suspects = undelivered_ids(engine, leased_after=leased_until)
        time.sleep(DOWN_SECONDS)
        # The suspects are B's batch and the one A was sending at the kill. A leases its next
        # batch only after recording that one, and with B dead a lease outside the suspects
        # can only be A's: wait (bounded) for it, so that what is still leased is B's alone.
        # (A busy replica may take longer than DOWN_SECONDS to finish a batch.)
        with contextlib.suppress(AssertionError):
            wait_for(lambda: undelivered_ids(engine, leased_after=leased_until) - suspects,
                     A_MOVES_ON_TIMEOUT, "replica A to lease its next batch", poll=0.1)
        kill["orphans"] = suspects & undelivered_ids(engine, leased_after=leased_until)
        replicas["b"].start()
        kill["back"] = time.monotonic()

    sent = [Sent(load_text(i)[2], "ab"[i % 2]) for i in range(TOTAL)]
    murderer = threading.Thread(target=killer, daemon=True)
    murderer.start()
    started = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        futures = []
        for i in range(TOTAL):
            user, command, marker = load_text(i)
            futures.append(pool.submit(client.send, sent[i], user, command, f"trig-{marker}"))
        for future in futures:
            future.result()
    seconds["load"] = time.monotonic() - started
    murderer.join(timeout=90)
    assert "back" in kill, "replica B was not killed and restarted"
    seconds["b_down"] = kill["back"] - kill["at"]

    started = time.monotonic()
    settle(engine, fake)
    orphans: set[int] = kill["orphans"]
    blocked = targets_of(engine, orphans)
    try:
        wait_for(lambda: not targets_of(engine, undelivered_ids(engine) - orphans) - blocked,
                 SETTLE_TIMEOUT, "every notification but the leased-at-kill ones and those "
                 "behind them to their targets to be delivered")
    except AssertionError as exc:
        raise AssertionError(f"{exc}; still undelivered: {undelivered_summary(engine)}") from exc
    seconds["deliver"] = time.monotonic() - started
    undelivered_before = undelivered_ids(engine)
    left_targets = targets_of(engine, undelivered_before)
    started = time.monotonic()
    with engine.begin() as conn:  # the five-minute lease runs out
        conn.execute(text("UPDATE outbox SET due_at = :now WHERE id = ANY(:ids) "
                          "AND delivered_at IS NULL"),
                     {"now": datetime.now(UTC), "ids": sorted(orphans)})
    try:
        wait_for(lambda: not undelivered_ids(engine), SETTLE_TIMEOUT,
                 "the leased-at-kill rows and those behind them to be delivered")
    except AssertionError as exc:
        raise AssertionError(f"{exc}; still undelivered: {undelivered_summary(engine)}") from exc
    seconds["after_lease"] = time.monotonic() - started

    stored = stored_markers(engine)
    expected = expected_deliveries(engine, fake, replicas["a"].config)
    posted = posted_counts(fake)
    undelivered_end = len(undelivered_ids(engine))
    with engine.connect() as conn:
        attempts = conn.execute(text("SELECT count(*), sum(attempts), max(attempts) "
                                     "FROM outbox")).one()
    replay = _replay(engine, fake, replicas)
    graceful = _graceful_stop(engine, fake, replicas["b"])
    logs = "\n".join(r.log_text() for r in replicas.values())
    return RunResult(sent=sent, stored=stored, orphans=orphans,
                     undelivered_before_expiry=undelivered_before,
                     blocked_targets=blocked, left_targets=left_targets,
                     undelivered_at_end=undelivered_end, expected=expected,
                     posted=posted, seconds=seconds, replay=replay, graceful=graceful,
                     attempts={"rows": int(attempts[0]), "attempts": int(attempts[1]),
                               "max": int(attempts[2])}, logs=logs)


def _replay(engine: Engine, fake: FakeSlack, replicas: dict[str, ServeProcess]) -> dict[str, int]:
    """The same signed command delivered twice: to one replica, and to each of the two."""
    cases = {
        "same_replica": ("a", "a", {}),
        "other_replica": ("a", "b", {}),
        "retry_other_replica": ("a", "b", {"X-Slack-Retry-Num": "1",
                                           "X-Slack-Retry-Reason": "http_timeout"}),
    }
    out: dict[str, int] = {}
    with httpx.Client(timeout=10) as http:
        for name, (first, second, headers) in cases.items():
            marker = f"load-9{len(out):04d}"
            body = command_body("U0ALICE", f"it laptop {marker} {name}", fake.response_url(),
                                trigger_id=f"replay-{uuid.uuid4().hex}")
            for target, extra in ((first, {}), (second, headers)):
                response = http.post(replicas[target].events_url, content=body,
                                     headers=signed(body, **extra))
                assert response.status_code == 200
            wait_for(lambda m=marker: stored_markers(engine)[m] >= 1, 20, f"{name} stored")
            time.sleep(1.5)  # a second copy, if any, is stored by now
            out[name] = stored_markers(engine)[marker]
    return out


def _graceful_stop(engine: Engine, fake: FakeSlack, replica: ServeProcess) -> dict[str, int]:
    """A burst of commands with SIGTERM in the middle of it: every command that got its 200
    must be stored; the rest were refused (connection closed, 503) and Slack shows an error."""
    burst = 300
    sent = [Sent(f"load-8{i:04d}", "b") for i in range(burst)]
    client = Client(fake, {"b": replica}, retry_deadline=0.0)  # one try each: no retries
    with ThreadPoolExecutor(CLIENTS) as pool:
        for i, item in enumerate(sent):
            pool.submit(client.send, item, CONFIGURED[i % len(CONFIGURED)],
                        f"it software {item.marker} licence", f"trig-{item.marker}")
        wait_for(lambda: client.accepted >= burst // 3, 60, "a third of the burst accepted",
                 poll=0.01)
        status = replica.terminate()
    stored = stored_markers(engine)
    accepted = [s for s in sent if s.accepted]
    return {"sent": burst, "accepted": len(accepted), "exit_status": status,
            "stored": sum(1 for s in accepted if stored[s.marker]),
            "lost": sum(1 for s in accepted if not stored[s.marker])}


# --------------------------------------------------------------------------- the checks


def test_figures(cluster_run: RunResult) -> None:
    run = cluster_run
    accepted = run.accepted()
    lost = [s for s in accepted if not run.stored[s.marker]]
    dupes = {k: n - 1 for k, n in run.posted.items() if n > 1}
    report(
        "scenario 1: two replicas, one SIGKILLed",
        commands_sent=len(run.sent), accepted_http_200=len(accepted),
        accepted_after_retry=sum(1 for s in accepted if s.retried),
        told_to_try_again=sum(s.told_to_retry for s in run.sent),
        not_accepted=len(run.sent) - len(accepted),
        stored_requests=sum(run.stored.values()),
        accepted_but_not_stored=len(lost),
        of_which_retried=sum(1 for s in lost if s.retried),
        of_which_first_try=sum(1 for s in lost if not s.retried),
        leased_at_kill=len(run.orphans),
        undelivered_before_lease_expiry=len(run.undelivered_before_expiry),
        targets_held_by_the_kill=len(run.blocked_targets),
        duplicate_slack_messages=sum(dupes.values()),
        outbox_rows=run.attempts["rows"],
        delivery_attempts_per_row=round(run.attempts["attempts"] / max(1, run.attempts["rows"]), 1),
        max_attempts_of_one_row=run.attempts["max"],
        replay=run.replay, graceful_stop=run.graceful,
        seconds={k: round(v, 1) for k, v in run.seconds.items()},
    )
    assert len(accepted) >= 0.95 * len(run.sent)


def test_no_command_is_stored_twice(cluster_run: RunResult) -> None:
    twice = {m: n for m, n in cluster_run.stored.items()
             if n > 1 and not m.startswith(("load-9", "load-8"))}
    assert not twice


def test_only_accepted_commands_are_stored(cluster_run: RunResult) -> None:
    accepted = {s.marker for s in cluster_run.accepted()}
    load = {m for m in cluster_run.stored if not m.startswith(("load-9", "load-8"))}
    assert load <= accepted


def test_the_outbox_is_empty_at_the_end(cluster_run: RunResult) -> None:
    assert cluster_run.undelivered_at_end == 0
    # What waited for the lease to run out was leased at the kill, and at most B's one batch.
    # (``orphans`` may also hold a few rows A was still sending when it was measured.)
    # Rows queued behind them to the same targets waited with them, in order.
    left = cluster_run.undelivered_before_expiry
    assert len(left & cluster_run.orphans) <= BATCH
    assert cluster_run.left_targets <= cluster_run.blocked_targets


def test_every_notification_reached_slack(cluster_run: RunResult) -> None:
    missing = [key for key in cluster_run.expected.values() if cluster_run.posted[key] == 0]
    assert not missing


def test_every_stored_request_was_posted_to_its_channel(cluster_run: RunResult) -> None:
    roots = {key for key in cluster_run.expected.values() if key[0].startswith("C")}
    assert len(roots) == sum(cluster_run.stored.values())
    assert all(cluster_run.posted[key] >= 1 for key in roots)


def test_duplicates_only_for_rows_in_flight_at_the_kill(cluster_run: RunResult) -> None:
    run = cluster_run
    in_flight = {run.expected[i] for i in run.orphans}
    doubled = {key: n for key, n in run.posted.items() if n > 1}
    assert set(doubled) <= in_flight, "a message not in flight at the kill arrived twice"
    assert all(n == 2 for n in doubled.values())
    assert sum(n - 1 for n in doubled.values()) <= BATCH


def test_a_replayed_command_runs_once_on_the_same_replica(cluster_run: RunResult) -> None:
    assert cluster_run.replay["same_replica"] == 1


def test_a_retry_reaching_the_other_replica_runs_once(cluster_run: RunResult) -> None:
    assert cluster_run.replay["retry_other_replica"] == 1


def test_a_replayed_command_runs_once_across_replicas(cluster_run: RunResult) -> None:
    assert cluster_run.replay["other_replica"] == 1


def test_every_command_accepted_at_the_first_try_is_stored(cluster_run: RunResult) -> None:
    lost = [s.marker for s in cluster_run.accepted()
            if not s.retried and not cluster_run.stored[s.marker]]
    assert not lost, f"{len(lost)} accepted commands were never run, e.g. {lost[:5]}"


def test_a_command_retried_after_a_failed_delivery_is_stored(cluster_run: RunResult) -> None:
    retried = [s for s in cluster_run.accepted() if s.retried]
    lost = [s.marker for s in retried if not cluster_run.stored[s.marker]]
    assert not lost, f"{len(lost)} of {len(retried)} retried commands were never run"


def test_graceful_stop_runs_every_acked_command(cluster_run: RunResult) -> None:
    graceful = cluster_run.graceful
    assert graceful["exit_status"] == 0
    assert graceful["lost"] == 0, graceful
