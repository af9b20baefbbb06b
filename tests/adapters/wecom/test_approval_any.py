"""A step that any one of two approvers decides, on WeCom: once one decides, the other's
card has nothing left to decide and is greyed, saying who did what."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.runtime import config as config_mod
from tests.adapters.wecom.conftest import FINANCE_CHAT, request
from tests.adapters.wecom.test_approval import approval_card
from tests.adapters.wecom.test_commands import key_of
from tests.conftest import EXAMPLE
from tests.handlers.approval_company import APPROVAL, with_approval


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> config_mod.Settings:
    """The WeCom sample company whose reimbursement asks Carol or Emma (either) above 500."""
    text = with_approval(EXAMPLE.read_text(encoding="utf-8"))
    text = text.replace(APPROVAL, APPROVAL.replace('"leads:finance"', '"carol", "emma"'), 1)
    text = text.replace('channel = "finance-requests"',
                        f'channel = "finance-requests"\nwecom_chat = "{FINANCE_CHAT}"', 1)
    text += '\n[wecom]\nenabled = true\n'
    path = Path(tmp_path_factory.mktemp("wecom-approval-any")) / "config.toml"
    path.write_text(text, encoding="utf-8")
    return config_mod.load(path)


def greyed(wecom, card: dict) -> str:
    (update,) = [u for u in wecom.api.delivered("message/update_template_card")
                 if u["template_card"]["task_id"] == card["task_id"]]
    return str(update["template_card"]["replace_text"])


def at_the_second_step(wecom) -> tuple[dict, dict]:
    wecom.say("wangli", "提单 财务 报销 金额=800 酒店")
    wecom.say("lihua", "批准 FIN-1")
    wecom.dispatch()
    return approval_card(wecom, "liufang", "FIN-1"), approval_card(wecom, "zhoumin", "FIN-1")


def test_when_emma_approves_carols_card_is_greyed(wecom):
    carol, emma = at_the_second_step(wecom)
    wecom.click("zhoumin", key_of(emma, "Approve"), emma["task_id"], "rc-emma")
    wecom.dispatch()
    assert request(wecom.app, "FIN-1").state == "open"
    assert greyed(wecom, carol) == "✓ 周敏 Emma Zhou 已批准"  # in Carol's language


def test_when_carol_rejects_emmas_card_is_greyed(wecom):
    carol, emma = at_the_second_step(wecom)
    wecom.say("liufang", "驳回 FIN-1 超出差旅标准")
    wecom.dispatch()
    assert request(wecom.app, "FIN-1").state == "rejected"
    assert greyed(wecom, emma) == "✓ 刘芳 Carol Liu rejected"
