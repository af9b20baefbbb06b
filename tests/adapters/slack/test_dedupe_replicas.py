"""Delivery keys are claimed in the database with the change, so a repeat reaching another
replica is answered as before and runs once; events are claimed once too."""

from __future__ import annotations

from bot.adapters.slack.platform import build_slack
from bot.runtime.app import DeskApp
from bot.runtime.config import Settings
from tests.adapters.slack.conftest import ENV, SlackDesk, reply_in


def test_a_replay_to_another_replica_runs_once(slack: SlackDesk, desk_app: DeskApp,
                                               http_settings: Settings) -> None:
    """The same signed request at a second Bolt app on the same database (another replica)."""
    other = build_slack(desk_app, http_settings, client_base_url=slack.fake.url, environ=ENV)
    try:
        body = slack.command_body("U0HENRY", "finance reimbursement taxi 86 CNY")
        first = reply_in(slack.dispatch(body).body)
        assert "FIN-1" in first["text"]
        slack.platform, mine = other, slack.platform
        try:
            replayed = slack.dispatch(body)
        finally:
            slack.platform = mine
        assert replayed.status == 200 and reply_in(replayed.body)["text"] == first["text"]
        assert [r.ref for r in slack.requests()] == ["FIN-1"]
    finally:
        other.stop()


def test_an_event_redelivered_to_another_replica_runs_once(slack: SlackDesk, desk_app: DeskApp,
                                                          http_settings: Settings) -> None:
    other = build_slack(desk_app, http_settings, client_base_url=slack.fake.url, environ=ENV)
    try:
        opened = {"type": "app_home_opened", "user": "U0ALICE", "tab": "home"}
        assert slack.event(opened, event_id="Ev0HOME1").status == 200
        slack.fake.wait_for("views.publish", 1)
        slack.platform, mine = other, slack.platform
        try:
            retry = slack.event(opened, event_id="Ev0HOME1", headers={"x-slack-retry-num": "1"})
        finally:
            slack.platform = mine
        assert retry.status == 200
        assert slack.event(opened, event_id="Ev0HOME2").status == 200
        slack.fake.wait_for("views.publish", 2)
        assert len(slack.fake.calls_to("views.publish")) == 2, "Ev0HOME1 published once"
    finally:
        other.stop()
