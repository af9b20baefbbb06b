"""Approvals on Slack (#18), through the real Bolt app and the Web API stand-in: the approver's
DM carries Approve / Reject buttons, a signed block_actions click approves, Reject asks for
the reason in a modal, and the desk's channel hears of the request only once approved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.runtime import config as config_mod
from tests.adapters.slack.conftest import SlackDesk, text_of
from tests.adapters.slack.fake_slack import wait_until
from tests.adapters.slack.test_buttons import buttons, slot
from tests.conftest import EXAMPLE
from tests.handlers.approval_company import settings as approval_settings

FINANCE = "CFINANCEREQUE"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> config_mod.Settings:
    """The sample company with reimbursement's approval chain."""
    folder: Path = tmp_path_factory.mktemp("approval")
    return approval_settings(folder, EXAMPLE.read_text(encoding="utf-8"))


def test_the_approver_gets_a_dm_with_buttons_and_a_click_approves(slack: SlackDesk) -> None:
    slack.ask("U0ALICE", "finance reimbursement 金额=86 taxi to the client")
    slack.deliver()
    assert slack.fake.posted(FINANCE) == []  # the desk waits for the approval
    dm = slack.fake.posted("D0HENRY")
    assert len(dm) == 1 and "FIN-1" in dm[0]["text"]
    assert buttons(dm[0]["blocks"]) == {"approve": "/request approve FIN-1",
                                        "reject": "/request reject FIN-1 <reason>"}
    assert "86.00 CNY" in text_of(dm[0]["blocks"])

    slack.click("U0BOB", "/request ack FIN-1", "ack")
    assert "李华 Henry Li" in slack.ephemeral()[0]["text"]  # the desk cannot ack yet

    slack.click("U0HENRY", buttons(dm[0]["blocks"])["approve"], "approve", channel="D0HENRY")
    request = wait_until(lambda: (r := slack.request("FIN-1")) and r.state == "open" and r)
    assert request.clock_started_at is not None and request.first_response_due is not None
    slack.drain()
    root = slack.fake.posted(FINANCE)
    assert len(root) == 1 and root[0]["text"].startswith("新请求 FIN-1")
    assert any("approved" in p["text"] for p in slack.fake.posted("D0ALICE"))


def test_reject_asks_for_the_reason_in_a_modal_and_tells_the_requester(
        slack: SlackDesk) -> None:
    slack.ask("U0ALICE", "finance reimbursement 金额=86 taxi")
    slack.deliver()
    slack.click("U0HENRY", "/request reject FIN-1 <reason>", "reject", channel="D0HENRY")
    modal = slack.opened_view()
    assert [b["block_id"] for b in modal["blocks"] if b["type"] == "input"] == ["slot.reason"]
    done = json.loads(slack.submit("U0HENRY", modal,
                                   {"slot.reason": slot("please attach the receipt")}).body)
    assert done["response_action"] == "update"
    request = slack.request("FIN-1")
    assert request is not None and request.state == "rejected"
    slack.drain()
    told = [p["text"] for p in slack.fake.posted("D0ALICE")]
    assert any("please attach the receipt" in text for text in told)
    assert slack.fake.posted(FINANCE) == []


def test_reopen_after_a_rejection_asks_for_the_changes_and_starts_the_approval_over(
        slack: SlackDesk) -> None:
    """The requester's Reopen… asks what to change, in the form the bot reads (field=value),
    and the changed request goes back to its approver."""
    slack.ask("U0ALICE", "finance reimbursement 金额=86 taxi")
    slack.deliver()
    slack.click("U0HENRY", "/request reject FIN-1 <reason>", "reject", channel="D0HENRY")
    slack.submit("U0HENRY", slack.opened_view(), {"slot.reason": slot("the taxi was 96")})
    slack.drain()
    (note,) = [p for p in slack.fake.posted("D0ALICE") if "the taxi was 96" in p["text"]]
    reopen = buttons(note["blocks"])["reopen"]
    slack.click("U0ALICE", reopen, "reopen", channel="D0ALICE")
    modal = slack.opened_view()
    (field,) = [b for b in modal["blocks"] if b["type"] == "input"]
    assert "field=value" in field["label"]["text"], field["label"]
    slack.submit("U0ALICE", modal, {field["block_id"]: slot("金额=96")})
    wait_until(lambda: (r := slack.request("FIN-1")) and r.state == "pending_approval")
    slack.drain()
    assert "96.00 CNY" in text_of(slack.fake.posted("D0HENRY")[-1]["blocks"])
