"""One message per person per sweep: a lead's daily "still overdue" line joins the sweep's
batched nudge, and never repeats a request that message already names."""

from __future__ import annotations

from tests.handlers.test_sweep import messages_to

STILL_OVERDUE = "仍然超时"


def test_a_request_escalated_in_a_catch_up_sweep_is_not_also_still_overdue(chat):
    # IT software: first response due Mon 14:30; nothing swept until Wednesday 10:00, when
    # the whole ladder and the first daily line fall due at once.
    chat("@now 2026-11-23T09:00", "alice> /request it software s1")
    dave = messages_to(chat("@now 2026-11-25T10:00"), "dave")
    assert len(dave) == 1, dave
    assert "升级至您（第 1 级）：IT-1" in dave[0]
    assert STILL_OVERDUE not in dave[0] and dave[0].count("IT-1 s1") == 1


def test_a_round_the_clock_desk_lead_also_hears_of_it_once(chat):
    chat("@now 2026-11-23T09:00", "alice> /request maintenance repair s1")
    jack = messages_to(chat("@now 2026-11-25T10:00"), "jack")
    assert len(jack) == 1, jack
    assert "升级至您（第 1 级）：MNT-1" in jack[0] and STILL_OVERDUE not in jack[0]


def test_an_escalation_and_the_daily_line_come_as_one_message(chat):
    # IT-1's ladder ran its course by Wednesday; IT-2 (due Wed 17:30) reaches its lead at
    # Thu 09:30, the sweep after Thursday's opening, when IT-1's daily line is due as well.
    chat("@now 2026-11-23T09:00", "alice> /request it software s1", "@now 2026-11-25T10:00",
         "@now 2026-11-25T13:30", "alice> /request it software s2")
    dave = messages_to(chat("@now 2026-11-26T10:00"), "dave")
    assert len(dave) == 1, dave
    text, buttons = dave[0].split("\n  (button)", 1)
    nudge, daily = text.split(STILL_OVERDUE)
    assert "升级至您（第 1 级）：IT-2" in nudge and "IT-1" not in nudge
    assert daily.startswith("：1 个") and "IT-1 s1" in daily and "IT-2" not in daily
    assert buttons.startswith(" 受理 IT-2")
