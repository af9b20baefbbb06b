"""A WeCom message of several calls resumes in any process: the parts an earlier try sent
are kept with its outbox row (``Outbox.progress``), so a restarted process or another
replica sends the rest only, never a part twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.adapters.wecom import WeComPlatform, build_wecom
from bot.adapters.wecom.render import bodies
from bot.runtime import charts
from bot.runtime.dispatch import Dispatcher, DispatchStats
from handlers.messages import Message
from tests.adapters.wecom.conftest import FINANCE_CHAT, WeCom, outbox_rows
from tests.adapters.wecom.test_delivery import queue
from tests.adapters.wecom.test_images import digest
from tests.bot.runtime.test_charts import _weeks

LONG = "".join(f"第{i}行：发票金额核对无误。\n" for i in range(80))


@pytest.fixture
def restarted(wecom: WeCom, settings, wecom_env) -> Iterator[WeComPlatform]:
    """A fresh process on the same database and WeCom app: nothing of the first in memory."""
    other = build_wecom(wecom.app, settings, api_base_url=wecom.api.base_url, environ=wecom_env)
    yield other
    other.stop()


def dispatch(wecom: WeCom, platform: WeComPlatform) -> DispatchStats:
    sender = platform.sender
    return Dispatcher(wecom.app.desk.engine, lambda _m: sender, wecom.clock,
                      policy=wecom.app.desk.policy).run_once()


def test_a_second_text_that_failed_is_sent_by_a_restarted_process_without_the_first(
        wecom: WeCom, restarted: WeComPlatform) -> None:
    message = Message(text=LONG, target="person:bob")
    assert len(bodies(message)) == 2, "two app messages"
    queue(wecom, message)
    wecom.api.fail("message/send", -1, errmsg="system busy", after=1)  # the second part
    assert dispatch(wecom, wecom.platform).failed == 1
    (first,) = wecom.replies_to("zhangwei")
    (row,) = outbox_rows(wecom.app)
    assert row.delivered_at is None and row.progress is not None, "kept with the row"
    wecom.clock.set(wecom.clock() + timedelta(seconds=31))
    assert dispatch(wecom, restarted).delivered == 1
    sent = wecom.replies_to("zhangwei")
    assert sent[0] == first and len(sent) == 2, "the first part once, then the second"
    assert "".join(sent).replace("\n", "") == LONG.replace("\n", "")


def test_a_chart_refused_after_its_text_follows_from_another_process_alone(
        wecom: WeCom, restarted: WeComPlatform, tmp_path) -> None:
    png = charts.trend_chart("Finance", _weeks(), tmp_path / "finance-2026-W47.png")
    queue(wecom, digest("dept:finance", str(png)))
    wecom.api.fail("appchat/send", 45009, errmsg="api freq out of limit", after=1)
    assert dispatch(wecom, wecom.platform).failed == 1
    assert [b["msgtype"] for b in wecom.api.delivered("appchat/send")] == ["markdown"]
    wecom.clock.set(wecom.clock() + timedelta(seconds=61))
    assert dispatch(wecom, restarted).delivered == 1
    sent = [b for b in wecom.api.delivered("appchat/send") if b["chatid"] == FINANCE_CHAT]
    assert [b["msgtype"] for b in sent] == ["markdown", "image"], "the text once, its chart"
