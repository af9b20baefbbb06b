"""`/request 主页` in the WeCom app chat: each request of the overview names its id and says
when it is overdue, as Slack's Home tab and the console do (``handlers.home.home``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.adapters.wecom.cards import MAX_BUTTONS
from tests.adapters.wecom.test_limits import check_card
from tests.conftest import local


def shown(card: dict[str, Any]) -> str:
    """A card's words: its title and its text."""
    return f"{card['main_title']['title']}\n{card.get('sub_title_text', '')}"


def test_the_overview_names_each_request_and_marks_the_overdue_one(wecom):
    wecom.say("wangli", "/request finance reimbursement amount=86 hotel 300")
    wecom.say("wangli", "/request finance reimbursement amount=86 urgent taxi !P1")
    wecom.say("zhangwei", "/request ack FIN-1")  # answered: no first response left to miss
    wecom.dispatch()
    wecom.clock.set(wecom.clock() + timedelta(days=1))
    before = len(wecom.cards_to("zhangwei"))
    wecom.say("zhangwei", "/request 主页")
    wecom.dispatch()
    items = [shown(c) for c in wecom.cards_to("zhangwei")[before:]]
    urgent = next(i for i in items if "urgent taxi" in i)
    hotel = next(i for i in items if "hotel 300" in i)
    assert urgent.startswith("FIN-2 ⚠ 已超时 · [P1] urgent taxi"), urgent
    assert hotel.startswith("FIN-1 [P3] hotel 300") and "已超时" not in hotel


def home_card(wecom, userid: str, ref: str) -> dict[str, Any]:
    """The card of request ``ref`` on ``userid``'s `/request 主页`."""
    before = len(wecom.cards_to(userid))
    wecom.say(userid, "/request 主页")
    wecom.dispatch()
    return next(c for c in wecom.cards_to(userid)[before:]
                if c["main_title"]["title"].startswith(f"{ref} "))


def keys(card: dict[str, Any]) -> list[str]:
    return [b["key"] for b in card["button_list"]]


def test_a_proposal_and_a_counter_put_their_answers_on_the_overview_cards(wecom):
    """Bob proposes on Henry's request before acknowledging it: Henry's card has 接受 /
    拒绝… / 反提议… / 取消; Henry counters: Carol's card has the desk's six buttons, the
    most a card holds, none left out, every text within WeCom's lengths."""
    wecom.say("lihua", "提单 财务 核算 展会的预算科目")
    wecom.clock.set(local("2026-11-23T10:00"))
    wecom.say("zhangwei", "提议 FIN-1 2026-12-02 明年预算 1 号定稿，2 号开科目")
    wecom.dispatch()
    card = home_card(wecom, "lihua", "FIN-1")
    assert [b["text"] for b in card["button_list"]] == ["接受", "拒绝…", "反提议…", "取消"]
    assert keys(card) == ["cmd:/request accept FIN-1", "cmd:/request decline FIN-1 <why>",
                          "cmd:/request counter FIN-1 <date> <comment>",
                          "cmd:/request cancel FIN-1"]
    assert "cmd:/request accept FIN-1" not in keys(home_card(wecom, "liufang", "FIN-1"))

    wecom.say("lihua", "反提议 FIN-1 2026-12-01 1 号请")
    wecom.dispatch()
    card = home_card(wecom, "liufang", "FIN-1")
    check_card(card)
    assert keys(card) == ["cmd:/request accept FIN-1",
                          "cmd:/request propose FIN-1 <date> <text>",
                          "cmd:/request ack FIN-1", "cmd:/request assign FIN-1 me",
                          "cmd:/request wait FIN-1 <question>",
                          "cmd:/request resolve FIN-1 <note>"]
    assert len(keys(card)) == MAX_BUTTONS
    assert keys(home_card(wecom, "lihua", "FIN-1")) == ["cmd:/request cancel FIN-1"]
