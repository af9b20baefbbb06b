"""Slack's actions block holds 25 buttons. No message crossdesk sends has more (the most is
a thread root: ten services and the desk's six), so the cut is tested on the block builder
alone: it keeps what ``handlers.actions.within`` keeps, as a WeCom card does."""

from __future__ import annotations

from bot.adapters.slack.blocks import MAX_BUTTONS, actions_block, message_blocks
from bot.adapters.wecom import cards
from handlers import thread_root
from handlers.actions import within
from handlers.messages import Button, Message


def values(blocks: list[dict]) -> list[str]:
    return [e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def many() -> tuple[Button, ...]:
    """Thirty buttons, Cancel in the middle."""
    shows = [Button(f"Show X-{i}", f"/request show X-{i}", "show") for i in range(30)]
    cancel = Button("Cancel", "/request cancel FIN-1", "cancel", "danger")
    return (*shows[:10], cancel, *shows[10:29])


def test_more_than_25_buttons_keep_the_first_and_cancel_last() -> None:
    blocks = message_blocks(Message(text="many", buttons=many()))
    kept = values(blocks)
    assert len(kept) == MAX_BUTTONS == 25
    assert kept[-1] == "/request cancel FIN-1"
    assert kept[:24] == [b.command for b in many() if b.action != "cancel"][:24]
    assert kept == [b.command for b in within(many(), MAX_BUTTONS)]
    action_ids = [e["action_id"] for e in actions_block(many())[0]["elements"]]
    assert len(set(action_ids)) == len(action_ids)


def test_both_platforms_keep_the_same_buttons_when_cut() -> None:
    """A WeCom card has room for six: the same first ones and Cancel."""
    message = Message(text="many", buttons=many())
    slack = values(message_blocks(message))
    wecom = [b.command for b in cards.shown_buttons(message)]
    assert wecom == [*slack[:5], slack[-1]]


def test_the_most_buttons_a_message_has_fit_one_actions_block() -> None:
    choices = [[f"s{i}", f"Service {i}"] for i in range(20)]
    services = thread_root.service_buttons("FIN-1", "s0", choices)
    root = thread_root.buttons("FIN-1", "open", None, "en", pending="desk", services=services)
    assert len(root) == thread_root.MAX_SERVICE_BUTTONS + 6 < MAX_BUTTONS
