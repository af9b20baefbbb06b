"""Slack user id → our Person: configured people by their ``slack`` id, others registered."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.adapters.newcomers import register_newcomer
from bot.adapters.slack.errors import SLACK_ERRORS
from bot.adapters.slack.lookups import Lookups
from handlers.desk import Clock
from handlers.i18n import normalize_locale
from storage import people

log = logging.getLogger(__name__)


def profile_name(user: Mapping[str, Any]) -> str | None:
    """The name users.info gives for ``user``: the real name, else the display name."""
    profile: Mapping[str, Any] = user.get("profile") or {}
    found = (profile.get("real_name") or user.get("real_name") or profile.get("display_name")
             or user.get("name"))
    return str(found) if found else None


@dataclass(frozen=True)
class Actor:
    """Who is speaking: our person id and the language they read."""

    person_id: str
    locale: str


class SlackPeople:
    """Maps Slack users to people, registering first-time requesters (cached per process)."""

    def __init__(self, engine: Engine, client: WebClient, clock: Clock,
                 default_locale: str, configured: Mapping[str, str] | None = None) -> None:
        self.engine = engine
        self.lookups = Lookups(engine)
        self.client = client
        self.clock = clock
        self.default_locale = default_locale
        self.configured = dict(configured or {})  # Slack id → locale, from the config
        self._cache: dict[str, Actor] = {}
        self._lock = threading.Lock()

    def resolve(self, user_id: str, fallback_name: str | None = None) -> Actor:
        """The person behind ``user_id``; unknown users are registered as ``slack-<id>``."""
        cached = self._cache.get(user_id)
        if cached is not None:
            return cached
        actor = self._known(user_id)
        if actor is None:
            actor = self._register(user_id, fallback_name)
        with self._lock:
            self._cache[user_id] = actor
        return actor

    def locale_of(self, user_id: str) -> str:
        """The language of a Slack user met before or configured (from memory only), else
        the desk's."""
        cached = self._cache.get(user_id)
        if cached is not None:
            return cached.locale
        return normalize_locale(self.configured.get(user_id), self.default_locale)

    def person_of(self, user_id: str) -> str | None:
        """Our person id for a Slack user someone picked (a form's person field): only people
        configured or met before; None for anyone else (nobody is registered here)."""
        cached = self._cache.get(user_id)
        if cached is not None:
            return cached.person_id
        known = self._known(user_id)
        return known.person_id if known else None

    def slack_id_of(self, person_id: str) -> str | None:
        """The Slack user id of one of our people, if they have one."""
        row = self.lookups.read(people.get, person_id)
        return row.slack_id if row else None

    def _actor(self, person_id: str, locale: str | None) -> Actor:
        return Actor(person_id, normalize_locale(locale, self.default_locale))

    def _known(self, user_id: str) -> Actor | None:
        row = self.lookups.read(people.by_platform_id, "slack", user_id)
        return self._actor(row.id, row.locale) if row else None

    def _register(self, user_id: str, fallback_name: str | None) -> Actor:
        name, locale = self._profile(user_id, fallback_name)
        row = register_newcomer(self.engine, "slack", user_id, name, self.clock(), locale,
                                lambda session: people.by_platform_id(session, "slack", user_id))
        return self._actor(row.id, row.locale)

    def _profile(self, user_id: str, fallback_name: str | None) -> tuple[str, str | None]:
        """(display name, locale) from users.info; the id itself if Slack cannot say."""
        try:
            response = self.client.users_info(user=user_id, include_locale=True)
        except SLACK_ERRORS as exc:
            log.warning("users.info failed for %s: %s", user_id, exc)
            return fallback_name or user_id, None
        user: dict[str, Any] = response.get("user") or {}
        name = profile_name(user) or fallback_name or user_id
        locale = user.get("locale")
        return str(name)[:200], normalize_locale(locale, "") or None
