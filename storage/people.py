"""People: synced from config, or registered on first contact from a platform."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, or_, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, SQLModel, col, select

from storage.models import Event, Outbox, Person, Rating, Request, Suggestion

# every column that holds a person id: a merged person's history moves with these
PERSON_COLUMNS = (
    (Request, "requester_id"), (Request, "assignee_id"), (Request, "resolver_id"),
    (Event, "actor_id"), (Rating, "rater_id"), (Suggestion, "author_id"),
    (Suggestion, "replied_by"), (Person, "manager_id"),
)


_PERSON = SQLModel.metadata.tables["person"]
_BY_ID = sa_select(_PERSON).where(_PERSON.c.id == bindparam("id"))  # built once: every command
_NEW_PERSON = sa_inspect(Person).class_manager.new_instance


def get(session: Session, person_id: str) -> Person | None:
    """The person with this id: the session's own copy when it has one, else one prepared
    Core query whose row joins the session as that person, as if the ORM had loaded it
    (an ORM query sets up its loading machinery anew on each run; every command has one)."""
    if session.new:
        session.flush()  # as an ORM query would: a person added but not yet written counts
    if identity_key(Person, person_id) in session.identity_map:
        return session.get(Person, person_id)
    row = session.connection().execute(_BY_ID, {"id": person_id}).first()
    if row is None:
        return None
    person: Person = _NEW_PERSON()
    person.__dict__.update(row._mapping)
    make_transient_to_detached(person)
    session.add(person)
    return person


def name_of(session: Session, person_id: str) -> str:
    """The person's display name (the id when unknown)."""
    row = get(session, person_id)
    return row.name if row else person_id


def by_platform_id(session: Session, platform: str, platform_id: str) -> Person | None:
    """The person known on ``platform`` ('slack' or 'wecom') by ``platform_id``."""
    column = Person.slack_id if platform == "slack" else Person.wecom_id
    return session.exec(select(Person).where(column == platform_id)).first()


MAX_NAME = 200  # longer than any id or name a person has: names no one


def named_like(session: Session, text: str, most: int = 200) -> list[Person]:
    """People ``text`` could name: by id, Slack id or WeCom userid (ignoring case), or whose
    name holds it; at most ``most`` (the caller picks the one meant, ``handlers.fields``)."""
    wanted = text.strip().lower()
    if not wanted or len(wanted) > MAX_NAME:
        return []  # no one is named so (and SQLite refuses a LIKE pattern of 50,000 bytes)
    pattern = "%" + re.sub(r"([\\%_])", r"\\\1", wanted) + "%"
    stmt = select(Person).where(or_(
        func.lower(col(Person.id)) == wanted,
        func.lower(col(Person.slack_id)) == wanted,
        func.lower(col(Person.wecom_id)) == wanted,
        func.lower(col(Person.name)).like(pattern, escape="\\"),
    )).order_by(col(Person.id)).limit(most)
    return list(session.exec(stmt))


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


@dataclass(frozen=True)
class Move:
    """A platform id the config gives to ``to`` that ``holder`` has in the database:
    ``merge`` when the holder is not configured (renamed, or registered on first contact),
    so their history moves to ``to``; otherwise only the id moves."""

    platform: str
    handle: str
    holder: str
    to: str
    merge: bool


def holders(session: Session, platform: str, handle: str) -> list[Person]:
    """Everyone holding ``handle`` on ``platform`` (WeCom userids ignore case)."""
    if platform == "slack":
        return list(session.exec(select(Person).where(col(Person.slack_id) == handle)))
    stmt = select(Person).where(func.lower(col(Person.wecom_id)) == handle.lower())
    return list(session.exec(stmt))


def plan_moves(session: Session, configured: Iterable[tuple[str, str | None, str | None]]
               ) -> list[Move]:
    """What syncing ``(id, slack, wecom)`` of every configured person would move or merge."""
    specs = list(configured)
    ids = {pid for pid, _, _ in specs}
    moves: list[Move] = []
    for pid, slack_id, wecom_id in specs:
        for platform, handle in (("slack", slack_id), ("wecom", wecom_id)):
            if not handle:
                continue
            for row in holders(session, platform, handle):
                if row.id != pid:
                    moves.append(Move(platform, handle, row.id, pid, row.id not in ids))
    return moves


def release(session: Session, person_id: str, platform: str) -> None:
    """Take the person's platform id away (another person now has it)."""
    column = "slack_id" if platform == "slack" else "wecom_id"
    session.execute(update(Person).where(col(Person.id) == person_id).values({column: None}))


def merge(session: Session, old_id: str, new_id: str) -> None:
    """Move everything ``old_id`` did or was given to ``new_id``, then forget ``old_id``."""
    for model, name in PERSON_COLUMNS:
        column = getattr(model, name)
        session.execute(update(model).where(column == old_id).values({name: new_id}))
    session.execute(update(Outbox).where(
        col(Outbox.target) == f"person:{old_id}", col(Outbox.delivered_at).is_(None))
        .values(target=f"person:{new_id}"))
    session.execute(delete(Person).where(col(Person.id) == old_id))
