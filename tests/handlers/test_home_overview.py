"""`/request home` in the console: each request of the overview names its id and, when
overdue, says so up front, as Slack's Home tab and WeCom show it (``handlers.views.home``)."""

from __future__ import annotations


def test_the_overview_names_each_request_and_marks_the_overdue_one(chat) -> None:
    chat("alice> /request finance reimbursement amount=86 hotel 300",
         "alice> /request finance reimbursement amount=86 urgent taxi !P1",
         "@now 2026-11-24T09:00")
    home = chat("bob> /request home").splitlines()
    urgent = next(line for line in home if "urgent taxi" in line)
    hotel = next(line for line in home if "hotel 300" in line)
    assert urgent.startswith("[reply] FIN-2 ⚠ 已超时 · [P1] urgent taxi — 待受理"), urgent
    assert hotel.startswith("[reply] FIN-1 [P3] hotel 300 — 待受理"), hotel
    assert "已超时" not in hotel
    mine = chat("alice> /request home").splitlines()
    assert any(line.startswith("[reply] FIN-2 ⚠ overdue · [P1] urgent taxi — open")
               for line in mine), "the requester's own list, in English"
