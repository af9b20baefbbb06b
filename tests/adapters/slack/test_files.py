"""Files through the real Bolt app and the Slack stand-in: a file shared in a DM or a desk
thread is fetched (files.info, then url_private with the bot token), kept, and uploaded to
the other side (files_upload_v2 into the request's thread or the requester's DM); a failed
download is retried and shown as "fetching…" meanwhile; a file over the limit is refused
politely and never downloaded.

The ``file_share`` message shape follows Slack's event docs and slack-bolt's fixtures."""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

from sqlmodel import Session, select

from storage.models import Attachment
from tests.adapters.slack.conftest import SlackDesk, text_of
from tests.adapters.slack.fake_slack import wait_until
from tests.adapters.slack.test_conversations import ALICE_DM, FINANCE, message, opened

JPEG = b"\xff\xd8\xff\xe0" + b"receipt-pixels" * 100  # 1 KB
PDF = b"%PDF-1.7\n" + b"form" * 100


def shared(slack: SlackDesk, user: str, channel: str, file: dict[str, Any],
           channel_type: str = "im", thread_ts: str | None = None) -> None:
    """``user`` shares ``file`` (no text) in ``channel``: a ``file_share`` message event."""
    event = message(user, "", channel, channel_type=channel_type, thread_ts=thread_ts,
                    subtype="file_share", upload=False, display_as_bot=False, files=[file])
    assert slack.event(event).status == 200


def attachments(slack: SlackDesk) -> list[Attachment]:
    with Session(slack.engine) as session:
        return list(session.exec(select(Attachment)))


def shown(slack: SlackDesk, user: str) -> str:
    return text_of(slack.ask(user, "show FIN-1"))


def test_a_requesters_file_in_the_dm_reaches_the_desk_thread(slack: SlackDesk) -> None:
    root = opened(slack)
    file = slack.fake.share_file("F0INVOICE1", "invoice.jpg", "image/jpeg", JPEG, "U0ALICE")
    shared(slack, "U0ALICE", ALICE_DM, file)
    assert "invoice.jpg (fetching…)" in shown(slack, "U0ALICE")
    slack.drain()
    (download,) = slack.fake.calls_to("files.download")
    assert download["_ok"], "fetched with the bot token"
    (complete,) = slack.fake.calls_to("files.completeUploadExternal")
    assert (complete["channel_id"], complete["thread_ts"]) == (FINANCE, root)
    (upload,) = slack.fake.calls_to("upload")
    assert upload["sha256"] == hashlib.sha256(JPEG).hexdigest(), "the same bytes arrive"
    notices = [p for p in slack.fake.posted(FINANCE)
               if p.get("thread_ts") == root and "📎 invoice.jpg (1 KB)" in p["text"]]
    assert len(notices) == 1, "its notice, once, in the request's thread"
    assert "Files: 📎 invoice.jpg (1 KB)" in shown(slack, "U0ALICE")
    assert "📎 invoice.jpg (1 KB)" in shown(slack, "U0BOB")


def test_a_desk_members_file_in_the_thread_reaches_the_requesters_dm(
        slack: SlackDesk) -> None:
    root = opened(slack)
    file = slack.fake.share_file("F0FORM0001", "form.pdf", "application/pdf", PDF, "U0BOB")
    shared(slack, "U0BOB", FINANCE, file, channel_type="channel", thread_ts=root)
    slack.drain()
    (complete,) = slack.fake.calls_to("files.completeUploadExternal")
    assert complete["channel_id"] == ALICE_DM
    (upload,) = slack.fake.calls_to("upload")
    assert upload["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert [p for p in slack.fake.posted(ALICE_DM) if "📎 form.pdf" in p["text"]]
    assert not [c for c in slack.fake.calls_to("files.completeUploadExternal")
                if c["channel_id"] == FINANCE], "not posted back into the thread it came from"


def test_a_failed_download_is_retried_and_shown_as_fetching_meanwhile(
        slack: SlackDesk) -> None:
    opened(slack)
    file = slack.fake.share_file("F0INVOICE2", "invoice.jpg", "image/jpeg", JPEG, "U0ALICE")
    slack.fake.fail("files.download", 502, times=2)
    shared(slack, "U0ALICE", ALICE_DM, file)
    slack.deliver()
    assert "invoice.jpg (fetching…)" in shown(slack, "U0ALICE")
    assert not slack.fake.calls_to("files.completeUploadExternal")
    slack.drain()
    downloads = slack.fake.calls_to("files.download")
    assert [d["_ok"] for d in downloads] == [False, False, True]
    assert len(slack.fake.calls_to("files.completeUploadExternal")) == 1
    (row,) = attachments(slack)
    assert row.state == "stored" and row.size == len(JPEG)


def test_a_file_over_the_limit_is_refused_saying_the_limit_and_never_downloaded(
        slack: SlackDesk) -> None:
    opened(slack)
    desk = slack.platform.deps.app.desk
    desk.files = dataclasses.replace(desk.files, max_bytes=512)
    file = slack.fake.share_file("F0INVOICE3", "invoice.jpg", "image/jpeg", JPEG, "U0ALICE")
    shared(slack, "U0ALICE", ALICE_DM, file)
    slack.drain()
    limit = ("invoice.jpg was not attached: it is 1 KB, and the desk keeps files up to 512 B. "
             "Please send a smaller file, or a link to it.")
    wait_until(lambda: [p for p in slack.fake.posted(ALICE_DM) if limit in p["text"]], 5.0,
               "the answer in the DM")
    assert not attachments(slack) and not slack.fake.calls_to("files.download")
    assert not slack.fake.calls_to("files.completeUploadExternal")


def test_a_file_gone_from_slack_is_marked_failed_and_its_sharer_told(slack: SlackDesk) -> None:
    opened(slack)
    file = slack.fake.share_file("F0INVOICE4", "invoice.jpg", "image/jpeg", JPEG, "U0ALICE")
    shared(slack, "U0ALICE", ALICE_DM, file)
    del slack.fake.files["F0INVOICE4"]  # deleted before the bot fetched it
    slack.drain()
    (row,) = attachments(slack)
    assert row.state == "failed" and "file_not_found" in (row.failed_reason or "")
    assert "invoice.jpg (failed: the platform no longer has it" in shown(slack, "U0ALICE")
    told = [p["text"] for p in slack.fake.posted(ALICE_DM) if "could not be attached" in p["text"]]
    assert len(told) == 1 and "Please send it again" in told[0]


def test_a_file_refused_in_the_desk_thread_is_told_to_its_sharer_alone(
        slack: SlackDesk) -> None:
    root = opened(slack)
    desk = slack.platform.deps.app.desk
    desk.files = dataclasses.replace(desk.files, max_bytes=512)
    file = slack.fake.share_file("F0SCAN0001", "scan.jpg", "image/jpeg", JPEG, "U0BOB")
    shared(slack, "U0BOB", FINANCE, file, channel_type="channel", thread_ts=root)
    slack.drain()
    (said,) = wait_until(lambda: slack.fake.calls_to("chat.postEphemeral"), 5.0, "the word")
    assert (said["channel"], said["user"], said["thread_ts"]) == (FINANCE, "U0BOB", root)
    assert said["text"] == "scan.jpg 未添加：文件大小为 1 KB，服务台最多保存 512 B 的文件。" \
        "请发送更小的文件，或发送文件链接。", "nothing else: no comment was made"
    assert slack.request("FIN-1").first_response_at is None  # type: ignore[union-attr]
    assert not attachments(slack) and not slack.fake.calls_to("files.download")
    before = len(slack.fake.calls_to("chat.postEphemeral"))
    taken = slack.fake.share_file("F0SMALL001", "note.txt", "text/plain", b"ok", "U0BOB")
    shared(slack, "U0BOB", FINANCE, taken, channel_type="channel", thread_ts=root)
    slack.drain()
    assert len(slack.fake.calls_to("chat.postEphemeral")) == before, "a file taken: no word"


def test_a_file_in_the_dm_with_no_open_request_is_kept_and_the_sender_told_how_to_add_it(
        slack: SlackDesk) -> None:
    file = slack.fake.share_file("F0EARLY001", "receipt.jpg", "image/jpeg", JPEG, "U0ALICE")
    shared(slack, "U0ALICE", ALICE_DM, file)
    (answer,) = wait_until(lambda: [p for p in slack.fake.posted(ALICE_DM)
                                    if "receipt.jpg" in p["text"]], 5.0, "the answer")
    assert "I kept receipt.jpg" in answer["text"]
    assert "`/request add &lt;ID&gt; 1`" in answer["text"], "escaped once for Slack"
    root = opened(slack)
    slack.click("U0ALICE", "/request add FIN-1 1", "add", channel=ALICE_DM)
    slack.drain()
    assert [a.name for a in attachments(slack)] == ["receipt.jpg"]
    (complete,) = slack.fake.calls_to("files.completeUploadExternal")
    assert (complete["channel_id"], complete["thread_ts"]) == (FINANCE, root)


def test_a_file_kept_outside_slack_is_never_fetched_with_the_bot_token(
        slack: SlackDesk) -> None:
    opened(slack)
    file = slack.fake.share_file("F0GDRIVE01", "budget.xlsx", "application/vnd.ms-excel",
                                 PDF, "U0ALICE")
    info, data = slack.fake.files["F0GDRIVE01"]
    drive = "https://docs.google.com/spreadsheets/d/1abc/edit"
    slack.fake.files["F0GDRIVE01"] = ({**info, "is_external": True, "external_type": "gdrive",
                                       "mode": "external", "url_private": drive,
                                       "url_private_download": drive}, data)
    shared(slack, "U0ALICE", ALICE_DM, file)
    slack.drain()
    assert slack.fake.calls_to("files.download") == [], "the token went nowhere"
    (told,) = [p for p in slack.fake.posted(ALICE_DM) if "could not be attached" in p["text"]]
    assert "could not be attached to FIN-1: it is a link to a file kept outside the chat" \
        in told["text"] and "upload the file itself" in told["text"]
    (row,) = attachments(slack)
    assert row.state == "failed"


def test_a_download_url_on_another_host_gets_no_token(slack: SlackDesk) -> None:
    opened(slack)
    file = slack.fake.share_file("F0ELSEWH01", "invoice.jpg", "image/jpeg", JPEG, "U0ALICE")
    info, data = slack.fake.files["F0ELSEWH01"]
    elsewhere = "https://files.example.com/files-pri/T0ACME-F0ELSEWH01/invoice.jpg"
    slack.fake.files["F0ELSEWH01"] = ({**info, "url_private": elsewhere,
                                       "url_private_download": elsewhere}, data)
    shared(slack, "U0ALICE", ALICE_DM, file)
    slack.drain()
    assert slack.fake.calls_to("files.download") == []
    (told,) = [p for p in slack.fake.posted(ALICE_DM) if "could not be attached" in p["text"]]
    assert "invoice.jpg (1 KB) could not be attached to FIN-1: it is a link to a file kept " \
        "outside the chat" in told["text"]
