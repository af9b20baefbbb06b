"""A desk proposal whose date comes before its lapse time lapses at that date: the pause
ends, both sides are told, and no reminder asks to accept a date that has passed."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import local
from tests.handlers.test_negotiation import kinds, proposals, req


def proposed_for_tomorrow(chat) -> str:
    """Alice asks Finance a question (resolution due Wednesday 25 Nov 18:00) on Monday 09:00;
    Bob at once proposes tomorrow, Tuesday by 18:00: before the 3-day lapse (Thursday)."""
    chat("alice> /request finance question deposit for the expo booth")
    assert req(chat.app, "FIN-1").resolution_due == local("2026-11-25T18:00")
    return chat("bob> /request propose FIN-1 tomorrow")


def test_a_proposal_lapses_at_its_date_when_that_comes_before_its_lapse_time(chat):
    out = proposed_for_tomorrow(chat)
    assert "Unanswered, it lapses on 2026-11-24 18:00." in out
    assert "（2026-11-24 18:00 未答复则失效）" in out
    out = chat("@now 2026-11-24T09:00")  # one business day: still before the date
    assert "[to alice] Reminder: Finance is waiting for your answer on FIN-1" in out
    assert "Unanswered, it lapses on 2026-11-24 18:00." in out
    assert "FIN-1" not in chat("@now 2026-11-24T17:59")
    out = chat("@now 2026-11-24T18:00")
    assert ("[to alice] The proposal on your request FIN-1 (deposit for the expo booth) "
            "lapsed: its date, 2026-11-24 18:00, passed without an answer. The target moved "
            "by the time it waited for your answer, from 2026-11-25 18:00 to 2026-11-27 18:00"
            ) in out
    assert ("[to #finance-requests] FIN-1（deposit for the expo booth）：方案中的日期 "
            "2026-11-24 18:00 已过，提单人未答复，方案已失效。"
            "时限按等待提单人答复的时间顺延，由 2026-11-25 18:00 改为 2026-11-27 18:00") in out
    row = req(chat.app, "FIN-1")
    # the two days paused do not count, as after any lapse; from 18:00 the clock runs
    assert row.paused_at is None and row.proposed_at is None
    assert row.paused_seconds == int(timedelta(hours=15).total_seconds())
    assert row.resolution_due == local("2026-11-27T18:00")
    assert [p.state for p in proposals(chat.app, "FIN-1")] == ["lapsed"]
    assert kinds(chat.app, "FIN-1")[-1] == "proposal_lapsed"
    # nothing more: no reminder, no second lapse; the requester is told there is nothing
    assert "FIN-1" not in chat("@now 2026-11-25T10:00", "@now 2026-11-26T17:00")
    out = chat("alice> /request accept FIN-1")
    assert "[reply] No proposal on FIN-1 is waiting for an answer." in out
    out = chat("alice> /request show FIN-1")
    assert "Resolution: 2026-11-27 18:00 (in " in out and "paused" not in out


def test_a_sweep_catching_up_after_the_date_lapses_it_without_a_reminder(chat):
    proposed_for_tomorrow(chat)
    out = chat("@now 2026-11-25T10:00")  # the reminder (Tue 09:00) and the date both passed
    assert "Reminder" not in out and "Accept -> /request accept FIN-1" not in out
    assert "[to alice] The proposal on your request FIN-1 (deposit for the expo booth) " \
           "lapsed: its date, 2026-11-24 18:00, passed" in out
    assert [p.state for p in proposals(chat.app, "FIN-1")] == ["lapsed"]
    assert req(chat.app, "FIN-1").paused_at is None
    out = chat("alice> /request show FIN-1")
    assert "(paused while a proposal waits)" not in out


def test_no_reminder_falls_after_a_date_hours_away(chat):
    chat("alice> /request finance question deposit for the expo booth",
         "@now 2026-11-23T10:00")
    out = chat("bob> /request propose FIN-1 4h the bank confirms this afternoon")
    assert "Unanswered, it lapses on 2026-11-23 15:30." in out  # lunch 12:00-13:30
    assert "FIN-1" not in chat("@now 2026-11-23T15:29")
    out = chat("@now 2026-11-23T15:30")
    assert "lapsed: its date, 2026-11-23 15:30, passed without an answer" in out
    # the reminder would have come on Tuesday 10:00, after the date: never sent
    later = chat("@now 2026-11-24T10:00", "@now 2026-11-26T10:00")
    assert "[to alice]" not in later and "Reminder" not in later  # the desk is nudged
    row = req(chat.app, "FIN-1")
    assert row.paused_seconds == int(timedelta(hours=4).total_seconds())
    assert row.resolution_due == local("2026-11-26T14:30")  # Wed 18:00 + 4 business hours


def test_a_proposal_dated_after_its_lapse_time_lapses_as_before(chat):
    chat("alice> /request finance question deposit for the expo booth")
    out = chat("bob> /request propose FIN-1 2026-12-04 after the audit")
    assert "Unanswered, it lapses on 2026-11-25 18:00." in out  # three business days
    out = chat("@now 2026-11-25T18:00")
    assert "[to alice] The proposal on your request FIN-1 (deposit for the expo booth) " \
           "lapsed without an answer" in out
    assert "提单人 3个工作日内未答复方案" in out
