"""Slack's own rows: the channel id behind a configured channel name, shared by replicas and
kept across restarts (Slack wants the id for chat.update and chat.getPermalink); requests by
their thread's ts."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage.models import PlatformToken, Request
from storage.wecom_store import put_token

_PREFIX = "slack:channel:"


def _value(session: Session, key: str) -> str | None:
    """The stored value under ``key``, if any."""
    row = session.get(PlatformToken, key)
    return row.value if row else None


def channel_id(session: Session, name: str) -> str | None:
    """The id Slack reported for the channel configured as ``name``, if it ever did."""
    return _value(session, _PREFIX + name)


def remember_channel(session: Session, name: str, channel: str) -> None:
    """Keep the id Slack reported for the channel configured as ``name``."""
    put_token(session, _PREFIX + name, channel, None)


_THREAD = "slack:thread:"


def thread_channel(session: Session, ts: str) -> str | None:
    """The channel of a request thread that started outside its desk's channel (a message
    in an intake channel), if ``ts`` is one."""
    return _value(session, _THREAD + ts)


def remember_thread(session: Session, ts: str, channel: str) -> None:
    """Keep the channel a request thread (an intake message's) lives in."""
    put_token(session, _THREAD + ts, channel, None)


_ANSWER = "slack:answer:"


def remember_answer(session: Session, thread_ts: str, ts: str) -> None:
    """Keep the ts of the bot's answer under the help-channel message ``thread_ts`` (it
    carries the desk's buttons, as a thread root does)."""
    put_token(session, _ANSWER + thread_ts, ts, None)


def answer_of(session: Session, thread_ts: str) -> str | None:
    """The ts of the bot's answer under the help-channel message ``thread_ts``, if any."""
    return _value(session, _ANSWER + thread_ts)


_LEFT = "slack:left:"


def remember_left(session: Session, ts: str, ref: str) -> None:
    """Keep which request left the thread of the help-channel message ``ts`` (a transfer):
    its requester keeps talking there."""
    put_token(session, _LEFT + ts, ref, None)


def left_request(session: Session, ts: str) -> str | None:
    """The request that left the help-channel thread ``ts``, if one did."""
    return _value(session, _LEFT + ts)


def thread_request(session: Session, ts: str) -> Request | None:
    """The request whose thread starts at the message ``ts`` (its root, or its requester's
    message in a help channel)."""
    return session.exec(select(Request).where(col(Request.thread_ref) == ts).limit(1)).first()
