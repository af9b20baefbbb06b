"""Rendering: byte-limit splitting that never cuts a character, cards that name the command."""

from __future__ import annotations

import pytest

from bot.adapters.wecom import cards
from bot.adapters.wecom.render import bodies, byte_len, split_utf8
from handlers.messages import Button, Message


@pytest.mark.parametrize("unit", ["a", "财", "🙂", "é"])
@pytest.mark.parametrize("limit", [2048, 4096, 7])
def test_split_never_exceeds_the_limit_nor_breaks_a_character(unit, limit):
    text = unit * (limit * 2 + 3)
    pieces = split_utf8(text, limit)
    assert all(byte_len(p) <= limit for p in pieces)
    assert "".join(pieces) == text
    assert all(p.encode("utf-8").decode("utf-8") == p for p in pieces)


def test_split_prefers_line_ends():
    lines = [f"第{i}行：" + "内容" * 100 for i in range(40)]
    pieces = split_utf8("\n".join(lines), 2048)
    assert len(pieces) > 1
    assert all(p.splitlines()[0].startswith("第") for p in pieces)
    assert "\n".join(pieces).splitlines() == lines


def test_short_plain_text_is_one_text_message():
    (body,) = bodies(Message(text="您已受理 FIN-1，已通知提单人。"))
    assert body == {"msgtype": "text", "text": {"content": "您已受理 FIN-1，已通知提单人。"}}


def test_buttons_in_text_form_become_commands_to_type():
    message = Message(text="FIN-1 已解决", buttons=(
        Button("确认已解决", "/request confirm FIN-1", "confirm", "primary"),))
    (body,) = bodies(message)
    assert body["msgtype"] == "markdown"
    assert "`/request confirm FIN-1`" in body["markdown"]["content"]


def test_card_keys_carry_the_command_and_placeholders_are_dropped_on_click():
    message = Message(text="FIN-1 已解决，请确认", request_ref="FIN-1", buttons=(
        Button("确认已解决", "/request confirm FIN-1", "confirm", "primary"),
        Button("重开", "/request reopen FIN-1 <reason>", "reopen")))
    task_id = cards.new_task_id("FIN-1")
    card = cards.card(message, task_id)
    keys = [b["key"] for b in card["button_list"]]
    assert [cards.command_of_key(k) for k in keys] == [
        "/request confirm FIN-1", "/request reopen FIN-1"]
    assert cards.ref_of_task(task_id) == "FIN-1"
    assert len(task_id.encode()) <= 128 and all(c.isalnum() or c in "_-@" for c in task_id)
    assert "/request reopen FIN-1 <reason>" in card["sub_title_text"]


def test_long_card_text_is_marked_for_a_separate_full_text():
    message = Message(text="标题\n" + "很长的说明" * 40,
                      buttons=(Button("取消", "/request cancel FIN-1", "cancel"),))
    assert cards.clipped(message)
    assert len(cards.card(message, "t")["sub_title_text"]) < 200


def test_typed_markup_and_mentions_are_inert():
    from bot.adapters.wecom.render import as_markdown, as_text
    from handlers.messages import Message

    typed = 'help <font color="warning">NOW</font> <@zhangsan> @all @所有人'
    message = Message(text=typed, title="FIN-3", fields=(("note", "<b>x</b>"),))
    markdown = as_markdown(message)
    assert "<font" not in markdown and "<@" not in markdown and "<b>" not in markdown
    assert "＜font" in markdown  # still readable as typed
    for text in (markdown, as_text(Message(text=typed))):
        assert "@all" not in text and "@所有人" not in text
        assert "@\u200ball" in text
