"""Intake channels on Slack: which desk's help channel a message was posted in, and the
channel a request thread that started there lives in (the desk's answers go there)."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.adapters.slack.config import SlackConfig
from bot.adapters.slack.lookups import Lookups
from storage import slack_store
from storage.engine import transaction


def intake_desk(config: SlackConfig, lookups: Lookups, channel_id: str) -> str | None:
    """The department whose ``intake_channel`` is ``channel_id``: configured as that id, or
    as a name that ``[slack] channels`` (or a message the bot posted there) maps to it."""
    for configured, department in config.intake.items():
        if configured == channel_id or \
                (config.named.get(configured) or lookups.channel_id(configured)) == channel_id:
            return department
    return None


def remember_thread(engine: Engine, ts: str, channel_id: str) -> None:
    """Keep where the thread of the message ``ts`` lives, before its request is opened (the
    answer in the thread may be sent the moment the request is committed)."""
    with transaction(engine) as session:
        slack_store.remember_thread(session, ts, channel_id)
