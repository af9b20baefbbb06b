"""A thread root offers what its request allows now, through the real Bolt app and the Slack
stand-in: the desk's answer to a requester's counter (Accept / Propose…) while it waits, and,
in a help thread, the services the request may still move to after a service change."""

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
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.test_buttons import buttons
from tests.adapters.slack.test_conversations import message
from tests.conftest import local

FINANCE = "CFINANCEREQUE"
HELP = "CFINANCEHELP"  # finance's intake_channel "finance-help", mapped in [slack] channels


def latest_update(slack: SlackDesk, channel: str, ts: str) -> dict[str, Any]:
    """The last chat.update Slack took for the message at ``(channel, ts)``."""
    done = [c for c in slack.fake.calls_to("chat.update")
            if c["_ok"] and (c["channel"], c["ts"]) == (channel, ts)]
    assert done, f"no update of {channel}/{ts}"
    return done[-1]


def test_the_root_offers_the_desks_answer_to_a_counter_while_it_waits(slack: SlackDesk) -> None:
    slack.ask("U0HENRY", "finance cost accounting codes for the trade fair")
    slack.ask("U0BOB", "ack FIN-1")
    slack.clock.set(local("2026-11-23T10:00"))
    slack.ask("U0BOB", "propose FIN-1 2026-12-02 the budget reopens on the 1st")
    slack.ask("U0HENRY", "counter FIN-1 2026-11-30 the fair starts on the 1st")
    slack.drain()
    request = slack.request("FIN-1")
    assert request is not None and request.thread_ref
    root = latest_update(slack, FINANCE, request.thread_ref)
    shown = buttons(root["blocks"])
    assert shown.get("neg_accept") == "/request accept FIN-1", "the counter waits for the desk"
    assert shown.get("neg_propose") == "/request propose FIN-1 <date> <text>"
    assert {"resolve", "wait"} <= set(shown)

    slack.ask("U0BOB", "accept FIN-1")
    slack.drain()
    root = latest_update(slack, FINANCE, request.thread_ref)
    assert not {"neg_accept", "neg_propose"} & set(buttons(root["blocks"])), "agreed: gone"
    assert "张伟 Bob Zhang" in text_of(root["blocks"])


@pytest.fixture(name="slack")
def help_desk(desk_app: DeskApp, settings: Settings, fake_slack: FakeSlack, engine: Engine,
              clock: ManualClock) -> Iterator[SlackDesk]:
    """The desk on Slack (HTTP mode) with ``finance-help`` known by its id."""
    raw = {**settings.raw, "slack": {"mode": "http", "channels": {"finance-help": HELP}}}
    wired = dataclasses.replace(settings, raw=raw)
    platform = build_slack(desk_app, wired, client_base_url=fake_slack.url, environ=ENV)
    elsewhere = Elsewhere()
    router = SenderRouter(engine, wired.catalog, [platform.route()], elsewhere)
    dispatcher = Dispatcher(engine, router, clock, policy=desk_app.desk.policy)
    yield SlackDesk(platform, fake_slack, engine, clock, [], elsewhere, router, dispatcher)
    platform.stop()


def services(blocks: list[dict[str, Any]]) -> set[str]:
    """The services a help thread's answer offers to move to (their keys)."""
    return {e["value"].split()[-1] for b in blocks if b["type"] == "actions"
            for e in b["elements"] if e.get("value", "").startswith("/request service ")}


def test_a_help_threads_answer_offers_the_services_left_after_a_change(
        slack: SlackDesk) -> None:
    said = message("U0ALICE", "need 2000 CNY for the Shenzhen trip", HELP)
    slack.event(said)
    slack.drain()
    (answer_ts,) = [ts for (channel, ts), m in slack.fake.messages.items()
                    if channel == HELP and m.get("thread_ts") == said["ts"]]
    answer = slack.fake.messages[(HELP, answer_ts)]
    assert services(answer["blocks"]) == {"cash-advance", "acceptance-bill", "cost-accounting"}
    slack.ask("U0ALICE", "service FIN-1 cash-advance")
    slack.drain()
    request = slack.request("FIN-1")
    assert request is not None and request.category == "cash-advance"
    assert all(c["ts"] != said["ts"] for c in slack.fake.calls_to("chat.update")), \
        "the requester's own message is never rewritten"
    answer = latest_update(slack, HELP, answer_ts)
    assert services(answer["blocks"]) == {"question", "acceptance-bill", "cost-accounting"}, \
        "the service it moved to is no choice any more; the one it left is"
    assert "/request ack FIN-1" in buttons(answer["blocks"]).values()
