"""A platform's user ids → our people, the same way on every platform: known people from the
database, first-time users registered once (``bot.adapters.newcomers``), both remembered for
the process's life, since every message and every send asks."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session

from bot.adapters.newcomers import register_newcomer
from handlers.desk import Clock
from handlers.i18n import normalize_locale
from storage import people
from storage.engine import reader_for
from storage.models import Person

Profile = tuple[str, str | None]  # a newcomer's display name and locale, as the platform says
FetchProfile = Callable[[str, str | None], Profile]  # (platform id, name the payload gave)
FindPerson = Callable[[Session, str], Person | None]  # the stored person with a platform id


@dataclass(frozen=True)
class Actor:
    """Who is speaking: our person id and the language they read."""

    person_id: str
    locale: str


class PlatformPeople:
    """One platform's users as our people (``platform``: ``slack`` or ``wecom``): ``find``
    reads a stored person, ``fetch_profile`` asks the platform about a newcomer. With
    ``ignore_case`` ids that differ only in case are one person (WeCom userids)."""

    def __init__(self, engine: Engine, platform: str, find: FindPerson,
                 fetch_profile: FetchProfile, clock: Clock, default_locale: str,
                 configured: Mapping[str, str] | None = None, *, reader: Engine | None = None,
                 ignore_case: bool = False) -> None:
        self.engine = engine
        self.reader = reader or reader_for(engine)
        self.platform = platform
        self.find = find
        self.fetch_profile = fetch_profile
        self.clock = clock
        self.default_locale = default_locale
        self.ignore_case = ignore_case
        # platform id → locale, from the config
        self.configured = {self._key(k): v for k, v in (configured or {}).items()}
        self.cache: dict[str, Actor] = {}  # platform id (lower case with ignore_case) → Actor
        self._lock = threading.Lock()

    def resolve(self, platform_id: str, fallback_name: str | None = None) -> Actor:
        """The person behind ``platform_id``; unknown users are registered as
        ``<platform>-<id>`` (named ``fallback_name`` when the platform cannot say)."""
        cached = self.cached(platform_id)
        if cached is not None:
            return cached
        actor = self.known(platform_id) or self._register(platform_id, fallback_name)
        with self._lock:
            self.cache[self._key(platform_id)] = actor
        return actor

    def cached(self, platform_id: str) -> Actor | None:
        """The person behind ``platform_id`` if met before in this process."""
        return self.cache.get(self._key(platform_id))

    def known(self, platform_id: str) -> Actor | None:
        """The stored person behind ``platform_id``; None for a stranger (not registered)."""
        with Session(self.reader) as session:
            row = self.find(session, platform_id)
            return self._actor(row.id, row.locale) if row else None

    def configured_locale(self, platform_id: str) -> str:
        """The language the config gives ``platform_id``, else the default (no database)."""
        return normalize_locale(self.configured.get(self._key(platform_id)),
                                self.default_locale)

    def locale_of(self, platform_id: str) -> str:
        """The language of a user met before or configured (from memory only), else the
        default: for answers given without the database (busy, try again)."""
        cached = self.cached(platform_id)
        return cached.locale if cached is not None else self.configured_locale(platform_id)

    def person_of(self, platform_id: str) -> str | None:
        """Our person id for a user met before or stored; None for anyone else (nobody is
        registered here: e.g. a person someone picked in a form)."""
        actor = self.cached(platform_id) or self.known(platform_id)
        return actor.person_id if actor else None

    def platform_id_of(self, person_id: str) -> str | None:
        """One of our people's id on this platform, if they have one (read every time)."""
        with Session(self.reader) as session:
            row = people.get(session, person_id)
            if row is None:
                return None
            return row.slack_id if self.platform == "slack" else row.wecom_id

    def _key(self, platform_id: str) -> str:
        return platform_id.lower() if self.ignore_case else platform_id

    def _actor(self, person_id: str, locale: str | None) -> Actor:
        return Actor(person_id, normalize_locale(locale, self.default_locale))

    def _register(self, platform_id: str, fallback_name: str | None) -> Actor:
        name, locale = self.fetch_profile(platform_id, fallback_name)
        row = register_newcomer(self.engine, self.platform, platform_id, name, self.clock(),
                                locale, lambda session: self.find(session, platform_id))
        return self._actor(row.id, row.locale)
