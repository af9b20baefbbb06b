"""A file passed on to Slack is its notice, then the upload under it. When the upload
fails, the notice's place is kept with the outbox row (``Outbox.progress``): a restarted
process or another replica uploads the file under it and never posts the notice again."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import timedelta

from sqlalchemy import Engine

from bot.adapters.slack.platform import build_slack
from bot.runtime.app import DeskApp
from bot.runtime.clock import ManualClock
from bot.runtime.config import Settings
from bot.runtime.dispatch import Dispatcher
from bot.runtime.routing import SenderRouter
from tests.adapters.slack.conftest import ENV, Elsewhere, SlackDesk
from tests.adapters.slack.test_conversations import ALICE_DM, FINANCE, opened
from tests.adapters.slack.test_files import JPEG, shared


def notices(slack: SlackDesk, root: str) -> list[dict[str, object]]:
    return [p for p in slack.fake.posted(FINANCE)
            if p.get("thread_ts") == root and "📎 invoice.jpg (1 KB)" in str(p["text"])]


def restarted(slack: SlackDesk, desk_app: DeskApp, settings: Settings, engine: Engine,
              clock: ManualClock) -> SlackDesk:
    """The desk as a fresh process sees it: a new Slack sender and dispatcher, same database."""
    platform = build_slack(desk_app, settings, client_base_url=slack.fake.url, environ=ENV)
    router = SenderRouter(engine, settings.catalog, [platform.route()], Elsewhere())
    dispatcher = Dispatcher(engine, router, clock, policy=desk_app.desk.policy)
    return dataclasses.replace(slack, platform=platform, router=router, dispatcher=dispatcher)


def test_a_failed_upload_is_retried_by_a_restarted_process_without_a_second_notice(
        slack: SlackDesk, desk_app: DeskApp, http_settings: Settings, engine: Engine,
        clock: ManualClock) -> None:
    root = opened(slack)
    file = slack.fake.share_file("F0INVOICE9", "invoice.jpg", "image/jpeg", JPEG, "U0ALICE")
    slack.fake.fail("files.getUploadURLExternal", 500)
    shared(slack, "U0ALICE", ALICE_DM, file)
    for _ in range(5):  # fetched; then its notice is posted and the upload fails
        slack.deliver()
        if slack.fake.calls_to("files.getUploadURLExternal"):
            break
        clock.set(clock() + timedelta(seconds=1))
    assert len(notices(slack, root)) == 1 and slack.pending(), "the row waits for the file"
    assert not slack.fake.calls_to("files.completeUploadExternal")
    other = restarted(slack, desk_app, http_settings, engine, clock)
    try:
        other.drain()
    finally:
        other.platform.stop()
    assert len(notices(slack, root)) == 1, "the notice is not posted again"
    (complete,) = slack.fake.calls_to("files.completeUploadExternal")
    assert (complete["channel_id"], complete["thread_ts"]) == (FINANCE, root)
    (upload,) = slack.fake.calls_to("upload")
    assert upload["sha256"] == hashlib.sha256(JPEG).hexdigest()
