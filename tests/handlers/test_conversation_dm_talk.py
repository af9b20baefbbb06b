"""What a requester types in their DM that is not words for the desk: a message over the length
limit (refused as ``comment`` refuses it, nothing kept), the id typed alone in answer to "which
one?" (the kept message filed once), thanks / greetings / "ok" / emoji (a short answer, no
desk pinged), "solved" (the confirm command, or while open cancel / answered), and an id
of a desk's that the writer may not see (not among their requests)."""

from __future__ import annotations

import pytest

from tests.handlers.test_chinese_typing_glued_and_labels import held_rows as held
from tests.handlers.test_chinese_typing_glued_and_labels import kinds

START = "@now 2026-11-23T09:05"
ONE = (START, "henry> /request it 账号 VPN")
TWO = (START, "henry> /request 财务 借支 出差借款", "henry> /request it 账号 VPN登不上")
LONG = "很" * 9000
REFUSED = "内容共 9000 个字符，超过了 4000 字的上限"
ASKED = "这条消息是关于哪一个的"
SAID = ("dm_reply", "thread_reply", "internal_note")


def said(chat, ref: str) -> list[tuple[str, str, str | None]]:
    return [k for k in kinds(chat, ref) if k[0] in SAID]


@pytest.mark.parametrize("line", [
    f"henry@dm> {LONG}", f"henry@dm:IT-1> {LONG}", f"henry@dm> IT-1 {LONG}",
    f"dave@IT-1> {LONG}", f"dave@dm> IT-1 // {LONG}", f"dave@IT-1> // {LONG}", f"bob@IT-1> {LONG}"])
def test_a_message_over_the_limit_is_refused_wherever_it_is_typed(chat, line):
    chat(*ONE)
    typed = chat(f"henry> /request comment IT-1 {LONG}")
    out = chat(line)
    assert REFUSED in typed and REFUSED in out
    assert "本次未保存任何内容" in out and "[to " not in out
    assert said(chat, "IT-1") == [] and held(chat) == []


def test_a_message_over_the_limit_in_english(chat):
    chat(START, "alice> /request it account VPN")
    out = chat(f"alice@dm> {'x' * 4001}")
    assert "That text is 4001 characters long; the limit is 4000" in out
    assert "Nothing was saved." in out and "[to " not in out
    assert said(chat, "IT-1") == []


def test_a_message_at_the_limit_still_goes_to_the_request(chat):
    chat(*ONE)
    out = chat(f"henry@dm> {'很' * 4000}")
    assert "[reply] 已在 IT-1 添加评论。" in out


@pytest.mark.parametrize("answer", ["IT-1", "it-1", "是IT-1", "IT-1的", "就是 IT-1", "IT-1。"])
def test_the_id_alone_after_which_one_files_the_kept_message_once(chat, answer):
    chat(*TWO)
    assert ASKED in chat("henry@dm> 我明天出差，麻烦尽快")
    out = chat(f"henry@dm> {answer}")
    assert ASKED not in out
    assert "[reply] 已在 IT-1 添加评论。" in out
    assert "评论了 IT-1（VPN登不上）：我明天出差，麻烦尽快" in out
    assert said(chat, "IT-1") == [("dm_reply", "henry", "我明天出差，麻烦尽快")]
    assert [r.attached_ref for r in held(chat)] == ["IT-1"]
    again = chat(f"henry@dm> {answer}")
    assert "[to " not in again and ASKED not in again
    assert said(chat, "IT-1") == [("dm_reply", "henry", "我明天出差，麻烦尽快")]
    assert said(chat, "FIN-1") == []


def test_the_id_alone_in_english_and_the_button_after_it_changes_nothing(chat):
    chat(START, "alice> /request finance cash-advance trip", "alice> /request it account VPN")
    assert "Which one is this about?" in chat("alice@dm> leaving tomorrow, please hurry")
    out = chat("alice@dm> it's FIN-1")
    assert "[reply] Comment added to FIN-1." in out
    assert "leaving tomorrow, please hurry" in out
    clicked = chat("alice> /request add IT-1 1")
    assert "already added to FIN-1" in clicked and said(chat, "IT-1") == []


@pytest.mark.parametrize("typed", ["谢谢", "好的👍", "👍", "你好", "收到", "ok thanks"])
@pytest.mark.parametrize("start", [ONE, TWO])
def test_small_talk_is_answered_briefly_and_reaches_no_desk(chat, typed, start):
    chat(*start)
    out = chat(f"henry@dm> {typed}")
    assert "[to " not in out and ASKED not in out and "添加评论" not in out
    assert "这条消息没有转给处理人员" in out
    assert said(chat, "IT-1") == [] and held(chat) == []


def test_small_talk_in_english_names_the_request_to_add_to(chat):
    chat(START, "alice> /request it account VPN")
    out = chat("alice@dm> thanks!")
    assert "[reply] You're welcome! I haven't passed this on to the desk." in out
    assert "To add something to IT-1, just write it here." in out
    assert "[to " not in out


def test_words_with_content_still_go_to_the_request(chat):
    chat(*ONE)
    out = chat("henry@dm> 谢谢，不过还是连不上")
    assert "[reply] 已在 IT-1 添加评论。" in out
    assert "评论了 IT-1（VPN）：谢谢，不过还是连不上" in out


def test_solved_while_open_suggests_cancel_and_answered(chat):
    chat(*ONE)
    out = chat("henry@dm> 已解决")
    assert "[to " not in out and "添加评论" not in out
    assert "`/request 取消 IT-1`" in out and "`/request 已解答 IT-1`" in out
    chat("dave> /request ack IT-1")
    acted = chat("henry@dm> 问题解决了")
    assert "`/request 取消 IT-1`" in acted and "已解答" not in acted
    assert said(chat, "IT-1") == []


def test_solved_once_resolved_suggests_confirm(chat):
    chat(*TWO, "dave> /request resolve IT-1 重置了密码")
    out = chat("henry@dm> 已解决")
    assert "[to " not in out and ASKED not in out
    assert "`/request 确认 IT-1`" in out
    assert said(chat, "IT-1") == [] and said(chat, "FIN-1") == []


def test_solved_in_english(chat):
    chat(START, "alice> /request it account VPN")
    out = chat("alice@dm> solved")
    assert "Glad it's solved! I haven't passed this on to the desk" in out
    assert "`/request cancel IT-1`" in out and "`/request answered IT-1`" in out


def test_an_id_not_among_the_writers_requests_is_answered_so(chat):
    chat(*TWO, "alice> /request it 账号 邮箱")
    for line in ("alice@dm> FIN-1 确认一下进度", "alice@dm> FIN-9 确认一下进度"):
        out = chat(line)
        assert "among the requests you can see" in out and "[to " not in out
        assert "didn't understand" not in out
    assert said(chat, "IT-2") == [] and said(chat, "FIN-1") == []
