"""Digest charts on WeCom: the markdown first, then the chart as an image message, uploaded
(media/upload) for group chats and app messages, inline (base64 + md5) for group robots.
A chart that is missing or fails to upload never costs the digest its text."""

from __future__ import annotations

import base64
import hashlib
import logging
from datetime import timedelta

import pytest

from bot.adapters.wecom.images import ROBOT_LIMIT
from bot.runtime import charts
from handlers.digest_post import DigestPolicy, post_due
from handlers.messages import Message
from tests.adapters.wecom.conftest import FINANCE_CHAT, outbox_rows
from tests.adapters.wecom.test_delivery import queue
from tests.bot.runtime.test_charts import WEEKS, _weeks, png_size
from tests.conftest import local

TITLE = "📊 Finance — week 2026-W47"


@pytest.fixture
def png(tmp_path):
    """A real trend chart, as the scheduler attaches it."""
    return charts.trend_chart("Finance", _weeks(), tmp_path / "finance-2026-W47.png")


def digest(target: str, image: str) -> Message:
    return Message(
        text="Requests received: 2",
        target=target,
        kind="digest",
        title=TITLE,
        fields=(("Closed", "1"),),
        extra={"image": image},
    )


def test_posted_digest_reaches_the_group_chat_with_its_chart(wecom, chat, tmp_path):
    """The scheduler's digest, end to end: markdown, then the uploaded PNG by its media_id."""
    chat(*WEEKS)
    wecom.clock.set(local("2026-11-23T09:30"))
    posted = post_due(
        wecom.app.desk, wecom.clock(), DigestPolicy(), charts.attach_chart(tmp_path / "charts")
    )
    assert "digest:finance:2026-W47" in posted
    assert wecom.dispatch().failed == 0
    png = (tmp_path / "charts" / "finance-2026-W47.png").read_bytes()

    to_finance = [
        c
        for c in wecom.api.calls
        if c.path in ("appchat/send", "media/upload")
        and (c.body or {}).get("chatid", FINANCE_CHAT) == FINANCE_CHAT
    ]
    kinds = [c.path if c.path == "media/upload" else c.body["msgtype"] for c in to_finance]
    assert kinds == ["markdown", "media/upload", "image"], "text first, then the picture"
    assert "2026-W47" in to_finance[0].body["markdown"]["content"]
    (media,) = wecom.api.media
    assert media.type == "image" and to_finance[1].query["type"] == "image"
    assert media.file.data == png and png_size(media.file.data) == (800, 400)
    assert media.file.filename == "finance-2026-W47.png"
    assert media.file.content_type == "image/png"
    assert to_finance[2].body["image"] == {"media_id": media.media_id}
    assert all(r.delivered_at is not None for r in outbox_rows(wecom.app))


def test_group_robot_gets_the_chart_inline_with_its_md5(wecom, png):
    wecom.platform.sender.send(digest("dept:it", str(png)), None)
    text, image = wecom.api.delivered("webhook/send")
    assert text["msgtype"] == "markdown" and TITLE in text["markdown"]["content"]
    assert image["msgtype"] == "image"
    data = base64.b64decode(image["image"]["base64"])
    assert data == png.read_bytes()
    assert image["image"]["md5"] == hashlib.md5(data).hexdigest()
    assert wecom.api.media == [], "robots cannot use uploaded media"


def test_app_message_recipients_get_the_chart_by_media_id(wecom, png):
    """A desk without a chat or robot (HR) hears through app messages to its members."""
    wecom.platform.sender.send(digest("dept:hr", str(png)), None)
    text, image = wecom.api.delivered("message/send")
    assert text["msgtype"] == "markdown" and text["touser"] == image["touser"]
    (media,) = wecom.api.media
    assert media.file.data == png.read_bytes()
    assert image["image"] == {"media_id": media.media_id} and image["agentid"] == text["agentid"]


def test_failed_upload_keeps_the_text_and_is_not_retried(wecom, png, caplog):
    queue(wecom, digest("dept:finance", str(png)))
    wecom.api.fail("media/upload", 40004, errmsg="invalid media type")
    with caplog.at_level(logging.WARNING, logger="bot.adapters.wecom.sender"):
        stats = wecom.dispatch()
    assert (stats.delivered, stats.failed) == (1, 0)
    (text,) = wecom.api.delivered("appchat/send")
    assert text["msgtype"] == "markdown" and TITLE in text["markdown"]["content"]
    assert "chart not sent" in caplog.text and "40004" in caplog.text
    wecom.clock.set(wecom.clock() + timedelta(hours=1))
    assert wecom.dispatch().delivered == 0
    assert len(wecom.api.to("appchat/send")) == 1, "the digest is not posted twice"


def test_missing_chart_is_logged_and_skipped(wecom, tmp_path, caplog):
    gone = tmp_path / "gone.png"
    with caplog.at_level(logging.WARNING, logger="bot.adapters.wecom.sender"):
        wecom.platform.sender.send(digest("dept:finance", str(gone)), None)
        wecom.platform.sender.send(digest("dept:it", str(gone)), None)
    assert [b["msgtype"] for b in wecom.api.delivered("appchat/send")] == ["markdown"]
    assert [b["msgtype"] for b in wecom.api.delivered("webhook/send")] == ["markdown"]
    assert wecom.api.to("media/upload") == []
    assert caplog.text.count(f"{gone} is missing") == 2


def test_chart_over_the_robot_limit_is_skipped(wecom, tmp_path, caplog):
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * ROBOT_LIMIT)
    with caplog.at_level(logging.WARNING, logger="bot.adapters.wecom.sender"):
        wecom.platform.sender.send(digest("dept:it", str(big)), None)
    assert [b["msgtype"] for b in wecom.api.delivered("webhook/send")] == ["markdown"]
    assert "at most 2097152" in caplog.text


def test_a_refused_text_is_retried_and_its_chart_follows_once(wecom, png):
    queue(wecom, digest("dept:finance", str(png)))
    wecom.api.fail("appchat/send", 45009, errmsg="api freq out of limit")  # the first send
    assert wecom.dispatch().failed == 1, "the text itself was refused: retried"
    wecom.clock.set(wecom.clock() + timedelta(seconds=61))
    assert wecom.dispatch().delivered == 1
    kinds = [b["msgtype"] for b in wecom.api.delivered("appchat/send")]
    assert kinds == ["markdown", "image"]
    assert len(wecom.api.media) == 1


@pytest.mark.parametrize("step", ["media/upload", "appchat/send"])
def test_a_rate_limited_chart_follows_later_and_the_text_is_not_sent_twice(wecom, png, step):
    queue(wecom, digest("dept:finance", str(png)))
    # the upload is refused, or the image message after the text went out
    wecom.api.fail(step, 45009, errmsg="api freq out of limit",
                   after=1 if step == "appchat/send" else 0)
    assert wecom.dispatch().failed == 1, "the chart waits for the rate limit"
    assert [b["msgtype"] for b in wecom.api.delivered("appchat/send")] == ["markdown"]
    wecom.clock.set(wecom.clock() + timedelta(seconds=61))
    assert wecom.dispatch().delivered == 1
    kinds = [b["msgtype"] for b in wecom.api.delivered("appchat/send")]
    assert kinds == ["markdown", "image"], "the text once, then its chart"


def test_a_chart_hit_by_an_outage_follows_its_text_on_the_next_try(wecom, png):
    """A gateway's 502 on the upload is a wait, not a refusal: the next try sends the chart
    only, under the digest already posted."""
    queue(wecom, digest("dept:finance", str(png)))
    wecom.api.fail_http("media/upload", 502)
    assert wecom.dispatch().failed == 1, "the row waits for its chart"
    wecom.clock.set(wecom.clock() + timedelta(minutes=10))
    assert wecom.dispatch().delivered == 1
    text, image = wecom.api.delivered("appchat/send")
    assert text["msgtype"] == "markdown" and image["msgtype"] == "image"
    assert len(wecom.api.to("appchat/send")) == 2, "the digest is not posted twice"
