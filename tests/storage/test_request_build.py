"""A new request built in one step (``request_store.build``) is the same row ``Request(...)``
would make: every column, stored, read back and changed later like any other."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from storage import request_store
from storage.models import Request

NOW = datetime(2026, 12, 7, 1, 30, tzinfo=UTC)
VALUES: dict[str, Any] = {
    "ref": "IT-7", "number": 7, "origin_department": "it", "department": "it",
    "category": "laptop", "requester_id": "alice", "requester_department": "sales",
    "priority": "P3", "state": "open", "title": "screen flickers", "details": "since Monday",
    "created_at": NOW, "updated_at": NOW, "clock_started_at": NOW, "next_sweep_at": NOW,
}
COLUMNS = [column.key for column in Request.__table__.columns]  # type: ignore[attr-defined]


def test_every_column_is_what_the_model_constructor_gives() -> None:
    built, constructed = request_store.build(**VALUES), Request(**VALUES)
    assert {c: getattr(built, c) for c in COLUMNS} == {c: getattr(constructed, c)
                                                       for c in COLUMNS}
    assert built.paused_seconds == 0 and built.assignee_id is None  # the model's defaults


def test_a_built_request_is_stored_read_back_and_changed_later(engine: Engine) -> None:
    with Session(engine) as session:
        request = request_store.build(**VALUES)
        request.first_response_due = NOW.replace(hour=3)  # set after building, as opens do
        request_store.insert_new(session, request)
        session.commit()
        request.state = "acknowledged"  # a later change on the same object flushes
        request.assignee_id = "dave"
        session.commit()
    with Session(engine) as session:
        stored = session.exec(select(Request)).one()
        assert (stored.ref, stored.title, stored.details, stored.requester_department) == (
            "IT-7", "screen flickers", "since Monday", "sales")
        assert (stored.state, stored.assignee_id, stored.paused_seconds, stored.cycle) == (
            "acknowledged", "dave", 0, 0)
        assert stored.first_response_due == NOW.replace(hour=3)
        assert stored.created_at == NOW


def test_a_missing_or_unknown_field_is_refused_before_anything_is_stored() -> None:
    with pytest.raises(TypeError, match="needs ref"):
        request_store.build(**{k: v for k, v in VALUES.items() if k != "ref"})
    with pytest.raises(TypeError, match="no colour"):
        request_store.build(**VALUES, colour="red")
