"""Reads the sender needs while the dispatcher holds its write transaction.

On SQLite every transaction of the shared engine starts with BEGIN IMMEDIATE, so a second
session opened inside the dispatcher's batch would wait for the batch itself (30 s, then
"database is locked"). These reads go through ``storage.engine.reader_for``: WAL lets readers in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Concatenate, NamedTuple, ParamSpec, TypeVar

from sqlalchemy import Engine
from sqlmodel import Session

from handlers.messages import Message
from storage import outbox, request_store, slack_store
from storage.engine import reader_for

CHANNEL_ID_RE = re.compile(r"^[CG][A-Z0-9]{6,}$")
P = ParamSpec("P")
R = TypeVar("R")


class RequestInfo(NamedTuple):
    """What a message about a request needs to know of it: its headline columns."""

    id: int
    ref: str
    title: str
    department: str
    thread_ref: str | None
    state: str


class Lookups:
    """Small read-only queries, each in its own short session."""

    def __init__(self, engine: Engine) -> None:
        self.engine = reader_for(engine)

    def read(self, query: Callable[Concatenate[Session, P], R], *args: P.args,
             **kwargs: P.kwargs) -> R:
        """``query(session, *args)`` in a session of its own, e.g.
        ``read(slack_store.thread_channel, ts)``."""
        with Session(self.engine) as session:
            return query(session, *args, **kwargs)

    def request(self, ref: str) -> RequestInfo | None:
        """A request's title, department, thread and state as committed (every post about a
        request asks: a few columns, no ORM object)."""
        with self.engine.connect() as connection:
            return _info(request_store.headline_by_ref(connection, ref))

    def posted(self, request_id: int, platform_ref: str) -> Message | None:
        """The message delivered as ``platform_ref`` (e.g. a thread root), from the outbox."""
        payload = self.read(outbox.delivered, platform_ref, request_id)
        return Message.from_dict(payload) if payload else None

    def thread_request(self, thread_ts: str) -> RequestInfo | None:
        """The request whose desk thread starts at ``thread_ts`` (its root's ts)."""
        return self.read(lambda session: _info(slack_store.thread_request(session, thread_ts)))

    def channel_id(self, configured: str) -> str | None:
        """The id of the Slack channel configured as ``configured``: itself when it is an id,
        else the id Slack reported when the bot posted there (None before that)."""
        if CHANNEL_ID_RE.match(configured):
            return configured
        return self.read(slack_store.channel_id, configured)


def _info(row: Any) -> RequestInfo | None:
    """A request's headline from a row read while its session is open (a ``Request``, or
    its headline columns)."""
    return None if row is None else RequestInfo._make(
        getattr(row, column) for column in RequestInfo._fields)
