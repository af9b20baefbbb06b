"""handlers.router.handle: odd characters are cleaned where a line comes in, and a database
that refuses or fails a command gets a polite answer and a rollback, never an exception."""

from __future__ import annotations

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from bot.runtime.app import DeskApp
from handlers.i18n import t
from storage.models import Event, Outbox, Person, Request
from tests.conftest import PG_URL


def counts(engine: Engine) -> list[int]:
    with Session(engine) as s:
        return [int(s.exec(select(func.count()).select_from(m)).one())
                for m in (Person, Request, Event, Outbox)]


def test_nul_and_surrogates_in_a_command_are_cleaned_before_it_runs(desk_app: DeskApp) -> None:
    reply = desk_app.handle("alice", "/request it\x00 laptop screen\x00 \ud800 flickers")
    assert reply.ok and reply.request_ref == "IT-1", reply.text
    with Session(desk_app.desk.engine) as s:
        request = s.exec(select(Request)).one()
    assert request.details == "screen \ufffd flickers"


def test_a_value_the_database_refuses_gets_a_polite_answer_and_stores_nothing(
        desk_app: DeskApp, engine: Engine) -> None:
    before = counts(engine)
    reply = desk_app.handle("x" * 100, "/request it laptop from a too-long person id")
    if not PG_URL:  # SQLite does not enforce VARCHAR lengths: the request simply opens
        assert reply.ok
        return
    assert not reply.ok
    assert reply.text == t(desk_app.settings.policy.locale, "err.unstorable")
    assert counts(engine) == before
