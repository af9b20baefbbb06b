"""``people.get``: the person as the session knows them, one copy per session, and a change
to them is written like any loaded row's."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session

from storage import people
from storage.models import Person

NOW = datetime(2026, 12, 7, 1, 30, tzinfo=UTC)


def test_the_stored_person_comes_back_whole_and_once_per_session(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Person(id="ann", name="Ann Li", locale="zh-CN", slack_id="U0ANN",
                           manager_id="bo", source="slack", created_at=NOW))
        session.commit()
    with Session(engine) as session:
        ann = people.get(session, "ann")
        assert ann is not None
        assert (ann.name, ann.locale, ann.slack_id, ann.wecom_id, ann.manager_id, ann.source,
                ann.created_at) == ("Ann Li", "zh-CN", "U0ANN", None, "bo", "slack", NOW)
        assert people.get(session, "ann") is ann and session.get(Person, "ann") is ann
        assert people.get(session, "nobody") is None


def test_a_change_to_the_person_is_written_on_commit(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Person(id="ann", name="Ann", created_at=NOW))
        session.commit()
    with Session(engine) as session:
        ann = people.get(session, "ann")
        assert ann is not None and not session.dirty
        ann.locale = "en"
        session.commit()
    with Session(engine) as session:
        assert people.get(session, "ann").locale == "en"  # type: ignore[union-attr]


def test_a_person_added_but_not_yet_written_is_found(engine: Engine) -> None:
    with Session(engine) as session:
        added = Person(id="cy", name="Cy", created_at=NOW)
        session.add(added)
        assert people.get(session, "cy") is added
