"""`crossdesk tick` only sends, so a cron job needs only the bot token: not the signing
secret (HTTP mode) nor the app-level token (Socket Mode), which only receiving uses."""

from __future__ import annotations

import dataclasses

import pytest
import typer
from sqlmodel import Session, col, select

from bot.cli.console import run_tick
from bot.runtime.app import DeskApp
from bot.runtime.config import Settings
from handlers.inbound import Inbound
from storage.models import Outbox
from tests.adapters.slack.fake_slack import FakeSlack


def _on_slack(settings: Settings, fake: FakeSlack, database_url: str, mode: str) -> Settings:
    raw = {**settings.raw, "slack": {"mode": mode, "api_base_url": fake.url}}
    return dataclasses.replace(settings, raw=raw, database_url=database_url)


def _unsent(engine) -> int:
    """The request's own messages not sent yet."""
    with Session(engine) as session:
        return len(session.exec(select(Outbox).where(
            col(Outbox.delivered_at).is_(None), col(Outbox.request_id).is_not(None))).all())


@pytest.mark.parametrize("mode", ["socket", "http"])
def test_tick_sends_through_slack_with_the_bot_token_alone(
        mode: str, settings: Settings, fake_slack: FakeSlack, database_url: str,
        desk_app: DeskApp, engine, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    for name in ("SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token")
    desk_app.run(Inbound(platform="slack", person_id="bob",
                         text="/request finance reimbursement amount=86 taxi"))
    assert _unsent(engine) > 0
    run_tick(_on_slack(settings, fake_slack, database_url, mode), None)
    captured = capsys.readouterr()
    assert "SLACK_" not in captured.err, captured.err
    assert any("FIN-1" in str(args) for args in fake_slack.posted()), \
        "the finance channel got the new request"
    assert _unsent(engine) == 0  # (a digest the tick wrote may wait for the channel's pace)


def test_tick_still_names_a_missing_bot_token(
        settings: Settings, fake_slack: FakeSlack, database_url: str, desk_app: DeskApp,
        engine, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-test")
    desk_app.run(Inbound(platform="slack", person_id="bob",
                         text="/request finance reimbursement amount=86 taxi"))
    queued = _unsent(engine)
    with pytest.raises(typer.Exit) as ended:
        run_tick(_on_slack(settings, fake_slack, database_url, "socket"), None)
    assert ended.value.exit_code == 1
    assert "SLACK_BOT_TOKEN is not set" in capsys.readouterr().err
    assert _unsent(engine) == queued, "nothing was sent or marked sent"
