"""A message no enabled platform can deliver fails for good (admins told, /healthz counts it)
instead of being marked delivered; a settle there is silently done; serve says what it runs
with and warns when no platform is enabled."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.cli.console import run_tick
from bot.runtime import app as app_mod
from bot.runtime import config as config_mod
from bot.runtime import serve
from bot.runtime.clock import ManualClock
from bot.runtime.dispatch import Dispatcher
from bot.runtime.routing import PlatformRoute, SenderRouter
from handlers.messages import SETTLE, Message, person
from storage import outbox
from storage.engine import transaction
from storage.models import Outbox
from tests.adapters.slack.fake_slack import FakeSlack
from tests.conftest import EXAMPLE

HINT = "add their slack or wecom id under [[people]]"


class Recorder:
    """A platform's sender that records (target, kind) of what it was given."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, message: Message, thread_ref: str | None) -> str | None:
        self.sent.append((message.target, message.kind))
        return f"ref-{len(self.sent)}"


def henry_off_slack(tmp_path: Path) -> Path:
    """The sample company, but Henry has no Slack id (only a WeCom one)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    assert 'slack = "U0HENRY"\n' in text
    config = tmp_path / "config.toml"
    config.write_text(text.replace('slack = "U0HENRY"\n', "", 1), encoding="utf-8")
    return config


@pytest.fixture
def company(tmp_path: Path, database_url: str) -> config_mod.Settings:
    return config_mod.load(henry_off_slack(tmp_path), database_url)


@pytest.fixture
def desk(company: config_mod.Settings, engine: Engine, clock: ManualClock) -> app_mod.DeskApp:
    return app_mod.build(company, clock, engine=engine, upgrade=False)


def slack_only(desk: app_mod.DeskApp, slack: Recorder) -> SenderRouter:
    """Slack enabled (people with a Slack id, every department); the rest unreachable."""
    route = PlatformRoute("slack", slack, reaches_person=lambda slack_id, _w: bool(slack_id),
                          reaches_department=lambda _key: True)
    return SenderRouter(desk.desk.engine, desk.settings.catalog, [route], serve.Unreachable())


def rows_to(engine: Engine, target: str) -> list[Outbox]:
    with Session(engine) as session:
        return list(session.exec(select(Outbox).where(col(Outbox.target) == target)
                                 .order_by(col(Outbox.id))).all())


def test_a_message_no_platform_reaches_fails_for_good_and_the_admins_hear_once(
        desk: app_mod.DeskApp, engine: Engine, clock: ManualClock) -> None:
    slack = Recorder()
    dispatcher = Dispatcher(engine, slack_only(desk, slack), clock, policy=desk.desk.policy)
    settle = Message(text="", target=person("henry"), kind=SETTLE, request_ref="FIN-1")
    with transaction(engine) as session:  # nothing to grey where no platform reaches
        outbox.enqueue(session, settle.target, settle.to_dict(), clock())
    assert desk.handle("henry", "/request finance reimbursement amount=86 taxi").ok
    stats = dispatcher.run_once()
    settled, *henry = rows_to(engine, "person:henry")
    assert settled.delivered_at is not None and settled.failed_at is None  # silently done
    assert henry and all(r.delivered_at is None and r.failed_at is not None for r in henry)
    assert {r.failed_reason for r in henry} == {"none:unreachable"}
    assert all(HINT in (r.last_error or "") for r in henry)
    assert stats.failed == stats.refused == len(henry)
    assert slack.sent.count(("person:root", "delivery_refused")) == 1, \
        "root, the admin on Slack, hears once of henry, whatever he missed"
    with Session(engine) as session:
        refused = outbox.refusals(session)  # what /healthz reports as outbox_refused
    assert refused.count == len(henry) and refused.newest_target == "person:henry"
    notices, sent = len(rows_to(engine, "person:root")), len(slack.sent)
    clock.set(clock() + timedelta(hours=2))
    again = dispatcher.run_once()
    assert (again.delivered, again.failed) == (0, 0), "never retried"
    assert len(slack.sent) == sent and len(rows_to(engine, "person:root")) == notices


def test_with_no_platform_every_message_fails_and_a_failed_notice_causes_no_other(
        desk: app_mod.DeskApp, engine: Engine, clock: ManualClock) -> None:
    router = SenderRouter(engine, desk.settings.catalog, [], serve.Unreachable())
    dispatcher = Dispatcher(engine, router, clock, policy=desk.desk.policy)
    assert desk.handle("henry", "/request finance reimbursement amount=86 taxi").ok
    stats = dispatcher.run_once()
    with Session(engine) as session:
        rows = list(session.exec(select(Outbox)).all())
    assert stats.delivered == 0 and stats.failed == len(rows)
    assert all(r.failed_at is not None for r in rows)
    notices = [r for r in rows if r.payload.get("kind") == "delivery_refused"]
    targets = {r.target for r in rows if r.payload.get("kind") != "delivery_refused"}
    assert len(targets) > 1 and len(notices) == len(targets), "one a day per target, no more"
    assert dispatcher.run_once().failed == 0


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()


def test_tick_on_slack_counts_a_message_to_someone_without_a_slack_id_as_failed(
        company: config_mod.Settings, desk: app_mod.DeskApp, engine: Engine,
        fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token")
    assert desk.handle("henry", "/request finance reimbursement amount=86 taxi").ok
    on_slack = dataclasses.replace(
        company, raw={**company.raw, "slack": {"mode": "http", "api_base_url": fake_slack.url}})
    run_tick(on_slack, "2026-11-23T09:00")
    printed = capsys.readouterr().out
    henry = rows_to(engine, "person:henry")
    assert henry and all(r.failed_at is not None and r.delivered_at is None for r in henry)
    assert f"failed {len(henry)}" in printed, printed
    assert any("person:henry" in str(call) for call in fake_slack.posted()), \
        "the admin's notice names the target"


def test_serve_names_its_config_and_warns_when_no_platform_is_enabled(
        tmp_path: Path, database_url: str, engine: Engine, caplog) -> None:
    caplog.set_level(logging.INFO, logger="crossdesk.serve")
    config = henry_off_slack(tmp_path)
    runtime = serve.start(config_mod.load(config, database_url))
    try:
        assert runtime.app.handle("henry", "/request finance reimbursement amount=86 taxi").ok
        runtime.scheduler.dispatcher.run_once()
        ok, health = runtime.health()
    finally:
        runtime.stop()
    said = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "crossdesk.serve"]
    assert any(level == "INFO" and str(config.resolve()) in text for level, text in said), said
    warned = [text for level, text in said if level == "WARNING" and "no chat platform" in text]
    assert warned and str(config.resolve()) in warned[0]
    assert "[slack]" in warned[0] and "[wecom]" in warned[0]
    assert ok and health["outbox_refused"] > 0


def test_the_admins_hear_of_an_unreachable_person_once_a_day_not_per_message(
        desk: app_mod.DeskApp, engine: Engine, clock: ManualClock) -> None:
    slack = Recorder()
    dispatcher = Dispatcher(engine, slack_only(desk, slack), clock, policy=desk.desk.policy)
    assert desk.handle("henry", "/request finance reimbursement amount=86 taxi").ok
    assert desk.handle("henry", "/request finance reimbursement amount=40 bus").ok
    dispatcher.run_once()
    assert desk.handle("bob", "/request ack FIN-1").ok  # henry is told: a third miss
    dispatcher.run_once()
    missed = rows_to(engine, "person:henry")
    assert len(missed) >= 3 and all(r.failed_at is not None for r in missed)
    notices = [r for r in rows_to(engine, "person:root")
               if r.payload.get("kind") == "delivery_refused"]
    assert len(notices) == 1, "one notice for henry today, however many messages he missed"
    assert "Messages to person:henry cannot be delivered" in notices[0].payload["text"] or \
        "发往 person:henry 的消息无法送达" in notices[0].payload["text"]
    clock.set(clock() + timedelta(days=1))
    assert desk.handle("bob", "/request resolve FIN-1 paid").ok
    dispatcher.run_once()
    assert len([r for r in rows_to(engine, "person:root")
                if r.payload.get("kind") == "delivery_refused"]) == 2, "and again the next day"


def test_the_admins_hear_of_an_unreachable_person_once_a_local_day(
        desk: app_mod.DeskApp, engine: Engine, clock: ManualClock) -> None:
    slack = Recorder()
    dispatcher = Dispatcher(engine, slack_only(desk, slack), clock, policy=desk.desk.policy)
    shanghai = desk.desk.policy.tz

    def notices() -> int:
        return slack.sent.count(("person:root", "delivery_refused"))

    clock.set(datetime(2026, 11, 24, 7, 30, tzinfo=shanghai))  # 23:30 UTC the day before
    assert desk.handle("henry", "/request finance reimbursement amount=86 taxi").ok
    dispatcher.run_once()
    assert notices() == 1
    clock.set(datetime(2026, 11, 24, 8, 30, tzinfo=shanghai))  # 00:30 UTC: a new UTC day
    assert desk.handle("henry", "/request it laptop screen flickers").ok
    dispatcher.run_once()
    assert notices() == 1, "the same day in Shanghai: no second notice"
    clock.set(datetime(2026, 11, 25, 7, 30, tzinfo=shanghai))
    assert desk.handle("henry", "/request it laptop keyboard sticks").ok
    dispatcher.run_once()
    assert notices() == 2, "the next day in Shanghai: told again"
