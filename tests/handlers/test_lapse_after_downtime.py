"""A desk proposal that lapsed while crossdesk was down lapses at its due moment, not when
the sweep catches up: the pause ends then, the resolution target is what an on-time sweep
would have made it, the history is dated then, and the late messages say when it lapsed."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from storage.models import Event
from tests.conftest import local
from tests.handlers.test_negotiation import opened, proposals, req


def lapse_event_at(app, ref: str) -> datetime:
    row = req(app, ref)
    with Session(app.desk.engine) as s:
        return s.exec(select(Event.at).where(Event.request_id == row.id,
                                             Event.kind == "proposal_lapsed")
                      .order_by(col(Event.id))).one()


def proposed(chat) -> None:
    """Target Friday 27 Nov 18:00; Bob proposes on Monday 23 Nov 10:00 a date after the
    3-day lapse: unanswered, it lapses on Thursday 26 Nov 10:00."""
    opened(chat)
    out = chat("@now 2026-11-23T10:00", "bob> /request propose FIN-1 2026-12-10 after the audit")
    assert "Unanswered, it lapses on 2026-11-26 10:00." in out


def test_a_lapse_swept_on_time(chat):
    proposed(chat)
    chat("@now 2026-11-24T10:00")  # the reminder
    out = chat("@now 2026-11-26T10:00")
    assert ("lapsed without an answer. The target moved by the time it waited for your "
            "answer, from 2026-11-27 18:00 to 2026-12-02 18:00") in out
    assert req(chat.app, "FIN-1").resolution_due == local("2026-12-02T18:00")
    assert lapse_event_at(chat.app, "FIN-1") == local("2026-11-26T10:00")


def test_a_lapse_after_three_business_days_of_downtime_counts_from_its_due_moment(chat):
    proposed(chat)
    # down from Monday 10:00 until Tuesday 1 Dec 10:00, three business days after the lapse
    out = chat("@now 2026-12-01T10:00")
    row = req(chat.app, "FIN-1")
    # paused Mon 10:00 to Thu 10:00, three business days: Fri 27 18:00 becomes Wed 2 Dec,
    # as on time, not Mon 7 Dec (the downtime counted as paused)
    assert row.paused_at is None and row.proposed_at is None
    assert row.paused_seconds == int(timedelta(hours=3 * 7.5).total_seconds())
    assert row.resolution_due == local("2026-12-02T18:00")
    assert lapse_event_at(chat.app, "FIN-1") == local("2026-11-26T10:00")
    assert [(p.state, p.decided_at) for p in proposals(chat.app, "FIN-1")] == [
        ("lapsed", local("2026-11-26T10:00"))]
    # told now, saying when it lapsed; no reminder to answer a proposal that has lapsed
    assert "Reminder" not in out and "Accept -> /request accept FIN-1" not in out
    assert ("[to alice] The proposal on your request FIN-1 (codes for the trade fair) lapsed "
            "without an answer on 2026-11-26 10:00. The target moved by the time it waited "
            "for your answer, from 2026-11-27 18:00 to 2026-12-02 18:00") in out
    assert ("[to #finance-requests] FIN-1（codes for the trade fair）：提单人 3个工作日内未答复"
            "方案，方案已于 2026-11-26 10:00 失效。时限按等待提单人答复的时间顺延，"
            "由 2026-11-27 18:00 改为 2026-12-02 18:00") in out
    out = chat("alice> /request show FIN-1")
    assert "Resolution: 2026-12-02 18:00 (in " in out and "paused" not in out


def test_a_lapse_by_its_date_after_downtime_ends_the_pause_at_that_date(chat):
    chat("alice> /request finance question deposit for the expo booth")
    chat("bob> /request propose FIN-1 tomorrow")  # Monday 09:00: lapses Tuesday 18:00
    out = chat("@now 2026-11-27T10:00")  # down until Friday
    assert "lapsed: its date, 2026-11-24 18:00, passed without an answer" in out
    row = req(chat.app, "FIN-1")
    # paused Monday 09:00 to Tuesday 18:00, as on time: Wednesday 18:00 becomes Friday 18:00
    assert row.paused_seconds == int(timedelta(hours=15).total_seconds())
    assert row.resolution_due == local("2026-11-27T18:00")
    assert lapse_event_at(chat.app, "FIN-1") == local("2026-11-24T18:00")


def closed_event_at(app, ref: str) -> datetime:
    row = req(app, ref)
    with Session(app.desk.engine) as s:
        return s.exec(select(Event.at).where(Event.request_id == row.id,
                                             Event.kind == "auto_closed")).one()


def test_an_auto_close_after_downtime_closes_at_its_due_moment(chat):
    """Henry's reimbursement waits on him from Monday 23 Nov 09:00; five business days
    unanswered, it closes at the end of Friday 27 Nov, though the sweep comes on Thursday."""
    chat("henry> /request finance reimbursement taxi 86 CNY", "bob> /request wait FIN-1 发票呢？")
    due = req(chat.app, "FIN-1").resolution_due
    assert due is not None
    out = chat("@now 2026-12-03T10:00")
    assert "自动关闭" in out
    row = req(chat.app, "FIN-1")
    assert row.state == "closed" and row.closed_at == local("2026-11-27T18:00")
    assert closed_event_at(chat.app, "FIN-1") == local("2026-11-27T18:00")
    # the five business days waited on Henry do not count, the downtime after them does
    assert row.paused_seconds == int(timedelta(hours=5 * 7.5).total_seconds())
    clock = chat.app.desk.clock_for(row)
    assert row.resolution_due == clock.add_business_time(due, timedelta(hours=5 * 7.5))
