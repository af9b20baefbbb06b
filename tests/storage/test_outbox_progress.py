"""A row's progress (``Outbox.progress``): what a try of a message of several calls sent is
stored with the row as it goes, and the next try, by any dispatcher, gets it with the message
(``delivery_progress.resumed``), unless it is about other content or was kept by another sender."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, update
from sqlmodel import Session, select

from bot.runtime.clock import ManualClock
from bot.runtime.delivery_progress import keep_progress, resumed
from bot.runtime.dispatch import DeliveryError, Dispatcher
from handlers.messages import Message
from storage import outbox
from storage.engine import transaction
from storage.models import Outbox


class TwoParts:
    """A platform whose messages take two calls: the first try sends one part and fails."""

    def __init__(self, engine: Engine, name: str = "two") -> None:
        self.engine = engine
        self.name = name
        self.found: list[dict[str, Any] | None] = []

    def send(self, message: Message, thread_ref: str | None) -> str | None:
        note = resumed(message, self.name)
        self.found.append(note)
        if note is None:
            keep_progress(self.engine, message, self.name, {"next": 1, "ref": "m-1"})
            raise DeliveryError("the second part: 503")
        return str(note["ref"])


def queue(engine: Engine, clock: ManualClock, text: str = "hello") -> None:
    with transaction(engine) as session:
        outbox.enqueue(session, "person:bob", Message(text, "person:bob").to_dict(), clock())


def retry(engine: Engine, clock: ManualClock, sender: TwoParts) -> int:
    """One pass of a fresh dispatcher once the row is due again; how many it delivered."""
    clock.set(clock() + timedelta(minutes=1))
    return Dispatcher(engine, lambda _m: sender, clock).run_once().delivered


def stored(engine: Engine) -> Outbox:
    with Session(engine) as session:
        return session.exec(select(Outbox)).one()


def test_the_next_try_by_another_dispatcher_resumes_from_the_stored_progress(
        engine: Engine, clock: ManualClock) -> None:
    queue(engine, clock)
    assert Dispatcher(engine, lambda _m: TwoParts(engine), clock).run_once().failed == 1
    assert stored(engine).progress is not None
    later = TwoParts(engine)  # another process: nothing in memory
    assert retry(engine, clock, later) == 1
    assert later.found == [{"next": 1, "ref": "m-1"}]
    assert stored(engine).platform_ref == "m-1", "the earlier part's reference"


def test_progress_about_other_content_or_kept_by_another_sender_is_not_used(
        engine: Engine, clock: ManualClock) -> None:
    queue(engine, clock)
    Dispatcher(engine, lambda _m: TwoParts(engine, "slack"), clock).run_once()
    other = TwoParts(engine, "wecom")  # the row was routed elsewhere meanwhile
    assert retry(engine, clock, other) == 0 and other.found == [None]
    with transaction(engine) as session:  # the row now says something else
        session.connection().execute(update(Outbox).values(
            payload=Message("changed", "person:bob").to_dict()))
    same = TwoParts(engine, "wecom")
    clock.set(clock() + timedelta(hours=1))
    assert retry(engine, clock, same) == 0 and same.found == [None], "not about this content"
