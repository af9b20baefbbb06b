"""Approvals on WeCom (#18), through encrypted callbacks and the API stand-in: the approver gets
a card with 批准 / 驳回, `批准 FIN-1` typed in the app chat approves, a card's 驳回 without a
reason is asked for one, and `驳回 FIN-1 原因` reaches the requester."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.runtime import config as config_mod
from tests.adapters.wecom.conftest import FINANCE_CHAT, request
from tests.adapters.wecom.test_commands import key_of
from tests.conftest import EXAMPLE
from tests.handlers.approval_company import with_approval


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> config_mod.Settings:
    """The WeCom sample company (as tests/adapters/wecom/conftest.py builds it) with
    reimbursement's approval chain."""
    text = with_approval(EXAMPLE.read_text(encoding="utf-8"))
    text = text.replace('channel = "finance-requests"',
                        f'channel = "finance-requests"\nwecom_chat = "{FINANCE_CHAT}"', 1)
    text += ('\n[wecom]\nenabled = true\nrobot_webhooks = { it = "WECOM_ROBOT_IT" }\n'
             'chats = { service-office = "wrkadmin01" }\n')
    path = Path(tmp_path_factory.mktemp("wecom-approval")) / "config.toml"
    path.write_text(text, encoding="utf-8")
    return config_mod.load(path)


def approval_card(wecom, userid: str, ref: str) -> dict:
    return next(c for c in wecom.cards_to(userid) if ref in str(c))


def test_typed_approval_in_the_app_chat_opens_the_request_for_the_desk(wecom):
    wecom.say("wangli", "提单 财务 报销 金额=86 出租车")
    wecom.dispatch()
    card = approval_card(wecom, "lihua", "FIN-1")
    assert [b["text"] for b in card["button_list"]] == ["批准", "驳回…"]
    assert "86.00 CNY" in str(card)
    wecom.say("zhangwei", "受理 FIN-1")
    assert any("正在等待 李华 Henry Li 审批" in r for r in wecom.replies_to("zhangwei"))

    wecom.say("lihua", "批准 FIN-1")
    assert request(wecom.app, "FIN-1").state == "open"
    assert any("审批完成" in r for r in wecom.replies_to("lihua"))
    wecom.dispatch()
    assert any("FIN-1" in c["main_title"]["title"] for c in wecom.cards_to("zhangwei"))
    wecom.say("zhangwei", "受理 FIN-1")
    assert request(wecom.app, "FIN-1").state == "acknowledged"


def test_card_reject_asks_for_a_reason_then_the_typed_reason_reaches_the_requester(wecom):
    wecom.say("wangli", "提单 财务 报销 金额=86 出租车")
    wecom.dispatch()
    card = approval_card(wecom, "lihua", "FIN-1")
    wecom.click("lihua", key_of(card, "驳回…"), card["task_id"], "rc-henry")
    assert any("请说明驳回原因" in r for r in wecom.replies_to("lihua"))
    assert request(wecom.app, "FIN-1").state == "pending_approval"

    wecom.say("lihua", "驳回 FIN-1 请附上发票")
    assert request(wecom.app, "FIN-1").state == "rejected"
    wecom.dispatch()
    told = wecom.replies_to("wangli") + [str(c) for c in wecom.cards_to("wangli")]
    assert any("请附上发票" in text for text in told)


def test_the_requesters_confirmation_shows_the_values_and_cancels_while_pending(wecom):
    """Sent for approval, the request is confirmed as any other: its values, the service's
    instructions with "This answered my question" and a Cancel button, which works while the
    approvers have not decided; the approver's card greys."""
    wecom.say("wangli", "提单 财务 报销 金额=86 出租车")
    wecom.dispatch()
    (mine,) = [c for c in wecom.cards_to("wangli") if "FIN-1" in str(c)]
    assert "approval" in str(mine) and "86.00 CNY" in str(mine)  # wangli reads English
    assert [b["text"] for b in mine["button_list"]] == ["Answered", "Cancel"]

    wecom.click("wangli", key_of(mine, "Cancel"), mine["task_id"], "rc-cancel")
    wecom.dispatch()
    assert request(wecom.app, "FIN-1").state == "cancelled"
    approver = approval_card(wecom, "lihua", "FIN-1")
    assert [u for u in wecom.api.delivered("message/update_template_card")
            if u["template_card"]["task_id"] == approver["task_id"]], "moot: greyed"


def test_a_card_names_its_commands_in_the_readers_language_and_typing_one_works(wecom):
    """The commands a card lists to type read in its reader's language, placeholders too
    (李华 reads Chinese, 王丽 English), and typed as shown they do what the button does."""
    wecom.say("wangli", "提单 财务 报销 金额=86 出租车")
    wecom.dispatch()
    lines = approval_card(wecom, "lihua", "FIN-1")["sub_title_text"].splitlines()
    assert "▸ 驳回…: /request 驳回 FIN-1 <原因>" in lines, lines
    assert not any("reject" in line or "<reason>" in line for line in lines)

    typed = next(line for line in lines if line.startswith("▸ 驳回")).split(": ", 1)[1]
    wecom.say("lihua", typed.replace("<原因>", "请附上发票"))
    assert request(wecom.app, "FIN-1").state == "rejected"
    wecom.dispatch()
    told = [c for c in wecom.cards_to("wangli") if "请附上发票" in str(c)]
    assert told and "/request reopen FIN-1 <field>=<value> …" in told[-1]["sub_title_text"]
