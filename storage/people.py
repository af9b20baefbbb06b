"""People: synced from config, or registered on first contact from a platform."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from storage.models import Person


def get(session: Session, person_id: str) -> Person | None:
    """The person with this id."""
    return session.get(Person, person_id)


def by_platform_id(session: Session, platform: str, platform_id: str) -> Person | None:
    """The person known on ``platform`` ('slack' or 'wecom') by ``platform_id``."""
    column = Person.slack_id if platform == "slack" else Person.wecom_id
    return session.exec(select(Person).where(column == platform_id)).first()


def upsert(
    session: Session,
    person_id: str,
    name: str,
    now: datetime,
    *,
    locale: str | None = None,
    slack_id: str | None = None,
    wecom_id: str | None = None,
    manager_id: str | None = None,
    source: str = "config",
) -> Person:
    """Create the person or bring their record up to date, in one statement (INSERT … ON
    CONFLICT), so processes syncing the same people at once never collide."""
    fields = {"name": name, "locale": locale, "slack_id": slack_id, "wecom_id": wecom_id,
              "manager_id": manager_id, "source": source}
    stmt = _insert(session).values(id=person_id, created_at=now, **fields)
    session.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=fields))
    row = session.get(Person, person_id, populate_existing=True)
    assert row is not None
    return row


def register(
    session: Session, person_id: str, name: str, now: datetime, *, source: str,
    locale: str | None = None, slack_id: str | None = None, wecom_id: str | None = None,
) -> Person:
    """Register someone met for the first time as a requester (no-op if known, also when
    another process registers them at the same moment)."""
    row = session.get(Person, person_id)
    if row is not None:
        return row
    stmt = _insert(session).values(
        id=person_id, name=name, created_at=now, source=source, locale=locale,
        slack_id=slack_id, wecom_id=wecom_id,
    )
    session.execute(stmt.on_conflict_do_nothing(index_elements=["id"]))
    row = session.get(Person, person_id)
    assert row is not None
    return row


def _insert(session: Session) -> Any:
    """The dialect's INSERT for Person (PostgreSQL and SQLite both do ON CONFLICT)."""
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return module.insert(Person)


def names(session: Session, ids: Iterable[str]) -> dict[str, str]:
    """Display names for ``ids`` (the id itself when unknown)."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.exec(select(Person).where(Person.id.in_(wanted)))  # type: ignore[attr-defined]
    found = {p.id: p.name for p in rows}
    return {i: found.get(i, i) for i in wanted}
