"""Approval time is measured apart (#18): the digest and the scorecard show its median per
service, and the desk's own times run from the last approval, so it is never blamed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from handlers.digest import build_all
from handlers.digest_render import render
from tests.conftest import local
from tests.handlers.test_approval import company

W48 = date(2026, 11, 23)


@pytest.fixture
def desk(tmp_path, engine, clock):
    return company(tmp_path, engine, clock)


def test_digest_and_scorecard_show_the_median_approval_time_and_spare_the_desk(desk, clock):
    desk("alice> /request finance reimbursement 金额=86 taxi")           # Mon 09:00
    clock.set(local("2026-11-25T10:00"))                                 # two days later
    desk("henry> approve FIN-1")
    clock.set(local("2026-11-25T11:00"))
    desk("bob> /request ack FIN-1", "bob> /request resolve FIN-1 paid", "alice> confirm FIN-1")
    desk("alice> /request finance reimbursement 金额=90 bus")            # Wed 11:00
    clock.set(local("2026-11-25T14:30"))                                 # 2h business later
    desk("henry> approve FIN-2", "bob> /request ack FIN-2")
    desk("henry> /request finance reimbursement 金额=70 train")          # never approved

    with Session(desk.app.desk.engine) as s:
        digest = build_all(s, desk.app.desk, W48, local("2026-11-30T09:30"))["finance"]
    # from the last approval: 1h and at once, both met (not two days late)
    assert sorted(round(t.total_seconds() / 3600) for t in digest.week.first_times) == [0, 1]
    assert (digest.week.first_met, digest.week.first_total) == (2, 2)
    text = render(desk.app.desk, digest, "en", {}).text
    # the median of two approval times is their mean (9h: 1 working day of 7.5h and 1h30m),
    # not the lower one
    assert "Approval time (median, not counted against the desk): Reimbursement " \
        "1 working day 1h 30m" in text
    zh = render(desk.app.desk, digest, "zh-CN", {}).text
    assert "审批用时（中位数，不计入服务台时限）：报销 1个工作日1小时30分" in zh

    card = desk("@now 2026-11-30T10:00", "root> /request scorecard")
    assert "Approval time (median, not counted against the desk): Finance · Reimbursement " \
        "1 working day 1h 30m" in card
