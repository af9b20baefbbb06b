"""Reads the sender needs while the dispatcher holds its write transaction.

On SQLite every transaction of the shared engine starts with BEGIN IMMEDIATE, so a second
session opened inside the dispatcher's batch would wait for the batch itself (30 s, then
"database is locked"). These reads go through a plain engine instead: WAL lets readers in.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, create_engine
from sqlmodel import Session, col, select

from handlers.messages import Message
from storage import people, request_store, slack_store
from storage.models import Outbox, Request


@dataclass(frozen=True)
class RequestInfo:
    """What a message about a request needs to know of it."""

    id: int
    ref: str
    title: str
    department: str
    thread_ref: str | None
    state: str
    assignee_id: str | None


def reader_engine(engine: Engine) -> Engine:
    """An engine whose sessions never take the write lock (the same engine off SQLite)."""
    if engine.dialect.name != "sqlite":
        return engine
    return create_engine(engine.url, connect_args={"check_same_thread": False, "timeout": 5})


class Lookups:
    """Small read-only queries, each in its own short session."""

    def __init__(self, engine: Engine) -> None:
        self.engine = reader_engine(engine)

    def slack_id(self, person_id: str) -> str | None:
        """The person's Slack user id."""
        with Session(self.engine) as session:
            row = people.get(session, person_id)
            return row.slack_id if row else None

    def name(self, person_id: str) -> str:
        """The person's display name (the id when unknown)."""
        with Session(self.engine) as session:
            row = people.get(session, person_id)
            return row.name if row else person_id

    def request(self, ref: str) -> RequestInfo | None:
        """A request's title, department, thread, state and owner as committed."""
        with Session(self.engine) as session:
            return _info(request_store.by_ref(session, ref))

    def posted(self, request_id: int, platform_ref: str) -> Message | None:
        """The message delivered as ``platform_ref`` (e.g. a thread root), from the outbox."""
        with Session(self.engine) as session:
            stmt = select(Outbox).where(col(Outbox.request_id) == request_id,
                                        col(Outbox.platform_ref) == platform_ref)
            row = session.exec(stmt).first()
            return Message.from_dict(row.payload) if row else None

    def thread_request(self, thread_ts: str) -> RequestInfo | None:
        """The request whose desk thread starts at ``thread_ts`` (its root's ts)."""
        with Session(self.engine) as session:
            return _info(session.exec(select(Request).where(col(Request.thread_ref) == thread_ts)
                                      .limit(1)).first())

    def dm_request(self, person_id: str, ts: str) -> str | None:
        """The request a direct message to ``person_id`` delivered as ``ts`` was about."""
        with Session(self.engine) as session:
            stmt = (select(Request.ref).join(Outbox, col(Outbox.request_id) == col(Request.id))
                    .where(col(Outbox.platform_ref) == ts,
                           col(Outbox.target) == f"person:{person_id}").limit(1))
            return session.exec(stmt).first()

    def slack_name(self, slack_id: str) -> str | None:
        """The display name of the person with this Slack user id, if we know them."""
        with Session(self.engine) as session:
            row = people.by_platform_id(session, "slack", slack_id)
            return row.name if row else None

    def channel_id(self, name: str) -> str | None:
        """The stored id of the Slack channel configured as ``name``."""
        with Session(self.engine) as session:
            return slack_store.channel_id(session, name)

    def thread_channel(self, ts: str) -> str | None:
        """The channel of a request thread started in an intake channel (None: the desk's)."""
        with Session(self.engine) as session:
            return slack_store.thread_channel(session, ts)

    def close(self) -> None:
        """Release the reader's connections."""
        self.engine.dispose()


def _info(row: Request | None) -> RequestInfo | None:
    """What the adapter needs of a request row, read while its session is open."""
    if row is None:
        return None
    return RequestInfo(row.id or 0, row.ref, row.title, row.department, row.thread_ref,
                       row.state, row.assignee_id)
