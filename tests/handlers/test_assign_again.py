"""Assigning a request to the person who has it already, by any of their names, changes
nothing and tells no one, as ``service`` to the service it is on."""

from __future__ import annotations

from sqlmodel import Session

from storage import request_store
from tests.handlers.test_chat_names_its_request import TWO, row

OPEN = TWO


def assigned(chat, ref: str) -> int:
    with Session(chat.app.desk.engine) as s:
        request = request_store.by_ref(s, ref)
        assert request is not None and request.id is not None
        return sum(e.kind == "assigned" for e in request_store.events(s, request.id))


def test_the_same_assignment_again_is_said_and_sent_to_no_one(chat):
    chat(*OPEN)
    first = chat("carol> /request assign FIN-1 bob")
    assert "[to bob]" in first and "[to henry]" in first
    before = row(chat, "FIN-1")
    again = chat("@now 2026-11-23T09:30", "carol> /request assign FIN-1 bob")
    assert again == "[reply] FIN-1 已经指派给 张伟 Bob Zhang，未做更改。\n"
    after = row(chat, "FIN-1")
    assert assigned(chat, "FIN-1") == 1
    assert (after.state, after.assignee_id, after.updated_at) == (
        before.state, before.assignee_id, before.updated_at)
    out = chat("root> /request assign FIN-1 张伟")
    assert out == "[reply] FIN-1 is already assigned to 张伟 Bob Zhang; nothing changed.\n"


def test_taking_a_request_by_four_names_is_one_notice(chat):
    chat(*OPEN)
    out = chat("bob> /request assign FIN-2 me", "bob> /request assign FIN-2 bob",
               "bob> /request assign FIN-2 张伟", "bob> /request assign FIN-2 Bob Zhang")
    assert out.count("认领了 FIN-2") == 1
    assert out.count("FIN-2 已经指派给 张伟 Bob Zhang，未做更改。") == 3
    assert assigned(chat, "FIN-2") == 1


def test_another_person_is_still_assigned(chat):
    chat(*OPEN, "carol> /request assign FIN-1 bob")
    out = chat("carol> /request assign FIN-1 me")
    assert "[reply] FIN-1 已指派给 刘芳 Carol Liu。" in out
    assert "[to henry] FIN-1（taxi 86）现由 刘芳 Carol Liu 负责处理。" in out
    assert row(chat, "FIN-1").assignee_id == "carol"
