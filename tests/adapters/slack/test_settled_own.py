"""A person's own command on a request makes the buttons their DM offered them for it moot:
typed (or clicked elsewhere), those buttons leave their DM messages with the bot, a line
saying what was done where they were (a ``settle`` row the command queues for its actor)."""

from __future__ import annotations

from typing import Any

from tests.adapters.slack.conftest import SlackDesk, replaced
from tests.adapters.slack.test_settled import actions_in

BOB, HENRY = "D0BOB", "D0HENRY"


def dm_offering(slack: SlackDesk, channel: str, command: str) -> str:
    """The ts of the one DM message in ``channel`` with a button running ``command``."""
    found = [ts for (c, ts), m in slack.fake.messages.items()
             if c == channel and command in actions_in(m["blocks"])]
    assert len(found) == 1, found
    return found[0]


def context_lines(message: dict[str, Any]) -> list[str]:
    return [e["text"] for b in message["blocks"] if b["type"] == "context"
            for e in b["elements"]]


def assigned_to_bob(slack: SlackDesk, ref: str = "FIN-1") -> str:
    """Henry's request, given to Bob by Carol before anyone acknowledged it: the ts of Bob's
    "assigned to you" DM with its Acknowledge button."""
    slack.ask("U0HENRY", "finance reimbursement taxi to the client 86 CNY")
    slack.ask("U0CAROL", f"assign {ref} bob")
    slack.drain()
    return dm_offering(slack, BOB, f"/request ack {ref}")


def test_a_typed_ack_takes_the_acknowledge_button_from_the_assigned_dm(
        slack: SlackDesk) -> None:
    ts = assigned_to_bob(slack)
    before = slack.fake.messages[(BOB, ts)]

    slack.ask("U0BOB", "ack FIN-1")
    slack.drain()

    request = slack.request("FIN-1")
    assert request is not None and request.state == "acknowledged"
    after = slack.fake.messages[(BOB, ts)]
    assert "/request ack FIN-1" not in actions_in(after["blocks"])
    assert any(line.startswith("✓ 张伟 Bob Zhang") for line in context_lines(after))
    assert after["text"] == before["text"]
    updates = [c for c in slack.fake.calls_to("chat.update") if c["channel"] == BOB]
    assert [c["ts"] for c in updates] == [ts]


def test_another_requests_button_stays(slack: SlackDesk) -> None:
    first = assigned_to_bob(slack)
    second = assigned_to_bob(slack, "FIN-2")

    slack.ask("U0BOB", "ack FIN-2")
    slack.drain()

    assert actions_in(slack.fake.messages[(BOB, first)]["blocks"]) == ["/request ack FIN-1"]
    assert "/request ack FIN-2" not in actions_in(slack.fake.messages[(BOB, second)]["blocks"])


def test_a_refused_command_settles_nothing(slack: SlackDesk) -> None:
    ts = assigned_to_bob(slack)

    slack.ask("U0HENRY", "ack FIN-1")  # not his desk: refused
    slack.drain()

    assert actions_in(slack.fake.messages[(BOB, ts)]["blocks"]) == ["/request ack FIN-1"]
    assert [c for c in slack.fake.calls_to("chat.update") if c["channel"] == BOB] == []


def test_a_typed_cancel_takes_the_confirmations_cancel_button(slack: SlackDesk) -> None:
    slack.ask("U0HENRY", "finance reimbursement taxi to the client 86 CNY")
    slack.drain()
    ts = dm_offering(slack, HENRY, "/request cancel FIN-1")

    slack.ask("U0HENRY", "cancel FIN-1")
    slack.drain()

    assert actions_in(slack.fake.messages[(HENRY, ts)]["blocks"]) == []


def test_a_click_in_the_dm_settles_that_message(slack: SlackDesk) -> None:
    """The click rewrites its message on its response_url; the settle row finds no button
    left there in Slack (the stand-in keeps the message as posted: it rewrites it too, at
    most once, the same buttons gone)."""
    ts = assigned_to_bob(slack)

    slack.click_posted("U0BOB", BOB, ts, "/request ack FIN-1")
    slack.drain()

    request = slack.request("FIN-1")
    assert request is not None and request.state == "acknowledged"
    (clicked,) = replaced(slack.fake)
    assert "/request ack FIN-1" not in actions_in(clicked["blocks"])
    updates = [c for c in slack.fake.calls_to("chat.update") if c["channel"] == BOB]
    assert [c["ts"] for c in updates] == [ts]
    assert "/request ack FIN-1" not in actions_in(slack.fake.messages[(BOB, ts)]["blocks"])
