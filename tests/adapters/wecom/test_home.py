"""`/request 主页` in the WeCom app chat: each request of the overview names its id and says
when it is overdue, as Slack's Home tab and the console do (``handlers.views.home``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any


def shown(card: dict[str, Any]) -> str:
    """A card's words: its title and its text."""
    return f"{card['main_title']['title']}\n{card.get('sub_title_text', '')}"


def test_the_overview_names_each_request_and_marks_the_overdue_one(wecom):
    wecom.say("wangli", "/request finance reimbursement amount=86 hotel 300")
    wecom.say("wangli", "/request finance reimbursement amount=86 urgent taxi !P1")
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
