"""A button used in the bot's DM leaves that message: the person sees what they chose there,
and the request's other buttons in it go too (they would only be refused now)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bot.adapters.slack.blocks import message_blocks
from bot.adapters.slack.settled import without_buttons_of
from bot.runtime.app import DeskApp
from handlers.messages import Button, Message
from handlers.sweep import sweep
from tests.adapters.slack.conftest import SlackDesk, replaced, text_of
from tests.adapters.slack.fake_slack import wait_until

DM = "D0HENRY"


def actions_in(blocks: list[dict[str, Any]]) -> list[str]:
    """The buttons' commands, in order."""
    return [e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def dm_with(slack: SlackDesk, command: str) -> str:
    """The ts of the newest DM to Henry that has a button running ``command``."""
    found = [ts for (channel, ts), m in slack.fake.messages.items()
             if channel == DM and command in actions_in(m["blocks"])]
    assert found, f"no DM with {command!r}"
    return max(found, key=float)


def resolved(slack: SlackDesk) -> None:
    slack.ask("U0HENRY", "finance reimbursement taxi to the client 86 CNY")
    slack.ask("U0BOB", "ack FIN-1")
    slack.ask("U0BOB", "resolve FIN-1 paid on Tuesday")
    slack.drain()


def test_confirm_in_the_dm_takes_its_buttons_away_and_says_what_was_chosen(
        slack: SlackDesk, desk_app: DeskApp) -> None:
    resolved(slack)
    ts = dm_with(slack, "/request confirm FIN-1")
    before = slack.fake.messages[(DM, ts)]
    label = next(e["text"]["text"] for b in before["blocks"] if b["type"] == "actions"
                 for e in b["elements"] if e["value"] == "/request confirm FIN-1")

    slack.click_posted("U0HENRY", DM, ts, "/request confirm FIN-1")

    answer = slack.ephemeral()[0]  # the answer comes as before
    assert "FIN-1" in answer["text"]
    wait_until(lambda: replaced(slack.fake))
    rewritten = replaced(slack.fake)[0]
    assert actions_in(rewritten["blocks"]) == []  # Confirm and Reopen… both went
    assert f"你已选择「{label}」" in text_of(rewritten["blocks"])
    assert all(b in rewritten["blocks"] for b in before["blocks"] if b["type"] != "actions")
    assert rewritten["text"] == before["text"]  # the notification text stays
    request = slack.request("FIN-1")
    assert request is not None and request.state == "closed"

    # the thank-you asks for stars: one star button settles that message too
    slack.clock.set(slack.clock() + timedelta(hours=1))
    sweep(desk_app.desk, slack.clock())
    slack.drain()
    stars = dm_with(slack, "/request rate FIN-1 5")
    slack.click_posted("U0HENRY", DM, stars, "/request rate FIN-1 5")
    wait_until(lambda: len(replaced(slack.fake)) == 2)
    assert actions_in(replaced(slack.fake)[1]["blocks"]) == []


def test_reopen_asks_in_a_modal_then_the_dm_message_is_updated(slack: SlackDesk) -> None:
    resolved(slack)
    ts = dm_with(slack, "/request confirm FIN-1")
    slack.click_posted("U0HENRY", DM, ts, "/request reopen FIN-1 <reason>")
    modal = slack.opened_view()
    assert actions_in(slack.fake.messages[(DM, ts)]["blocks"])  # nothing changes yet

    submitted = json.loads(slack.submit("U0HENRY", modal, {"slot.reason": {"value": {
        "type": "plain_text_input", "value": "还没到账"}}}).body)

    assert submitted["response_action"] == "update"
    update = wait_until(lambda: next((c for c in slack.fake.calls_to("chat.update")
                                      if c["channel"] == DM), None))
    assert update["ts"] == ts
    assert actions_in(update["blocks"]) == []
    assert "你已选择" in text_of(update["blocks"])
    request = slack.request("FIN-1")
    assert request is not None and request.state == "in_progress"


def test_a_refused_click_leaves_the_buttons(slack: SlackDesk) -> None:
    resolved(slack)
    ts = dm_with(slack, "/request confirm FIN-1")
    slack.ask("U0HENRY", "confirm FIN-1")  # typed first: the button is stale now

    slack.click_posted("U0HENRY", DM, ts, "/request confirm FIN-1")

    assert "FIN-1" in slack.ephemeral()[0]["text"]  # refused, politely
    assert replaced(slack.fake) == []


def test_a_channel_message_is_left_to_its_thread_root_updates(slack: SlackDesk) -> None:
    slack.ask("U0HENRY", "finance reimbursement taxi to the client 86 CNY")
    slack.drain()
    channel, ts = next(key for key, m in slack.fake.messages.items()
                       if "/request ack FIN-1" in actions_in(m["blocks"]))
    assert channel.startswith("C")

    slack.click_posted("U0BOB", channel, ts, "/request ack FIN-1")

    slack.ephemeral()
    assert replaced(slack.fake) == []  # everyone sees it: the root update follows the request


def test_a_reminder_for_several_requests_keeps_the_others_buttons() -> None:
    reminder = Message(text="Reminder: 2 request(s) need your attention", buttons=(
        Button("Ack FIN-1", "/request ack FIN-1", "ack"),
        Button("Ack FIN-2", "/request ack FIN-2", "ack")))
    blocks = [{**b, "block_id": f"b{i}"} for i, b in enumerate(message_blocks(reminder))]
    actions = next(b for b in blocks if b["type"] == "actions")

    settled = without_buttons_of(blocks, {"value": "/request ack FIN-1",
                                          "block_id": actions["block_id"],
                                          "label": "Ack FIN-1"}, "en")

    assert settled is not None
    assert actions_in(settled) == ["/request ack FIN-2"]
    assert "You chose “Ack FIN-1”" in text_of(settled)


def test_buttons_that_settle_nothing_leave_the_message_alone() -> None:
    listing = Message(text="Your requests", buttons=(
        Button("More", "/request list 2", "list"),))
    assert without_buttons_of(message_blocks(listing), {
        "value": "/request list 2", "block_id": None, "label": "More"}, "en") is None


def test_a_card_in_a_dm_thread_is_updated_after_its_modal_too(slack: SlackDesk) -> None:
    resolved(slack)
    under = dm_with(slack, "/request confirm FIN-1")
    slack.event({"type": "message", "channel": DM, "channel_type": "im", "user": "U0HENRY",
                 "text": "/request show FIN-1", "ts": "1790000900.000100", "thread_ts": under,
                 "event_ts": "1790000900.000100", "team": "T0ACME"})
    card = wait_until(lambda: next((ts for (c, ts), m in slack.fake.messages.items()
                                    if c == DM and m.get("thread_ts") == under
                                    and "/request confirm FIN-1" in actions_in(m["blocks"])),
                                   None), 5.0, "the card in the thread")
    slack.click_posted("U0HENRY", DM, card, "/request reopen FIN-1 <reason>")
    slack.submit("U0HENRY", slack.opened_view(), {"slot.reason": {"value": {
        "type": "plain_text_input", "value": "还没到账"}}})
    update = wait_until(lambda: next((c for c in slack.fake.calls_to("chat.update")
                                      if c["channel"] == DM), None))
    assert update["ts"] == card and actions_in(update["blocks"]) == []
