"""On Slack a person is named as Slack names them: an @-mention (``<@U…>``, ``<@U…|name>``)
in a slash command or a message, their Slack id, their name or a part of it; a modal asking
for a person offers Slack's own people picker."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import Session, col, select

from bot.adapters.slack import modals
from storage.models import Event, Request
from tests.adapters.slack.conftest import SlackDesk
from tests.adapters.slack.fake_slack import view_problems, wait_until

DAVE_DM = "D0DAVE"


def laptop(slack: SlackDesk) -> None:
    slack.ask("U0ALICE", "it laptop model=x1 reason=broken broken keyboard")
    slack.drain()


def assignee(slack: SlackDesk, ref: str = "IT-1") -> str | None:
    row = slack.request(ref)
    assert row is not None
    return row.assignee_id


@pytest.mark.parametrize("typed", [
    "assign IT-1 <@U0KEVIN>", "assign IT-1 <@U0KEVIN|kevin>", "assign IT-1 @kevin",
    "assign IT-1 U0KEVIN", "assign IT-1 Kevin", "assign IT-1 @徐凯 Kevin Xu",
    "指派 IT-1 徐凯", "assign IT-1 <@U0KEVIN> please"])
def test_slash_assign_takes_a_mention_or_a_name(slack: SlackDesk, typed: str) -> None:
    laptop(slack)
    answer = slack.ask("U0DAVE", typed)["text"]
    assert "徐凯 Kevin Xu" in answer and "找不到" not in answer, answer
    assert assignee(slack) == "kevin"


def test_a_mention_in_a_dm_command_assigns(slack: SlackDesk) -> None:
    laptop(slack)
    slack.event({"type": "message", "channel": DAVE_DM, "user": "U0DAVE",
                 "text": "assign IT-1 <@U0KEVIN>", "ts": "1790001000.000200",
                 "channel_type": "im", "event_ts": "1790001000.000200"})
    wait_until(lambda: assignee(slack) == "kevin", 5.0, "IT-1 assigned to kevin")


def test_an_unknown_person_is_told_what_works(slack: SlackDesk) -> None:
    laptop(slack)
    answer = slack.ask("U0DAVE", "assign IT-1 <@U0NOBODY|pat>")["text"]
    assert "@pat" in answer and "人员ID" not in answer and "@" in answer, answer
    assert "徐凯 Kevin Xu" in answer, "the desk's members are named"
    assert assignee(slack) is None


def test_a_mention_in_slash_text_is_stored_readable(slack: SlackDesk) -> None:
    slack.ask("U0ALICE", "it software please check with <@U0KEVIN> about the VPN")
    row = slack.request("IT-1")
    assert row is not None and row.details == "please check with @徐凯 Kevin Xu about the VPN"


def test_a_person_slot_is_slacks_people_picker_and_its_pick_runs(slack: SlackDesk) -> None:
    laptop(slack)
    slack.click("U0DAVE", "/request assign IT-1 <person>", "assign")
    view = slack.opened_view()
    assert not view_problems(view), view_problems(view)
    person = next(b for b in view["blocks"] if b.get("block_id") == "slot.person")
    assert person["element"]["type"] == "users_select"
    assert "人员ID" not in json.dumps(view, ensure_ascii=False)
    done = slack.submit("U0DAVE", view, {"slot.person": {"value": {
        "type": "users_select", "selected_user": "U0KEVIN"}}})
    assert done.status == 200
    wait_until(lambda: assignee(slack) == "kevin", 5.0, "IT-1 assigned to kevin")
    with Session(slack.engine) as s:
        request = s.exec(select(Request).where(Request.ref == "IT-1")).one()
        kinds = [e.kind for e in s.exec(select(Event).where(Event.request_id == request.id)
                                        .order_by(col(Event.id)))]
    assert kinds.count("assigned") == 1


def test_the_person_picker_reads_back_as_the_user_id() -> None:
    view: dict[str, Any] = modals.input_view("/request assign IT-1 <person>", "en", {})
    view["state"] = {"values": {"slot.person": {"value": {
        "type": "users_select", "selected_user": "U0KEVIN"}}}}
    command, _meta, values = modals.read_input(view)
    assert (command, values) == ("/request assign IT-1 <person>", {"person": "U0KEVIN"})
