"""Slack delivery rules: a channel's messages keep their order across 429s and replicas; a
refusal for good is not retried, lets the channel's later messages go, tells the admins once
and shows in /healthz and /metrics."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from bot.adapters.slack.platform import SlackPlatform, build_slack
from bot.runtime.dispatch import Dispatcher, DispatchStats
from bot.runtime.metrics import Metrics
from bot.runtime.routing import SenderRouter
from bot.runtime.serve import Runtime
from bot.runtime.server import build_server
from tests.adapters.slack.conftest import ENV, SlackDesk

FINANCE = "CFINANCEREQUE"


def later(slack: SlackDesk, seconds: float) -> None:
    slack.clock.set(slack.clock() + timedelta(seconds=seconds))


class Replica:
    """A second serving process on the same database: its own Slack client and pacer."""

    def __init__(self, slack: SlackDesk, platform: SlackPlatform) -> None:
        self.slack = slack
        self.platform = platform
        self.router = SenderRouter(slack.engine, slack.router.catalog, [platform.route()],
                                   slack.elsewhere)
        self.dispatcher = Dispatcher(slack.engine, self.router, slack.clock,
                                     policy=slack.dispatcher.policy)

    def deliver(self) -> DispatchStats:
        for row in self.slack.pending():  # see SlackDesk.deliver
            if row.target.startswith("person:"):
                self.router.platform_ids(row.target.split(":", 1)[1])
        return self.dispatcher.run_once()


@pytest.fixture
def replica(slack: SlackDesk, desk_app, http_settings) -> Iterator[Replica]:
    platform = build_slack(desk_app, http_settings, client_base_url=slack.fake.url, environ=ENV)
    yield Replica(slack, platform)
    platform.stop()


def test_a_rate_limited_root_is_not_overtaken_by_its_thread_on_another_replica(
        slack: SlackDesk, replica: Replica) -> None:
    slack.fake.fail("chat.postMessage", 429, times=1, retry_after=30)
    slack.ask("U0HENRY", "finance reimbursement taxi 86 CNY")
    slack.deliver()  # this replica: the channel's root got 429, Retry-After 30
    later(slack, 5)
    slack.ask("U0BOB", "ack FIN-1")
    replica.deliver()  # the other replica knows nothing of the 429
    assert slack.fake.posted(FINANCE) == [], "the ack must not reach the channel first"
    later(slack, 25)
    replica.deliver()
    later(slack, 1)  # one post a second per channel
    slack.deliver()
    channel = slack.fake.posted(FINANCE)
    assert [p["text"].split("，")[0] for p in channel][:1] == ["新请求 FIN-1"]
    assert channel[1]["text"] == "张伟 Bob Zhang 受理了 FIN-1。"
    root = slack.request("FIN-1")
    assert root is not None and channel[1].get("thread_ts") == root.thread_ref


def _health_and_metrics(slack: SlackDesk, desk_app) -> tuple[dict[str, Any], str]:
    class Alive:
        def alive(self) -> bool:
            return True

    runtime = Runtime(app=desk_app, scheduler=Alive(), platforms=[])  # type: ignore[arg-type]
    metrics = Metrics(slack.engine, slack.clock)
    http = build_server([], health=runtime.health, metrics=metrics.body)
    async def get() -> tuple[dict[str, Any], str]:
        transport = httpx.ASGITransport(app=http)
        async with httpx.AsyncClient(transport=transport, base_url="http://desk") as client:
            health = await client.get("/healthz")
            body = await client.get("/metrics")
        assert health.status_code == 200
        return health.json(), body.text

    return asyncio.run(get())


def test_a_channel_slack_cannot_find_fails_once_tells_the_admins_and_shows_in_health(
        slack: SlackDesk, desk_app) -> None:
    slack.fake.refuse("chat.postMessage", "channel_not_found", times=1, channel=FINANCE)
    slack.ask("U0HENRY", "finance reimbursement taxi 86 CNY")
    slack.deliver()
    slack.ask("U0BOB", "ack FIN-1")
    slack.drain()
    finance_calls = [c for c in slack.fake.calls_to("chat.postMessage")
                     if slack.fake.channel_id(str(c.get("channel"))) == FINANCE]
    assert len(finance_calls) == 2, "the refused root is never tried again"
    assert [p["text"] for p in slack.fake.posted(FINANCE)] == ["张伟 Bob Zhang 受理了 FIN-1。"]
    admin = [p["text"] for p in slack.fake.posted("D0ROOT")]
    assert len(admin) == 1 and "FIN-1" in admin[0] and "dept:finance" in admin[0]
    assert "slack:channel_not_found" in admin[0]
    later(slack, 7200)
    slack.deliver()
    assert len(slack.fake.posted("D0ROOT")) == 1, "the admins hear of it once"

    health, metrics = _health_and_metrics(slack, desk_app)
    assert health["ok"] is True and health["outbox_refused"] == 1
    assert health["outbox_refused_newest"]["reason"] == "slack:channel_not_found"
    assert health["outbox_refused_newest"]["target"] == "dept:finance"
    assert ('crossdesk_outbox_refused{platform="slack",reason="slack:channel_not_found"} 1.0'
            in metrics)


@pytest.mark.parametrize("error", ["not_in_channel", "is_archived", "msg_too_long",
                                   "invalid_blocks", "missing_scope"])
def test_other_refusals_for_good_are_not_retried(slack: SlackDesk, error: str) -> None:
    slack.fake.refuse("chat.postMessage", error, times=1, channel=FINANCE)
    slack.ask("U0HENRY", "finance reimbursement taxi 86 CNY")
    first = slack.deliver()
    later(slack, 3600)
    slack.deliver()
    assert len([c for c in slack.fake.calls_to("chat.postMessage")
                if slack.fake.channel_id(str(c.get("channel"))) == FINANCE]) == 1
    assert first.refused == 1


def test_an_unknown_or_internal_error_is_retried(slack: SlackDesk) -> None:
    slack.fake.refuse("chat.postMessage", "internal_error", times=1, channel=FINANCE)
    slack.ask("U0HENRY", "finance reimbursement taxi 86 CNY")
    slack.drain()
    assert len(slack.fake.posted(FINANCE)) == 1, "tried again later, and delivered"
