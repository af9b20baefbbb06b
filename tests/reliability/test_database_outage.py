"""Scenario 3: PostgreSQL goes away under a running desk, then comes back.

The desk talks to the test's PostgreSQL through a TCP proxy on 127.0.0.1 that the test cuts
and restores. While it is cut a command gets the polite "try again" reply and nothing partial
is stored (checked over a direct connection); once restored the next command works with no
restart (pool_pre_ping replaces the dead pooled connections), and so does the dispatcher."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, event, func, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from bot.runtime import app as app_mod
from bot.runtime.clock import ManualClock
from bot.runtime.config import Settings
from bot.runtime.dispatch import Dispatcher
from bot.runtime.server import PROBE_SECONDS
from handlers import notices
from handlers.i18n import t
from handlers.messages import Message
from storage.engine import (
    DEFAULT_LIMITS,
    PgLimits,
    make_engine,
    pg_connect_args,
    server_settings,
)
from storage.models import Event, Outbox, Request
from tests.adapters.slack.fake_slack import FakeSlack
from tests.conftest import PG_SCHEMA_URL
from tests.reliability import slash
from tests.reliability.conftest import (
    Processes,
    ServeProcess,
    command_body,
    free_port,
    pg_only,
    report,
    serve_config,
    signed,
    slack_env,
    wait_for,
)
from tests.reliability.proxy import Proxy

pytestmark = pg_only

HANG_LIMIT = 15.0  # a command must answer within this long even if the database hangs
FAST = PgLimits(connect=2, statement=1.0, grace=1.0)  # short limits, for the hang test


class Recorder:
    """A platform that accepts everything."""

    def __init__(self) -> None:
        self.sent: list[Message] = []

    def send(self, message: Message, thread_ref: str | None) -> str | None:
        self.sent.append(message)
        return f"ref-{len(self.sent)}"


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    assert PG_SCHEMA_URL
    url = make_url(PG_SCHEMA_URL)
    p = Proxy((url.host or "127.0.0.1", url.port or 5432))
    yield p
    p.close()


@pytest.fixture
def proxied(engine: Engine, proxy: Proxy, settings: Settings,
            clock: ManualClock) -> Iterator[app_mod.DeskApp]:
    """The desk, connected through the proxy (``engine`` is the direct view for checks)."""
    assert PG_SCHEMA_URL
    url = make_url(PG_SCHEMA_URL).set(port=proxy.port)
    through = make_engine(url.render_as_string(hide_password=False),
                          connect_args={"connect_timeout": 5})
    app = app_mod.build(settings, clock, engine=through, upgrade=False)
    yield app
    through.dispose()


def counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as s:
        return {m.__name__: int(s.exec(select(func.count()).select_from(m)).one())
                for m in (Request, Event, Outbox)}


def try_again(reply: object) -> bool:
    texts = {t("zh-CN", "err.try_again"), t("en", "err.try_again")}
    return (not reply.ok) and reply.text in texts  # type: ignore[attr-defined]


def test_cut_database_gets_try_again_stores_nothing_and_recovers(
        proxied: app_mod.DeskApp, proxy: Proxy, engine: Engine) -> None:
    app = proxied
    assert app.handle("alice", "/request it laptop before the outage").ok
    before = counts(engine)

    proxy.cut()
    started = time.monotonic()
    opened = app.handle("alice", "/request it laptop during the outage")
    acked = app.handle("kevin", "/request ack IT-1")
    listed = app.handle("alice", "/request list")
    took = time.monotonic() - started
    assert try_again(opened) and try_again(acked) and try_again(listed)
    assert counts(engine) == before, "something was stored while the database was away"

    proxy.restore()
    started = time.monotonic()
    again = app.handle("alice", "/request it laptop after the outage")
    recovered_in = time.monotonic() - started
    assert again.ok and again.request_ref == "IT-2", again.text
    assert app.handle("kevin", "/request ack IT-1").ok
    report("scenario 3: database cut, then restored",
           seconds_for_three_commands_while_cut=round(took, 2),
           seconds_for_first_command_after_restore=round(recovered_in, 2))


def test_cut_in_the_middle_of_a_command_rolls_it_back(
        proxied: app_mod.DeskApp, proxy: Proxy, engine: Engine,
        monkeypatch: pytest.MonkeyPatch) -> None:
    app = proxied
    assert app.handle("alice", "/request it laptop first").ok
    before = counts(engine)
    real = notices.opened_to_requester

    def cut_then_continue(ctx, request):  # type: ignore[no-untyped-def]
        proxy.cut()  # the Request and its Event are flushed; the outbox rows come next
        real(ctx, request)

    monkeypatch.setattr(notices, "opened_to_requester", cut_then_continue)
    reply = app.handle("alice", "/request it laptop half done")
    assert try_again(reply), reply.text
    monkeypatch.setattr(notices, "opened_to_requester", real)
    proxy.restore()
    assert counts(engine) == before
    assert app.handle("alice", "/request it laptop whole").request_ref == "IT-2", \
        "the rolled-back number was handed out again"


def test_cut_at_commit_leaves_nothing_half_written(
        proxied: app_mod.DeskApp, proxy: Proxy, engine: Engine) -> None:
    app = proxied
    assert app.handle("alice", "/request it laptop first").ok
    before = counts(engine)
    armed = {"cut": True}

    def before_commit(session: Session) -> None:
        if armed.pop("cut", False):
            proxy.cut()

    event.listen(Session, "before_commit", before_commit)
    try:
        reply = app.handle("alice", "/request it laptop at commit")
    finally:
        event.remove(Session, "before_commit", before_commit)
    assert try_again(reply), reply.text
    proxy.restore()
    assert counts(engine) == before
    assert app.handle("kevin", "/request ack IT-1").ok


def test_dispatcher_fails_while_cut_and_delivers_after(
        proxied: app_mod.DeskApp, proxy: Proxy, engine: Engine, clock: ManualClock) -> None:
    app = proxied
    assert app.handle("alice", "/request it laptop one").ok
    recorder = Recorder()
    dispatcher = Dispatcher(app.desk.engine, lambda _m: recorder, clock)
    proxy.cut()
    with pytest.raises(OperationalError):  # bot.runtime.scheduler.Scheduler logs it and runs again
        dispatcher.run_once()
    assert recorder.sent == []
    proxy.restore()
    assert dispatcher.run_once().delivered == 2
    assert [m.target for m in recorder.sent] == ["dept:it", "person:alice"]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM outbox WHERE delivered_at IS NULL")
                            ).scalar_one() == 0


def test_a_hanging_database_still_gets_an_answer_in_bounded_time(
        engine: Engine, proxy: Proxy, settings: Settings, clock: ManualClock) -> None:
    """The proxy accepts and acknowledges everything but answers nothing (a hung server or
    middlebox): the server's timeouts never fire, so the client-side wait limit must. The
    limits are shortened to keep the test fast; serve's defaults are the same mechanism."""
    assert PG_SCHEMA_URL
    url = make_url(PG_SCHEMA_URL).set(port=proxy.port)
    through = make_engine(url.render_as_string(hide_password=False), limits=FAST)
    app = app_mod.build(settings, clock, engine=through, upgrade=False)
    try:
        assert app.handle("alice", "/request it laptop before").ok
        before = counts(engine)
        proxy.blackhole()
        result: list[object] = []
        started = time.monotonic()
        worker = threading.Thread(
            target=lambda: result.append(app.handle("alice", "/request it laptop hang")),
            daemon=True)
        worker.start()
        worker.join(timeout=HANG_LIMIT)
        hung = worker.is_alive()
        took = time.monotonic() - started
        proxy.cut()  # free the blocked thread either way
        worker.join(timeout=10)
        assert not hung, f"no answer within {HANG_LIMIT:.0f}s while the database hangs"
        assert result and try_again(result[0])
        assert counts(engine) == before
        proxy.restore()
        assert app.handle("alice", "/request it laptop after").request_ref == "IT-2"
        report("scenario 3: database hangs (accepts, never answers)",
               seconds_until_try_again=round(took, 2),
               limits=f"connect {FAST.connect}s, statement {FAST.statement:g}s + "
                      f"{FAST.grace:g}s grace")
    finally:
        proxy.restore()
        through.dispose()


def test_serve_limits_every_wait_on_postgresql() -> None:
    """What serve's engine asks of libpq and the server, and the client-side wait limit."""
    assert PG_SCHEMA_URL
    args, limit = pg_connect_args(PG_SCHEMA_URL, {})
    assert limit == DEFAULT_LIMITS.statement + DEFAULT_LIMITS.grace
    assert args["connect_timeout"] == DEFAULT_LIMITS.connect and args["keepalives"] == 1
    assert args["tcp_user_timeout"] > 0
    settings = server_settings(args["options"])
    assert {"statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout",
            "search_path"} <= set(settings)
    through = make_engine(PG_SCHEMA_URL)
    try:
        with through.connect() as conn:
            shown = {name: conn.execute(text(f"SHOW {name}")).scalar_one()
                     for name in ("statement_timeout", "lock_timeout")}
        assert shown == {"statement_timeout": "15s", "lock_timeout": "5s"}
    finally:
        through.dispose()


# --------------------------------------------------------------------------- a serve process


@pytest.fixture
def served(tmp_path: Path, engine: Engine, proxy: Proxy,
           processes: Processes) -> Iterator[tuple[ServeProcess, FakeSlack]]:
    """`crossdesk serve` (Slack HTTP mode) whose database connections go through the proxy."""
    assert PG_SCHEMA_URL
    fake = FakeSlack().start()
    port = free_port()
    config = serve_config(tmp_path / "serve.toml", port, slack_url=fake.url)
    url = short_limits(make_url(PG_SCHEMA_URL).set(port=proxy.port))
    proc = processes.serve("behind-proxy", config, port, url, slack_env())
    try:
        yield proc.start(), fake
    finally:
        proxy.cut()  # frees any thread stuck on the database, so SIGTERM can finish
        proc.stop()
        fake.stop()


def short_limits(url: URL) -> str:
    """``url`` with the limits shortened in the URL itself, as an operator can (keeps the
    hang test short: the client gives up statement_timeout + 5 s into a wait)."""
    options = f"{url.query.get('options', '')} -c statement_timeout=2s".strip()
    return url.update_query_dict({"options": options, "connect_timeout": "2"}) \
        .render_as_string(hide_password=False)


def command(proc: ServeProcess, fake: FakeSlack, text_: str, probe: str,
            timeout: float = 30) -> str:
    """Type a slash command as alice; the answer she sees (from the ack or response_url)."""
    body = command_body("U0ALICE", text_, f"{fake.response_url()}?probe={probe}")
    response = httpx.post(proc.events_url, content=body, headers=signed(body), timeout=timeout)
    assert response.status_code == 200, response.status_code
    reply = slash.answer(response, fake, probe, timeout=timeout)
    assert reply is not None, f"no answer to {text_!r}"
    return str(reply.get("text"))


TRY_AGAIN = {t("en", "err.try_again"), t("zh-CN", "err.try_again")}


def test_serve_says_unhealthy_and_try_again_while_cut_then_recovers_by_itself(
        served: tuple[ServeProcess, FakeSlack], proxy: Proxy, engine: Engine) -> None:
    proc, fake = served
    assert "IT-1" in command(proc, fake, "it laptop before", "p1")

    proxy.cut()
    health = httpx.get(f"{proc.base}/healthz", timeout=10)
    assert health.status_code == 503 and health.json()["database"] is False
    assert command(proc, fake, "it laptop while cut", "p2") in TRY_AGAIN
    assert counts(engine)["Request"] == 1

    proxy.restore()
    started = time.monotonic()
    wait_for(lambda: httpx.get(f"{proc.base}/healthz", timeout=10).status_code == 200, 30,
             "serve to report healthy again", poll=0.2)
    healthy_in = time.monotonic() - started
    assert "IT-2" in command(proc, fake, "it laptop after", "p3")
    wait_for(lambda: not undelivered(engine), 30, "the dispatcher to catch up")
    report("scenario 3: serve process behind a cut database",
           seconds_until_healthy_after_restore=round(healthy_in, 2))


def undelivered(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM outbox WHERE delivered_at IS NULL")
                                ).scalar_one())


def test_a_hanging_database_freezes_neither_the_server_nor_a_command(
        served: tuple[ServeProcess, FakeSlack], proxy: Proxy) -> None:
    """Health probes and commands wait on the hung database in worker threads: the event
    loop keeps answering, probes say 503 after their own limit, commands say "try again"
    after the client-side wait limit (2 s statement_timeout + 5 s here, connect 2 s)."""
    proc, fake = served
    proxy.blackhole()
    results: dict[str, tuple[float, object]] = {}

    def timed(name: str, work: Callable[[], object]) -> threading.Thread:
        def run() -> None:
            started = time.monotonic()
            try:
                outcome: object = work()
            except (httpx.HTTPError, AssertionError) as exc:
                outcome = exc
            results[name] = (time.monotonic() - started, outcome)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    def probe() -> object:
        return httpx.get(f"{proc.base}/healthz", timeout=30).status_code

    def hang(n: int) -> Callable[[], object]:
        return lambda: command(proc, fake, f"it laptop hang {n}", f"q{n}")

    # more probes than probe threads (one waits for a turn), and two commands
    threads = [timed(f"health{n}", probe) for n in range(3)]
    threads += [timed(f"q{n}", hang(n)) for n in range(2)]
    unsigned = command_body("U0ALICE", "it laptop unsigned", fake.response_url())
    with httpx.Client(timeout=5) as http:
        time.sleep(0.5)
        started = time.monotonic()
        refused = http.post(proc.events_url, content=unsigned,
                            headers={"content-type": "application/x-www-form-urlencoded"})
        loop_answered_in = time.monotonic() - started
    for thread in threads:
        thread.join(timeout=40)
    assert refused.status_code == 401 and loop_answered_in < 1.0, \
        "the server stopped answering while requests waited on the database"
    probes = [results[f"health{n}"] for n in range(3)]
    assert [status for _, status in probes] == [503] * 3
    assert max(seconds for seconds, _ in probes) < PROBE_SECONDS + 2
    commands = [results[f"q{n}"] for n in range(2)]
    assert all(answer in TRY_AGAIN for _, answer in commands), commands
    assert max(seconds for seconds, _ in commands) < 25, "no answer in bounded time"
    report("scenario 3: serve process, database hangs",
           seconds_for_an_unsigned_request_meanwhile=round(loop_answered_in, 2),
           seconds_for_health_probes=[round(s, 1) for s, _ in probes],
           seconds_until_commands_answered=[round(s, 1) for s, _ in commands])
