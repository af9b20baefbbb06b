"""People first met on a chat platform: the id we give them, and registering them once even
when two requests (or replicas) meet them at the same moment."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage import people
from storage.engine import reader_for, transaction
from storage.models import Person

ID_LIMIT = 64  # Person.id's length

Find = Callable[[Session], Person | None]


def newcomer_id(platform: str, platform_id: str) -> str:
    """Our id for someone first met on ``platform``: ``<platform>-<their id>`` in lower case
    (WeCom userids ignore case: one person however WeCom spells them)."""
    return f"{platform}-{platform_id.lower()}"[:ID_LIMIT]


def register_newcomer(engine: Engine, platform: str, platform_id: str, name: str,
                      now: datetime, locale: str | None, find: Find) -> Person:
    """Register someone first met on ``platform`` (``slack`` or ``wecom``) as a requester; when
    another request registered them a moment before (their platform id is taken), the person
    ``find`` reads back."""
    try:
        with transaction(engine) as session:
            return people.register(
                session, newcomer_id(platform, platform_id), name, now, source=platform,
                locale=locale, slack_id=platform_id if platform == "slack" else None,
                wecom_id=platform_id if platform == "wecom" else None)
    except IntegrityError:
        with Session(reader_for(engine)) as session:
            found = find(session)
        if found is None:
            raise
        return found
