"""A plain chat message that starts with a request id goes to that request, for its
requester and its desk alike, as a DM reply (the id said once, by the notices); an id the
writer has no part in is read as it was, and a reply in a thread stays the thread's."""

from __future__ import annotations

from storage.models import Request
from tests.handlers.test_chinese_typing_glued_and_labels import held_rows as held
from tests.handlers.test_chinese_typing_glued_and_labels import kinds
from tests.handlers.test_chinese_typing_glued_and_labels import row as stored

TWO = ("@now 2026-11-23T09:05", "henry> /request finance cash-advance taxi 86",
       "henry> /request finance cash-advance hotel 300")


def row(chat, ref: str) -> Request:
    found = stored(chat, ref)
    assert found is not None
    return found


def test_the_requester_naming_one_of_two_requests_is_not_asked_which(chat):
    chat(*TWO)
    out = chat("henry@dm> FIN-1 确认一下进度")
    assert "这条消息是关于哪一个的" not in out and held(chat) == []
    assert "[reply] 已在 FIN-1 添加评论。" in out
    assert "[to #finance-requests] 李华 Henry Li 评论了 FIN-1（taxi 86）：确认一下进度" in out
    assert ("dm_reply", "henry", "确认一下进度") in kinds(chat, "FIN-1")
    assert [k for k in kinds(chat, "FIN-2") if k[0] == "dm_reply"] == []
    out = chat("henry@dm> FIN-2，酒店发票明天补")  # a mark after the id, as typed in Chinese
    assert "评论了 FIN-2（hotel 300）：酒店发票明天补" in out
    shown = chat("henry> /request show FIN-1")
    assert "在私聊中回复: 确认一下进度" in shown


def test_a_desk_member_naming_a_request_in_their_dm_comments_as_with_comment(chat):
    chat(*TWO)
    out = chat("bob@dm> FIN-1 发票已收到")
    typed = chat("bob> /request comment FIN-2 发票已收到")
    assert "[to henry] 张伟 Bob Zhang 回复了您的请求 FIN-1（taxi 86）：发票已收到" in out
    assert "[to #finance-requests] 张伟 Bob Zhang：发票已收到" in out
    assert out.replace("FIN-1", "FIN-2").replace("taxi 86", "hotel 300") == typed
    assert row(chat, "FIN-1").first_response_at is not None
    assert ("dm_reply", "bob", "发票已收到") in kinds(chat, "FIN-1")


def test_a_desk_members_id_and_marker_is_an_internal_note(chat):
    chat(*TWO)
    out = chat("bob@dm> FIN-1 // 金额小，可免收据")
    assert "[reply] 已在 FIN-1 添加内部备注：提单人看不到。" in out
    assert "[to henry]" not in out
    assert ("internal_note", "bob", "金额小，可免收据") in kinds(chat, "FIN-1")


def test_an_id_the_writer_has_no_part_in_reveals_nothing(chat):
    chat(*TWO)
    theirs = chat("alice@dm> FIN-1 is mine fixed?")
    nobodys = chat("alice@dm> FIN-99 is mine fixed?")
    assert theirs.replace("FIN-1", "FIN-99") == nobodys, "the same answer as for none"
    assert "I can't find request FIN-1 among the requests you can see" in theirs
    assert "[to " not in theirs
    assert [k for k in kinds(chat, "FIN-1") if k[1] == "alice"] == []


def test_a_reply_in_a_thread_stays_with_its_request(chat):
    chat(*TWO)
    out = chat("henry@dm:FIN-2> FIN-1 was the taxi, this is the hotel")
    assert "[reply] 已在 FIN-2 添加评论。" in out
    assert ("dm_reply", "henry", "FIN-1 was the taxi, this is the hotel") in kinds(chat, "FIN-2")
    chat("bob@FIN-2> FIN-1 first")
    assert ("thread_reply", "bob", "FIN-1 first") in kinds(chat, "FIN-2")
    assert [k for k in kinds(chat, "FIN-1") if k[0] in ("dm_reply", "thread_reply")] == []
