"""Intake channels through the real Bolt app: a new message in Finance's help channel is a
request answered in its thread; small talk, bots and edits are not; the thread is the
request's conversation; a service button picks the service."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.adapters.slack.platform import build_slack
from bot.runtime.app import DeskApp
from bot.runtime.clock import ManualClock
from bot.runtime.config import Settings
from bot.runtime.dispatch import Dispatcher
from bot.runtime.routing import SenderRouter
from tests.adapters.slack.conftest import ENV, Elsewhere, SlackDesk, text_of
from tests.adapters.slack.fake_slack import FakeSlack, wait_until
from tests.adapters.slack.test_conversations import (
    ALICE_DM,
    FINANCE,
    events_of,
    message,
    with_text,
)

HELP = "CFINANCEHELP"  # finance's intake_channel "finance-help", mapped in [slack] channels


def with_help_channel(desk_app: DeskApp, settings: Settings, fake_slack: FakeSlack,
                      engine: Engine, clock: ManualClock) -> Iterator[SlackDesk]:
    """The desk on Slack with ``finance-help`` known by its id."""
    raw = {**settings.raw, "slack": {"mode": "http", "channels": {"finance-help": HELP}}}
    wired = dataclasses.replace(settings, raw=raw)
    kicks: list[int] = []
    desk_app.wake_dispatcher = lambda: kicks.append(1)
    platform = build_slack(desk_app, wired, client_base_url=fake_slack.url, environ=ENV)
    elsewhere = Elsewhere()
    router = SenderRouter(engine, wired.catalog, [platform.route()], elsewhere)
    dispatcher = Dispatcher(engine, router, clock, policy=desk_app.desk.policy)
    yield SlackDesk(platform, fake_slack, engine, clock, kicks, elsewhere, router, dispatcher)
    platform.stop()


slack = pytest.fixture(with_help_channel, name="slack")


def values(post: dict[str, Any]) -> list[str]:
    return [e["value"] for b in post.get("blocks") or [] if b["type"] == "actions"
            for e in b["elements"] if "value" in e]


@pytest.mark.parametrize("text", ["hi", "Thanks!", "谢谢大家！", "ok", ":tada:", "🎉",
                                  "hello <@U0BOB>", "好的，收到"])
def test_small_talk_in_the_help_channel_is_no_request(slack: SlackDesk, text: str) -> None:
    assert slack.event(message("U0ALICE", text, HELP)).status == 200
    slack.drain()
    assert slack.requests() == [] and slack.fake.posted() == []


def test_bots_edits_and_deletions_in_the_help_channel_are_no_request(slack: SlackDesk) -> None:
    own = message("U0BOT", "FIN-1 is open", HELP, bot_id="B0BOT")
    other = message("U0CI", "build broke", HELP, bot_id="B0CI", subtype="bot_message")
    edited = {"type": "message", "subtype": "message_changed", "channel": HELP, "hidden": True,
              "ts": "1790000900.000001", "channel_type": "channel",
              "message": {"type": "message", "user": "U0ALICE", "text": "need a taxi refund",
                          "ts": "1790000800.000001"}}
    deleted = {"type": "message", "subtype": "message_deleted", "channel": HELP,
               "hidden": True, "ts": "1790000901.000001", "deleted_ts": "1790000800.000001",
               "channel_type": "channel"}
    for event in (own, other, edited, deleted):
        assert slack.event(event).status == 200
    slack.drain()
    assert slack.requests() == [] and slack.fake.posted() == []


def test_a_new_message_in_the_help_channel_is_a_request_answered_in_its_thread(
        slack: SlackDesk) -> None:
    said = message("U0ALICE", "taxi to the airport &amp; back, 86 CNY, <@U0CAROL> approved",
                   HELP)
    slack.event(said, event_id="Ev0INTAKE1")
    slack.event(said, event_id="Ev0INTAKE1", headers={"x-slack-retry-num": "1",
                                                       "x-slack-retry-reason": "timeout"})
    slack.drain()
    requests = slack.requests()
    assert len(requests) == 1, "a retried event opens nothing twice"
    request = requests[0]
    assert (request.ref, request.department, request.category) == (
        "FIN-1", "finance", "question"), "intake_service is the opening service"
    assert request.details == "taxi to the airport & back, 86 CNY, @刘芳 Carol Liu approved"
    assert request.thread_ref == said["ts"], "the message's thread is the request's"
    answers = [p for p in slack.fake.posted(HELP) if p.get("thread_ts") == said["ts"]]
    assert len(answers) == 1, answers
    shown = text_of(answers[0]["blocks"])
    assert "FIN-1" in shown and "2026" in shown, "the id and the due times"
    assert "/request service FIN-1 cash-advance" in values(answers[0])
    assert "/request ack FIN-1" in values(answers[0])
    assert not slack.fake.posted(FINANCE), "no second thread in the desk's channel"
    assert not [c for c in slack.fake.calls_to("chat.update") if c["_ok"]] \
        and not [c for c in slack.fake.calls_to("chat.update") if not c["_ok"]], \
        "the requester's own message is never rewritten"

    # the thread is the request's conversation: the desk's reply reaches the requester
    slack.event(message("U0BOB", "which flight?", HELP, thread_ts=said["ts"]))
    slack.drain()
    assert len(with_text(slack.fake.posted(ALICE_DM), "which flight?")) == 1
    assert "thread_reply" in [e.kind for e in events_of(slack)]
    assert slack.request("FIN-1").first_response_at is not None  # type: ignore[union-attr]

    # a desk action posts into the same thread, not the desk's channel
    slack.click("U0BOB", "/request ack FIN-1", "ack", channel=HELP)
    slack.drain()
    assert with_text([p for p in slack.fake.posted(HELP) if p.get("thread_ts") == said["ts"]],
                     "FIN-1")
    assert not slack.fake.posted(FINANCE)


def test_a_service_button_picks_the_service_and_its_targets(slack: SlackDesk) -> None:
    said = message("U0ALICE", "need 2000 CNY for the Shenzhen trip", HELP)
    slack.event(said)
    slack.drain()
    before = slack.request("FIN-1")
    assert before is not None and before.category == "question"
    slack.click("U0ALICE", "/request service FIN-1 cash-advance", "service", channel=HELP)
    slack.drain()
    after = slack.request("FIN-1")
    assert after is not None and after.category == "cash-advance"
    assert after.first_response_due != before.first_response_due, "the new service's targets"
    answer = slack.ephemeral()[0]
    assert "FIN-1" in text_of(answer)
    assert "Cash advance" in text_of(answer) or "借支" in text_of(answer)
    thread = [p for p in slack.fake.posted(HELP) if p.get("thread_ts") == said["ts"]]
    assert with_text(thread, "借支") or with_text(thread, "Cash advance")
    assert "service_changed" in [e.kind for e in events_of(slack)]


def test_an_outsider_may_not_pick_the_service(slack: SlackDesk) -> None:
    slack.event(message("U0ALICE", "need 2000 CNY for the Shenzhen trip", HELP))
    slack.drain()
    slack.click("U0GUEST", "/request service FIN-1 cash-advance", "service", channel=HELP)
    slack.drain()
    assert slack.request("FIN-1").category == "question"  # type: ignore[union-attr]


def test_a_help_channel_message_over_real_http_opens_one_request(slack: SlackDesk,
                                                                 live_server: str) -> None:
    import json
    import time

    import httpx

    from tests.adapters.slack.conftest import TEAM, signed_headers

    said = message("U0ALICE", "the VPN token for the audit, please", HELP)
    body = json.dumps({"token": "legacy", "team_id": TEAM, "api_app_id": "A0DESK",
                       "type": "event_callback", "event": said, "event_id": "Ev0HTTPINTAKE",
                       "event_time": int(time.time())})
    with httpx.Client(timeout=10) as client:
        for retry in (None, "1"):
            headers = signed_headers(body, "application/json")
            if retry:
                headers |= {"x-slack-retry-num": retry, "x-slack-retry-reason": "http_timeout"}
            response = client.post(f"{live_server}/slack/events", content=body.encode(),
                                   headers=headers)
            assert response.status_code == 200
    slack.drain()
    assert [r.ref for r in slack.requests()] == ["FIN-1"]
    answers = [p for p in slack.fake.posted(HELP) if p.get("thread_ts") == said["ts"]]
    assert len(answers) == 1 and "FIN-1" in answers[0]["text"]


def test_a_refused_file_with_a_help_channel_message_is_told_to_its_sender_alone(
        slack: SlackDesk) -> None:
    said = message("U0ALICE", "please install this on my laptop", HELP, subtype="file_share",
                   files=[{"id": "F0SETUP001", "name": "setup.exe", "size": 4096,
                           "mimetype": "application/x-msdownload", "mode": "hosted"}])
    slack.event(said)
    slack.drain()
    assert [r.ref for r in slack.requests()] == ["FIN-1"], "the words still make the request"
    (word,) = wait_until(lambda: slack.fake.calls_to("chat.postEphemeral"), 5.0,
                         "the refusal, answered after the ack")
    assert (word["channel"], word["user"], word["thread_ts"]) == (HELP, "U0ALICE", said["ts"])
    assert "setup.exe" in word["text"] and "application/x-msdownload" in word["text"]
    answers = [p for p in slack.fake.posted(HELP) if p.get("thread_ts") == said["ts"]]
    assert len(answers) == 1 and "setup.exe" not in answers[0]["text"]


def test_a_transferred_help_channel_requests_thread_still_reaches_it(slack: SlackDesk) -> None:
    """The requester's help-channel thread is where they keep talking after a transfer: what
    they say there reaches the new desk's thread; the old desk's words are recorded only.
    The requester's own message is never rewritten."""
    said = message("U0ALICE", "my laptop screen is broken, need a loaner", HELP)
    slack.event(said)
    slack.drain()
    slack.ask("U0BOB", "transfer FIN-1 it laptop")
    slack.drain()
    request = slack.request("FIN-1")
    assert request is not None and request.department == "it"
    told = [p for p in slack.fake.posted(HELP) if p.get("thread_ts") == said["ts"]]
    assert with_text(told, "FIN-1")[-1:], "the transfer is told in the help thread"
    before = len(events_of(slack))
    slack.event(message("U0ALICE", "any news? I have a demo at 3", HELP, thread_ts=said["ts"]))
    slack.event(message("U0BOB", "IT has it now", HELP, thread_ts=said["ts"]))
    slack.drain()
    recorded = [(e.kind, e.actor_id, e.note) for e in events_of(slack)[before:]]
    assert ("thread_reply", "alice", "any news? I have a demo at 3") in recorded
    assert ("thread_reply", "bob", "IT has it now") in recorded
    new_root = slack.request("FIN-1").thread_ref  # type: ignore[union-attr]
    it_thread = [p for p in slack.fake.posted() if new_root and p.get("thread_ts") == new_root]
    assert with_text(it_thread, "I have a demo at 3"), "the requester reaches the new desk"
    assert not with_text(it_thread, "IT has it now")
    assert not slack.fake.calls_to("chat.update") or all(
        c["ts"] != said["ts"] for c in slack.fake.calls_to("chat.update")), \
        "the requester's own message is never rewritten"


def test_the_bots_answer_in_a_help_thread_keeps_up_with_the_request(slack: SlackDesk) -> None:
    """The answer under a help-channel message carries the desk's buttons, as a thread root
    does: after Acknowledge it shows the state and owner and no longer offers Acknowledge;
    the service buttons stay while the request is open. The requester's own message is
    never rewritten."""
    said = message("U0ALICE", "need a taxi refund, 86 CNY", HELP)
    slack.event(said)
    slack.drain()
    (answer,) = [p for p in slack.fake.posted(HELP) if p.get("thread_ts") == said["ts"]]
    assert "/request ack FIN-1" in values(answer)
    slack.click("U0BOB", "/request ack FIN-1", "ack", channel=HELP)
    slack.drain()
    updates = [c for c in slack.fake.calls_to("chat.update") if c["_ok"]]
    assert updates and all(c["ts"] != said["ts"] for c in updates)
    latest = updates[-1]
    assert "/request ack FIN-1" not in values(latest), "acknowledged: no Acknowledge"
    assert "/request service FIN-1 cash-advance" in values(latest), "still open"
    assert "张伟 Bob Zhang" in text_of(latest["blocks"]), "the owner shows"
    slack.ask("U0BOB", "resolve FIN-1 refunded")
    slack.drain()
    latest = [c for c in slack.fake.calls_to("chat.update") if c["_ok"]][-1]
    assert not [v for v in values(latest) if v.startswith("/request service")], \
        "resolved: no service to pick any more"


@pytest.mark.parametrize("text", ["thanks <@U0CAROL>!", "<@U0CAROL> <@U0BOB> 谢谢",
                                  "thank you <@U0NOBODY|pat lee>"])
def test_a_thank_you_naming_people_in_the_help_channel_opens_nothing(
        slack: SlackDesk, text: str) -> None:
    """Mentions show as names with spaces ("@刘芳 Carol Liu"): still no content."""
    assert slack.event(message("U0ALICE", text, HELP)).status == 200
    slack.drain()
    assert slack.requests() == [] and slack.fake.posted() == []
    assert slack.fake.calls_to("chat.postEphemeral") == []


def test_a_request_naming_a_person_in_the_help_channel_opens_one(slack: SlackDesk) -> None:
    slack.event(message("U0ALICE", "<@U0CAROL> thanks, and my laptop won't boot", HELP))
    slack.drain()
    (request,) = slack.requests()
    assert request.details == "@刘芳 Carol Liu thanks, and my laptop won't boot"
