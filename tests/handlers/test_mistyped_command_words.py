"""A command word mistyped before a request id (``受里 FIN-1``, ``akc FIN-1``) is answered with
the command it was meant to be, in the language it was typed in, the id and the rest kept:
suggested, never run."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from storage import request_store

OPEN = ("@now 2026-11-23T09:00", "henry> /request 财务 报销 出租车 86元")
OPEN_MKT = "henry> /request marketing market-analysis competitor prices"


def replies(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("[reply]")]


def state(chat, ref: str = "FIN-1") -> str:
    with Session(chat.app.desk.engine) as s:
        found = request_store.by_ref(s, ref)
        assert found is not None
        return found.state


@pytest.mark.parametrize("typed,shown", [
    ("bob> /request 受里 FIN-1", "没有“受里”这个命令。您是不是想输入 `/request 受理 FIN-1`？"),
    ("bob> /request 解绝 FIN-1 已报销",
     "没有“解绝”这个命令。您是不是想输入 `/request 解决 FIN-1 已报销`？"),
    ("bob> /request 解绝 FIN-1", "您是不是想输入 `/request 解决 FIN-1 <说明>`？"),
    ("bob> 受里 FIN-1", "没有“受里”这个命令。您是不是想输入 `/request 受理 FIN-1`？"),
    ("bob> akc FIN-1", "您是不是想输入 `/request ack FIN-1`？"),
    ("bob@dm> 受里 FIN-1", "您是不是想输入 `/request 受理 FIN-1`？"),
    ("bob@dm> akc FIN-1", "您是不是想输入 `/request ack FIN-1`？"),
])
def test_a_mistyped_chinese_command_word_is_suggested_with_its_id(chat, typed, shown):
    chat(*OPEN)
    out = chat(typed)
    assert shown in out
    assert len(replies(out)) == 1 and "部门" not in out and "没有看懂" not in out
    assert state(chat) == "open", "suggested, not run"


@pytest.mark.parametrize("typed", ["emma> /request akc MKT-1", "emma> akc MKT-1",
                                   "emma@dm> akc MKT-1"])
def test_a_mistyped_english_command_word_is_suggested_with_its_id(chat, typed):
    chat("@now 2026-11-23T09:00", OPEN_MKT)
    out = chat(typed)
    assert replies(out) == ["[reply] There is no command “akc”. Did you mean "
                            "`/request ack MKT-1`?"]
    assert state(chat, "MKT-1") == "open"


def test_the_requester_is_offered_their_own_command(chat):
    chat(*OPEN)
    out = chat("henry> /request 解绝 FIN-1 太贵")
    assert "您是不是想输入 `/request 拒绝 FIN-1 太贵`？" in out
    assert "解决" not in out


def test_without_an_id_the_command_word_is_in_the_typed_language(chat):
    out = chat("bob> /request 受里")
    assert "您是不是想输入命令：`/request 受理`？" in out


def test_an_id_the_person_cannot_see_gets_no_suggestion(chat):
    chat(*OPEN)
    out = chat("emma> akc FIN-1")
    assert "FIN-1" not in out and "I didn't understand that" in out
    out = chat("bob@dm> 受里 FIN-9")
    assert "没有看懂这条消息" in out and "crossdesk" in out, "the help, as before"


def test_talk_that_starts_like_a_command_still_goes_to_the_request(chat):
    chat(*OPEN)
    out = chat("henry@dm> 确定 FIN-1 已经报销了吗")
    assert "李华 Henry Li 评论了 FIN-1" in out and "您是不是想输入" not in out
    out = chat("bob@FIN-1> 受里 FIN-1")  # in the desk's thread: words to the requester
    assert "已作为 FIN-1 的评论发给 李华 Henry Li" in out
