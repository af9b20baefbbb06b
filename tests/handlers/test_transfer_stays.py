"""A transfer judges the targets the first desk leaves behind in that desk's own clock, and
each stay of a request at a desk is its own: a request that comes back (FIN → HR → FIN) is
nudged again and its targets count for the desk a second time.

The sample company: Mon-Fri 09:00-12:00 and 13:30-18:00 in Asia/Shanghai (7.5 h a day), no
public holiday in late November 2026; Production works its P1s round the clock."""

from __future__ import annotations

import re

from sqlmodel import Session, col, select

from storage.models import Breach
from tests.conftest import local
from tests.handlers.test_clock_ladder import company
from tests.handlers.test_digest_hardening import _digest
from tests.handlers.test_digest_targets_kept import _line
from tests.handlers.test_sweep import messages_to, req


def kept(chat) -> list[tuple[str, str, int, bool]]:
    """(desk, target, cycle, met) of every kept target, in the order they were kept."""
    with Session(chat.app.desk.engine) as s:
        rows = s.exec(select(Breach).order_by(col(Breach.id))).all()
    return [(b.department, b.target, b.cycle, b.met) for b in rows]


def p1_schedule(text: str) -> str:
    """Production's schedule service is a P1 service (round the clock at that desk)."""
    return re.sub(r'(key = "production-schedule"\n(?:.*\n){3})priority = "P2"',
                  r'\1priority = "P1"', text, count=1)


def test_a_transfer_judges_the_first_desks_resolution_in_that_desks_clock(
        tmp_path, engine, clock):
    chat = company(tmp_path, engine, clock, p1_schedule)
    # A P1 at Production, round the clock: "1d" is 7h30m, from Fri 11-27 22:00 to Sat 05:30.
    chat("@now 2026-11-27T22:00", "alice> /request production schedule line 2 stopped",
         "@now 2026-11-27T22:10", "jack> /request ack PRD-1")
    assert req(chat.app, "PRD-1").resolution_due == local("2026-11-28T05:30")
    # No sweep saw the target pass (the scheduler was down over the weekend): Jack proposes a
    # date at 06:00, and the proposal pauses the clock until Ivan hands the request to
    # Quality on Monday at 10:00 (an inspection: a P2 service, so it becomes a P2 there).
    clock.set(local("2026-11-28T06:00"))
    chat("jack> /request propose PRD-1 2026-12-02 a new pump")
    clock.set(local("2026-11-30T10:00"))
    out = chat("ivan> /request transfer PRD-1 quality inspection")
    assert "已转交质量部 · 检验（P2 高）" in out, out
    # In Production's clock the 52 h paused move 05:30 to Mon 09:30, past at 10:00: missed
    # there. Before, the pause was counted in the new P2's business time (Mon 09:00-10:00, 1
    # h), the target moved to Mon 10:00 exactly and was never kept: the miss was lost.
    assert kept(chat) == [("production", "first", 0, True),
                          ("production", "resolution", 0, False)]
    with Session(engine) as s:
        resolution = s.exec(select(Breach).where(Breach.target == "resolution")).one()
    assert resolution.due_at == local("2026-11-30T09:30")
    out = chat("@now 2026-12-07T10:00", "root> /request scorecard")  # the week of Nov 30
    assert "resolution 0%" in _line(out, "Production"), out


def test_a_request_back_at_a_desk_is_nudged_again_and_its_miss_is_kept_again(chat):
    # FIN-1 (a finance question, first response 4 h): due Mon 11-23 14:30, missed; the channel
    # hears of it. Finance hands it to HR, HR hands it back on Tuesday at 09:30.
    chat("@now 2026-11-23T09:00", "henry> /request finance question taxi")
    first = chat("@now 2026-11-23T14:31")
    assert "首次响应已超时 1分" in messages_to(first, "#finance-requests")[0], first
    chat("@now 2026-11-24T09:00", "bob> /request transfer FIN-1 hr recruitment",
         "@now 2026-11-24T09:30", "mia> /request transfer FIN-1 finance question")
    # Back at Finance: 4 h from Tue 09:30 (2h30m to noon, 1h30m after lunch) is 15:00; the
    # warning at 75% (1 h before, 14:00), then the breach. Before, both were taken for the
    # first stay's (the same keys) and never sent.
    assert req(chat.app, "FIN-1").first_response_due == local("2026-11-24T15:00")
    warned = chat("@now 2026-11-24T14:01")
    assert "首次响应剩余 59分" in messages_to(warned, "#finance-requests")[0], warned
    late = chat("@now 2026-11-24T15:01")
    assert "首次响应已超时 1分" in messages_to(late, "#finance-requests")[0], late
    chat("@now 2026-11-24T16:00", "bob> /request ack FIN-1")
    # Each stay's miss is kept for Finance (before, the second was dropped on the first's key
    # and the late answer was written on the first stay's row).
    assert [k[:2] + (k[3],) for k in kept(chat)] == [("finance", "first", False),
                                                     ("finance", "first", False)]
    with Session(chat.app.desk.engine) as s:
        rows = s.exec(select(Breach).order_by(col(Breach.id))).all()
    assert [r.late_seconds for r in rows] == [None, 3600]  # 15:00 to 16:00


def test_a_request_back_at_a_desk_counts_its_first_response_there_again(chat):
    # FIN-1's first response was due Mon 14:30 and missed; back at Finance on Tuesday 09:30
    # it is answered at 10:00, within the new 4 h: one missed, one met, 50 %.
    chat("@now 2026-11-23T09:00", "henry> /request finance question taxi",
         "@now 2026-11-23T14:31",
         "@now 2026-11-24T09:00", "bob> /request transfer FIN-1 hr recruitment",
         "@now 2026-11-24T09:30", "mia> /request transfer FIN-1 finance question",
         "@now 2026-11-24T10:00", "bob> /request ack FIN-1")
    out = chat("@now 2026-11-30T10:00", "root> /request scorecard")
    # before, the second stay's target was hidden behind the first stay's kept one: 0 %
    assert "first response 50%" in _line(out, "Finance"), out
    assert "首次响应 50%" in _digest(out, "#finance-requests")
