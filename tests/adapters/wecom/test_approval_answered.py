"""On WeCom, a request sent for approval is confirmed with its service's instructions and
"This answered my question": clicked while it awaits approval, the request is withdrawn and
the approver's card greys (nothing to decide)."""

from __future__ import annotations

from tests.adapters.wecom.conftest import request
from tests.adapters.wecom.test_approval import approval_card, settings  # noqa: F401 - fixture
from tests.adapters.wecom.test_commands import key_of


def test_answered_while_pending_withdraws_it_and_greys_the_approvers_card(wecom):
    wecom.say("wangli", "提单 财务 报销 金额=86 出租车")
    wecom.dispatch()
    (mine,) = [c for c in wecom.cards_to("wangli") if "FIN-1" in str(c)]
    sent = [str(b) for b in wecom.api.delivered("message/send") if b["touser"] == "wangli"]
    assert any("Receipts older than 90 days are not reimbursed." in m for m in sent), sent
    wecom.click("wangli", key_of(mine, "Answered"), mine["task_id"], "rc-answered")
    wecom.dispatch()
    assert request(wecom.app, "FIN-1").state == "cancelled"
    approver = approval_card(wecom, "lihua", "FIN-1")
    assert [u for u in wecom.api.delivered("message/update_template_card")
            if u["template_card"]["task_id"] == approver["task_id"]], "moot: greyed"
    told = wecom.replies_to("lihua") + [str(c) for c in wecom.cards_to("lihua")]
    assert any("服务说明已解答其问题，无需再审批" in text for text in told), told
