"""People are created or updated in one statement, so processes syncing or registering the
same people at the same moment never collide."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from storage import people
from storage.engine import transaction
from storage.models import Person
from tests.conftest import PG_URL

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def test_upsert_creates_then_updates_keeping_the_creation_time(engine: Engine) -> None:
    with transaction(engine) as session:
        row = people.upsert(session, "zoe", "Zoe", NOW, slack_id="U0ZOE", locale="en")
        assert (row.name, row.slack_id, row.locale) == ("Zoe", "U0ZOE", "en")
    with transaction(engine) as session:
        people.get(session, "zoe")  # already in the session: the upsert must refresh it
        row = people.upsert(session, "zoe", "Zoe Z.", NOW + timedelta(days=1), wecom_id="zoe")
        assert (row.name, row.slack_id, row.wecom_id, row.locale) == ("Zoe Z.", None, "zoe", None)
    with Session(engine) as session:
        stored = session.get(Person, "zoe")
        assert stored is not None and stored.created_at == NOW and stored.source == "config"


def test_register_keeps_a_known_person_as_they_are(engine: Engine) -> None:
    with transaction(engine) as session:
        people.upsert(session, "zoe", "Zoe", NOW, slack_id="U0ZOE")
    with transaction(engine) as session:
        row = people.register(session, "zoe", "someone else", NOW, source="slack")
        assert row.name == "Zoe" and row.source == "config"
        new = people.register(session, "yan", "Yan", NOW, source="wecom", wecom_id="yan")
        assert (new.name, new.source, new.wecom_id) == ("Yan", "wecom", "yan")


def test_two_processes_registering_the_same_newcomer_both_succeed(engine: Engine) -> None:
    if not PG_URL:  # SQLite writers queue (BEGIN IMMEDIATE): there is no race to lose
        return
    inserted, release, errors = threading.Event(), threading.Event(), []

    def first() -> None:
        with transaction(engine) as session:
            people.register(session, "newbie", "Newbie", NOW, source="slack")
            inserted.set()
            release.wait(10)

    def second() -> None:
        try:
            with transaction(engine) as session:
                people.register(session, "newbie", "Newbie", NOW, source="wecom")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    a = threading.Thread(target=first, daemon=True)
    a.start()
    assert inserted.wait(10)
    b = threading.Thread(target=second, daemon=True)
    b.start()
    b.join(0.5)
    release.set()
    a.join(10)
    b.join(10)
    assert not errors, errors
    with Session(engine) as session:
        row = session.get(Person, "newbie")
        assert row is not None and row.source == "slack"
