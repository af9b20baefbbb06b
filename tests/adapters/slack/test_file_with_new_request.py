"""A file given with a new request (uploaded in Slack's form, or in hand with the command)
reaches the desk in the request's thread, under its root: never a loose message in the
desk's channel."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.runtime.app import DeskApp
from bot.runtime.clock import ManualClock
from handlers.inbound import Inbound, IncomingFile
from tests.adapters.slack.conftest import SlackDesk
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.test_conversations import FINANCE
from tests.adapters.slack.test_files import JPEG
from tests.adapters.slack.test_form_fields import _desk, reimbursement_form, with_invoice


@pytest.fixture
def desk(tmp_path: Path, engine: Engine, clock: ManualClock,
         fake_slack: FakeSlack) -> Iterator[SlackDesk]:
    """The sample company on Slack, its reimbursement with a form (a file field)."""
    yield from _desk(tmp_path, engine, clock, fake_slack)


def test_a_file_uploaded_with_a_new_request_goes_into_its_thread(desk: SlackDesk) -> None:
    with_invoice(desk, reimbursement_form(desk))
    desk.drain()
    request = desk.request("FIN-1")
    assert request is not None and request.thread_ref
    (complete,) = desk.fake.calls_to("files.completeUploadExternal")
    assert (complete["channel_id"], complete.get("thread_ts")) == (FINANCE, request.thread_ref)
    loose = [p["text"] for p in desk.fake.posted(FINANCE)
             if "📎 invoice.jpg" in p["text"] and p.get("thread_ts") != request.thread_ref]
    assert loose == [], "nothing about the file outside the request's thread"


def test_a_file_in_hand_with_a_new_request_goes_into_its_thread(
        slack: SlackDesk, desk_app: DeskApp) -> None:
    """A file whose bytes came with the command (as the console's, or one fetched at once):
    its notice is queued after the request's root, so it is uploaded into its thread."""
    invoice = IncomingFile("invoice.jpg", "image/jpeg", len(JPEG), "console:invoice.jpg", JPEG)
    desk_app.run(Inbound(platform="console", person_id="alice",
                         text="/request finance reimbursement taxi 86 CNY", files=(invoice,)))
    slack.drain()
    request = slack.request("FIN-1")
    assert request is not None and request.thread_ref
    (complete,) = slack.fake.calls_to("files.completeUploadExternal")
    assert (complete["channel_id"], complete.get("thread_ts")) == (FINANCE, request.thread_ref)
    assert [p["text"] for p in slack.fake.posted(FINANCE)
            if "📎 invoice.jpg" in p["text"] and p.get("thread_ts") != request.thread_ref] == []
