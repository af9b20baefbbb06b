"""Secrets only from the environment, clear errors, Socket Mode, and per-department channels."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from urllib.parse import urlencode

import pytest
from slack_bolt import BoltRequest

from bot.adapters.platform import PlatformStartError
from bot.adapters.slack import SlackConfigError, slack_enabled
from bot.adapters.slack.platform import build_slack
from bot.runtime import config as config_mod
from bot.runtime.app import DeskApp
from bot.runtime.config import Settings
from handlers.messages import Message
from tests.adapters.slack.conftest import ENV, SlackDesk, reply_in
from tests.adapters.slack.fake_slack import FakeSlack

ROOT = Path(__file__).resolve().parents[3]


def with_slack(settings: Settings, **section: object) -> Settings:
    return dataclasses.replace(settings, raw={**settings.raw, "slack": dict(section)})


@pytest.mark.parametrize(("mode", "missing"), [
    ("http", "SLACK_BOT_TOKEN"), ("http", "SLACK_SIGNING_SECRET"),
    ("socket", "SLACK_BOT_TOKEN"), ("socket", "SLACK_APP_TOKEN"),
])
def test_a_missing_secret_is_named(desk_app: DeskApp, settings: Settings, mode: str,
                                   missing: str) -> None:
    env = {**ENV, "SLACK_APP_TOKEN": "xapp-test"}
    del env[missing]
    with pytest.raises(SlackConfigError, match=missing):
        build_slack(desk_app, with_slack(settings, mode=mode), environ=env)


def test_an_unknown_mode_names_the_key(desk_app: DeskApp, settings: Settings) -> None:
    with pytest.raises(SlackConfigError, match=r"slack\.mode"):
        build_slack(desk_app, with_slack(settings, mode="webhook"), environ=ENV)


def test_enabled(settings: Settings) -> None:
    assert not slack_enabled(settings)
    assert slack_enabled(with_slack(settings, mode="http"))
    assert not slack_enabled(with_slack(settings, mode="http", enabled=False))


def test_starting_with_the_token_in_the_environment_logs_no_warning(
        desk_app: DeskApp, settings: Settings, fake_slack: FakeSlack,
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """Bolt reads SLACK_BOT_TOKEN itself, as ``serve`` is run: no warning that it goes
    unused (our client carries it) greets whoever reads the log; other warnings still show."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", ENV["SLACK_BOT_TOKEN"])
    with caplog.at_level(logging.INFO):
        platform = build_slack(desk_app, with_slack(settings, mode="http"),
                               client_base_url=fake_slack.url, environ=ENV)
        platform.stop()
        logging.getLogger("slack_bolt.App").warning("another Bolt warning")
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == ["another Bolt warning"]


def test_socket_mode(desk_app: DeskApp, settings: Settings, fake_slack: FakeSlack) -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_APP_TOKEN": "xapp-1-test"}
    platform = build_slack(desk_app, with_slack(settings, mode="socket"),
                           client_base_url=fake_slack.url, environ=env)
    try:
        assert platform.routes() == []
        body = urlencode({"team_id": "T0ACME", "user_id": "U0ALICE", "command": "/request",
                          "text": "it laptop broken", "trigger_id": "t-sock",
                          "response_url": f"{fake_slack.response_url()}?probe=sock"})
        response = platform.bolt.dispatch(BoltRequest(body=body, mode="socket_mode"))
        assert response.status == 200, "no signature needed over the app's own socket"
        assert reply_in(response.body)["text"].startswith("Opened IT-1"), "answered in the ack"
        with pytest.raises(PlatformStartError, match="Slack refused SLACK_APP_TOKEN"):
            platform.start()  # the stand-in refuses apps.connections.open
        opened = fake_slack.calls_to("apps.connections.open")
        assert [c.token for c in fake_slack.calls if c.method == "apps.connections.open"] == \
            ["xapp-1-test"] and opened
    finally:
        platform.stop()


def test_slack_channel_overrides_the_channel(tmp_path: Path, desk_app: DeskApp,
                                             fake_slack: FakeSlack) -> None:
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    text = text.replace('channel = "finance-requests"',
                        'channel = "finance-requests"\nslack_channel = "C0FINANCE"', 1)
    path = tmp_path / "config.toml"
    path.write_text(text + '\n[slack]\nmode = "http"\n', encoding="utf-8")
    settings = config_mod.load(path)
    platform = build_slack(desk_app, settings, client_base_url=fake_slack.url,
                           environ=ENV)
    try:
        ts = platform.sender.send(Message(text="hello", target="dept:finance"), None)
        it = platform.sender.send(Message(text="hi", target="dept:it"), None)
    finally:
        platform.stop()
    assert ts and it
    assert [c["channel"] for c in fake_slack.calls_to("chat.postMessage")] == \
        ["C0FINANCE", "it-requests"]


def test_route_reaches_slack_people_and_channels(slack: SlackDesk) -> None:
    route = slack.platform.route()
    assert route.name == "slack"
    assert route.reaches_person("U0ALICE", None) and not route.reaches_person(None, "wangli")
    assert route.reaches_department("finance")


@pytest.mark.parametrize("error", ["invalid_auth", "token_revoked"])
def test_a_bot_token_slack_refuses_stops_the_start(
        error: str, desk_app: DeskApp, settings: Settings, fake_slack: FakeSlack) -> None:
    """HTTP mode too: before, serve said "ready" and every command got Bolt's "installation
    no longer available" while every message was refused."""
    platform = build_slack(desk_app, with_slack(settings, mode="http"),
                           client_base_url=fake_slack.url, environ=ENV)
    fake_slack.refuse("auth.test", error)
    try:
        with pytest.raises(PlatformStartError) as refused:
            platform.start()
        assert f"Slack refused SLACK_BOT_TOKEN ({error})" in str(refused.value)
        assert "xoxb-test-token" not in str(refused.value)
    finally:
        platform.stop()


def test_slack_out_of_reach_at_start_only_warns(
        desk_app: DeskApp, settings: Settings, fake_slack: FakeSlack,
        caplog: pytest.LogCaptureFixture) -> None:
    platform = build_slack(desk_app, with_slack(settings, mode="http"),
                           client_base_url=fake_slack.url, environ=ENV)
    fake_slack.fail("auth.test", 503)
    try:
        with caplog.at_level(logging.WARNING):
            platform.start()  # HTTP mode: requests arrive whatever the Web API says now
        assert any("starting anyway" in r.getMessage() for r in caplog.records)
        platform.start()  # answered this time: nothing to say
        assert [c.method for c in fake_slack.calls].count("auth.test") == 2
    finally:
        platform.stop()


def test_serve_stops_in_one_line_on_a_refused_bot_token(
        settings: Settings, fake_slack: FakeSlack, database_url: str, engine,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.runtime import serve

    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    fake_slack.refuse("auth.test", "invalid_auth")
    on_slack = dataclasses.replace(
        with_slack(settings, mode="http", api_base_url=fake_slack.url),
        database_url=database_url)
    with pytest.raises(serve.ServeError) as stopped:
        serve.start(on_slack)
    assert str(stopped.value).startswith("Slack refused SLACK_BOT_TOKEN (invalid_auth)")


def test_every_missing_secret_is_named_at_once(desk_app: DeskApp, settings: Settings,
                                               fake_slack: FakeSlack) -> None:
    with pytest.raises(SlackConfigError) as missing:
        build_slack(desk_app, with_slack(settings, mode="http"), client_base_url=fake_slack.url,
                    environ={})
    said = str(missing.value)
    assert "SLACK_BOT_TOKEN is not set" in said and "SLACK_SIGNING_SECRET is not set" in said
