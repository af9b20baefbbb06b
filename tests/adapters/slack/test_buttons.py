"""Every button runs its typed command as the person who pressed it; text comes from a modal."""

from __future__ import annotations

import json
from typing import Any

from tests.adapters.slack.conftest import SlackDesk, text_of
from tests.adapters.slack.fake_slack import wait_until

FINANCE = "CFINANCEREQUE"


def buttons(blocks: list[dict[str, Any]]) -> dict[str, str]:
    """action name → command, for every button in ``blocks``."""
    out: dict[str, str] = {}
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("type") == "button" and element["action_id"].startswith("crossdesk:"):
                out[element["action_id"].split(":")[1]] = element["value"]
    return out


def slot(value: str) -> dict[str, Any]:
    return {"value": {"type": "plain_text_input", "value": value}}


def stars(n: int) -> dict[str, Any]:
    return {"value": {"type": "static_select", "selected_option": {"value": str(n)}}}


def opened(slack: SlackDesk) -> None:
    slack.ask("U0HENRY", "finance reimbursement taxi to the client 86 CNY")
    slack.deliver()


def test_root_buttons_are_typed_commands_and_ack_runs_as_the_clicker(slack: SlackDesk) -> None:
    opened(slack)
    root = slack.fake.posted(FINANCE)[0]
    assert buttons(root["blocks"]) == {"ack": "/request ack FIN-1",
                                       "assign_me": "/request assign FIN-1 me"}
    slack.click("U0BOB", buttons(root["blocks"])["ack"], "ack")
    reply = slack.ephemeral()[0]
    assert (reply["channel"], reply["user"]) == (FINANCE, "U0BOB")
    assert "FIN-1" in reply["text"]
    request = wait_until(lambda: (r := slack.request("FIN-1")) and r.state == "acknowledged"
                         and r)
    assert request.assignee_id == "bob"
    assert slack.kicks


def test_someone_not_allowed_gets_an_ephemeral_refusal_and_nothing_changes(
        slack: SlackDesk) -> None:
    opened(slack)
    slack.kicks.clear()
    slack.click("U0ALICE", "/request ack FIN-1", "ack")
    reply = slack.ephemeral()[0]
    assert reply["user"] == "U0ALICE"
    assert "FIN-1" in reply["text"]
    request = slack.request("FIN-1")
    assert request is not None and request.state == "open" and request.assignee_id is None
    assert not slack.kicks and not slack.pending()


def test_assign_to_me(slack: SlackDesk) -> None:
    opened(slack)
    slack.click("U0CAROL", "/request assign FIN-1 me", "assign_me")
    slack.ephemeral()
    request = wait_until(lambda: (r := slack.request("FIN-1")) and r.assignee_id and r)
    assert request.assignee_id == "carol"


def test_wait_resolve_confirm_reopen_and_rate_through_modals(slack: SlackDesk) -> None:
    opened(slack)
    slack.click("U0BOB", "/request ack FIN-1", "ack")
    slack.ephemeral()
    slack.click("U0BOB", "/request wait FIN-1 <question>", "wait")
    modal = slack.opened_view()
    assert modal["callback_id"] == "crossdesk_command_input"
    assert [b["block_id"] for b in modal["blocks"] if b["type"] == "input"] == ["slot.question"]
    missing = json.loads(slack.submit("U0BOB", modal, {"slot.question": slot("  ")}).body)
    assert missing["response_action"] == "errors"
    asked = json.loads(slack.submit("U0BOB", modal,
                                    {"slot.question": slot("Which client, please?")}).body)
    assert asked["response_action"] == "update"
    request = slack.request("FIN-1")
    assert request is not None and request.state == "waiting"

    slack.click("U0BOB", "/request resolve FIN-1 <note>", "resolve")
    modal = slack.opened_view()
    done = json.loads(slack.submit("U0BOB", modal, {"slot.note": slot("Paid on Tuesday")}).body)
    assert done["response_action"] == "update"
    request = slack.request("FIN-1")
    assert request is not None and request.state == "resolved"
    assert request.resolution_note == "Paid on Tuesday"

    slack.drain()
    dm = next(p for p in slack.fake.posted("D0HENRY") if "reopen" in json.dumps(p["blocks"]))
    choices = buttons(dm["blocks"])
    assert choices == {"confirm": "/request confirm FIN-1",
                       "reopen": "/request reopen FIN-1 <reason>"}
    slack.click("U0HENRY", choices["reopen"], "reopen", channel="D0HENRY")
    modal = slack.opened_view()
    again = json.loads(slack.submit("U0HENRY", modal, {"slot.reason": slot("还没到账")}).body)
    assert again["response_action"] == "update"
    request = slack.request("FIN-1")
    assert request is not None and request.state == "in_progress"

    slack.click("U0BOB", "/request resolve FIN-1 <note>", "resolve")
    slack.submit("U0BOB", slack.opened_view(), {"slot.note": slot("Now really paid")})
    slack.click("U0HENRY", "/request confirm FIN-1", "confirm", channel="D0HENRY")
    wait_until(lambda: (r := slack.request("FIN-1")) and r.state == "closed")

    slack.click("U0HENRY", "/request rate FIN-1 <stars> <comment>", "rate", channel="D0HENRY")
    modal = slack.opened_view()
    inputs = {b["block_id"]: b for b in modal["blocks"] if b["type"] == "input"}
    assert inputs["slot.comment"]["optional"] is True
    assert [o["value"] for o in inputs["slot.stars"]["element"]["options"]] == list("54321")
    rated = json.loads(slack.submit("U0HENRY", modal, {"slot.stars": stars(4),
                                                      "slot.comment": slot("")}).body)
    assert rated["response_action"] == "update"
    assert "4" in text_of(rated["view"])


def test_a_refused_modal_command_keeps_the_modal_open_with_the_reason(slack: SlackDesk) -> None:
    opened(slack)
    slack.click("U0ALICE", "/request resolve FIN-1 <note>", "resolve")
    modal = slack.opened_view()
    refused = json.loads(slack.submit("U0ALICE", modal, {"slot.note": slot("done")}).body)
    assert refused["response_action"] == "errors"
    assert "FIN-1" in refused["errors"]["slot.note"]
    request = slack.request("FIN-1")
    assert request is not None and request.state == "open"


def test_rate_buttons_without_text_run_at_once(slack: SlackDesk) -> None:
    opened(slack)
    for line in ("ack FIN-1", "resolve FIN-1 paid"):
        slack.ask("U0BOB", line)
    slack.ask("U0HENRY", "confirm FIN-1")
    slack.click("U0HENRY", "/request rate FIN-1 5", "rate", channel="D0HENRY")
    reply = slack.ephemeral()[0]
    assert "FIN-1" in reply["text"] and "5" in reply["text"]
