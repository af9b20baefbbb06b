"""One thread per request in the department channel; its root shows the current state and owner."""

from __future__ import annotations

import copy
import dataclasses
from datetime import timedelta
from typing import Any

from bot.adapters.slack.platform import build_slack
from bot.runtime.app import DeskApp
from bot.runtime.config import Settings
from tests.adapters.slack.conftest import ENV, SlackDesk, text_of
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.test_buttons import buttons

FINANCE = "CFINANCEREQUE"


def test_root_then_replies_in_its_thread_and_the_root_follows_the_state(slack: SlackDesk) -> None:
    slack.ask("U0HENRY", "finance reimbursement taxi to the client 86 CNY")
    slack.drain()
    root = slack.fake.posted(FINANCE)[0]
    assert root["channel"] == "finance-requests" and "thread_ts" not in root
    assert root["text"].startswith("新请求 FIN-1，来自 李华 Henry Li")
    request = slack.request("FIN-1")
    root_ts = request.thread_ref if request else None
    assert root_ts and root_ts.count(".") == 1, "the root's ts became the request's thread"

    slack.ask("U0BOB", "ack FIN-1")
    slack.drain()
    replies = [p for p in slack.fake.posted(FINANCE) if p.get("thread_ts")]
    assert [r["text"] for r in replies] == ["张伟 Bob Zhang 受理了 FIN-1。"]
    assert replies[0]["thread_ts"] == root_ts and replies[0]["channel"] == FINANCE
    update = slack.fake.calls_to("chat.update")[-1]
    assert (update["channel"], update["ts"]) == (FINANCE, root_ts)
    shown = text_of(update["blocks"])
    assert "新请求 FIN-1" in shown and "已受理" in shown and "张伟 Bob Zhang" in shown
    assert set(buttons(update["blocks"])) == {"assign_me", "wait", "resolve"}

    slack.ask("U0BOB", "resolve FIN-1 paid on Tuesday")
    slack.drain()
    update = slack.fake.calls_to("chat.update")[-1]
    assert "已解决" in text_of(update["blocks"]) and buttons(update["blocks"]) == {}
    slack.ask("U0HENRY", "confirm FIN-1")  # the requester's doing: no state in the message
    slack.drain()
    update = slack.fake.calls_to("chat.update")[-1]
    assert "已关闭" in text_of(update["blocks"])
    assert len([p for p in slack.fake.posted(FINANCE) if p.get("thread_ts")]) == 3


def test_requester_dms_link_to_the_thread(slack: SlackDesk) -> None:
    slack.ask("U0ALICE", "finance reimbursement taxi 86 CNY")
    slack.drain()
    slack.ask("U0BOB", "ack FIN-1")
    slack.drain()
    dms = slack.fake.posted("D0ALICE")
    assert dms[0]["text"].startswith("Your request FIN-1 to Finance is registered")
    acked = dms[-1]
    assert "acknowledged your request FIN-1" in acked["text"]
    request = slack.request("FIN-1")
    assert request is not None and request.thread_ref
    permalink = f"archives/{FINANCE}/p{request.thread_ref.replace('.', '')}"
    assert permalink in text_of(acked["blocks"]) and "Open the request thread" in text_of(
        acked["blocks"])


def test_after_a_restart_the_root_is_read_back_from_the_outbox(
        slack: SlackDesk, desk_app: DeskApp, http_settings: Settings,
        fake_slack: FakeSlack) -> None:
    slack.ask("U0HENRY", "finance reimbursement taxi to the client 86 CNY")
    slack.drain()
    restarted = build_slack(desk_app, http_settings,
                            client_base_url=fake_slack.url, environ=ENV)
    try:
        slack.router.routes[0] = restarted.route()
        slack.ask("U0BOB", "ack FIN-1")
        slack.drain()
    finally:
        restarted.stop()
    update = slack.fake.calls_to("chat.update")[-1]
    shown = text_of(update["blocks"])
    assert "新请求 FIN-1，来自 李华 Henry Li" in shown and "报销" in shown
    assert "已受理" in shown


def _with_usergroup(settings: Settings) -> Settings:
    raw: dict[str, Any] = copy.deepcopy(settings.raw)
    for dep in raw["departments"]:
        if dep["key"] == "finance":
            dep["slack_usergroup"] = "S0FINANCE"
    return dataclasses.replace(settings, raw=raw)


def test_a_usergroup_is_mentioned_on_new_requests_and_stays_on_the_root(
        slack: SlackDesk, desk_app: DeskApp, http_settings: Settings,
        fake_slack: FakeSlack) -> None:
    grouped = build_slack(desk_app, _with_usergroup(http_settings),
                          client_base_url=fake_slack.url, environ=ENV)
    try:
        slack.router.routes[0] = grouped.route()
        slack.ask("U0HENRY", "finance reimbursement taxi 86 CNY")
        slack.drain()
        root = slack.fake.posted(FINANCE)[0]
        assert root["blocks"][0]["text"]["text"].startswith("<!subteam^S0FINANCE> 新请求 FIN-1")
        slack.ask("U0BOB", "ack FIN-1")
        slack.drain()
    finally:
        grouped.stop()
    update = slack.fake.calls_to("chat.update")[-1]
    assert "已受理" in text_of(update["blocks"])
    first = update["blocks"][0]["text"]["text"]
    assert first.startswith("<!subteam^S0FINANCE> 新请求 FIN-1"), "the root reads as posted"


def _updates(slack: SlackDesk, ok: bool | None = None) -> list[dict[str, Any]]:
    return [u for u in slack.fake.calls_to("chat.update") if ok is None or u["_ok"] is ok]


def test_a_rate_limited_root_update_is_retried_after_retry_after(slack: SlackDesk) -> None:
    slack.ask("U0HENRY", "finance reimbursement taxi 86 CNY")
    slack.drain()
    slack.fake.fail("chat.update", 429, times=1, retry_after=3)
    slack.ask("U0BOB", "ack FIN-1")
    seconds = slack.drain()
    assert [u["_ok"] for u in _updates(slack)] == [False, True]
    assert seconds >= 3, "Slack's Retry-After was honoured"
    shown = text_of(_updates(slack, ok=True)[-1]["blocks"])
    assert "已受理" in shown and "张伟 Bob Zhang" in shown


def test_a_late_root_update_shows_the_latest_state_not_an_older_one(slack: SlackDesk) -> None:
    slack.ask("U0HENRY", "finance reimbursement taxi 86 CNY")
    slack.drain()
    slack.fake.fail("chat.update", 429, times=1, retry_after=5)
    slack.ask("U0BOB", "ack FIN-1")
    for _ in range(3):  # the reply goes out (paced), then its root update is refused (429)
        slack.clock.set(slack.clock() + timedelta(seconds=1))
        slack.deliver()
    assert [u["_ok"] for u in _updates(slack)] == [False]
    slack.ask("U0BOB", "resolve FIN-1 paid on Tuesday")
    slack.drain()
    done = _updates(slack, ok=True)
    assert done and all("已解决" in text_of(u["blocks"]) for u in done)
    assert buttons(done[-1]["blocks"]) == {}


def test_after_a_restart_the_channel_id_is_known_for_links_and_root_updates(
        slack: SlackDesk, desk_app: DeskApp, fake_slack: FakeSlack) -> None:
    raw = copy.deepcopy(slack.platform.deps.app.settings.raw)
    settings = dataclasses.replace(desk_app.settings, raw={**raw, "slack": {"mode": "http"}})
    slack.ask("U0ALICE", "finance reimbursement taxi 86 CNY")
    slack.drain()
    assert slack.fake.posted(FINANCE)[0]["channel"] == "finance-requests"  # a name, not an id
    restarted = build_slack(desk_app, settings, client_base_url=fake_slack.url, environ=ENV)
    try:
        slack.router.routes[0] = restarted.route()
        slack.ask("U0BOB", "ack FIN-1")
        slack.deliver()  # the DM to the requester goes first, then the thread reply
        again = build_slack(desk_app, settings, client_base_url=fake_slack.url, environ=ENV)
        try:
            slack.router.routes[0] = again.route()
            slack.drain()  # the root update, sent by a process that never posted
        finally:
            again.stop()
    finally:
        restarted.stop()
    request = slack.request("FIN-1")
    assert request is not None and request.thread_ref
    acked = slack.fake.posted("D0ALICE")[-1]
    assert "acknowledged your request FIN-1" in acked["text"]
    permalink = f"archives/{FINANCE}/p{request.thread_ref.replace('.', '')}"
    assert permalink in text_of(acked["blocks"]), "the DM links to the thread after a restart"
    update = _updates(slack)[-1]
    assert update["_ok"] and (update["channel"], update["ts"]) == (FINANCE, request.thread_ref)
    assert "已受理" in text_of(update["blocks"])
