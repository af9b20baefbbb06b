"""On Slack the request's form shows in the thread root (and stays there when the root follows
the state), and the requester's DM offers the service's instructions with a "This answered
my question" button that withdraws the request, as typing `/request answered` does."""

from __future__ import annotations

import pytest

from bot.runtime.config import Settings
from tests.adapters.slack.conftest import SlackDesk, text_of
from tests.adapters.slack.fake_slack import wait_until
from tests.adapters.slack.test_buttons import buttons
from tests.handlers.forms_desk import with_forms

FINANCE = "CFINANCEREQUE"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The sample company with forms (tests/handlers/forms_desk.py)."""
    return with_forms(settings)


def test_the_root_shows_the_form_and_keeps_it_when_it_follows_the_state(
        slack: SlackDesk) -> None:
    slack.ask("U0HENRY", "finance reimbursement taxi to the client amount=86 purpose=taxi")
    slack.drain()
    root = slack.fake.posted(FINANCE)[0]
    shown = text_of(root["blocks"])
    assert "*金额*\n86.00 CNY" in shown and "*用途*\n出租车" in shown
    assert "金额: 86.00 CNY" in root["text"]  # the notification's fallback text too
    slack.ask("U0BOB", "ack FIN-1")
    slack.drain()
    update = slack.fake.calls_to("chat.update")[-1]
    assert "已受理" in text_of(update["blocks"]) and "*金额*\n86.00 CNY" in text_of(
        update["blocks"])


def test_the_answered_button_withdraws_the_request_and_the_thread_hears_it(
        slack: SlackDesk) -> None:
    slack.ask("U0ALICE", "finance reimbursement taxi amount=86")
    slack.drain()
    dm = slack.fake.posted("D0ALICE")[0]
    assert "Receipts older than 90 days are not reimbursed." in text_of(dm["blocks"])
    assert "*Amount*\n86.00 CNY" in text_of(dm["blocks"])
    command = buttons(dm["blocks"])["answered"]
    assert command == "/request answered FIN-1"
    slack.click("U0ALICE", command, "answered", channel="D0ALICE")
    reply = slack.ephemeral()[0]
    assert reply["user"] == "U0ALICE" and "FIN-1 is withdrawn" in reply["text"]
    wait_until(lambda: (r := slack.request("FIN-1")) and r.state == "cancelled" and r)
    slack.drain()
    heard = [p for p in slack.fake.posted(FINANCE) if p.get("thread_ts")]
    assert heard and "服务说明已解答其问题" in heard[-1]["text"]
    assert "已取消" in text_of(slack.fake.calls_to("chat.update")[-1]["blocks"])


def test_the_button_pressed_by_someone_else_changes_nothing(slack: SlackDesk) -> None:
    slack.ask("U0ALICE", "finance reimbursement taxi amount=86")
    slack.drain()
    slack.click("U0BOB", "/request answered FIN-1", "answered")
    assert "只有提单人" in slack.ephemeral()[0]["text"]
    request = slack.request("FIN-1")
    assert request is not None and request.state == "open"


def test_a_long_form_gets_more_field_sections_not_a_cut() -> None:
    from bot.adapters.slack.blocks import message_blocks
    from handlers.messages import Message

    fields = tuple((f"Field {i}", f"value {i}") for i in range(14))  # 5 standard + 9 asked
    sections = [b for b in message_blocks(Message(text="FIN-1", fields=fields))
                if "fields" in b]
    assert [len(s["fields"]) for s in sections] == [10, 4]
    assert "value 13" in sections[1]["fields"][-1]["text"]
