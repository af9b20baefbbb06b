"""The request form opens with what the person wrote, readable and whole: a message made a
request (shortcut, 🎫) reads as people saw it, an amount keeps its currency, long details are
never cut unseen, and what is typed in the details box stays details."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.runtime.clock import ManualClock
from tests.adapters.slack.conftest import SlackDesk, text_of
from tests.adapters.slack.fake_slack import FakeSlack, view_problems
from tests.adapters.slack.test_form import block, form_values
from tests.adapters.slack.test_form_fields import (
    _desk,
    number,
    opened,
    pick_service,
    show,
    submit,
    submitted,
    typed,
)
from tests.adapters.slack.test_form_fields import option as chosen
from tests.adapters.slack.test_reactions import click_offer

GENERAL = "C0GENERAL"
MARKUP = ("<@U0KEVIN> the VPN &amp; wiki at <https://wiki.acme.com/vpn|wiki page> are down "
          "for <!subteam^S123|@sales>, see <#C0IT|it-help>")
READABLE = ("@徐凯 Kevin Xu the VPN & wiki at wiki page (https://wiki.acme.com/vpn) are down "
            "for @sales, see #it-help")


@pytest.fixture
def desk(tmp_path: Path, engine: Engine, clock: ManualClock,
         fake_slack: FakeSlack) -> Iterator[SlackDesk]:
    """The sample company on Slack, its reimbursement with a form (amount and kind required)."""
    yield from _desk(tmp_path, engine, clock, fake_slack)


def shortcut(slack: SlackDesk, text: str, ts: str = "1790000050.000100") -> dict[str, Any]:
    """Use "Make a request" on a message saying ``text``: the form it opens."""
    payload = {"type": "message_action", "callback_id": "crossdesk_request_from_message",
               "team": {"id": "T0ACME"}, "api_app_id": "A0DESK", "trigger_id": f"t-{ts}",
               "user": {"id": "U0ALICE", "name": "alice", "team_id": "T0ACME"},
               "channel": {"id": GENERAL, "name": "general"},
               "message": {"type": "message", "user": "U0BOB", "ts": ts, "text": text},
               "response_url": "http://127.0.0.1:9/shortcut"}
    assert slack.dispatch(slack.payload_body(payload)).status == 200
    return slack.opened_view()


def details_of(view: dict[str, Any]) -> str:
    return str(block(view, "details")["element"].get("initial_value") or "")


# --- S7: a message made a request reads as people saw it ------------------------------------

def test_the_shortcut_fills_the_form_with_the_message_as_people_read_it(
        slack: SlackDesk) -> None:
    view = shortcut(slack, MARKUP)
    details = details_of(view)
    assert details.startswith(READABLE), details
    assert "&amp;" not in details and "<@U0KEVIN>" not in details
    assert f"https://acme.slack.com/archives/{GENERAL}/p1790000050000100" in details
    done = json.loads(slack.submit("U0ALICE", view, form_values(
        "finance", "finance/cash-advance", details)).body)
    assert done["response_action"] == "update", done
    request = slack.request("FIN-1")
    assert request is not None and request.details.startswith(READABLE)
    slack.drain()
    posted = text_of(slack.fake.posted("CFINANCEREQUE"))
    assert "&amp;lt;@U0KEVIN" not in posted and "&lt;@U0KEVIN&gt;" not in posted


def test_the_ticket_reaction_offers_the_message_as_people_read_it(slack: SlackDesk) -> None:
    ts = "1790000050.000200"
    slack.fake.messages[(GENERAL, ts)] = {"type": "message", "user": "U0BOB", "ts": ts,
                                          "text": MARKUP}
    slack.event({"type": "reaction_added", "user": "U0ALICE", "reaction": "ticket",
                 "item_user": "U0BOB", "item": {"type": "message", "channel": GENERAL, "ts": ts},
                 "event_ts": "1790000101.000200"}, event_id="Ev0TICKETMARKUP")
    offer = slack.fake.wait_for("chat.postEphemeral")[0]
    button = next(e for b in offer["blocks"] if b["type"] == "actions" for e in b["elements"])
    assert button["value"].startswith(READABLE), button["value"]


# --- S8: an amount keeps its currency --------------------------------------------------------

def test_an_amount_in_another_currency_is_shown_with_it_and_stays_so(desk: SlackDesk) -> None:
    assert not desk.slash("U0ALICE", "finance reimbursement USD 12 taxi").body  # kind missing
    view = opened(desk)
    amount = block(view, "field.amount")
    assert amount["element"]["type"] == "plain_text_input", amount
    assert amount["element"]["initial_value"] == "12.00 USD"
    assert "CNY" not in amount["label"]["text"]  # the label does not contradict the value
    assert "12.00 USD" in amount["hint"]["text"] or "USD" in amount["hint"]["text"]
    assert view_problems(view) == []
    done = submit(desk, view, submitted("taxi", amount=typed("12.00 USD"), kind=chosen("taxi")))
    assert done["response_action"] == "update", done
    shown = show(desk, "U0ALICE", "FIN-1")
    assert "12.00 USD" in shown and "12.00 CNY" not in shown


def test_a_currency_amount_survives_a_change_of_service_and_back(desk: SlackDesk) -> None:
    desk.slash("U0ALICE", "finance reimbursement USD 12 taxi")
    view = opened(desk)
    values = submitted("taxi", amount=typed("12.00 USD"))
    again = pick_service(desk, view, "U0ALICE", "finance/reimbursement", values)
    assert block(again, "field.amount")["element"]["initial_value"] == "12.00 USD"
    values = submitted("taxi", amount=typed("15"))  # the person typed a plain number instead
    plain = pick_service(desk, again, "U0ALICE", "finance/reimbursement", values)
    element = block(plain, "field.amount")["element"]
    assert element["type"] == "number_input" and element["initial_value"] == "15"
    assert block(plain, "field.amount")["label"]["text"] == "Amount (CNY)"


def test_an_amount_in_the_fields_own_currency_stays_a_number_box(desk: SlackDesk) -> None:
    desk.slash("U0ALICE", "finance reimbursement 86 CNY taxi")
    element = block(opened(desk), "field.amount")["element"]
    assert element["type"] == "number_input" and element["initial_value"] == "86.00"


# --- S9: long details are never cut unseen ---------------------------------------------------

LONG = "taxi to client site; " + "details " * 440 + "END-OF-TEXT"


def test_long_details_continue_in_a_second_box_and_are_kept_whole(desk: SlackDesk) -> None:
    assert 3000 < len(LONG) < 4000
    assert not desk.slash("U0ALICE", f"finance reimbursement {LONG}").body
    view = opened(desk)
    assert view_problems(view) == []
    first = details_of(view)
    more = block(view, "details.more")
    rest = str(more["element"]["initial_value"])
    assert len(first) <= 3000 and rest.endswith("END-OF-TEXT")
    assert (first + " " + rest).split() == LONG.split()  # every word, in order
    assert "3000" in more["hint"]["text"] or "3,000" in more["hint"]["text"]
    values = submitted(first, amount=number("86"), kind=chosen("taxi"))
    values["details.more"] = {"details_more": typed(rest)}
    done = submit(desk, view, values)
    assert done["response_action"] == "update", done
    request = desk.request("FIN-1")
    assert request is not None and request.details.split() == LONG.split()


def test_details_over_the_limit_are_refused_on_the_field_with_the_limit(
        desk: SlackDesk) -> None:
    desk.slash("U0ALICE", "finance reimbursement 86")
    view = opened(desk)
    values = submitted("a" * 2500 + " " + "b" * 10, amount=number("86"), kind=chosen("taxi"))
    values["details.more"] = {"details_more": typed("c" * 2000)}
    body = json.loads(desk.submit("U0ALICE", view, values).body)
    assert body["response_action"] == "errors"
    assert "4000" in body["errors"]["details"]
    assert desk.requests() == []


def test_a_long_message_made_a_request_keeps_its_end(slack: SlackDesk) -> None:
    view = shortcut(slack, LONG, ts="1790000060.000100")
    rest = str(block(view, "details.more")["element"]["initial_value"])
    assert "END-OF-TEXT" in rest and "archives/C0GENERAL/p1790000060000100" in rest
    assert view_problems(view) == []


def test_a_long_message_behind_the_ticket_reaction_keeps_its_end(slack: SlackDesk) -> None:
    ts = "1790000070.000100"
    slack.fake.messages[(GENERAL, ts)] = {"type": "message", "user": "U0BOB", "ts": ts,
                                          "text": LONG}
    slack.event({"type": "reaction_added", "user": "U0ALICE", "reaction": "ticket",
                 "item_user": "U0BOB", "item": {"type": "message", "channel": GENERAL, "ts": ts},
                 "event_ts": "1790000101.000300"}, event_id="Ev0TICKETLONG")
    offer = slack.fake.wait_for("chat.postEphemeral")[0]
    button = next(e for b in offer["blocks"] if b["type"] == "actions" for e in b["elements"])
    assert len(button["value"]) <= 2000
    assert click_offer(slack, button, "t-ticket-long").status == 200
    view = slack.opened_view()
    whole = details_of(view) + " " + str(block(view, "details.more")["element"]["initial_value"])
    assert "END-OF-TEXT" in whole and f"archives/{GENERAL}/p1790000070000100" in whole


# --- S12: the details box holds details, not syntax ------------------------------------------


def test_name_value_text_in_the_details_box_is_kept_as_details(desk: SlackDesk) -> None:
    desk.slash("U0ALICE", "finance reimbursement 86")
    view = opened(desk)
    done = submit(desk, view, submitted("taxi & <lunch> amount=90 !P1 kind=meal",
                                        amount=number("86"), kind=chosen("taxi")))
    assert done["response_action"] == "update", done
    request = desk.request("FIN-1")
    assert request is not None
    assert request.details == "taxi & <lunch> amount=90 !P1 kind=meal"
    assert request.priority == "P3"  # the form's priority select, not a mark in the text
    shown = show(desk, "U0ALICE", "FIN-1")
    assert "86.00 CNY" in shown and "Taxi" in shown and "90" not in shown.split("amount=")[0]


def test_a_misspelt_field_name_in_the_details_box_is_just_text(desk: SlackDesk) -> None:
    desk.slash("U0ALICE", "finance reimbursement 86")
    view = opened(desk)
    done = submit(desk, view, submitted("see ammount=90 in the receipt",
                                        amount=number("86"), kind=chosen("taxi")))
    assert done["response_action"] == "update", done
    request = desk.request("FIN-1")
    assert request is not None and request.details == "see ammount=90 in the receipt"
