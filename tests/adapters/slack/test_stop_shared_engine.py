"""Stopping Slack leaves the desk's engine to the rest of the process: on PostgreSQL the
sender's reader is that very engine, which WeCom, the dispatcher and the scheduler go on using
(``serve`` stops the platforms first)."""

from __future__ import annotations

from sqlalchemy import text

from bot.adapters.slack.platform import build_slack
from bot.runtime.app import DeskApp
from bot.runtime.config import Settings
from tests.adapters.slack.conftest import ENV
from tests.adapters.slack.fake_slack import FakeSlack


def test_stopping_slack_leaves_the_desk_engine_to_the_others(
        desk_app: DeskApp, http_settings: Settings, fake_slack: FakeSlack) -> None:
    engine = desk_app.desk.engine
    platform = build_slack(desk_app, http_settings, client_base_url=fake_slack.url,
                           environ=ENV)
    pool = engine.pool
    with engine.connect() as busy:  # a sweep, a dispatcher pass or a WeCom command under way
        busy.execute(text("SELECT 1"))
        platform.stop(timeout=1)
        busy.execute(text("SELECT 1"))
    assert engine.pool is pool, "Slack's stop disposed the engine the others share"
    assert pool.checkedin() >= 1, "the busy connection went back to the engine's pool"
