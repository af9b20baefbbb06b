"""A week's digest tells what happened in that week: each resolution cycle timed on its own,
a later reopen never rewriting a finished week, an unrated desk never scored on timeliness
alone, and a desk that passed a request on still seeing the request it received.

The sample company: Mon-Fri 09:00-12:00 and 13:30-18:00 in Asia/Shanghai (7.5 h a day)."""

from __future__ import annotations

import io
from datetime import date, timedelta

from sqlmodel import Session

from bot.cli.report import build_report, write_csv, write_text
from bot.cli.report_html import write_html
from handlers.digest import bounds, build_all, compute, tally
from handlers.digest_render import render
from tests.handlers.test_digest_hardening import _digest

H = timedelta(hours=1)
M = timedelta(minutes=1)
W47 = date(2026, 11, 16)
W48 = date(2026, 11, 23)


def _week(chat, monday: date):
    desk = chat.app.desk
    with Session(desk.engine) as s:
        return compute(s, desk, *bounds(desk, monday)), tally(s, desk, *bounds(desk, monday))


def _digest_text(chat, monday: date, department: str, now) -> str:
    desk = chat.app.desk
    with Session(desk.engine) as s:
        return render(desk, build_all(s, desk, monday, now)[department], "zh-CN", {}).text


# --- T2: a reopened request's resolution is timed per cycle -------------------------------

REOPENED_IN_THE_WEEK = [
    # FIN-1 opened Mon 09:00, one hour waiting on the requester, resolved 14:00: 2h30m of work
    # (09:00-12:00 and 13:30-14:00 is 3h30m, less the hour's wait).
    "@now 2026-11-16T09:00", "henry> /request finance cash advance trip",
    "@now 2026-11-16T10:00", "bob> /request wait FIN-1 which trip?",
    "@now 2026-11-16T11:00", "henry> /request comment FIN-1 Beijing",
    "@now 2026-11-16T14:00", "bob> /request resolve FIN-1 paid", "henry> /request confirm FIN-1",
    # Closed for four days; reopened Fri 09:00 and resolved again at 10:00: 1 h of work.
    "@now 2026-11-20T09:00", "henry> /request reopen FIN-1 wrong amount",
    "@now 2026-11-20T10:00", "bob> /request resolve FIN-1 fixed", "henry> /request confirm FIN-1",
]


def test_a_reopened_requests_resolution_is_timed_per_cycle_not_across_the_closed_days(chat):
    chat(*REOPENED_IN_THE_WEEK)
    week, _ = _week(chat, W47)
    f = week["finance"]
    # Before: one time of Mon 09:00 → Fri 10:00 less the wait (4 working days 1h).
    assert sorted(f.resolution_times) == [H, 2 * H + 30 * M]
    assert f.closed == 1  # one request, closed (twice) in the week
    out = _digest(chat("@now 2026-11-23T09:31"), "#finance-requests")
    assert "解决中位数 1小时45分，P90 2小时30分" in out, out  # the mean of 1h and 2h30


# --- T3: a reopen in a later week leaves a finished week as it was ------------------------

CLOSED_AND_RATED_IN_W47 = [
    "@now 2026-11-18T09:00", "henry> /request finance cash advance trip",
    "@now 2026-11-18T09:30", "bob> /request ack FIN-1",
    "@now 2026-11-18T10:00", "bob> /request resolve FIN-1 paid", "henry> /request confirm FIN-1",
    "@now 2026-11-18T10:30", "henry> /request rate FIN-1 5 great #timely",
]
REOPENED_AND_RATED_IN_W48 = [
    "@now 2026-11-24T09:00", "henry> /request reopen FIN-1 wrong amount",
    "@now 2026-11-24T10:00", "bob> /request resolve FIN-1 fixed", "henry> /request confirm FIN-1",
    "@now 2026-11-24T10:30", "henry> /request rate FIN-1 2 meh",
]


def _report(chat, monday: date) -> str:
    desk = chat.app.desk
    with Session(desk.engine) as s:
        report = build_report(s, desk, *bounds(desk, monday))
    out = io.StringIO()
    write_text(report, out)
    return out.getvalue()


def test_a_reopen_in_a_later_week_leaves_the_earlier_weeks_figures_as_they_were(chat, clock):
    chat(*CLOSED_AND_RATED_IN_W47)
    monday_after = clock() + 6 * 24 * H
    before_week, before_tally = _week(chat, W47)
    before_text = _digest_text(chat, W47, "finance", monday_after)
    before_report = _report(chat, W47)
    assert before_week["finance"].closed == 1 and before_week["finance"].stars == [5]
    chat(*REOPENED_AND_RATED_IN_W48)
    after_week, after_tally = _week(chat, W47)
    f = after_week["finance"]
    # Before: closed 0, still open 1, no resolution time, "no ratings this week".
    assert (f.closed, f.open_at_end, f.stars) == (1, 0, [5])
    assert f.resolution_times == before_week["finance"].resolution_times
    assert f.tags["timely"] == 1 and f.comments == [(5, "great", "FIN-1")]
    assert after_tally["finance"].closed == 1 and after_tally["finance"].stars == [5]
    assert _digest_text(chat, W47, "finance", monday_after) == before_text
    assert _report(chat, W47) == before_report  # the report's rating too (before: "—")
    # The later week has the new cycle and its own rating.
    w48, counts48 = _week(chat, W48)
    assert (w48["finance"].closed, w48["finance"].stars) == (1, [2])
    assert counts48["finance"].stars == [2]


def test_a_rating_changed_within_the_window_counts_once_with_its_last_stars(chat):
    chat(*CLOSED_AND_RATED_IN_W47, "@now 2026-11-18T11:00", "henry> /request rate FIN-1 4 ok")
    week, counts = _week(chat, W47)
    assert week["finance"].stars == [4] and counts["finance"].stars == [4]


# --- T5: an unrated desk is not scored on timeliness alone --------------------------------

BOTH_ON_TIME_ONE_RATED = [
    "@now 2026-11-16T09:00", "henry> /request finance cash advance trip",
    "henry> /request it laptop broken",
    "bob> /request ack FIN-1", "kevin> /request ack IT-1",
    "@now 2026-11-16T10:00", "bob> /request resolve FIN-1 paid",
    "kevin> /request resolve IT-1 swapped",
    "henry> /request confirm FIN-1", "henry> /request confirm IT-1",
    "@now 2026-11-16T11:00", "henry> /request rate IT-1 4",
]


def test_an_unrated_desk_gets_no_score_and_comes_after_the_scored_ones(chat):
    chat(*BOTH_ON_TIME_ONE_RATED)
    out = chat("@now 2026-11-23T10:00", "root> /request scorecard")
    lines = out.splitlines()
    it = next(i for i, line in enumerate(lines) if "IT:" in line)
    finance = next(i for i, line in enumerate(lines) if "Finance:" in line)
    # Before: "1. Finance … — · score 100.0" above "2. IT … 4.0★ · score 87.5".
    assert lines[it].startswith("1. IT") and "score 87.5" in lines[it], out
    assert it < finance and "score 100" not in lines[finance], out
    assert "not scored" in lines[finance], out
    assert "Not scored: Finance" in out, out
    zh = chat("henry> /request scorecard")
    assert "不计分：财务部" in zh, zh


def test_the_report_gives_an_unrated_desk_no_score_in_text_and_csv(chat):
    chat(*BOTH_ON_TIME_ONE_RATED)
    desk = chat.app.desk
    with Session(desk.engine) as s:
        report = build_report(s, desk, *bounds(desk, W47))
    text = io.StringIO()
    write_text(report, text)
    rows = text.getvalue().splitlines()
    it = next(i for i, line in enumerate(rows) if line.startswith("1 ") and "IT" in line)
    finance = next(i for i, line in enumerate(rows) if "Finance" in line and "100%" in line)
    assert it < finance and "100.0" not in rows[finance], text.getvalue()
    assert any(line.startswith("Not scored: Finance") for line in rows), text.getvalue()
    sheet = io.StringIO()
    write_csv(report, sheet)
    finance_row = next(line for line in sheet.getvalue().splitlines()
                       if line.startswith("scorecard,") and ",finance," in line)
    assert finance_row.split(",")[1] == "" and finance_row.split(",")[10] == "", finance_row
    page = io.StringIO()
    write_html(report, page)
    assert "Not scored: Finance" in page.getvalue()


# --- T6: a desk that transferred a request out still received it ----------------------------

def test_a_desk_that_transferred_a_request_out_counts_it_received_and_says_so(chat):
    chat("@now 2026-11-16T09:00", "henry> /request finance cash advance trip",
         "@now 2026-11-16T11:05",  # the 2 h first response passed at 11:00
         "@now 2026-11-16T13:30", "bob> /request transfer FIN-1 it software")
    week, counts = _week(chat, W47)
    assert week["finance"].received == 1 and week["finance"].transferred_out == 1
    assert counts["finance"].received == 1
    assert week["it"].received == 1  # the request came to IT this week
    assert week["*"].received == 1  # the company received one request, not two
    out = _digest(chat("@now 2026-11-23T09:31"), "#finance-requests")
    # Before: "收到 0 个 … 首次响应 0%".
    assert "收到 1 个" in out and "其中 1 个已转交其他部门" in out, out
    assert "首次响应 0%" in out, out


def test_a_reopen_and_transfer_in_a_later_week_leave_the_earlier_desks_week_as_it_was(chat):
    chat(*CLOSED_AND_RATED_IN_W47,
         "@now 2026-11-24T09:00", "henry> /request reopen FIN-1 wrong account",
         "bob> /request transfer FIN-1 it software",
         "@now 2026-11-24T10:00", "kevin> /request resolve FIN-1 fixed",
         "henry> /request confirm FIN-1", "henry> /request rate FIN-1 4")
    w47, counts47 = _week(chat, W47)
    # Before: the close and the 5★ went with the request to IT, or were gone.
    assert (w47["finance"].closed, w47["finance"].stars) == (1, [5])
    assert (counts47["finance"].closed, counts47["finance"].stars) == (1, [5])
    assert (w47["it"].closed, w47["it"].stars) == (0, [])
    w48, _ = _week(chat, W48)
    assert (w48["it"].closed, w48["it"].stars, w48["it"].received) == (1, [4], 1)
    assert w48["finance"].transferred_out == 1 and w48["finance"].closed == 0
    assert w48["*"].received == 0  # nothing new came to the company
