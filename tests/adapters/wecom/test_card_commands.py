"""A card's text lists every command its buttons stand for, in its reader's language, within
WeCom's recommended 160 characters: with labels while they fit, else the bare commands; when
even those do not fit, the first ones and a line pointing to the text message sent just before
the card, which then lists them all. Through encrypted callbacks against the API stand-in."""

from __future__ import annotations

from typing import Any

from bot.adapters.wecom.cards import MAX_BUTTONS
from handlers.slots import as_typed
from tests.adapters.wecom.test_home import home_card, keys
from tests.adapters.wecom.test_limits import check_card
from tests.conftest import local


def commands(card: dict[str, Any], locale: str) -> list[str]:
    """The commands of the card's buttons as its reader types them."""
    return [as_typed(key.removeprefix("cmd:"), locale) for key in keys(card)]


def lists_each(text: str, typed: list[str]) -> bool:
    """True when ``text`` has a line ending in each command of ``typed``."""
    ends = [line.rstrip("`").rstrip() for line in text.splitlines()]
    return all(any(end.endswith(command) for end in ends) for command in typed)


def text_before_card(wecom, userid: str, card: dict[str, Any]) -> str:
    """The text message ``userid`` got just before ``card``."""
    received = wecom.api.received(userid)
    at = next(i for i, b in enumerate(received) if b.get("template_card") == card)
    body = received[at - 1]
    assert body["msgtype"] in ("text", "markdown"), body
    return str(body[body["msgtype"]]["content"])


def countered(wecom, desk: str, proposer: str, ref: str) -> None:
    """李华 opens a request at ``desk``; ``proposer`` proposes a date before acknowledging
    it, and 李华 counters: the desk's card then has its six buttons."""
    wecom.say("lihua", f"提单 {desk}")
    wecom.clock.set(local("2026-11-23T10:00"))
    wecom.say(proposer, f"/request propose {ref} 2026-12-02 next month")
    wecom.say("lihua", f"反提议 {ref} 2026-12-01 1 号请")
    wecom.dispatch()


def test_a_chinese_desk_card_with_six_buttons_lists_all_six_commands(wecom):
    countered(wecom, "财务 核算 展会的预算科目", "zhangwei", "FIN-1")
    card = home_card(wecom, "liufang", "FIN-1")
    check_card(card)
    assert len(keys(card)) == MAX_BUTTONS
    typed = commands(card, "zh-CN")
    assert typed[:2] == ["/request 接受 FIN-1", "/request 提议 FIN-1 <日期> <方案>"]
    assert lists_each(card["sub_title_text"], typed), card["sub_title_text"]
    assert "▸…" not in card["sub_title_text"] and "见文字消息" not in card["sub_title_text"]


def test_an_english_requester_card_keeps_counter_and_cancel(wecom):
    wecom.say("wangli", "/request finance accounting budget codes for the trade fair")
    wecom.clock.set(local("2026-11-23T10:00"))
    wecom.say("zhangwei", "提议 FIN-1 2026-12-02 next year's budget is set on the 1st")
    wecom.dispatch()
    card = home_card(wecom, "wangli", "FIN-1")
    check_card(card)
    typed = commands(card, "en")
    assert typed == ["/request accept FIN-1", "/request decline FIN-1 <reason>",
                     "/request counter FIN-1 <date> [note]", "/request cancel FIN-1"]
    assert lists_each(card["sub_title_text"], typed), card["sub_title_text"]
    assert card["sub_title_text"].startswith("FIN-1 [P3] budget"), "the text, cut, comes first"


def test_an_english_desk_card_lists_each_command_after_ask(wecom):
    wecom.say("wangli", "/request it account-access a VPN account for the fair")
    wecom.dispatch()
    card = home_card(wecom, "xukai", "IT-1")
    check_card(card)
    typed = commands(card, "en")
    assert typed == ["/request ack IT-1", "/request assign IT-1 me",
                     "/request wait IT-1 <question>", "/request resolve IT-1 <note>"]
    assert lists_each(card["sub_title_text"], typed), card["sub_title_text"]


def test_six_english_commands_too_long_for_a_card_are_all_in_the_text_before_it(wecom):
    """Bare, six English commands take 169 characters: the card lists the first ones and
    says how many more the text message holds; that message lists every one, labelled."""
    countered(wecom, "信息 账号权限 展会用的 VPN 账号", "sunlei", "IT-1")
    card = home_card(wecom, "xukai", "IT-1")
    check_card(card)
    typed = commands(card, "en")
    assert len(typed) == MAX_BUTTONS
    text = card["sub_title_text"]
    lines = text.splitlines()
    assert lines[-1] == f"▸ … and {MAX_BUTTONS - len(lines) + 1} more: see the text message"
    assert [line.removeprefix("▸ ") for line in lines[:-1]] == typed[:len(lines) - 1]
    before = text_before_card(wecom, "xukai", card)
    assert before.startswith("IT-1 [P2] 展会用的 VPN 账号 — open")
    assert lists_each(before, typed), before
    assert "> Accept their date: `/request accept IT-1`" in before, before


def test_a_chinese_card_whose_labels_fit_keeps_them(wecom):
    """Nothing changes for a card with room: 李华's own card keeps ``▸ 取消: …``."""
    countered(wecom, "财务 核算 展会的预算科目", "zhangwei", "FIN-1")
    card = home_card(wecom, "lihua", "FIN-1")
    assert card["sub_title_text"].endswith("\n▸ 取消: /request 取消 FIN-1"), card
