"""Weekly digest figures against a hand-computed week, rendering, and posting once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from handlers.digest import bounds, build_all, compute, parse_week, percentile, week_label
from handlers.digest_post import DigestPolicy, due_moment, post_due
from handlers.digest_render import render, score
from storage.models import Outbox
from tests.conftest import local

H = timedelta(hours=1)
M = timedelta(minutes=1)
W47 = date(2026, 11, 16)

STORY = [
    # FIN-1: acknowledged after 1h, one hour waiting on the requester, resolved at 16:00.
    "@now 2026-11-16T09:00", "henry> /request finance reimbursement amount=86 taxi",
    "@now 2026-11-16T10:00", "bob> /request ack FIN-1", "bob> /request wait FIN-1 invoice?",
    "@now 2026-11-16T11:00", "henry> /request comment FIN-1 uploaded",
    # FIN-5: resolved, confirmed, reopened, resolved again: counted once.
    "@now 2026-11-16T14:00", "henry> /request finance cash advance trip",
    "@now 2026-11-16T15:00", "bob> /request resolve FIN-2 sent",
    "henry> /request confirm FIN-2", "@now 2026-11-16T15:30",
    "henry> /request reopen FIN-2 wrong amount",
    "@now 2026-11-16T16:00", "bob> /request resolve FIN-1 paid", "henry> /request confirm FIN-1",
    "bob> /request resolve FIN-2 fixed", "henry> /request confirm FIN-2",
    "henry> /request rate FIN-1 5 great #timely",
    # FIN-3: first response a day late; resolved an hour later; rated 2.
    "@now 2026-11-17T09:00", "alice> /request finance reimbursement amount=86 hotel",
    "@now 2026-11-18T09:00", "bob> /request ack FIN-3",
    "@now 2026-11-18T10:00", "bob> /request resolve FIN-3 paid", "alice> /request confirm FIN-3",
    "alice> /request rate FIN-3 2 slow",
    # IT-1: Finance is IT's customer (the relation is mutual).
    "bob> /request it laptop broken", "@now 2026-11-18T11:00",
    "kevin> /request resolve IT-1 swapped", "bob> /request confirm IT-1",
    # FIN-4: transferred to IT, closed there: it counts for IT.
    "@now 2026-11-19T09:00", "dave> /request finance cost accounting budget codes",
    "@now 2026-11-19T10:00", "bob> /request transfer FIN-4 it software",
    "@now 2026-11-19T11:00", "kevin> /request resolve FIN-4 done", "dave> /request confirm FIN-4",
    # FIN-5: cancelled: received, but not in attainment.
    "@now 2026-11-20T09:00", "henry> /request finance reimbursement amount=86 lunch",
    "henry> /request cancel FIN-5",
]


@pytest.fixture
def week(chat, desk_app):
    chat(*STORY)
    with Session(desk_app.desk.engine) as s:
        return compute(s, desk_app.desk, *bounds(desk_app.desk, W47))


def test_finance_figures_match_hand_computation(week):
    f = week["finance"]
    assert f.received == 5 and f.transferred_out == 1  # FIN-1 … FIN-5; FIN-4 moved to IT
    assert f.closed == 3  # FIN-1, FIN-2 once despite the reopen, FIN-3
    assert f.open_at_end == 0
    # first responses: 1h, 1h (the resolve), 7h30 (a whole business day late)
    assert sorted(f.first_times) == [H, H, 7 * H + 30 * M]
    assert (f.first_met, f.first_total) == (2, 3)
    assert percentile(f.first_times, 0.5) == H
    assert percentile(f.first_times, 0.9) == 7 * H + 30 * M
    # resolution: FIN-1 09:00→16:00 is 5h30 minus 1h waiting; FIN-2 1h, then 30m from its
    # reopen (never the half hour it sat closed); FIN-3 8h30
    assert sorted(f.resolution_times) == [30 * M, H, 4 * H + 30 * M, 8 * H + 30 * M]
    assert f.resolution_attainment == 1.0
    assert f.stars == [5, 2] or sorted(f.stars) == [2, 5]
    assert f.rating_avg == 3.5
    assert f.response_rate == pytest.approx(2 / 3)
    assert f.tags["timely"] == 1
    assert f.customers == {"sales": 4, "it": 1}  # FIN-4 came from IT's Dave


def test_transferred_request_counts_for_the_owner_at_close_and_mutual_relations(week):
    it = week["it"]
    assert it.received == 2 and it.closed == 2  # IT-1 and the transferred FIN-4
    assert it.customers == {"finance": 1, "it": 1}
    assert week["*"].received == 6 and week["*"].closed == 5


def test_empty_week_has_no_figures_and_is_quiet(desk_app, clock):
    with Session(desk_app.desk.engine) as s:
        figures = compute(s, desk_app.desk, *bounds(desk_app.desk, W47))
        digests = build_all(s, desk_app.desk, W47, clock())
    f = figures["finance"]
    assert (f.received, f.closed, f.first_attainment, f.rating_avg) == (0, 0, None, None)
    assert digests["finance"].is_quiet()
    message = render(desk_app.desk, digests["finance"], "en", {})
    assert "no ratings this week" in message.text and "median —" in message.text


def test_holiday_is_not_counted_in_first_response(chat, desk_app):
    chat("@now 2026-09-30T17:30",
         "henry> /request finance reimbursement amount=86 before the holiday",
         "@now 2026-10-08T09:30", "bob> /request ack FIN-1")
    with Session(desk_app.desk.engine) as s:
        f = compute(s, desk_app.desk, *bounds(desk_app.desk, parse_week("2026-W41")))["finance"]
    assert f.first_times == [H]  # 30 minutes on 30 Sep, 30 minutes on 8 Oct
    assert f.first_attainment == 1.0


def test_render_in_both_languages(chat, desk_app):
    chat(*STORY)
    with Session(desk_app.desk.engine) as s:
        digest = build_all(s, desk_app.desk, W47, local("2026-11-23T09:30"))["finance"]
    zh = render(desk_app.desk, digest, "zh-CN", {}).text
    en = render(desk_app.desk, digest, "en", {}).text
    assert "财务部周报 · 2026-W47（11-16 至 11-22）" in zh
    assert "收到 5 个" in zh and "首次响应 67%" in zh and "解决 100%" in zh
    assert "3.5★，共 2 个评分" in zh and "#及时×1" in zh and "我们的内部客户：销售部 4" in zh
    assert "Finance — week 2026-W47" in en
    assert "5 received" in en and "first response 67%" in en
    assert "first response median 1h, p90 1 working day" in en  # 7h30: one finance day
    # the median of 30m, 1h, 4h30 and 8h30: the mean of the two middle ones
    assert "resolution median 2h 45m, p90 1 working day 1h" in en
    assert "“slow” (2★, FIN-3)" in en and "“great” (5★, FIN-1)" in en
    assert len(en.splitlines()) <= 15  # a 30-second read


def test_score_formula():
    from handlers.digest import Figures

    f = Figures(first_met=3, first_total=4, resolution_met=1, resolution_total=1, stars=[5, 4])
    # timeliness (0.75 + 1.0) / 2 = 0.875; satisfaction (4.5 - 1) / 4 = 0.875
    assert score(f) == pytest.approx(87.5)
    assert score(f, timeliness_weight=1.0) == pytest.approx(87.5)
    assert score(Figures()) is None


def test_digest_posts_once_per_department_and_week(chat, desk_app):
    chat(*STORY)
    policy = DigestPolicy()
    assert post_due(desk_app.desk, local("2026-11-23T09:29"), policy) == []
    first = post_due(desk_app.desk, local("2026-11-23T09:30"), policy)
    assert "digest:finance:2026-W47" in first and "digest:it:2026-W47" in first
    assert "digest:sales:2026-W47" not in first  # a quiet department gets no message
    assert post_due(desk_app.desk, local("2026-11-23T10:00"), policy) == []
    with Session(desk_app.desk.engine) as s:
        digests = [o for o in s.exec(select(Outbox)) if o.payload.get("kind") == "digest"]
    assert sorted(o.target for o in digests) == ["dept:finance", "dept:it"]


def test_missed_monday_posts_late_once(chat, desk_app):
    chat(*STORY)
    late = post_due(desk_app.desk, local("2026-11-25T15:00"), DigestPolicy())
    assert "digest:finance:2026-W47" in late
    assert post_due(desk_app.desk, local("2026-11-26T15:00"), DigestPolicy()) == []


def test_holiday_monday_moves_the_digest_to_the_next_working_day(desk_app):
    # the week of 28 Sep; Monday 5 Oct to Wednesday 7 Oct are National Day holidays
    moment = due_moment(desk_app.desk, "finance", date(2026, 9, 28), DigestPolicy())
    assert moment == local("2026-10-08T09:30")
    # the 24×7 maintenance desk still gets it on Monday
    moment = due_moment(desk_app.desk, "maintenance", date(2026, 9, 28), DigestPolicy())
    assert moment == local("2026-10-05T09:30")


def test_scheduled_digest_through_console_and_anonymous_suggestion(chat):
    chat(*STORY)
    chat("henry> /suggest --anon finance please accept e-invoices")
    out = chat("@now 2026-11-23T09:31")
    finance = out.split("[to #finance-requests]")[1]
    assert "收到建议：1 条" in finance and "匿名同事" in finance
    assert "henry" not in finance.lower() and "李华" not in finance.split("建议")[1]
    assert "[to #service-office] 🏆 服务记分卡 · 2026-W47" in out
    assert week_label(W47) == "2026-W47"
