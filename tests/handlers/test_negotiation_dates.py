"""The date of a proposal or counter-proposal: a date that cannot be read for sure is refused
with what to type (nothing stored, no pause, nothing sent), a time of day after the date sets
the due time, and a lapse or decline says the target moved by the time it waited."""

from __future__ import annotations

import pytest

from tests.conftest import local
from tests.handlers.test_negotiation import proposals, req

OPEN = ("@now 2026-11-30T09:10", "alice> /request finance reimbursement cab 90 CNY",
        "bob> /request ack FIN-1")


def refused_and_nothing_done(chat, out: str) -> None:
    assert proposals(chat.app, "FIN-1") == []
    row = req(chat.app, "FIN-1")
    assert row.paused_at is None and row.proposed_at is None
    assert "[to alice]" not in out and "[to #finance-requests]" not in out


@pytest.mark.parametrize("typed,given", [
    ("下周三 发票需要先核对", "下周三"),
    ("周五", "周五"),
    ("月底 对账", "月底"),
    ("end of month need to check", "end of month"),
    ("Dec 3 after the audit", "Dec 3"),
    ("next friday we pay", "next friday"),
    ("明天上班前", "明天上班前"),
])
def test_a_date_that_cannot_be_read_is_refused_not_taken_as_the_text(chat, typed, given):
    chat(*OPEN)
    out = chat(f"bob> /request propose FIN-1 {typed}")
    assert (f"[reply] 无法把“{given}”识别为日期。请写日期，如 2026-12-03 或 12月3日"
            "（可加时间：12月3日15点），或从现在起的工作时间，如 3d、4h："
            "`/request propose FIN-1 2026-12-03 …`。未做任何更改。") in out
    refused_and_nothing_done(chat, out)
    chat("bob> /request propose FIN-1 next step: we pay by transfer")  # a solution, no date
    (only,) = proposals(chat.app, "FIN-1")
    assert (only.due_at, only.text) == (None, "next step: we pay by transfer")


@pytest.mark.parametrize("typed", ["10/12 发票需要先核对", "12/10/2026"])
def test_a_slashed_date_is_ambiguous_and_refused(chat, typed):
    chat(*OPEN)
    out = chat(f"bob> /request propose FIN-1 {typed}")
    given = typed.split()[0]
    assert (f"[reply] “{given}”既可理解为日/月，也可理解为月/日。请按年-月-日写，如 "
            "2026-12-03，或写 12月3日") in out
    refused_and_nothing_done(chat, out)


def test_a_date_over_a_year_away_is_refused(chat):
    chat(*OPEN)
    out = chat("bob> /request propose FIN-1 2027-12-10 after the audit")
    assert "“2027-12-10”（即 2027-12-10 18:00）在一年以后，请核对日期" in out
    refused_and_nothing_done(chat, out)


@pytest.mark.parametrize("typed,due,text", [
    ("2026-12-10 15:00 after the board meeting", "2026-12-10T15:00", "after the board meeting"),
    ("2026-12-10T15:00", "2026-12-10T15:00", ""),
    ("明天 15:00 发票需要先核对", "2026-12-01T15:00", "发票需要先核对"),
    ("明天下午3点", "2026-12-01T15:00", ""),
    ("12月10日下午3点前 核对发票", "2026-12-10T15:00", "核对发票"),
    ("2026-12-10 15点 核对", "2026-12-10T15:00", "核对"),
    ("tomorrow 3pm the bank confirms", "2026-12-01T15:00", "the bank confirms"),
    ("12-10前", "2026-12-10T18:00", ""),
])
def test_a_time_after_the_date_sets_the_due_time(chat, typed, due, text):
    chat(*OPEN)
    out = chat(f"bob> /request propose FIN-1 {typed}")
    shown = local(due).strftime("%Y-%m-%d %H:%M")
    assert f"[to alice] 张伟 Bob Zhang (Finance) proposes for your request FIN-1 (cab 90 CNY): " \
           f"new target {shown} (in " in out
    (proposal,) = proposals(chat.app, "FIN-1")
    assert (proposal.due_at, proposal.text) == (local(due), text)


def test_a_counter_keeps_its_time_of_day(chat):
    chat(*OPEN, "bob> /request propose FIN-1 2026-12-10 after the audit")
    out = chat("alice> /request counter FIN-1 tomorrow 3pm need it for the audit")
    assert "[reply] Your counter-proposal on FIN-1 (new target 2026-12-01 15:00" in out
    countered = proposals(chat.app, "FIN-1")[-1]
    assert (countered.kind, countered.due_at, countered.text) == (
        "requester", local("2026-12-01T15:00"), "need it for the audit")


def test_a_time_outside_the_desks_hours_is_refused_with_the_hours(chat):
    chat(*OPEN)
    out = chat("bob> /request propose FIN-1 2026-12-10 20:00 after the board meeting")
    assert ("[reply] 2026-12-10 20:00 不在财务部的工作时间内（工作日 09:00-12:00, 13:30-18:00）。"
            "请给出工作时间内的时间，或只写日期（当天下班前）") in out
    refused_and_nothing_done(chat, out)
    out = chat("alice> /request counter FIN-1 end of month please")
    assert "[reply] No proposal on FIN-1 is waiting for an answer." in out


def test_a_counter_in_english_is_refused_in_english(chat):
    chat(*OPEN, "bob> /request propose FIN-1 2026-12-10 after the audit")
    out = chat("alice> /request counter FIN-1 10/12 sooner please")
    assert ("[reply] “10/12” could be day/month or month/day. Write the year first, such as "
            "2026-12-03, or 12-03: `/request counter FIN-1 2026-12-03 …`. Nothing was "
            "changed.") in out
    out = chat("alice> /request counter FIN-1 2026-12-05T15:00 sooner please")  # a Saturday
    assert "2026-12-05 15:00 is outside Finance's working hours (09:00-12:00, 13:30-18:00, " \
           "on working days)" in out
    assert [p.state for p in proposals(chat.app, "FIN-1")] == ["pending"]


def test_a_decline_says_the_target_moved_by_the_time_it_waited(chat):
    chat(*OPEN)
    was = req(chat.app, "FIN-1").resolution_due
    assert was == local("2026-12-03T09:10")
    chat("bob> /request propose FIN-1 2026-12-10 after the audit")
    out = chat("@now 2026-12-02T09:10", "alice> /request decline FIN-1 too late")
    assert ("[reply] You declined the proposal on FIN-1. The target moved by the time it "
            "waited for your answer, from 2026-12-03 09:10 to 2026-12-07 09:10 (in 3 working "
            "days). Finance has been told why.") in out
    assert ("[to bob] 王丽 Alice Wang 拒绝了 FIN-1（cab 90 CNY）的方案：too late\n"
            "时限按等待提单人答复的时间顺延，由 2026-12-03 09:10 改为 2026-12-07 09:10") in out
    assert "stands" not in out and "不变" not in out
    assert req(chat.app, "FIN-1").resolution_due == local("2026-12-07T09:10")


def test_a_decline_at_once_says_the_target_stands(chat):
    chat(*OPEN, "bob> /request propose FIN-1 2026-12-10 after the audit")
    out = chat("alice> /request decline FIN-1 too late")
    assert ("[reply] You declined the proposal on FIN-1. The target stands: 2026-12-03 09:10 "
            "(in 3 working days). Finance has been told why.") in out
    assert "原定时限不变：2026-12-03 09:10" in out and "moved" not in out


def test_a_lapse_says_the_target_moved_by_the_time_it_waited(chat):
    chat(*OPEN, "bob> /request propose FIN-1 2026-12-10 after the audit")
    out = chat("@now 2026-12-03T09:10")
    assert ("[to alice] The proposal on your request FIN-1 (cab 90 CNY) lapsed without an "
            "answer. The target moved by the time it waited for your answer, from "
            "2026-12-03 09:10 to 2026-12-08 09:10") in out
    assert ("方案已失效。时限按等待提单人答复的时间顺延，由 2026-12-03 09:10 改为 "
            "2026-12-08 09:10") in out


def test_a_time_outside_hours_is_answered_with_the_day_typed(chat):
    chat("@now 2026-11-30T09:00", "alice> /request finance question B", "@now 2026-11-30T16:00")
    out = chat("bob> /request propose FIN-1 2026-12-10 20:00 eve")
    assert "不在财务部的工作时间内" in out
    assert "`/request propose FIN-1 2026-12-10 …`" in out, out
