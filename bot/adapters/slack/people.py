"""Slack user id → our Person: configured people by their ``slack`` id, others registered
(the shared rules: ``bot.adapters.people``; here only what users.info says)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlmodel import Session

from bot.adapters.people import Actor, PlatformPeople, Profile
from bot.adapters.slack.errors import SLACK_ERRORS
from bot.adapters.slack.lookups import Lookups
from handlers.desk import Clock
from handlers.i18n import normalize_locale
from storage import people
from storage.models import Person

__all__ = ["Actor", "SlackPeople", "mention_name", "profile_name"]

log = logging.getLogger(__name__)


def mention_name(engine: Engine, client: WebClient, user_id: str) -> str | None:
    """A mentioned Slack user's name: the desk's person (read without a write lock), else
    Slack's profile; None when neither can say."""
    known = Lookups(engine).read(people.by_platform_id, "slack", user_id)
    if known is not None:
        return known.name
    try:
        return profile_name(client.users_info(user=user_id).get("user") or {})
    except SLACK_ERRORS:
        return None


def profile_name(user: Mapping[str, Any]) -> str | None:
    """The name users.info gives for ``user``: the real name, else the display name."""
    profile: Mapping[str, Any] = user.get("profile") or {}
    found = (profile.get("real_name") or user.get("real_name") or profile.get("display_name")
             or user.get("name"))
    return str(found) if found else None


def _by_slack_id(session: Session, user_id: str) -> Person | None:
    return people.by_platform_id(session, "slack", user_id)


class SlackPeople(PlatformPeople):
    """Maps Slack users to people, registering first-time requesters (cached per process)."""

    def __init__(self, engine: Engine, client: WebClient, clock: Clock,
                 default_locale: str, configured: Mapping[str, str] | None = None) -> None:
        super().__init__(engine, "slack", _by_slack_id, self._profile, clock, default_locale,
                         configured)  # configured: Slack id → locale, from the config
        self.client = client

    def slack_id_of(self, person_id: str) -> str | None:
        """The Slack user id of one of our people, if they have one."""
        return self.platform_id_of(person_id)

    def _profile(self, user_id: str, fallback_name: str | None) -> Profile:
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
