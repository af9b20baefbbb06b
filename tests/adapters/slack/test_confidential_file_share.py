"""A file shared on a confidential request (an HR complaint) through the real Bolt app and the
Slack stand-in: the desk's channel hears only that a file was added and who may open the
request, never the file; nothing blocks the desk's later messages."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import Session

from handlers.messages import Message
from storage import outbox
from storage.models import Outbox
from tests.adapters.slack.conftest import SlackDesk
from tests.adapters.slack.test_conversations import ALICE_DM
from tests.adapters.slack.test_files import shared

HR = "CHRREQUESTS"
AUDIO = b"\x00\x00\x00\x18ftypM4A " + b"voice" * 200


def test_a_confidential_requests_file_stays_out_of_the_channel_and_blocks_nothing(
        slack: SlackDesk) -> None:
    slack.ask("U0ALICE", "hr complaint my manager shouts at me daily")
    slack.drain()
    root = slack.request("HR-1")
    assert root is not None and root.thread_ref
    file = slack.fake.share_file("F0VOICE001", "recording.m4a", "audio/mp4", AUDIO, "U0ALICE")
    shared(slack, "U0ALICE", ALICE_DM, file)
    slack.drain(120)
    slack.ask("U0NICK", "hr training need excel course")
    slack.drain(120)
    stuck: list[Outbox] = slack.pending()
    assert not stuck, [(r.target, r.payload.get("kind"), r.last_error) for r in stuck]
    posts = slack.fake.posted(HR)
    texts = [p["text"] for p in posts]
    assert any("HR-2" in text for text in texts), "the next request reaches the desk"
    notice = [p for p in posts if "HR-1" in p["text"] and p.get("thread_ts") == root.thread_ref
              and "recording.m4a" not in p["text"]]
    assert any(re.search(r"`/request (show|查看) HR-1`", p["text"])
               and ("文件" in p["text"] or "file" in p["text"]) for p in notice), texts
    assert not [c for c in slack.fake.calls_to("files.completeUploadExternal")
                if c["channel_id"] == HR], "the file itself never goes to the channel"
    assert not any("recording.m4a" in text for text in texts), "nor its name"


def test_a_confidential_requests_file_reaches_its_assignee_in_person(slack: SlackDesk) -> None:
    slack.ask("U0ALICE", "hr complaint my manager shouts at me daily")
    slack.ask("U0NICK", "ack HR-1")
    slack.drain()
    file = slack.fake.share_file("F0VOICE002", "recording.m4a", "audio/mp4", AUDIO, "U0ALICE")
    shared(slack, "U0ALICE", ALICE_DM, file)
    slack.drain(120)
    uploads = {c["channel_id"] for c in slack.fake.calls_to("files.completeUploadExternal")}
    assert uploads == {"D0NICK"}, "the assignee gets the file itself, no one else"
    assert [p for p in slack.fake.posted("D0NICK") if "recording.m4a" in p["text"]]
    assert not [p for p in slack.fake.posted("D0MIA") if "recording.m4a" in p["text"]]
    assert not [p for p in slack.fake.posted(HR) if "recording.m4a" in p["text"]]


def test_a_file_row_without_its_file_goes_as_a_notice_alone(slack: SlackDesk) -> None:
    """A row queued before this fix (kind "file", no file id) no longer stalls the desk."""
    with Session(slack.engine) as session:
        message = Message(text="HR-1 (confidential) changed", target="dept:hr", kind="file",
                          locale="en")
        outbox.enqueue(session, message.target, message.to_dict(), slack.clock())
        session.commit()
    slack.ask("U0NICK", "hr training need excel course")
    slack.clock.set(slack.clock() + timedelta(seconds=1))
    slack.drain(60)
    assert not slack.pending()
    texts = [p["text"] for p in slack.fake.posted(HR)]
    assert "HR-1 (confidential) changed" in texts and any("HR-1" in t for t in texts)


def test_a_row_its_sender_keeps_crashing_on_fails_for_good_and_frees_the_desk(
        slack: SlackDesk) -> None:
    """A malformed row (its file id unreadable) is tried a few times, then failed with the
    reason and the admins told; the desk's later messages go out meanwhile."""
    with Session(slack.engine) as session:
        message = Message(text="a file", target="dept:hr", kind="file", locale="en",
                          extra={"file": "not-a-number"})
        outbox.enqueue(session, message.target, message.to_dict(), slack.clock())
        session.commit()
    slack.ask("U0NICK", "hr training need excel course")
    slack.drain(600)
    with Session(slack.engine) as session:
        bad = session.get(Outbox, 1)
        assert bad is not None and bad.failed_at is not None and bad.attempts == 3
        assert bad.failed_reason == "crossdesk:sender_crashed"
        assert "ValueError" in (bad.last_error or "") and "not retried" in (bad.last_error or "")
    assert any("HR-1" in p["text"] for p in slack.fake.posted(HR)), "the desk hears HR-1"
    told = [p["text"] for p in slack.fake.calls_to("chat.postMessage")
            if "crossdesk:sender_crashed" in p.get("text", "")]
    assert told, "the admins hear of it"
    assert all("crossdesk itself failed on it" in text or "crossdesk 自身处理出错" in text
               for text in told), "as our failure, not a platform's refusal"


def test_a_row_that_cannot_be_read_fails_for_good_and_stops_no_one(slack: SlackDesk) -> None:
    """A payload without its text (e.g. written by another version) fails at once with the
    reason; every other row, the same desk's included, still goes out."""
    with Session(slack.engine) as session:
        outbox.enqueue(session, "dept:hr", {"target": "dept:hr", "kind": "comment"},
                       slack.clock())
        session.commit()
    slack.ask("U0NICK", "hr training need excel course")
    slack.drain(60)
    with Session(slack.engine) as session:
        bad = session.get(Outbox, 1)
        assert bad is not None and bad.failed_at is not None
        assert bad.failed_reason == "crossdesk:unreadable"
        assert "unreadable message: KeyError" in (bad.last_error or "")
    assert any("HR-1" in p["text"] for p in slack.fake.posted(HR))
