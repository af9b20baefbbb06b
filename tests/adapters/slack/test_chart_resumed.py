"""A digest's chart on Slack is its text, then the upload under it. When Slack only asks to
wait (a 429, a 5xx), the text's place is kept with the outbox row: the row's next try, in a
restarted process too, uploads the chart under it and never posts the text again. A refusal
or a missing file costs the digest only its picture: the row is done."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.runtime.app import DeskApp
from bot.runtime.clock import ManualClock
from bot.runtime.config import Settings
from handlers.messages import Message
from storage import outbox
from storage.engine import transaction
from tests.adapters.slack.conftest import SlackDesk
from tests.adapters.slack.test_share_resumed import restarted

FINANCE = "CFINANCEREQUE"
TITLE = "📊 Finance — week 2026-W47"


def queue_digest(slack: SlackDesk, tmp_path: Path) -> Path:
    """A digest with its chart queued for the finance channel, as the scheduler does."""
    png = tmp_path / "finance-2026-W47.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    digest = Message(text=TITLE, target="dept:finance", kind="digest", title=TITLE,
                     extra={"image": str(png)})
    with transaction(slack.engine) as session:
        outbox.enqueue(session, digest.target, digest.to_dict(), slack.clock())
    return png


def completed(slack: SlackDesk) -> list[dict[str, object]]:
    """The chart uploads Slack accepted (files.completeUploadExternal that said ok)."""
    return [c for c in slack.fake.calls_to("files.completeUploadExternal") if c["_ok"]]


@pytest.mark.parametrize("status", [429, 500])
def test_a_chart_slack_asks_to_wait_for_is_uploaded_by_the_next_try_under_the_same_text(
        slack: SlackDesk, desk_app: DeskApp, http_settings: Settings, engine: Engine,
        clock: ManualClock, tmp_path: Path, status: int) -> None:
    queue_digest(slack, tmp_path)
    slack.fake.fail("files.getUploadURLExternal", status, retry_after=5)
    slack.deliver()
    (text,) = slack.fake.posted(FINANCE)
    assert slack.pending(), "the row waits for its chart"
    assert not completed(slack)
    other = restarted(slack, desk_app, http_settings, engine, clock)
    try:
        other.drain()
    finally:
        other.platform.stop()
    assert slack.fake.posted(FINANCE) == [text], "the text is not posted again"
    assert len(slack.fake.calls_to("chat.postMessage")) == 1
    (complete,) = completed(slack)
    ((channel, ts),) = slack.fake.messages  # the text's place: the chart goes under it
    assert (complete["channel_id"], complete["thread_ts"]) == (channel, ts) == (FINANCE, ts)
    (upload,) = slack.fake.calls_to("upload")
    assert upload["png"] and upload["bytes"] == 72


@pytest.mark.parametrize("error", ["not_allowed_token_type", "invalid_auth"])
def test_a_refused_chart_completes_the_row_with_the_text_posted_once(
        slack: SlackDesk, tmp_path: Path, error: str) -> None:
    queue_digest(slack, tmp_path)
    slack.fake.refuse("files.getUploadURLExternal", error, times=10**6)
    stats = slack.deliver()
    assert (stats.delivered, stats.failed) == (1, 0) and not slack.pending()
    for _ in range(3):  # later passes: nothing is left to try
        clock = slack.clock
        clock.set(clock() + timedelta(minutes=10))
        assert slack.deliver().delivered == 0
    assert len(slack.fake.posted(FINANCE)) == 1
    assert len(slack.fake.calls_to("files.getUploadURLExternal")) == 1, "no retry loop"
    assert not completed(slack)


def test_a_missing_chart_completes_the_row_with_its_text(slack: SlackDesk,
                                                         tmp_path: Path) -> None:
    queue_digest(slack, tmp_path).unlink()
    assert slack.deliver().delivered == 1 and not slack.pending()
    assert len(slack.fake.posted(FINANCE)) == 1
    assert not slack.fake.calls_to("files.getUploadURLExternal")
