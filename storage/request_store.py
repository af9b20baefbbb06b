"""Queries on requests and their events: numbering, lookups, queues."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    Connection,
    Row,
    and_,
    bindparam,
    case,
    func,
    insert,
    or_,
    text,
    update,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, SQLModel, col, select

from storage.models import QUEUE_ORDER_SQL, DepartmentCounter, Event, Request

OPEN_STATES = ("open", "acknowledged", "in_progress", "waiting")
DONE_STATES = ("resolved", "closed", "cancelled", "rejected")  # rejected: by an approver
FINAL_STATES = ("closed", "cancelled", "rejected")  # whatever is left is a scheduled prompt


def ensure_counters(session: Session, prefixes: Mapping[str, str | None]) -> None:
    """Create the numbering row for each department (idempotent, safe concurrently), and put
    it past every number its request id prefix has already used: a department whose key
    changed, or a new one taking a removed desk's prefix, never hands out an id that exists
    (``MKT-1`` again)."""
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    for key, prefix in prefixes.items():
        stmt = (module.insert(DepartmentCounter).values(department=key, last_number=0)
                .on_conflict_do_nothing().returning(col(DepartmentCounter.department)))
        created = session.execute(stmt).first() is not None
        if not (created and prefix):
            continue  # a counter kept from before already counts past its own ids
        # once, for a department new to the database: LIKE, not a range of refs, which a
        # collation that skips punctuation (PostgreSQL's en_US) would leave empty
        used = (select(func.max(col(Request.number)))
                .where(col(Request.ref).like(f"{prefix}-%")).scalar_subquery())
        session.execute(update(DepartmentCounter)
                        .where(col(DepartmentCounter.department) == key,
                               col(DepartmentCounter.last_number) < used)
                        .values(last_number=used))


_COUNTER = SQLModel.metadata.tables["department_counter"]
_ADD_EVENT = insert(SQLModel.metadata.tables["event"])
_NEXT_NUMBER = (update(_COUNTER).where(_COUNTER.c.department == bindparam("d"))
                .values(last_number=_COUNTER.c.last_number + 1)
                .returning(_COUNTER.c.last_number))


_REQUEST = SQLModel.metadata.tables["request"]
_INSERT_REQUEST = insert(_REQUEST).returning(_REQUEST.c.id)
_REQUEST_KEYS = tuple(c.key for c in _REQUEST.columns if c.key != "id")


_NEW_INSTANCE = sa_inspect(Request).class_manager.new_instance
_DEFAULTS = {name: field.get_default() for name, field in Request.model_fields.items()
             if not field.is_required() and field.default_factory is None}
_FACTORIES = {name: field.default_factory for name, field in Request.model_fields.items()
              if field.default_factory is not None}
_REQUIRED = frozenset(name for name, field in Request.model_fields.items()
                      if field.is_required())
_FIELDS = frozenset(Request.model_fields)


def build(**values: Any) -> Request:
    """A new Request, built as the ORM builds a row it loads: every attribute set at once,
    not one instrumented set each as ``Request(...)`` does (about 3 µs instead of 70 µs on
    every open). For ``insert_new``; the fields and their defaults are the model's."""
    if missing := _REQUIRED - values.keys():
        raise TypeError(f"a new request needs {', '.join(sorted(missing))}")
    if unknown := values.keys() - _FIELDS:
        raise TypeError(f"a request has no {', '.join(sorted(unknown))}")
    request: Request = _NEW_INSTANCE()
    request.__dict__.update(_DEFAULTS)
    for name, make in _FACTORIES.items():  # none today; a list or dict field would have one
        request.__dict__[name] = make()  # type: ignore[call-arg]
    request.__dict__.update(values)
    return request


def insert_new(session: Session, request: Request) -> None:
    """Store a new request with one Core insert and add it to the session as a stored row
    (its id set; later changes to it flush as usual): no unit-of-work flush on every open."""
    session.flush()  # what it refers to (a person registered on first contact); else a no-op
    state = request.__dict__  # a new row's values, read without the ORM's descriptors
    values = {key: state.get(key) for key in _REQUEST_KEYS}
    request.id = int(session.connection().execute(_INSERT_REQUEST, values).scalar_one())
    make_transient_to_detached(request)
    session.add(request)


def next_number(session: Session, department: str) -> int:
    """The next request number for ``department``; the row lock serialises concurrent opens."""
    connection = session.connection()  # Core: no ORM bookkeeping on every open
    number = connection.execute(_NEXT_NUMBER, {"d": department}).scalar_one_or_none()
    if number is None:
        ensure_counters(session, {department: None})
        number = connection.execute(_NEXT_NUMBER, {"d": department}).scalar_one()
    return int(number)


_BY_REF = select(Request).where(Request.ref == bindparam("ref"))  # built once: every command
_BY_REF_LOCKED = _BY_REF.with_for_update()


def by_ref(session: Session, ref: str, *, lock: bool = False) -> Request | None:
    """The request with this id (e.g. FIN-12), optionally locked for update."""
    locked = lock and session.get_bind().dialect.name == "postgresql"
    stmt = _BY_REF_LOCKED if locked else _BY_REF
    return session.exec(stmt, params={"ref": ref.upper()}).first()


def sweep_all_again(session: Session, now: datetime) -> int:
    """Make every live request due for the sweep at ``now``, with every rule of it looked at
    again, as after a transition (``swept_until`` cleared, also on those due already: a rule
    now placed before a request's last sweep is not passed over; the claims keep what was
    sent from going out again). Live: not in a final state, or with a check still to come
    (a closed one's thanks). How many it made due (those due already are not counted)."""
    column, seen = _REQUEST.c.next_sweep_at, _REQUEST.c.swept_until
    connection = session.connection()
    later = or_(column > now, and_(column.is_(None), _REQUEST.c.state.not_in(FINAL_STATES)))
    changed = connection.execute(update(_REQUEST).where(later).values(
        next_sweep_at=now, swept_until=None))
    connection.execute(update(_REQUEST).where(column <= now, seen.is_not(None)).values(
        swept_until=None))
    return int(changed.rowcount)


# what a chat adapter shows of a request beside a message (no ORM object: every post asks)
_HEADLINE = sa_select(_REQUEST.c.id, _REQUEST.c.ref, _REQUEST.c.title, _REQUEST.c.department,
                      _REQUEST.c.thread_ref, _REQUEST.c.state
                      ).where(_REQUEST.c.ref == bindparam("ref"))


# the requester's latest request since a time (one row read off ix_request_requester)
_LATEST = sa_select(_REQUEST.c.ref, _REQUEST.c.department, _REQUEST.c.category,
                    _REQUEST.c.details, _REQUEST.c.state).where(
    _REQUEST.c.requester_id == bindparam("who"), _REQUEST.c.created_at >= bindparam("since"),
).order_by(_REQUEST.c.created_at.desc()).limit(1)


def twin(session: Session, requester_id: str, department: str, category: str, details: str,
         since: datetime) -> str | None:
    """The id of the requester's latest request, opened since ``since``, when it is still open
    and for this service with the same words (sent twice?), compared as typed again: width,
    case and runs of spaces aside (``８６元`` is ``86元``); None otherwise. Only the latest
    is read: a double send comes right after what it repeats, and one row is read however
    many the requester opens."""
    row = session.connection().execute(_LATEST, {"who": requester_id, "since": since}).first()
    if row is None or row.state not in OPEN_STATES:
        return None

    def fold(words: str) -> str:  # as handlers.catalog.norm, which storage does not import
        return " ".join(unicodedata.normalize("NFKC", words).casefold().split())

    same = (row.department, row.category, fold(row.details)) == (
        department, category, fold(details))
    return str(row.ref) if same else None


def headline_by_ref(connection: Connection, ref: str) -> Row[*tuple[Any, ...]] | None:
    """Id, ref, title, department, thread and state of the request with this id
    (e.g. FIN-12), as committed."""
    return connection.execute(_HEADLINE, {"ref": ref.upper()}).first()


def add_event(
    session: Session,
    request: Request,
    actor_id: str,
    at: datetime,
    kind: str,
    *,
    from_state: str | None = None,
    to_state: str | None = None,
    note: str | None = None,
) -> None:
    """Append one row to the request's audit trail (a Core insert: every command writes one,
    and nothing reads it back as an object in the same transaction)."""
    assert request.id is not None
    if note and request.purged_at is not None:
        request.purged_at = None  # new words on a purged request: retention looks again
    session.connection().execute(_ADD_EVENT, {
        "request_id": request.id, "actor_id": actor_id, "at": at, "kind": kind,
        "from_state": from_state, "to_state": to_state, "note": note})


def events(session: Session, request_id: int) -> list[Event]:
    """The request's history, oldest first."""
    stmt = select(Event).where(Event.request_id == request_id).order_by(col(Event.id))
    return list(session.exec(stmt))


def queue(
    session: Session, departments: Sequence[str], page: int, page_size: int
) -> tuple[list[Request], int]:
    """Open requests of ``departments``, most urgent first (what the desk owes soonest, a
    missed first response before a later resolution): one page and the total count."""
    # literal states let SQLite and PostgreSQL use the partial index ix_request_open_queue;
    # priorities P1..P4 sort as text in urgency order
    states: BindParameter[list[str]] = bindparam(
        "open_states", list(OPEN_STATES), expanding=True, literal_execute=True
    )
    where = (col(Request.department).in_(departments), col(Request.state).in_(states))
    total = session.exec(select(func.count()).select_from(Request).where(*where)).one()
    stmt = (
        select(Request)
        .where(*where)
        .order_by(
            text(QUEUE_ORDER_SQL),  # what is owed soonest: a missed first response first
            col(Request.priority),
            col(Request.id),
        )
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return list(session.exec(stmt)), int(total)


def of_requester(
    session: Session, requester_id: str, page: int, page_size: int
) -> tuple[list[Request], int]:
    """The requester's requests, open ones first, newest first: one page and the total."""
    where = col(Request.requester_id) == requester_id
    total = session.exec(select(func.count()).select_from(Request).where(where)).one()
    is_done = case((col(Request.state).in_(DONE_STATES), 1), else_=0)
    stmt = (
        select(Request)
        .where(where)
        .order_by(is_done, col(Request.created_at).desc(), col(Request.id).desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return list(session.exec(stmt)), int(total)
