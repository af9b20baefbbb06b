"""The digest and the scorecard measure a renegotiated week honestly, worked out by hand."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from handlers.digest import build_all
from handlers.digest_render import render
from handlers.negotiation_digest import Negotiated
from tests.conftest import local

W48 = date(2026, 11, 23)

# Admin meeting logistics: resolution in 1 business day (7.5 h). All four are opened on
# Monday 23 Nov at 09:00, due Monday 18:00.
WEEK = [
    "@now 2026-11-23T09:00",
    "alice> /request admin meeting one", "alice> /request admin meeting two",
    "alice> /request admin meeting three", "alice> /request admin meeting four",
    # ADM-4: proposed, declined (paused 30 min: due Tuesday 09:30); done Tuesday 09:00.
    "@now 2026-11-23T09:15", "nick> /request propose ADM-4 3d we rent chairs",
    # ADM-3: agreed for Tuesday 18:00 (paused 30 min: original Tuesday 09:30); done Thursday.
    "@now 2026-11-23T09:30", "nick> /request propose ADM-3 2026-11-24 the big room is free",
    "@now 2026-11-23T09:45", "alice> /request decline ADM-4 the clients come Monday",
    "@now 2026-11-23T10:00", "alice> /request accept ADM-3",
    # ADM-1: agreed for Wednesday 18:00 (paused 1 h: original Tuesday 10:00); done Wed 15:00.
    "nick> /request propose ADM-1 2026-11-25 the caterer can do Wednesday",
    "@now 2026-11-23T11:00", "alice> /request accept ADM-1",
    # ADM-2: no negotiation, done Monday 17:00.
    "@now 2026-11-23T17:00", "nick> /request resolve ADM-2 room booked",
    "@now 2026-11-24T09:00", "nick> /request resolve ADM-4 chairs borrowed",
    "@now 2026-11-25T15:00", "nick> /request resolve ADM-1 catering booked",
    "@now 2026-11-26T10:00", "nick> /request resolve ADM-3 room set up",
]


def test_the_digest_counts_renegotiated_requests_and_both_attainments(chat, desk_app):
    chat(*WEEK)
    with Session(desk_app.desk.engine) as s:
        digest = build_all(s, desk_app.desk, W48, local("2026-11-30T09:30"))["admin"]
    # renegotiated: ADM-1 and ADM-3 (ADM-4's proposal was declined)
    # agreed dates: ADM-1 met (Wed 15:00 ≤ Wed 18:00), ADM-3 missed (Thu > Tue 18:00): 1 of 2
    # original targets: ADM-1 missed (Tue 10:00), ADM-2 met, ADM-3 missed (Tue 09:30),
    #   ADM-4 met (Tue 09:00 ≤ Tue 09:30): 2 of 4
    # targets in force: ADM-1 met, ADM-2 met, ADM-3 missed, ADM-4 met: 3 of 4
    assert digest.negotiated == Negotiated(renegotiated=2, agreed=(1, 2), original=(2, 4),
                                           in_force=(3, 4))
    assert (digest.week.resolution_met, digest.week.resolution_total) == (3, 4)
    text = render(desk_app.desk, digest, "en", {}).text
    assert ("Renegotiated: 2 requests · agreed dates met 1 of 2 · resolution on time 50% "
            "against the original targets, 75% against the agreed ones") in text
    assert "resolution 75%" in text
    zh = render(desk_app.desk, digest, "zh-CN", {}).text
    assert ("重新协商：2 个请求 · 约定日期达成 1/2 · "
            "解决按时率：按原定时限 50%，按约定时限 75%") in zh


def test_a_desk_that_renegotiated_nothing_shows_no_line(chat, desk_app):
    chat(*WEEK)
    with Session(desk_app.desk.engine) as s:
        digest = build_all(s, desk_app.desk, W48, local("2026-11-30T09:30"))["finance"]
    assert digest.negotiated == Negotiated()
    assert "Renegotiated" not in render(desk_app.desk, digest, "en", {}).text


def test_the_scorecard_shows_the_original_attainment_beside_the_score(chat):
    chat(*WEEK)
    out = chat("@now 2026-11-30T10:00", "root> /request scorecard")
    line = next(x for x in out.splitlines() if "Admin:" in x)
    assert "resolution 75%" in line
    assert line.endswith(" · renegotiated 2, resolution 50% vs original targets")
    assert out.count("renegotiated") == 1  # the other desks renegotiated nothing
