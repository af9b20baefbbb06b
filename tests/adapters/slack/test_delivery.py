"""The Slack sender under the dispatcher: rate limits, outages, pacing; nothing lost or doubled."""

from __future__ import annotations

import socket
from datetime import timedelta
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.adapters.slack.platform import build_slack
from bot.runtime.app import DeskApp
from bot.runtime.config import Settings
from tests.adapters.slack.conftest import ENV, SlackDesk
from tests.adapters.slack.fake_slack import FakeSlack

FINANCE = "CFINANCEREQUE"


def later(slack: SlackDesk, seconds: float) -> None:
    slack.clock.set(slack.clock() + timedelta(seconds=seconds))


def test_rate_limited_then_delivered_exactly_once(slack: SlackDesk) -> None:
    slack.fake.fail("chat.postMessage", 429, times=1, retry_after=7)
    slack.ask("U0HENRY", "finance reimbursement taxi 86 CNY")
    stats = slack.deliver()
    assert (stats.delivered, stats.failed) == (1, 1)  # the DM went; the channel said 429
    [row] = slack.pending()
    assert row.target == "dept:finance" and "429" in (row.last_error or "")
    assert row.due_at == slack.clock() + timedelta(seconds=7), "Slack's Retry-After was honoured"
    later(slack, 6)
    assert slack.deliver().delivered == 0
    later(slack, 1)
    assert slack.deliver().delivered == 1
    roots = slack.fake.posted(FINANCE)
    assert len(roots) == 1 and roots[0]["text"].startswith("新请求 FIN-1")
    assert len(slack.fake.calls_to("chat.postMessage")) == 3  # 429, then DM and root once each
    assert not slack.pending()


def test_slack_down_for_a_while_then_everything_arrives_in_order(slack: SlackDesk) -> None:
    for method in ("chat.postMessage", "chat.update", "chat.getPermalink"):
        slack.fake.fail(method, 500, times=10**6)  # the Web API is down; commands still arrive
    slack.ask("U0HENRY", "finance reimbursement taxi 86 CNY")
    slack.ask("U0BOB", "ack FIN-1")
    slack.ask("U0BOB", "wait FIN-1 which client?")
    slack.ask("U0HENRY", "comment FIN-1 Acme Ltd")
    # Bob's own ack and wait settle his DM buttons for FIN-1: he has none, nothing to call
    settles = len([r for r in slack.pending() if r.payload.get("kind") == "settle"])
    queued = len(slack.pending()) - settles
    for tick in range(60):  # ten minutes of outage, a dispatcher pass every ten seconds
        stats = slack.deliver()
        assert stats.delivered == (settles if tick == 0 else 0)
        later(slack, 10)
    assert len(slack.pending()) == queued, "nothing was dropped"
    attempts = len(slack.fake.calls_to("chat.postMessage"))
    assert attempts < 60, "channels back off instead of hammering Slack"

    slack.fake.recover()
    slack.drain()
    channel = [p["text"] for p in slack.fake.posted(FINANCE)]
    assert len(channel) == 4
    assert channel[0].startswith("新请求 FIN-1")
    assert channel[1:3] == ["张伟 Bob Zhang 受理了 FIN-1。",
                            "张伟 Bob Zhang 向提单人提问：which client?"]
    assert "Acme Ltd" in channel[3]
    root_ts = slack.request("FIN-1").thread_ref  # type: ignore[union-attr]
    assert all(p.get("thread_ts") == root_ts for p in slack.fake.posted(FINANCE)[1:])
    dms = [p["text"] for p in slack.fake.posted("D0HENRY")]
    assert len(dms) == 3 and dms[0].startswith("您的请求 FIN-1") and "which client?" in dms[2]
    accepted = len(slack.fake.posted())
    assert accepted == queued, "each message arrived exactly once"


def test_one_post_per_second_per_channel(slack: SlackDesk) -> None:
    for text in ("taxi 86", "hotel 300", "train 120"):
        slack.ask("U0ALICE", f"finance reimbursement amount=86 {text}")
    slack.deliver()
    assert len(slack.fake.posted(FINANCE)) == 1
    assert len(slack.fake.posted("D0ALICE")) == 1
    later(slack, 1)
    slack.deliver()
    assert len(slack.fake.posted(FINANCE)) == 2
    later(slack, 1)
    slack.deliver()
    roots = [p["text"] for p in slack.fake.posted(FINANCE)]
    assert [r.split("，")[0] for r in roots] == ["新请求 FIN-1", "新请求 FIN-2", "新请求 FIN-3"]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_slack_reschedules(slack: SlackDesk, desk_app: DeskApp,
                                       http_settings: Settings) -> None:
    nowhere = build_slack(desk_app, http_settings,
                          client_base_url=f"http://127.0.0.1:{_closed_port()}/api/", environ=ENV)
    try:
        slack.router.routes[0] = nowhere.route()
        slack.ask("U0HENRY", "finance reimbursement taxi 86 CNY")
        assert slack.deliver().failed == 2
    finally:
        nowhere.stop()
    rows = slack.pending()
    assert len(rows) == 2
    assert all("unreachable" in (r.last_error or "") for r in rows)


def test_real_slack_is_never_reached(slack: SlackDesk, monkeypatch: pytest.MonkeyPatch,
                                     desk_app: DeskApp, http_settings: Settings) -> None:
    real_getaddrinfo = socket.getaddrinfo

    def resolve(host: str, *args: Any, **kwargs: Any) -> Any:  # no DNS in tests either
        if host == "slack.com":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("3.120.0.1", 443))]
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(RuntimeError, match="tried to reach the network"):
        WebClient(token="xoxb-real", timeout=2, retry_handlers=[]).auth_test()
    production = build_slack(desk_app, http_settings, environ=ENV)
    try:
        slack.router.routes[0] = production.route()
        slack.ask("U0HENRY", "finance reimbursement taxi 86 CNY")
        assert slack.deliver().failed == 2
    finally:
        production.stop()
    assert all("tried to reach the network" in (r.last_error or "") for r in slack.pending())


def test_people_without_slack_go_elsewhere(slack: SlackDesk, fake_slack: FakeSlack) -> None:
    slack.platform.deps.app.handle("walkin", "/request finance reimbursement taxi 86 CNY")
    slack.drain()
    assert [m.target for m in slack.elsewhere.sent] == ["person:walkin"]
    assert len(fake_slack.posted(FINANCE)) == 1


def test_digest_chart_is_uploaded_under_the_message(slack: SlackDesk, tmp_path) -> None:
    from handlers.messages import Message

    png = tmp_path / "finance-2026-W47.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    digest = Message(text="📊 Finance — week 2026-W47", target="dept:finance", kind="digest",
                     title="📊 Finance — week 2026-W47", extra={"image": str(png)})
    ts = slack.platform.sender.send(digest, None)
    [upload] = slack.fake.calls_to("upload")
    assert upload["png"] and upload["bytes"] == 72
    [complete] = slack.fake.calls_to("files.completeUploadExternal")
    assert complete["channel_id"] == FINANCE and complete["thread_ts"] == ts
