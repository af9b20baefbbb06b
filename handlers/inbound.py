"""What a person said or clicked on any platform, as one neutral shape."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.messages import Message


@dataclass(frozen=True)
class IncomingFile:
    """A file or image someone shared with a message, as the platform described it.

    ``source`` says where to fetch it (``slack:F0123ABC``, ``wecom:MEDIA_ID``,
    ``console:<path>``); ``data`` holds the bytes when they are already in hand."""

    name: str
    mime: str
    size: int | None
    source: str
    data: bytes | None = None


class Replayed(Exception):
    """The delivery's ``nonce`` was used before: a replayed request, refused; nothing ran."""


@dataclass(frozen=True)
class Inbound:
    """One delivery from a platform, ready for ``handlers.router.run``.

    ``text`` is what was typed, or the command behind a clicked button. ``delivery_key``
    names the delivery (Slack's trigger id, WeCom's MsgId, …): the same key again is
    answered as before and never runs twice. With ``answer_to`` (a target such as
    ``person:zhangwei``) the answer is written to the outbox in the command's transaction,
    for ``via`` to deliver; without it the answer is only returned (an ack body, the console).
    ``chat`` marks a plain chat message: one that is no command is answered with the help.
    ``on_success`` are messages queued with the answer when the command succeeded (e.g.
    greying the clicked card). ``not_text`` names what arrived instead of text (``image``,
    ``voice``, ``video``, ``file``, ``location``): nothing runs, the answer says what to
    type. ``nonce`` is the single-use token of the request that carried the delivery
    (WeCom's callback nonce): claimed in the same transaction; seen before, ``Replayed`` is
    raised and nothing runs.

    The conversation (``handlers.conversation``): ``thread_of`` is the request whose desk
    thread this message was posted in (``thread_left``: a thread it left when transferred,
    so the desk's new thread does not show it); ``reply_about`` the request whose bot message (a DM
    thread) it answers; ``conversation`` marks a plain message in the person's DM or app chat
    (its request is found, or asked for); ``files`` are files shared with it. ``intake`` is
    the department whose help channel a new top-level message was posted in
    (``handlers.intake``); ``intake_ref`` that message's platform reference: its thread
    becomes the request's. ``mentions`` are the people the text mentions, as they appear in
    it (``@Bob Zhang``: a name may have spaces). ``locale`` is the language the platform knows
    the person reads without the database (its own memory, the config): the answer when the
    database fails. ``details`` is what was typed in a platform form's details box (Slack's
    request form): the request's details as typed, never read for ``key=value`` pairs,
    priority marks or amounts; ``text`` is then the command the form's choices stand for."""

    platform: str
    person_id: str
    text: str
    delivery_key: str | None = None
    answer_to: str | None = None
    via: str | None = None
    chat: bool = False
    on_success: tuple[Message, ...] = ()
    not_text: str | None = None
    thread_of: str | None = None
    reply_about: str | None = None
    conversation: bool = False
    files: tuple[IncomingFile, ...] = ()
    intake: str | None = None
    intake_ref: str | None = None
    nonce: str | None = None
    thread_left: bool = False
    locale: str | None = None
    mentions: tuple[str, ...] = ()
    details: str | None = None

    @property
    def claim_key(self) -> str | None:
        """The delivery key as claimed: per platform, so two platforms never collide."""
        return f"{self.platform}:{self.delivery_key}" if self.delivery_key else None
