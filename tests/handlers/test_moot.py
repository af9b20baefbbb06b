"""Which buttons a done command makes moot: one set of predicates (``handlers.messages``) for
Slack's clicked and settled DM messages and WeCom's greyed cards."""

from __future__ import annotations

from handlers.messages import moot_after, moot_beside, moot_through, settles

ACK, RESOLVE = "/request ack FIN-1", "/request resolve FIN-1 <note>"
CONFIRM, OTHER = "/request confirm FIN-1", "/request ack FIN-2"


def test_a_click_settles_its_requests_buttons_on_that_message() -> None:
    assert settles(ACK) and settles("/request add FIN-1 7") and settles("model=x1")
    assert not settles("/request show FIN-1") and not settles("/request")
    assert moot_beside(ACK, RESOLVE) and moot_beside(ACK, ACK)
    assert not moot_beside(ACK, OTHER), "another request's buttons stay"
    assert not moot_beside(ACK, "/request show FIN-1"), "a look settles nothing"
    assert moot_beside("/request add FIN-1 7", "/request add FIN-2 7"), \
        "a choice answers its message's one question: all of its buttons go"


def test_someone_elses_act_settles_the_buttons_offering_its_commands() -> None:
    approvals = frozenset({"approve", "reject"})
    assert moot_through(approvals, "FIN-1", "/request approve FIN-1")
    assert moot_through(approvals, "FIN-1", "/request reject fin-1 <reason>")
    assert not moot_through(approvals, "FIN-2", "/request approve FIN-1"), "its request only"
    assert not moot_through(approvals, "FIN-1", CONFIRM)
    assert not moot_through(approvals, None, "/request approve FIN-1")


def test_a_command_settles_the_cards_it_makes_moot() -> None:
    done = ("ack", "FIN-1")
    assert moot_after(done, [ACK, RESOLVE], reached=True), "every card of it they got"
    assert moot_after(done, [CONFIRM], reached=True)
    assert not moot_after(done, [ACK], reached=False), "not one that went to someone else"
    assert not moot_after(done, [CONFIRM], reached=True, clicked=True), \
        "a click: only the other cards offering that same button"
    assert moot_after(done, [RESOLVE, ACK], reached=True, clicked=True)
    assert not moot_after(("assign", "FIN-1"), [ACK], reached=True), \
        "an assignment leaves the request's other buttons standing"
    assert moot_after(("assign", "FIN-1"), ["/request assign FIN-1 me"], reached=True)
    for ending in ("cancel", "answered", "transfer"):
        assert moot_after((ending, "FIN-1"), [CONFIRM], reached=False), \
            "gone from its desk: every card of it, whoever got it"
