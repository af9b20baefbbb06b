"""Slack's own interface words live in the one text table (``handlers/i18n/texts.py``,
keys ``slack.*``); ``say`` reads them."""

from __future__ import annotations

from handlers.i18n import t


def say(locale: str, key: str, **params: object) -> str:
    """The Slack interface text ``slack.<key>`` in ``locale``."""
    return t(locale, f"slack.{key}", **params)
