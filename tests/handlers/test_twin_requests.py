"""The same request sent twice (a double click, a message sent again by hand) opens two, as a
second taxi ride of the same fare would; the answer says so and how to cancel the double."""

from __future__ import annotations

from sqlmodel import Session

from storage import request_store

TAXI = "henry> /request 财务 报销 出租车 86元"


def test_the_same_words_again_soon_say_which_request_they_repeat(chat):
    chat("@now 2026-11-23T09:00", TAXI)
    out = chat("@now 2026-11-23T09:02", TAXI)
    assert "已提交 FIN-2" in out
    assert ("您几分钟前已用相同内容提交了 FIN-1。"
            "如果 FIN-2 是重复提交，请取消：`/request 取消 FIN-2`。") in out
    with Session(chat.app.desk.engine) as s:
        assert request_store.by_ref(s, "FIN-2") is not None, "both are open: it may be meant"


def test_other_words_later_requests_or_a_closed_one_are_no_twins(chat):
    chat("@now 2026-11-23T09:00", TAXI)
    assert "重复" not in chat("henry> /request 财务 报销 出租车 90元")
    assert "重复" not in chat("@now 2026-11-23T09:30", TAXI), "half an hour later: meant"
    assert "重复" not in chat("alice> /request finance reimbursement 出租车 86元")
    chat("@now 2026-11-23T09:31", "henry> /request 取消 FIN-3")
    assert "重复" not in chat("@now 2026-11-23T09:32", TAXI), "FIN-3 was cancelled"


def test_in_english_too(chat):
    chat("@now 2026-11-23T09:00", "alice> /request finance reimbursement taxi 86 CNY")
    out = chat("alice> /request finance reimbursement taxi 86 CNY")
    assert ("You opened FIN-1 with the same words a few minutes ago. If FIN-2 is a double, "
            "cancel it: `/request cancel FIN-2`.") in out
