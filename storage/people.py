"""People: synced from config, or registered on first contact from a platform."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

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
    """Create the person or bring their record up to date."""
    row = session.get(Person, person_id)
    if row is None:
        row = Person(id=person_id, name=name, created_at=now, source=source)
        session.add(row)
    row.name = name
    row.locale = locale
    row.slack_id = slack_id
    row.wecom_id = wecom_id
    row.manager_id = manager_id
    row.source = source
    return row


def register(
    session: Session, person_id: str, name: str, now: datetime, *, source: str,
    locale: str | None = None, slack_id: str | None = None, wecom_id: str | None = None,
) -> Person:
    """Register someone met for the first time as a requester (no-op if known)."""
    row = session.get(Person, person_id)
    if row is not None:
        return row
    row = Person(
        id=person_id, name=name, created_at=now, source=source, locale=locale,
        slack_id=slack_id, wecom_id=wecom_id,
    )
    session.add(row)
    return row


def names(session: Session, ids: Iterable[str]) -> dict[str, str]:
    """Display names for ``ids`` (the id itself when unknown)."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.exec(select(Person).where(Person.id.in_(wanted)))  # type: ignore[attr-defined]
    found = {p.id: p.name for p in rows}
    return {i: found.get(i, i) for i in wanted}
