"""The read engine (``storage.engine.reader_for``: one per desk engine, its own on SQLite) is
shared by Slack's lookups, WeCom's token store and directory, the router and the metrics.
Stopping one platform leaves it to the others; ``serve``, which owns the desk engine,
releases it once, after every platform has stopped."""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy import text

from bot.adapters.slack.platform import build_slack
from bot.adapters.wecom import build_wecom
from bot.runtime.app import DeskApp
from bot.runtime.config import Settings
from bot.runtime.serve import Runtime
from storage.engine import reader_for
from tests.adapters.slack.conftest import ENV
from tests.adapters.slack.fake_slack import FakeSlack

WECOM_ENV = {"WECOM_CORP_ID": "ww0123456789abcdef", "WECOM_AGENT_ID": "1000002",
             "WECOM_SECRET": "s3cret", "WECOM_TOKEN": "callbacktoken",
             "WECOM_AES_KEY": base64.b64encode(b"k" * 32).decode().rstrip("=")}
NOWHERE = "http://127.0.0.1:9/"  # never called: the test only reads the database


def test_stopping_slack_leaves_the_shared_reader_to_wecom(
        desk_app: DeskApp, http_settings: Settings, fake_slack: FakeSlack) -> None:
    slack = build_slack(desk_app, http_settings, client_base_url=fake_slack.url, environ=ENV)
    wecom = build_wecom(desk_app, http_settings, api_base_url=NOWHERE, environ=WECOM_ENV)
    reader = reader_for(desk_app.desk.engine)
    assert slack.sender.lookups.engine is reader and wecom.reader is reader
    pool = reader.pool
    try:
        with reader.connect() as busy:  # a WeCom read under way (its token, a person)
            busy.execute(text("SELECT 1"))
            slack.stop(timeout=1)
            busy.execute(text("SELECT 1"))
        assert reader.pool is pool, "Slack's stop disposed the reader WeCom reads through"
        assert pool.checkedin() >= 1, "the busy connection went back to the reader's pool"
        assert wecom.storage.get("no such token", "none") == "none"  # WeCom still reads
    finally:
        wecom.stop()
    assert reader.pool is pool, "WeCom's stop disposed the reader the rest still use"


class _Dispatcher:
    def run_once(self, **_kw: Any) -> None:
        """Nothing to send."""


class _Scheduler:
    dispatcher = _Dispatcher()

    def shutdown(self) -> None:
        """Nothing runs."""


def test_serve_releases_the_reader_once_its_platforms_have_stopped(
        desk_app: DeskApp, http_settings: Settings, fake_slack: FakeSlack) -> None:
    slack = build_slack(desk_app, http_settings, client_base_url=fake_slack.url, environ=ENV)
    wecom = build_wecom(desk_app, http_settings, api_base_url=NOWHERE, environ=WECOM_ENV)
    engine = desk_app.desk.engine
    reader, pool = reader_for(engine), engine.pool
    with reader.connect() as read:
        read.execute(text("SELECT 1"))
    runtime = Runtime(app=desk_app, scheduler=_Scheduler(),  # type: ignore[arg-type]
                      platforms=[slack, wecom])
    runtime.stop()
    if reader is engine:  # PostgreSQL: the reader is the desk's engine, not serve's to drop
        assert engine.pool is pool
    else:
        assert reader.pool.checkedin() == 0, "serve released the reader's connections"
