"""Ctx's notices: a desk's message names who heard it already from the same command (TOLD),
so a platform copying it to each member skips them; of a card, only those who were offered
its buttons in person."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session, col, select

from bot.runtime.clock import ManualClock
from handlers.context import Ctx, button
from handlers.messages import TOLD, Message
from storage import people, request_store
from storage.engine import transaction
from storage.models import Outbox
from tests.conftest import Transcript


def _card(*commands: str) -> Callable[[str], Message]:
    buttons = tuple(button(locale="en", key="button.ack", command=c, action="ack")
                    for c in commands)
    return lambda locale: Message(text="IT-1 news", locale=locale, buttons=buttons)


def test_a_card_is_told_only_to_those_offered_its_buttons_in_person(
        chat: Transcript, clock: ManualClock) -> None:
    chat("alice> /request it laptop the screen flickers")
    engine = chat.app.desk.engine
    ack, assign = "/request ack IT-1", "/request assign IT-1 me"
    with transaction(engine) as session:
        actor = people.get(session, "alice")
        request = request_store.by_ref(session, "IT-1")
        assert actor is not None and request is not None
        ctx = Ctx(desk=chat.app.desk, session=session, actor=actor, now=clock(), locale="en")
        ctx.notify_person("dave", _card(), request)  # told, without the buttons
        ctx.notify_person("kevin", _card(ack, assign), request)
        ctx.notify_channel("it", _card(ack, assign), request)  # dave still needs them
        ctx.notify_channel("it", _card(), request)  # no buttons: everyone told has heard it
        ctx.notify_channel("it", _card(ack))  # about several requests: for every member
    with Session(engine) as session:
        rows = session.exec(select(Outbox).where(col(Outbox.target) == "dept:it")
                            .order_by(col(Outbox.id))).all()
    assert [r.payload["extra"][TOLD] for r in rows[-3:]] == [
        ["kevin"], ["alice", "dave", "kevin"], []]


def test_a_desk_message_skips_only_those_told_of_the_same_request(
        chat: Transcript, clock: ManualClock) -> None:
    """A sweep tells of many requests in one go: a member nudged in person about one request
    still gets the desk's message about another."""
    chat("alice> /request it laptop the screen flickers")
    chat("alice> /request it laptop the keyboard sticks")
    engine = chat.app.desk.engine
    with transaction(engine) as session:
        actor = people.get(session, "alice")
        first = request_store.by_ref(session, "IT-1")
        second = request_store.by_ref(session, "IT-2")
        assert actor is not None and first is not None and second is not None
        ctx = Ctx(desk=chat.app.desk, session=session, actor=actor, now=clock(), locale="en")
        ctx.notify_person("dave", _card(), first)
        ctx.notify_channel("it", _card(), second)
        ctx.notify_channel("it", _card(), first)
    with Session(engine) as session:
        rows = session.exec(select(Outbox).where(col(Outbox.target) == "dept:it")
                            .order_by(col(Outbox.id))).all()
    assert [r.payload["extra"][TOLD] for r in rows[-2:]] == [["alice"], ["alice", "dave"]]
