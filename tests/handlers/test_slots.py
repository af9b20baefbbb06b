"""A button's ``<slots>``: named in order, filled with what the person gave, dropped when empty."""

from __future__ import annotations

from handlers.actions import staff_command
from handlers.slots import fill, slots


def test_slots_are_named_in_order() -> None:
    assert slots("/request rate FIN-1 <stars> <comment>") == ["stars", "comment"]
    assert slots(staff_command("ack", "FIN-1")) == [], "acknowledging needs no words"
    assert slots(staff_command("resolve", "FIN-1")) == ["note"]


def test_filled_slots_carry_the_words_and_empty_ones_vanish() -> None:
    assert fill("/request resolve FIN-1 <note>", {"note": " reset the VPN token \n"}) == \
        "/request resolve FIN-1 reset the VPN token"
    assert fill("/request rate FIN-1 <stars> <comment>", {"stars": "5"}) == "/request rate FIN-1 5"
    assert fill("/request counter FIN-1 <date> <comment>", {"comment": "later"}) == \
        "/request counter FIN-1 later", "no double space where a slot was left empty"
    assert fill("/request reopen FIN-1 <reason>", {}) == "/request reopen FIN-1"
