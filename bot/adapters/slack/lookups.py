"""Reads the sender needs while the dispatcher holds its write transaction.

On SQLite every transaction of the shared engine starts with BEGIN IMMEDIATE, so a second
session opened inside the dispatcher's batch would wait for the batch itself (30 s, then
"database is locked"). These reads go through ``storage.engine.reader_for``: WAL lets readers in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Row
from sqlmodel import Session

from handlers.messages import Message, person
from storage import outbox, people, request_store, slack_store
from storage.engine import reader_for
from storage.models import Person, Request

CHANNEL_ID_RE = re.compile(r"^[CG][A-Z0-9]{6,}$")


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


class Lookups:
    """Small read-only queries, each in its own short session."""

    def __init__(self, engine: Engine) -> None:
        self.engine = reader_for(engine)

    def slack_id(self, person_id: str) -> str | None:
        """The person's Slack user id."""
        with Session(self.engine) as session:
            row = people.get(session, person_id)
            return row.slack_id if row else None

    def name(self, person_id: str) -> str:
        """The person's display name (the id when unknown)."""
        with Session(self.engine) as session:
            return people.name_of(session, person_id)

    def request(self, ref: str) -> RequestInfo | None:
        """A request's title, department, thread, state and owner as committed (every post
        about a request asks: seven columns, no ORM object)."""
        with self.engine.connect() as connection:
            return _info(request_store.headline_by_ref(connection, ref))

    def posted(self, request_id: int, platform_ref: str) -> Message | None:
        """The message delivered as ``platform_ref`` (e.g. a thread root), from the outbox."""
        with Session(self.engine) as session:
            payload = outbox.delivered(session, platform_ref, request_id)
        return Message.from_dict(payload) if payload else None

    def thread_request(self, thread_ts: str) -> RequestInfo | None:
        """The request whose desk thread starts at ``thread_ts`` (its root's ts)."""
        with Session(self.engine) as session:
            return _info(slack_store.thread_request(session, thread_ts))

    def rooted(self, ts: str) -> tuple[str, str] | None:
        """(department, request ref) of the thread root the bot posted to a department's
        channel as ``ts`` (a root its request may have left since: a transfer starts a new
        one); one query, whatever the number of departments."""
        with Session(self.engine) as session:
            return outbox.delivered_to_channel(session, ts)

    def dm_request(self, person_id: str, ts: str) -> str | None:
        """The request a direct message to ``person_id`` delivered as ``ts`` was about."""
        with Session(self.engine) as session:
            return outbox.delivered_about(session, person(person_id), ts)

    def slack_person(self, slack_id: str) -> Person | None:
        """The person with this Slack user id, if we know them."""
        with Session(self.engine) as session:
            return people.by_platform_id(session, "slack", slack_id)

    def channel_id(self, configured: str) -> str | None:
        """The id of the Slack channel configured as ``configured``: itself when it is an id,
        else the id Slack reported when the bot posted there (None before that)."""
        if CHANNEL_ID_RE.match(configured):
            return configured
        with Session(self.engine) as session:
            return slack_store.channel_id(session, configured)

    def intake_answer(self, thread_ts: str) -> str | None:
        """The ts of the bot's answer (with the desk's buttons) under a help-channel message."""
        with Session(self.engine) as session:
            return slack_store.answer_of(session, thread_ts)

    def left_intake(self, ts: str) -> str | None:
        """The request that left the help-channel thread ``ts`` (a transfer), if one did."""
        with Session(self.engine) as session:
            return slack_store.left_request(session, ts)

    def thread_channel(self, ts: str) -> str | None:
        """The channel of a request thread started in an intake channel (None: the desk's)."""
        with Session(self.engine) as session:
            return slack_store.thread_channel(session, ts)

    def close(self) -> None:
        """Release the reader's connections."""
        self.engine.dispose()


def _info(row: Request | Row[*tuple[Any, ...]] | None) -> RequestInfo | None:
    """What the adapter needs of a request (a row read while its session is open, or its
    headline columns)."""
    if row is None:
        return None
    return RequestInfo(row.id or 0, row.ref, row.title, row.department, row.thread_ref,
                       row.state, row.assignee_id)
