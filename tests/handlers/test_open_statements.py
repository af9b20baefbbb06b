"""Opening a request asks the database only what it must: the new row and what the change
writes, never the form values of a request that has none (they are known to be none); the
notices a command writes together go in one statement, in the order they were told."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session, col, select

from bot.runtime.clock import ManualClock
from handlers.context import Ctx, Refusal
from handlers.messages import Message
from storage import people
from storage.engine import transaction
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


def test_an_open_writes_its_two_notices_in_one_insert_channel_first(chat: Transcript) -> None:
    engine = chat.app.desk.engine
    with statements(engine) as seen:
        chat("alice> /request it laptop the screen flickers")
    assert len([s for s in seen if s.startswith("INSERT INTO outbox")]) == 1, seen
    with Session(engine) as session:
        notices = session.exec(select(Outbox).order_by(col(Outbox.id))).all()
    assert [n.target for n in notices] == ["dept:it", "person:alice"]
    assert "IT-1" in notices[0].payload["text"] and "IT-1" in notices[1].payload["text"]


def _ctx(chat: Transcript, session: Session, clock: ManualClock) -> Ctx:
    actor = people.get(session, "alice")
    assert actor is not None
    return Ctx(desk=chat.app.desk, session=session, actor=actor, now=clock(), locale="en")


def _say(text: str) -> Callable[[str], Message]:
    return lambda locale: Message(text=text, locale=locale)


def test_batched_notices_keep_the_order_they_were_told_in(chat: Transcript,
                                                          clock: ManualClock) -> None:
    engine = chat.app.desk.engine
    chat("alice> /request help")  # alice is registered
    with transaction(engine) as session:
        ctx = _ctx(chat, session, clock)
        with ctx.batched():
            ctx.notify_person("bob", _say("first"))
            ctx.notify_channel("it", _say("second"))
            ctx.notify_person("bob", _say("third"), dedupe_key="k-3")  # written at once
            with ctx.batched():  # nested: the outer block writes these
                ctx.notify_person("bob", _say("fourth"))
            ctx.notify_person("carol", _say("fifth"))
        assert ctx.queued == 5
    with Session(engine) as session:
        rows = session.exec(select(Outbox).order_by(col(Outbox.id))).all()
    assert [r.payload["text"] for r in rows] == ["first", "second", "third", "fourth", "fifth"]
    assert [r.target for r in rows] == ["person:bob", "dept:it", "person:bob", "person:bob",
                                        "person:carol"]


def test_a_refusal_inside_a_batch_writes_none_of_its_notices(chat: Transcript,
                                                             clock: ManualClock) -> None:
    engine = chat.app.desk.engine
    chat("alice> /request help")
    with transaction(engine) as session:
        ctx = _ctx(chat, session, clock)
        ctx.notify_person("bob", _say("kept"))
        with pytest.raises(Refusal), ctx.batched():
            ctx.notify_person("bob", _say("dropped"))
            raise Refusal("err.not_a_command")
        ctx.notify_person("bob", _say("kept too"))
    with Session(engine) as session:
        rows = session.exec(select(Outbox).order_by(col(Outbox.id))).all()
    assert [r.payload["text"] for r in rows] == ["kept", "kept too"]
