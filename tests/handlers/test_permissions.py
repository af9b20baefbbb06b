"""Who may do what: every refusal says who may, and nothing changes."""

from __future__ import annotations

import pytest
from sqlmodel import Session, func, select

from storage import request_store
from storage.models import Event, Outbox


def snapshot(app) -> tuple[str, str | None, int, int]:
    """State, assignee, event count and outbox count: what a refusal must leave alone."""
    with Session(app.desk.engine) as s:
        row = request_store.by_ref(s, "IT-1")
        assert row is not None
        n_events = s.exec(select(func.count()).select_from(Event)).one()
        n_outbox = s.exec(select(func.count()).select_from(Outbox)).one()
        return row.state, row.assignee_id, n_events, n_outbox


STAFF_ONLY = [
    ("ack IT-1", "acknowledge"),
    ("assign IT-1 kevin", "assign"),
    ("wait IT-1 why?", "ask the requester about"),
    ("resolve IT-1 done", "resolve"),
    ("transfer IT-1 finance", "transfer"),
]


@pytest.mark.parametrize(("command", "action"), STAFF_ONLY)
def test_requester_cannot_do_staff_actions(chat, command, action):
    chat("alice> /request it laptop broken")
    before = snapshot(chat.app)
    out = chat(f"alice> /request {command}")
    assert f"Only members of IT may {action} IT-1 (ask 孙磊 Dave Sun). Nothing was changed." in out
    assert snapshot(chat.app) == before


@pytest.mark.parametrize(("command", "action"), STAFF_ONLY)
def test_other_department_cannot_see_or_change(chat, command, action):
    chat("alice> /request it laptop broken")
    before = snapshot(chat.app)
    out = chat(f"bob> /request {command}")
    assert "找不到 IT-1" in out  # bob (Finance) cannot even see IT's request
    assert snapshot(chat.app) == before


@pytest.mark.parametrize(("command", "action"), [
    ("cancel IT-1", "cancel"), ("confirm IT-1", "confirm"), ("reopen IT-1 no", "reopen"),
    ("rate IT-1 5", "rate"),
])
def test_only_requester_may_cancel_confirm_reopen_rate(chat, command, action):
    chat("alice> /request it laptop broken", "kevin> /request resolve IT-1 fixed")
    before = snapshot(chat.app)
    out = chat(f"dave> /request {command}")
    assert "只有提单人 王丽 Alice Wang 才能" in out and "未做任何更改" in out
    assert snapshot(chat.app) == before


def test_outsider_cannot_comment_or_show(chat):
    chat("alice> /request it laptop broken")
    before = snapshot(chat.app)
    assert "找不到 IT-1" in chat("bob> /request comment IT-1 hello")
    assert "找不到 IT-1" in chat("bob> /request show IT-1")
    assert snapshot(chat.app) == before


def test_requester_sees_only_own_requests(chat):
    chat("alice> /request it laptop mine", "henry> /request it laptop his")
    assert "IT-2" not in chat("alice> /request list")
    assert "can't find request IT-2" in chat("alice> /request show IT-2")


def test_admin_may_do_anything(chat):
    chat("alice> /request it laptop broken")
    assert "You acknowledged IT-1" in chat("root> /request ack IT-1")
    assert "IT-1 is cancelled" in chat("root> /request cancel IT-1")


def test_lead_of_department_may_act(chat):
    chat("alice> /request it laptop broken")
    assert "已受理" in chat("dave> /request ack IT-1")


def test_unknown_person_is_registered_as_requester(chat):
    out = chat("zoe> /request it laptop new starter")
    assert "IT-1" in out
    assert "找不到 IT-1" not in chat("zoe> /request show IT-1")
    assert "您不属于任何部门" in chat("zoe> /request queue")
