"""An internal note is the desk's own on every path, not only in the desk's thread:
``comment ID // text`` (and ``（内部）``, ``(internal)``) typed by the desk, and a desk member's
reply under the bot's message in their DM, are kept in the history, shown to the desk and
never sent to the requester. The requester's words with a marker still reach the desk."""

from __future__ import annotations

from sqlmodel import Session, select

from handlers.i18n import t
from storage.models import Attachment
from tests.handlers.test_conversation import OPEN, kinds, lines_to, row


def test_the_comment_command_with_a_marker_is_an_internal_note_in_both_languages(chat):
    chat("@now 2026-11-23T09:05", OPEN)
    for typed in ("bob> 评论 FIN-1 （内部）这张发票可能是假的",
                  "bob> /request comment FIN-1 // 这张发票可能是假的",
                  "carol> /request comment FIN-1 (internal) 这张发票可能是假的"):
        out = chat(typed)
        assert lines_to(out, "henry") == [], typed
        assert "[reply] 已在 FIN-1 添加内部备注：提单人看不到。" in out, typed
        desk = "\n".join(lines_to(out, "#finance-requests"))
        assert "（FIN-1 内部备注）：这张发票可能是假的" in desk, "the desk sees it in its thread"
    notes = [k for k in kinds(chat) if k[0] == "internal_note"]
    assert notes == [("internal_note", "bob", "这张发票可能是假的"),
                     ("internal_note", "bob", "这张发票可能是假的"),
                     ("internal_note", "carol", "这张发票可能是假的")]
    assert "commented" not in [k for k, *_ in kinds(chat)]
    assert row(chat).first_response_at is None, "a note is no answer to the requester"
    assert "这张发票可能是假的" in chat("bob> /request show FIN-1")
    assert "这张发票可能是假的" not in chat("henry> /request show FIN-1")


def test_a_note_with_nothing_after_the_marker_is_refused_politely(chat):
    chat("@now 2026-11-23T09:05", OPEN)
    out = chat("bob> /request comment FIN-1 //")
    assert "[to henry]" not in out
    assert t("zh-CN", "err.empty_note", ref="FIN-1") in out
    assert "internal_note" not in [k for k, *_ in kinds(chat)]


def test_a_file_shared_with_an_internal_note_stays_inside_the_desk(chat):
    chat("@now 2026-11-23T09:05", OPEN)
    out = chat("bob> /request comment FIN-1 // the scan looks edited [file scan.pdf]")
    assert lines_to(out, "henry") == []
    with Session(chat.app.desk.engine) as s:
        (file,) = s.exec(select(Attachment)).all()
    assert (file.name, file.internal, file.share_to) == ("scan.pdf", True, None)
    assert "附件: 📎 scan.pdf" in chat("bob> /request show FIN-1")
    assert "附件: 📎" not in chat("henry> /request show FIN-1"), "not among the requester's files"


def test_the_requesters_comment_with_a_marker_still_reaches_the_desk(chat):
    """As in the thread: only the desk writes internal notes; the requester's words with a
    marker go to the desk as they were typed."""
    chat("@now 2026-11-23T09:05", OPEN, "bob> /request ack FIN-1")
    out = chat("henry> /request comment FIN-1 // also the hotel")
    assert lines_to(out, "bob") == [
        "[to bob] 李华 Henry Li 评论了 FIN-1（taxi 86）：// also the hotel"]
    assert ("commented", "henry", "// also the hotel") in kinds(chat)
    assert "internal_note" not in [k for k, *_ in kinds(chat)]


def test_a_desk_members_dm_reply_with_a_marker_is_an_internal_note(chat):
    chat("@now 2026-11-23T09:05", OPEN, "carol> /request assign FIN-1 bob")
    out = chat("bob@dm:FIN-1> // checking the budget first")
    assert lines_to(out, "henry") == []
    assert "[reply] 已在 FIN-1 添加内部备注：提单人看不到。" in out
    assert "（FIN-1 内部备注）：checking the budget first" in "\n".join(
        lines_to(out, "#finance-requests")), "posted into the desk's thread for the desk"
    assert ("internal_note", "bob", "checking the budget first") in kinds(chat)
    assert row(chat).first_response_at is None
    answered = chat("bob@dm:FIN-1> which client was it?")
    assert len(lines_to(answered, "henry")) == 1, "without a marker: a comment, as before"


def test_hr_staffs_dm_note_on_a_confidential_request_stays_inside_hr(chat):
    chat("@now 2026-11-23T09:05", "alice> /request hr complaint my manager shouts at me",
         "mia> /request assign HR-1 nick")
    out = chat("nick@dm:HR-1> （内部）talk to the manager's lead first")
    assert lines_to(out, "alice") == []
    assert ("internal_note", "nick", "talk to the manager's lead first") in kinds(chat, "HR-1")
    assert "manager's lead" not in "\n".join(lines_to(out, "#hr-requests")), \
        "the channel hears of a confidential request only its id"
    assert "manager's lead" not in chat("alice> /request show HR-1")


def test_a_marker_and_an_id_in_a_plain_chat_is_the_desks_note_on_that_request(chat):
    """No thread in a WeCom app chat: ``// FIN-1 text`` there is a note on FIN-1, never a
    comment on the desk member's own open request (another desk would read it)."""
    chat("@now 2026-11-23T09:05", OPEN, "bob> /request it laptop screen flickers")
    out = chat("bob@dm> // FIN-1 the invoice may be fake",
               "bob@dm> （内部）fin-1 ask Carol first")
    assert lines_to(out, "henry") == [] and lines_to(out, "#it-requests") == []
    assert out.count("[reply] 已在 FIN-1 添加内部备注：提单人看不到。") == 2
    notes = [k for k in kinds(chat) if k[0] == "internal_note"]
    assert notes == [("internal_note", "bob", "the invoice may be fake"),
                     ("internal_note", "bob", "ask Carol first")]
    assert [k for k, *_ in kinds(chat, "IT-1")] == ["opened"]
    # the requester's own marker and id: words about her own request, as before
    asked = chat("henry@dm> // FIN-1 also the hotel")
    assert ("dm_reply", "henry", "// FIN-1 also the hotel") in kinds(chat)
    assert "internal_note" not in asked
