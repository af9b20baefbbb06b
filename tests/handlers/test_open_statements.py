"""Opening a request asks the database only what it must: the new row and what the change
writes, never the form values of a request that has none (they are known to be none)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event
from sqlmodel import Session, col, select

from storage.models import Event, Outbox, Request
from tests.conftest import Transcript


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL the engine runs meanwhile, one line each."""
    seen: list[str] = []

    def record(_conn: object, _cursor: object, sql: str, *_args: object) -> None:
        seen.append(" ".join(sql.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_an_open_without_a_form_reads_no_form_values_and_stores_everything(
        chat: Transcript) -> None:
    engine = chat.app.desk.engine
    with statements(engine) as seen:
        said = chat("alice> /request it laptop the screen flickers")
    assert "Opened IT-1" in said
    assert not [s for s in seen if "FROM request_field" in s], seen
    assert len([s for s in seen if s.startswith("INSERT INTO request ")]) == 1
    with Session(engine) as session:
        request = session.exec(select(Request)).one()
        assert (request.ref, request.requester_id, request.state) == ("IT-1", "alice", "open")
        assert [e.kind for e in session.exec(select(Event))] == ["opened"]
        notices = session.exec(select(Outbox).order_by(col(Outbox.id))).all()
        assert {n.target for n in notices} == {"dept:it", "person:alice"}
        assert all(n.request_id == request.id for n in notices)


def test_a_newcomer_opens_a_request_and_it_changes_later_like_any_other(
        chat: Transcript) -> None:
    said = chat("zoe> /request it laptop the screen flickers")  # first contact: registered
    assert "IT-1" in said  # (in the desk's default language: zh-CN)
    chat("dave> /request ack IT-1")
    with Session(chat.app.desk.engine) as session:
        request = session.exec(select(Request)).one()
        assert (request.requester_id, request.state, request.assignee_id) == (
            "zoe", "acknowledged", "dave")
