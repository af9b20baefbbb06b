"""A request's Rate… button is offered only while the requester may still rate it: once a
rating is final (older than the change window), or when they resolved it themselves,
pressing it would only be refused, so `show` and the home view leave it out."""

from __future__ import annotations

RATE = "-> /request rate FIN-1"
CLOSED = ["@now 2026-11-23T09:00", "alice> /request finance reimbursement amount=86 taxi",
          "bob> /request resolve FIN-1 paid", "alice> /request confirm FIN-1"]


def test_rate_is_offered_until_the_rating_is_final(chat):
    chat(*CLOSED)
    assert RATE in chat("alice> /request show FIN-1"), "not rated yet: Rate… is offered"
    chat("alice> /request rate FIN-1 4 quick")
    assert RATE in chat("@now 2026-11-23T12:00", "alice> /request show FIN-1"), \
        "within the change window the rating can still change"
    later = chat("@now 2026-11-26T09:00", "alice> /request show FIN-1")
    assert "FIN-1" in later and RATE not in later
    assert "final" in chat("alice> /request rate FIN-1 5"), "the button's command is refused"


def test_no_rate_button_for_the_requesters_own_resolution(chat):
    chat("@now 2026-11-23T09:00", "bob> /request finance reimbursement amount=86 taxi",
         "bob> /request resolve FIN-1 done myself")
    chat("@now 2026-11-27T09:00")  # auto-closed by now
    shown = chat("bob> /request show FIN-1")
    assert "closed" in shown.lower() or "已关闭" in shown
    assert RATE not in shown
