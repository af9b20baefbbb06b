"""Counts in the database agree with the figures computed row by row; overdue order is stable."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlmodel import Session, col, select

from handlers.digest import WEEK, bounds, company, compute, tally
from storage.digest_counts import open_counts
from storage.digest_targets import overdue_at
from storage.models import Event, Request
from tests.bot.runtime.test_charts import WEEKS
from tests.conftest import local
from tests.handlers.test_digest import STORY, W47

COUNTS = ("received", "closed", "first_met", "first_total", "resolution_met",
          "resolution_total")


def _counts(figures):
    return {key: (tuple(getattr(f, name) for name in COUNTS), sorted(f.stars))
            for key, f in figures.items()}


def test_tally_counts_what_compute_counts(chat, desk_app):
    chat(*WEEKS)
    chat(*STORY)
    desk = desk_app.desk
    with Session(desk.engine) as s:
        for k in range(-1, 4):
            span = bounds(desk, W47 - WEEK * k)
            full, counted = compute(s, desk, *span), tally(s, desk, *span)
            assert _counts(counted) == _counts(full)
            assert all(f.open_at_end == 0 and not f.first_times for f in counted.values())
        assert _counts(compute(s, desk, *bounds(desk, W47)))["*"][0][0] > 0


def test_company_week_carries_the_open_count(chat, desk_app):
    chat(*WEEKS)
    desk = desk_app.desk
    with Session(desk.engine) as s:
        week, previous = company(s, desk, W47)
        full = compute(s, desk, *bounds(desk, W47))
        full_previous = compute(s, desk, *bounds(desk, W47 - WEEK))
    assert week["finance"].open_at_end == full["finance"].open_at_end == 1  # FIN-3
    assert week["*"].open_at_end == full["*"].open_at_end
    assert _counts(week) == _counts(full) and _counts(previous) == _counts(full_previous)


def test_open_counts_match_a_count_of_every_request(chat, desk_app):
    chat(*WEEKS)
    chat(*STORY)
    with Session(desk_app.desk.engine) as s:
        requests = list(s.exec(select(Request)))
        moves = list(s.exec(select(Event).where(Event.kind == "transferred")
                            .order_by(col(Event.id))))
        for at in ("2026-11-09T09:30", "2026-11-16T09:00", "2026-11-17T15:00",
                   "2026-11-18T10:30", "2026-11-23T00:00"):
            moment = local(at)

            def then(r: Request, moment=moment) -> str:  # the desk it was at (a later move)
                later = [m.note or "" for m in moves if m.request_id == r.id and m.at > moment]
                return later[0].partition("->")[0] if later else r.department

            expected = Counter(then(r) for r in requests if r.created_at < moment
                               and (r.closed_at is None or r.closed_at >= moment))
            assert open_counts(s, moment) == dict(expected)


def test_overdue_ties_come_in_request_order(chat, desk_app):
    chat("@now 2026-11-16T09:00", *[f"henry> /request finance reimbursement amount=86 trip {n}"
                                    for n in range(1, 6)])
    with Session(desk_app.desk.engine) as s:
        late = overdue_at(s, "finance", local("2026-11-16T09:00") + timedelta(days=7), 10)
    assert len(late) == 5 and len({r.resolution_due for r in late}) == 1
    assert [r.id for r in late] == sorted(r.id for r in late)
