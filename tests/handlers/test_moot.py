"""Which buttons a done command makes moot: one set of predicates (``handlers.messages``) for
Slack's clicked and settled DM messages and WeCom's greyed cards."""

from __future__ import annotations

from handlers.messages import (
    EVERYONE,
    REACH,
    SETTLE,
    SPARE,
    Message,
    moot_beside,
    moot_now,
    moot_through,
    settled_here,
    settles,
)

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


def test_a_command_makes_moot_what_the_request_now_refuses() -> None:
    assert "ack" in moot_now("ack") and "confirm" in moot_now("ack")
    assert "resolve" not in moot_now("ack"), "an acknowledged request is still resolved"
    assert moot_now("assign") == {"assign"}, \
        "an assignment leaves the request's other buttons standing"
    assert {"ack", "resolve", "cancel"} <= moot_now("resolve")
    assert not {"confirm", "reopen"} & moot_now("resolve"), "the requester's answer stays"
    for ending in ("cancel", "answered", "transfer"):
        assert {"ack", "confirm", "approve"} <= moot_now(ending), "gone from its desk"
    assert moot_now("show") == frozenset()


def test_a_settle_row_reaches_its_person_their_desks_or_everyone() -> None:
    def row(**extra: object) -> Message:
        return Message(text="✓", target="person:bob", request_ref="FIN-1", kind=SETTLE,
                       extra={SETTLE: ["ack"], **extra})

    assert settled_here(row(), "person:bob", [ACK, RESOLVE])
    assert not settled_here(row(), "person:bob", [RESOLVE]), "only buttons it names"
    assert not settled_here(row(), "person:bob", [OTHER]), "its request only"
    assert not settled_here(row(), "dept:finance", [ACK]), "by default, its person only"
    desks = row(**{REACH: ["person:bob", "dept:finance"]})
    assert settled_here(desks, "dept:finance", [ACK])
    assert not settled_here(desks, "person:carol", [ACK])
    everyone = row(**{REACH: [EVERYONE], SPARE: ["dept:hr"]})
    assert settled_here(everyone, "person:carol", [ACK])
    assert not settled_here(everyone, "dept:hr", [ACK]), "offered anew by the same command"
