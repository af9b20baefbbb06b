"""Named channels (``channel:<name>`` targets, e.g. the weekly scorecard to ``bot.admin_channel``)
reach that Slack channel through the dispatcher, by name or by the id ``[slack] channels`` gives."""

from __future__ import annotations

import dataclasses

import pytest

from bot.adapters.slack import SlackConfigError
from bot.adapters.slack.platform import build_slack
from bot.runtime.app import DeskApp
from bot.runtime.config import Settings
from bot.runtime.dispatch import Dispatcher
from bot.runtime.routing import SenderRouter
from handlers.digest_post import DigestPolicy, post_due
from tests.adapters.slack.conftest import ENV, Elsewhere, SlackDesk
from tests.adapters.slack.fake_slack import FakeSlack
from tests.conftest import local


def _scorecard_week(slack: SlackDesk) -> None:
    """A request in the week of 16 Nov, then Monday 23 Nov 09:31: the scorecard is due."""
    slack.clock.set(local("2026-11-16T10:00"))
    slack.ask("U0HENRY", "finance reimbursement taxi 86 CNY")
    slack.clock.set(local("2026-11-23T09:31"))
    assert "scorecard:2026-W47" in post_due(slack.platform.deps.app.desk, slack.clock(),
                                            DigestPolicy())


def _scorecards(fake: FakeSlack) -> list[dict[str, object]]:
    return [p for p in fake.posted() if "服务记分卡 · 2026-W47" in str(p.get("text"))]


def test_the_weekly_scorecard_reaches_the_admin_channel(slack: SlackDesk) -> None:
    _scorecard_week(slack)
    slack.drain(max_seconds=30)
    [scorecard] = _scorecards(slack.fake)
    assert scorecard["channel"] == "service-office"  # bot.admin_channel, by name
    assert not [m for m in slack.elsewhere.sent if m.target.startswith("channel:")]
    assert not slack.pending(), "delivered once, nothing left to retry"


def test_slack_channels_maps_the_admin_channel_to_its_id(
        desk_app: DeskApp, http_settings: Settings, fake_slack: FakeSlack,
        slack: SlackDesk) -> None:
    raw = {**http_settings.raw,
           "slack": {"mode": "http", "channels": {"service-office": "C0SERVICE"}}}
    platform = build_slack(desk_app, dataclasses.replace(http_settings, raw=raw),
                           client_base_url=fake_slack.url, environ=ENV)
    try:
        slack.router = SenderRouter(slack.engine, http_settings.catalog, [platform.route()],
                                    Elsewhere())
        slack.dispatcher = Dispatcher(slack.engine, slack.router, slack.clock)
        _scorecard_week(slack)
        slack.drain(max_seconds=30)
    finally:
        platform.stop()
    [scorecard] = _scorecards(fake_slack)
    assert scorecard["channel"] == "C0SERVICE"


@pytest.mark.parametrize("channels", [["C0SERVICE"], {"service-office": ""}])
def test_a_bad_slack_channels_table_names_the_key(desk_app: DeskApp, http_settings: Settings,
                                                  channels: object) -> None:
    raw = {**http_settings.raw, "slack": {"mode": "http", "channels": channels}}
    with pytest.raises(SlackConfigError, match=r"slack\.channels"):
        build_slack(desk_app, dataclasses.replace(http_settings, raw=raw), environ=ENV)
