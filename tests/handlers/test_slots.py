"""A button's ``<slots>``: named in order, filled with what the person gave, dropped when empty."""

from __future__ import annotations

import pytest

from bot.runtime.config import load
from handlers.actions import staff_command
from handlers.command_words import SUBCOMMANDS
from handlers.grammar import Command, parse
from handlers.slots import as_typed, fill, slots
from tests.conftest import EXAMPLE


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


def test_a_command_to_type_reads_in_the_readers_language() -> None:
    assert as_typed("/request reject FIN-3 <reason>", "zh-CN") == "/request 驳回 FIN-3 <原因>"
    assert as_typed("/request reject FIN-3 <reason>", "en") == "/request reject FIN-3 <reason>"
    assert as_typed("/request ack FIN-3", "zh-CN") == "/request 受理 FIN-3", \
        "the Chinese word, not the English alias 'acknowledge'"
    assert as_typed("/request assign FIN-3 me", "zh-CN") == "/request 指派 FIN-3 我"
    assert as_typed("/request reopen FIN-3 <changes>", "en") == \
        "/request reopen FIN-3 <field>=<value> …", "a reopen after a rejection takes changes"


TAILS = {"rate": "FIN-3 5 quick", "counter": "FIN-3 2026-12-21 later", "assign": "FIN-3 zhangwei",
         "away": "until 2026-12-21 delegate zhangwei", "queue": "finance",
         "propose": "FIN-3 2026-12-21 new laptop", "priority": "FIN-3 P1",
         "transfer": "FIN-3 it", "add": "FIN-3 1", "service": "FIN-3 travel-advance"}


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_every_command_typed_in_chinese_is_read_as_the_english(name: str) -> None:
    catalog = load(EXAMPLE).catalog
    english = f"/request {name} {TAILS.get(name, 'FIN-3 no receipt')}"
    typed = as_typed(english, "zh-CN")
    assert name == "help" or not typed.split()[1].isascii(), typed
    assert parse(typed, catalog) == parse(english, catalog), typed
    assert isinstance(parse(english, catalog), Command) or name in ("suggest",), english
