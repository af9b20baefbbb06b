"""Reactions through the real Bolt app: 👀 and ✅ on a thread root act for the desk and are
refused for outsiders; 🎫 on any message offers the request form from it.

``reaction_added`` as in Slack's event docs: ``user``, ``reaction``, ``item_user`` and
``item`` ({type: message, channel, ts})."""

from __future__ import annotations

import dataclasses
import json
import time
from typing import Any

import pytest
from slack_bolt import BoltRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.adapters.slack import SlackConfigError
from bot.adapters.slack.platform import build_slack
from bot.runtime.app import DeskApp
from bot.runtime.config import Settings
from tests.adapters.slack.conftest import ENV, SlackDesk, signed_headers, text_of
from tests.adapters.slack.fake_slack import FakeSlack, wait_until
from tests.adapters.slack.test_conversations import FINANCE, opened

GENERAL = "C0GENERAL"


def reaction(user: str, name: str, channel: str, ts: str) -> dict[str, Any]:
    return {"type": "reaction_added", "user": user, "reaction": name, "item_user": "U0BOT",
            "item": {"type": "message", "channel": channel, "ts": ts},
            "event_ts": "1790000999.000100"}


def ephemerals(slack: SlackDesk, count: int) -> list[dict[str, Any]]:
    """The first ``count`` chat.postEphemeral calls (waiting, bounded)."""
    return slack.fake.wait_for("chat.postEphemeral", count)[:count]


def test_eyes_on_the_root_acknowledges_for_the_desk_once(slack: SlackDesk) -> None:
    root = opened(slack)
    event = reaction("U0BOB", "eyes", FINANCE, root)
    assert slack.event(event, event_id="Ev0EYES1").status == 200
    assert slack.event(event, event_id="Ev0EYES1",
                       headers={"x-slack-retry-num": "1"}).status == 200
    slack.drain()
    request = slack.request("FIN-1")
    assert request is not None and request.state == "acknowledged"
    assert request.assignee_id == "bob" and request.first_response_at is not None
    acked = [p for p in slack.fake.posted("D0ALICE") if "acknowledged" in p["text"]]
    assert len(acked) == 1, "the retried event changed nothing twice"
    assert not slack.fake.calls_to("chat.postEphemeral")


def test_eyes_by_an_outsider_is_refused_in_an_ephemeral_word(slack: SlackDesk) -> None:
    root = opened(slack)
    event = reaction("U0GUEST", "eyes", FINANCE, root)
    slack.event(event, event_id="Ev0EYES2")
    slack.event(event, event_id="Ev0EYES2", headers={"x-slack-retry-num": "1"})
    said = ephemerals(slack, 1)[0]
    assert said["channel"] == FINANCE and said["user"] == "U0GUEST" and said["_ok"]
    assert "FIN-1" in said["text"]
    slack.drain()
    request = slack.request("FIN-1")
    assert request is not None and request.state == "open" and request.assignee_id is None
    assert len(slack.fake.calls_to("chat.postEphemeral")) == 1


def test_check_mark_asks_for_the_note_then_resolves(slack: SlackDesk) -> None:
    root = opened(slack)
    slack.event(reaction("U0BOB", "white_check_mark", FINANCE, root))
    offer = ephemerals(slack, 1)[0]
    assert offer["user"] == "U0BOB" and offer["channel"] == FINANCE
    values = [e["value"] for b in offer["blocks"] if b["type"] == "actions"
              for e in b["elements"]]
    assert values == ["/request resolve FIN-1 <note>"]
    assert slack.request("FIN-1").state == "open"  # type: ignore[union-attr]

    slack.click("U0BOB", values[0], "resolve", channel=FINANCE)
    view = slack.opened_view()
    assert view["callback_id"] == "crossdesk_command_input"
    slack.submit("U0BOB", view, {"slot.note": {"value": {"type": "plain_text_input",
                                                         "value": "paid on Tuesday"}}})
    request = slack.request("FIN-1")
    assert request is not None and request.state == "resolved"
    assert request.resolution_note == "paid on Tuesday"


def test_check_mark_by_an_outsider_changes_nothing(slack: SlackDesk) -> None:
    root = opened(slack)
    slack.event(reaction("U0GUEST", "white_check_mark", FINANCE, root))
    said = ephemerals(slack, 1)[0]
    assert said["user"] == "U0GUEST" and "FIN-1" in said["text"]
    assert not [b for b in said["blocks"] if b["type"] == "actions"], "no button to press"
    assert slack.request("FIN-1").state == "open"  # type: ignore[union-attr]


def test_reactions_elsewhere_and_by_the_bot_do_nothing(slack: SlackDesk) -> None:
    root = opened(slack)
    for event in (reaction("U0BOT", "eyes", FINANCE, root),  # the bot's own
                  reaction("U0BOB", "eyes", GENERAL, "1790000500.000100"),  # not a root
                  reaction("U0BOB", "tada", FINANCE, root)):  # not in the map
        assert slack.event(event).status == 200
    slack.drain()
    assert slack.request("FIN-1").state == "open"  # type: ignore[union-attr]
    assert not slack.fake.calls_to("chat.postEphemeral")


def click_offer(slack: SlackDesk, button: dict[str, Any], trigger_id: str) -> Any:
    """Alice clicks ``button`` of the ephemeral 🎫 offer in #general, as Slack sends it."""
    payload = {"type": "block_actions", "user": {"id": "U0ALICE", "username": "alice"},
               "trigger_id": trigger_id,
               "container": {"type": "message", "channel_id": GENERAL, "is_ephemeral": True},
               "channel": {"id": GENERAL, "name": "general"},
               "response_url": slack.fake.response_url(),
               "actions": [{**button, "block_id": "b1", "action_ts": "1790000600.1"}]}
    return slack.dispatch(slack.payload_body(payload))


def test_ticket_on_a_message_offers_the_form_from_it(slack: SlackDesk) -> None:
    ts = "1790000500.000100"
    slack.fake.messages[(GENERAL, ts)] = {
        "type": "message", "user": "U0ALICE", "ts": ts,
        "text": "printer on 3F is jammed &amp; smoking <@U0BOB>"}
    slack.event(reaction("U0ALICE", "ticket", GENERAL, ts), event_id="Ev0TICKET")
    slack.event(reaction("U0ALICE", "ticket", GENERAL, ts), event_id="Ev0TICKET",
                headers={"x-slack-retry-num": "1"})
    offer = ephemerals(slack, 1)[0]
    assert offer["user"] == "U0ALICE" and offer["channel"] == GENERAL
    button = next(e for b in offer["blocks"] if b["type"] == "actions" for e in b["elements"])
    assert button["value"].startswith("printer on 3F is jammed & smoking")
    assert f"archives/{GENERAL}/p" in button["value"]

    assert click_offer(slack, button, "13345224609.738474920.8088930838d88f008e0").status == 200
    view = slack.opened_view()
    assert "printer on 3F is jammed & smoking" in text_of(view)
    time.sleep(0.1)
    assert len(slack.fake.calls_to("chat.postEphemeral")) == 1, "a retried reaction: one offer"


def test_the_stand_in_refuses_ephemeral_messages_where_the_bot_is_not(
        fake_slack: FakeSlack) -> None:
    """chat.postEphemeral needs the bot in the channel (Slack: not_in_channel)."""
    fake_slack.outside.add(GENERAL)
    client = WebClient(token="xoxb-test", base_url=fake_slack.url)
    with pytest.raises(SlackApiError) as refused:
        client.chat_postEphemeral(channel=GENERAL, user="U0BOB", text="x")
    assert refused.value.response["error"] == "not_in_channel"
    assert client.chat_postEphemeral(channel=FINANCE, user="U0BOB", text="x")["ok"]


def test_the_reaction_map_is_configurable_and_checked(slack: SlackDesk, desk_app: DeskApp,
                                                      http_settings: Settings,
                                                      fake_slack: FakeSlack) -> None:
    bad = dataclasses.replace(http_settings, raw={**http_settings.raw, "slack": {
        "mode": "http", "reactions": {"eyes": "delete"}}})
    with pytest.raises(SlackConfigError, match="slack.reactions"):
        build_slack(desk_app, bad, client_base_url=fake_slack.url, environ=ENV)
    mine = dataclasses.replace(http_settings, raw={**http_settings.raw, "slack": {
        "mode": "http", "reactions": {":raised_hands:": "assign_me"}}})
    platform = build_slack(desk_app, mine, client_base_url=fake_slack.url, environ=ENV)
    try:
        root = opened(slack)
        platform.bolt.dispatch(BoltRequest(body=(body := json.dumps({
            "type": "event_callback", "team_id": "T0ACME", "event_id": "Ev0HANDS",
            "event": reaction("U0BOB", "raised_hands::skin-tone-3", FINANCE, root)})),
            headers=dict(signed_headers(body, "application/json"))))
        wait_until(lambda: (r := slack.request("FIN-1")) and r.assignee_id == "bob", 5.0,
                   "the assignment")
    finally:
        platform.stop()
