"""A request's form is shown wherever the request is read: the desk's thread root, the
requester's confirmation (with the service's instructions) and `show`; confidential
services keep the values out of channels; a field that left the config still shows."""

from __future__ import annotations

import re

from tests.handlers.forms_desk import REIMBURSEMENT_FIELDS, forms_chat

OPEN_TAXI = ("alice> /request finance reimbursement taxi to the airport amount=86 "
             "spent_on=2026-11-20 purpose=taxi cost_centre=sales")


def messages_to(out: str, target: str) -> list[str]:
    blocks = re.split(r"\n(?=\[)", out)
    return [b for b in blocks if b.startswith(f"[to {target}]")]


def test_the_thread_root_lists_the_form_in_the_channels_language(settings, engine, clock):
    chat = forms_chat(settings, engine, clock)
    out = chat(OPEN_TAXI)
    root = messages_to(out, "#finance-requests")[0]
    form = [line.strip() for line in root.splitlines()
            if line.startswith("  ") and "(button)" not in line][-4:]
    assert form == ["金额: 86.00 CNY", "消费日期: 2026-11-20", "成本中心: 销售部", "用途: 出租车"]
    assert "备注" not in root  # an optional field left empty is left out


def test_the_confirmation_shows_the_form_the_instructions_and_the_answered_button(
        settings, engine, clock):
    chat = forms_chat(settings, engine, clock)
    confirmation = messages_to(chat(OPEN_TAXI), "alice")[0]  # alice reads English
    assert "Amount: 86.00 CNY" in confirmation and "Purpose: Taxi" in confirmation
    assert "Receipts older than 90 days are not reimbursed." in confirmation
    assert "(button) This answered my question -> /request answered FIN-1" in confirmation
    assert "(button) Cancel -> /request cancel FIN-1" in confirmation


def test_a_service_without_instructions_offers_no_answered_button(settings, engine, clock):
    chat = forms_chat(settings, engine, clock)
    confirmation = messages_to(chat("alice> /request it laptop screen flickers"), "alice")[0]
    assert "instructions" not in confirmation and "answered" not in confirmation


def test_show_lists_the_form_in_the_readers_language_in_the_services_order(
        settings, engine, clock):
    chat = forms_chat(settings, engine, clock)
    chat(OPEN_TAXI)
    shown = chat("alice> /request show FIN-1")
    assert ("Amount: 86.00 CNY\nDate of expense: 2026-11-20\nCost centre: Sales\n"
            "Purpose: Taxi\n") in shown
    assert "金额: 86.00 CNY\n消费日期: 2026-11-20\n" in chat("bob> /request show FIN-1")


def test_a_field_removed_from_the_config_shows_by_key_with_its_value(settings, engine, clock):
    forms_chat(settings, engine, clock)(OPEN_TAXI)
    without_purpose = tuple(f for f in REIMBURSEMENT_FIELDS if f.key != "purpose")
    shown = forms_chat(settings, engine, clock, fields=without_purpose)(
        "alice> /request show FIN-1")
    assert "Cost centre: Sales\npurpose: taxi\n" in shown


def test_a_confidential_services_form_stays_out_of_the_channel(settings, engine, clock):
    chat = forms_chat(settings, engine, clock)
    out = chat('kevin> /request hr complaint about="the night shift lead" it happened twice')
    root = messages_to(out, "#hr-requests")[0]
    assert "night shift" not in root and "About whom" not in root and "涉及何人" not in root
    assert "About whom: the night shift lead" in messages_to(out, "kevin")[0]
    assert "涉及何人: the night shift lead" in chat("mia> /request show HR-1")
