"""``/request FIN-1 …``: a request id right after the command prefix names that request.
Alone it shows it, before a command word it is that command, before other words it is a
comment; before, the id was read as the department FIN and a service "-1". A command word
mistyped glued to the id (``受里FIN-1``) is suggested with the id, as it is spaced."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from storage import request_store
from storage.models import Event

OPEN = ("@now 2026-11-23T09:00", "henry> /request 财务 报销 出租车 86元")


def replies(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("[reply]")]


def comments(chat) -> list[str]:
    with Session(chat.app.desk.engine) as s:
        events = s.exec(select(Event).where(Event.kind == "commented")).all()
        return [e.note or "" for e in events]


def state(chat, ref: str = "FIN-1") -> str:
    with Session(chat.app.desk.engine) as s:
        found = request_store.by_ref(s, ref)
        assert found is not None
        return found.state


@pytest.mark.parametrize("typed", ["henry> /request FIN-1", "henry> 提单 FIN-1。",
                                   "henry> /request fin-1"])
def test_the_id_alone_shows_the_request(chat, typed):
    chat(*OPEN)
    out = chat(typed)
    assert replies(out)[0].startswith("[reply] FIN-1 · 出租车 86元"), out
    assert "这项服务" not in out and "状态: 待受理" in out


@pytest.mark.parametrize("typed,words", [
    ("henry> /request FIN-1 确认一下进度", "确认一下进度"),
    ("henry> /request FIN-1，发票明天补", "发票明天补"),
    ("henry> /request FIN-1 any news?", "any news?"),
])
def test_words_after_the_id_are_a_comment_on_it(chat, typed, words):
    chat(*OPEN)
    out = chat(typed)
    assert "已在 FIN-1 添加评论" in out, out
    assert f"：{words}" in out, "the desk hears the words"
    assert comments(chat) == [words]


def test_a_command_word_after_the_id_is_that_command(chat):
    chat(*OPEN)
    out = chat("bob> /request FIN-1 受理")
    assert state(chat) == "acknowledged", out
    chat("henry> /request FIN-1 评论 发票已补")
    assert comments(chat) == ["发票已补"]


def test_someone_who_cannot_see_it_is_told_so_and_nothing_is_stored(chat):
    chat(*OPEN)
    out = chat("emma> /request FIN-1 hello")
    assert "FIN-1" in out and "添加评论" not in out and "commented" not in out.lower()
    assert comments(chat) == []


@pytest.mark.parametrize("typed,shown", [
    ("bob> /request 受里FIN-1", "没有“受里”这个命令。您是不是想输入 `/request 受理 FIN-1`？"),
    ("bob> 提单 受里FIN-1", "没有“受里”这个命令。您是不是想输入 `/request 受理 FIN-1`？"),
    ("bob> 受里FIN-1", "没有“受里”这个命令。您是不是想输入 `/request 受理 FIN-1`？"),
])
def test_a_mistyped_word_glued_to_the_id_is_suggested_with_it(chat, typed, shown):
    chat(*OPEN)
    out = chat(typed)
    assert shown in out, out
    assert "没有看懂" not in out and "“受里FIN-1”" not in out
    assert state(chat) == "open", "suggested, not run"


def test_without_a_prefix_words_after_an_id_stay_talk(chat):
    chat(*OPEN)
    out = chat("henry> FIN-1 确认一下进度")
    assert "添加评论" not in out and comments(chat) == []
