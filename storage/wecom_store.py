"""WeCom's own rows: the shared access token, sent cards, and people by userid (WeCom
userids are unique ignoring case)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col, select

from storage import outbox, request_store
from storage.models import Outbox, Person, PlatformToken


def get_token(session: Session, key: str, now: datetime) -> tuple[str, datetime | None] | None:
    """The stored value for ``key`` and when it expires, unless it has expired by ``now``."""
    row = session.get(PlatformToken, key)
    if row is None or (row.expires_at is not None and row.expires_at <= now):
        return None
    return row.value, row.expires_at


def put_token(session: Session, key: str, value: str, expires_at: datetime | None) -> None:
    """Store (or replace) the value for ``key``."""
    connection = session.connection()
    connection.execute(_PUT_TOKEN[connection.dialect.name],
                       {"key": key, "value": value, "expires_at": expires_at})


def _upsert(dialect: Any) -> Any:
    """The dialect's INSERT of a token that replaces the value and expiry of one stored."""
    stmt = dialect.insert(_TOKENS)
    return stmt.on_conflict_do_update(index_elements=["key"], set_={
        "value": stmt.excluded.value, "expires_at": stmt.excluded.expires_at})


# built once: every card sent stores its response code here
_TOKENS = SQLModel.metadata.tables["platform_token"]
_PUT_TOKEN = {"postgresql": _upsert(postgresql), "sqlite": _upsert(sqlite)}


def delete_token(session: Session, key: str) -> None:
    """Forget the value for ``key``."""
    session.execute(delete(PlatformToken).where(col(PlatformToken.key) == key))


def sent_payload(
    session: Session, platform_ref: str, request_ref: str | None
) -> dict[str, Any] | None:
    """The outbox payload delivered with ``platform_ref`` (a card's task id), if any."""
    request = request_store.by_ref(session, request_ref) if request_ref else None
    found = outbox.delivered(session, platform_ref, request.id) if request else None
    return found if found is not None else outbox.delivered(session, platform_ref)


def person_by_userid(session: Session, userid: str) -> Person | None:
    """The person whose WeCom userid is ``userid`` ignoring case (``ZhangWei`` is
    ``zhangwei`` to WeCom); an exact match first."""
    exact = session.exec(_BY_USERID, params={"u": userid}).first()
    if exact is not None:
        return exact
    return session.exec(_BY_USERID_ANY_CASE, params={"u": userid.lower()}).first()


_BY_USERID = select(Person).where(col(Person.wecom_id) == bindparam("u"))  # built once
_BY_USERID_ANY_CASE = (select(Person).where(func.lower(col(Person.wecom_id)) == bindparam("u"))
                       .order_by(col(Person.id)))


CARD_KEY = "wecom-card:"  # platform_token key of a sent card's response_code


def remember_card(session: Session, task_id: str, response_code: str,
                  expires_at: datetime) -> None:
    """Keep the response_code message/send gave a card (usable once, until ``expires_at``)."""
    put_token(session, CARD_KEY + task_id, response_code, expires_at)


def forget_card(session: Session, task_id: str) -> None:
    """The card's response_code was used (or its buttons were greyed by a click)."""
    delete_token(session, CARD_KEY + task_id)


def open_cards(session: Session, request_ref: str,
               now: datetime) -> list[tuple[str, str, dict[str, Any]]]:
    """Cards sent for the request whose buttons can still be greyed: (task id,
    response_code, outbox payload), oldest first."""
    request = request_store.by_ref(session, request_ref)
    if request is None:
        return []
    stmt = (select(Outbox).where(col(Outbox.request_id) == request.id,
                                 col(Outbox.platform_ref).is_not(None))
            .order_by(col(Outbox.id)))
    cards = []
    for row in session.exec(stmt):
        assert row.platform_ref is not None
        found = get_token(session, CARD_KEY + row.platform_ref, now)
        if found is not None:
            cards.append((row.platform_ref, found[0], dict(row.payload)))
    return cards
