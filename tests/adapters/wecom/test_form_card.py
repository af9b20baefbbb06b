"""On WeCom the desk's card for a new request leads with the form's values, the group chat's
message lists them all, and the requester's confirmation card has the "已解答我的问题" button
that withdraws the request."""

from __future__ import annotations

import pytest

from bot.runtime.config import Settings
from tests.adapters.wecom.conftest import FINANCE_CHAT, request
from tests.handlers.forms_desk import with_forms


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The WeCom sample company with forms (tests/handlers/forms_desk.py)."""
    return with_forms(settings)


OPEN = "提单 财务 报销 出租车去客户现场 金额=86 用途=出租车 消费日期=2026-11-20"


def test_the_desks_card_leads_with_the_form_and_the_chat_lists_it(wecom) -> None:
    wecom.say("lihua", OPEN)
    wecom.dispatch()
    (chat,) = [b for b in wecom.api.delivered("appchat/send") if b["chatid"] == FINANCE_CHAT]
    content = chat["markdown"]["content"]
    assert "> **金额**: 86.00 CNY" in content and "> **消费日期**: 2026-11-20" in content
    card = next(c for c in wecom.cards_to("zhangwei") if "FIN-1" in c["main_title"]["title"])
    assert card["horizontal_content_list"][:3] == [
        {"keyname": "金额", "value": "86.00 CNY"}, {"keyname": "消费日期", "value": "2026-11-20"},
        {"keyname": "用途", "value": "出租车"}]


def test_the_requesters_card_button_withdraws_the_request(wecom) -> None:
    wecom.say("lihua", OPEN)
    wecom.dispatch()
    card = next(c for c in wecom.cards_to("lihua") if "FIN-1" in str(c))
    assert "超过 90 天的票据不予报销。" in str(card) or any(
        "超过 90 天的票据不予报销。" in r for r in wecom.replies_to("lihua"))
    key = next(b["key"] for b in card["button_list"] if b["text"].startswith("已解答"))
    wecom.click("lihua", key, card["task_id"], "rc-henry")
    assert request(wecom.app, "FIN-1").state == "cancelled"
    assert any("FIN-1 已撤回" in r for r in wecom.replies_to("lihua"))
