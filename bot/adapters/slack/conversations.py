"""Message events → the conversation: a reply in a request's desk thread, a reply under the
bot's direct message about a request, a plain direct message to the bot, or a new message in
a desk's help channel (``intake_channel``: a request, unless it is small talk).

A message shared (forwarded) with it comes along: its words, readable, with their author, channel
and link, after the person's own (``attachments[]`` with ``is_share`` or ``is_msg_unfurl``; a
link's preview is no message), and its files. In a thread, where Slack runs no slash command,
a message that starts by mentioning the bot (or with ``/request``, ``请求``, or ``request`` and
a valid command) is a command (``handlers.thread_commands``), answered to its writer alone in
the thread.

Ignored on purpose: the bot's own messages and any other bot's (``bot_id``: no loops),
edits and deletions (``message_changed``, ``message_deleted``: what was said stands, as in
the request's history), channel joins and other subtypes, other messages in channels outside
a request's thread, and group DMs. Retries are run once: the ``event_id`` is the delivery key.

A request thread that starts in a help channel lives there: its channel is kept before the
request opens (the answer in the thread may be sent the moment the request is committed).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.adapters.slack.blocks import send_reply
from bot.adapters.slack.config import SlackConfig
from bot.adapters.slack.entities import decode
from bot.adapters.slack.errors import logged
from bot.adapters.slack.lookups import Lookups, RequestInfo
from bot.adapters.slack.people import mention_name
from bot.adapters.slack.readable import NameOf, readable, with_mentions
from bot.adapters.slack.root_update import queue_root_update
from bot.adapters.slack.runtime import SlackDeps
from bot.adapters.slack.threads import addressed, is_ts
from handlers.inbound import IncomingFile
from handlers.messages import Message, Reply, person
from handlers.thread_commands import thread_command
from storage import outbox, slack_store
from storage.engine import transaction

log = logging.getLogger(__name__)
# Subtypes that are a person speaking; every other one (edits, deletions, joins, bots) is not.
SPOKEN = frozenset({None, "file_share", "thread_broadcast", "me_message"})
CHANNEL_KINDS = frozenset({"channel", "group"})
QUOTE = "» "  # a shared message's lines, after the person's own words


@dataclass(frozen=True)
class Said:
    """A message that belongs to the conversation: who, what, where, and how it relates."""

    user: str
    text: str
    channel: str
    thread_ts: str | None  # the thread it was posted in (None: top level)
    files: tuple[IncomingFile, ...]
    fields: dict[str, Any]  # the Inbound's thread_of / reply_about / conversation / mentions
    direct: bool  # in the person's DM with the bot
    command: bool = False  # typed as a command in a thread: its answer goes to its writer


def spoken(event: dict[str, Any], bot_user: str | None) -> bool:
    """True for a person's own message (not a bot's, not an edit, deletion or join)."""
    if event.get("bot_id") or event.get("subtype") not in SPOKEN:
        return False
    user = event.get("user")
    return bool(user) and user != bot_user


def files_of(event: dict[str, Any]) -> tuple[IncomingFile, ...]:
    """The files shared with the message (``file_share``), or with a message it forwards, as
    the neutral description."""
    out = []
    for item in event.get("files") or []:
        if not isinstance(item, dict) or not item.get("id") or item.get("mode") == "tombstone":
            continue
        size = item.get("size")
        out.append(IncomingFile(
            name=str(item.get("name") or item.get("title") or item["id"]),
            mime=str(item.get("mimetype") or "application/octet-stream"),
            size=int(size) if isinstance(size, int) else None,
            source=f"slack:{item['id']}"))
    return tuple(out)


def forwarded(event: dict[str, Any], name_of: NameOf) -> tuple[str, tuple[IncomingFile, ...]]:
    """The messages shared with ``event`` (forwarded, or a Slack message's link unfurled):
    their words as people read them, quoted, after who wrote them and where, and the link to
    the original; and their files. A link's preview (no ``is_share``/``is_msg_unfurl``) is
    nothing the person said."""
    lines: list[str] = []
    files: list[IncomingFile] = []
    for item in event.get("attachments") or []:
        if not isinstance(item, dict) or not (item.get("is_share") or item.get("is_msg_unfurl")):
            continue
        body = readable(str(item.get("text") or item.get("fallback") or ""), name_of).strip()
        author = decode(str(item.get("author_name") or item.get("author_subname") or "")) \
            or (name_of(str(item["author_id"])) if item.get("author_id") else None)
        where = f"#{decode(str(item['channel_name']))}" if item.get("channel_name") else ""
        head = " · ".join(part for part in (author, where) if part)
        quoted = body.splitlines() or [""]
        quoted[0] = f"{head}: {quoted[0]}".strip(": ") if head else quoted[0]
        if item.get("from_url"):
            quoted.append(str(item["from_url"]))
        lines.extend(QUOTE + line for line in quoted if line.strip())
        files.extend(files_of(item))
    return "\n".join(lines), tuple(files)


def desk_thread(lookups: Lookups, config: SlackConfig, channel: str,
                root_ts: str) -> RequestInfo | None:
    """The request whose desk thread starts at ``root_ts`` in ``channel`` (its desk's)."""
    info = lookups.thread_request(root_ts)
    if info is None:
        return None
    if lookups.read(slack_store.thread_channel, root_ts) == channel:  # begun in a help channel
        return info
    known = lookups.channel_id(config.channels.get(info.department, ""))
    return info if known in (None, channel) else None


def thread_left(lookups: Lookups, config: SlackConfig, channel: str,
                root_ts: str) -> str | None:
    """The request whose root the bot posted at ``root_ts`` in ``channel`` (a desk's) and
    that has left that thread since (a transfer starts a new one in the new desk)."""
    rooted = lookups.read(outbox.delivered_to_channel, root_ts)
    if rooted is None:  # the root may be the requester's own message in a help channel
        ref = lookups.read(slack_store.left_request, root_ts)  # one query for any other thread
        in_channel = ref and lookups.read(slack_store.thread_channel, root_ts) == channel
        return ref if in_channel else None
    department, ref = rooted
    return ref if lookups.channel_id(config.channels.get(department, "")) == channel else None


def intake_desk(config: SlackConfig, lookups: Lookups, channel_id: str) -> str | None:
    """The department whose ``intake_channel`` is ``channel_id``: configured as that id, or
    as a name that ``[slack] channels`` (or a message the bot posted there) maps to it."""
    for configured, department in config.intake.items():
        if configured == channel_id or \
                (config.named.get(configured) or lookups.channel_id(configured)) == channel_id:
            return department
    return None


class Conversations:
    """Turns message events into deliveries on the inbound path, and shows the answers."""

    def __init__(self, deps: SlackDeps, lookups: Lookups, config: SlackConfig) -> None:
        self.deps = deps
        self.lookups = lookups
        self.config = config

    def said(self, event: dict[str, Any], client: WebClient,
             bot_user: str | None = None) -> Said | None:
        """What the message says to the desk, or None when it is none of its business."""
        kind = event.get("channel_type")
        channel = str(event.get("channel") or "")
        ts = str(event.get("ts") or "")
        thread = event.get("thread_ts")
        thread_ts = str(thread) if is_ts(thread) and thread != ts else None
        fields: dict[str, Any]
        if kind == "im":
            about = None
            if thread_ts:
                actor = self.deps.actor(str(event["user"]))
                about = self.lookups.read(outbox.delivered_about, person(actor.person_id),
                                          thread_ts)
            fields = {"reply_about": about} if about else {"conversation": True}
        elif kind in CHANNEL_KINDS and thread_ts:
            info = desk_thread(self.lookups, self.config, channel, thread_ts)
            ref = info.ref if info else None
            fields = {"thread_of": ref}
            if ref is None:  # a thread its request left: what is said there still reaches it
                ref = thread_left(self.lookups, self.config, channel, thread_ts)
                if ref is None:
                    return None
                fields = {"thread_of": ref, "thread_left": True}
        elif kind in CHANNEL_KINDS and ts:  # a new message: a request in a help channel
            desk = intake_desk(self.config, self.lookups, channel)
            if desk is None:
                return None
            fields = {"intake": desk, "intake_ref": ts}
        else:
            return None
        raw = str(event.get("text") or "")
        to_bot = addressed(raw, bot_user)  # a leading mention of the bot is no content

        def name_of(uid: str) -> str | None:
            return self._name(client, uid)

        text, mentions = with_mentions(raw if to_bot is None else to_bot, name_of)
        text = text.strip()
        if mentions:
            fields = {**fields, "mentions": mentions}
        command = thread_command(text, self.deps.catalog, addressed=to_bot is not None) \
            if thread_ts else None
        shared, shared_files = forwarded(event, name_of)
        words = "\n".join(part for part in (command or text, shared) if part)
        return Said(str(event["user"]), words, channel, thread_ts,
                    files_of(event) + shared_files, fields, kind == "im",
                    command=command is not None)

    def _name(self, client: WebClient, user_id: str) -> str | None:
        """A mentioned user's name: known to the desk, else Slack's profile."""
        return mention_name(self.deps.app.desk.engine, client, user_id)

    def handle(self, event: dict[str, Any], event_id: str | None, client: WebClient,
               bot_user: str | None) -> None:
        """Run one message through the desk (once per ``event_id``) and show the answer."""
        if not spoken(event, bot_user):
            return
        said = self.said(event, client, bot_user)
        if said is None or not (said.text or said.files):
            return
        if said.fields.get("intake"):  # a request or small talk: handlers tell
            with transaction(self.deps.app.desk.engine) as session:  # where its thread lives
                slack_store.remember_thread(session, str(said.fields["intake_ref"]), said.channel)
        fields = {**said.fields, "files": said.files} if said.files else said.fields

        def show(reply: Reply) -> None:
            self.show(client, said, reply)

        reply = self.deps.run(said.user, None, said.text, event_id, late=show, fields=fields)
        if reply is not None:
            self.deps.later(lambda: show(reply))

    def show(self, client: WebClient, said: Said, reply: Reply) -> None:
        """The answer: in the DM (in its thread) for a direct message; in a channel, to the
        speaker alone, a command's answer, a refusal or a refused file (its limit and what to
        do). A repeated delivery shows nothing again. A reply that left the request's thread
        root stale (its state changed, nothing posted in its thread) refreshes the root."""
        if reply.repeat:
            return
        if reply.ok and reply.root_stale and reply.request_ref:
            info = self.lookups.request(reply.request_ref)
            if info is not None:
                self.refresh_root(info)
        if not reply.messages:
            return
        with logged(f"answer a message of {said.user}"):
            if said.direct:
                send_reply(client.chat_postMessage, reply, channel=said.channel,
                           thread_ts=said.thread_ts, unfurl_links=False)
            elif said.command or not reply.ok or \
                    any(m.extra.get("refused_files") for m in reply.messages):
                send_reply(client.chat_postEphemeral, reply, channel=said.channel,
                           user=said.user,  # a help channel's message: in its new thread
                           thread_ts=said.thread_ts or said.fields.get("intake_ref"))

    def refresh_root(self, info: RequestInfo) -> None:
        """Bring the root of ``info``'s request up to date (through the outbox)."""
        app = self.deps.app
        locale = app.desk.channel_locale(app.settings.catalog.department(info.department))
        row = Message(text="", locale=locale, request_ref=info.ref)
        if queue_root_update(app.desk.engine, app.clock, row, info.id) and app.wake_dispatcher:
            app.wake_dispatcher()


def register(bolt: App, deps: SlackDeps, lookups: Lookups, config: SlackConfig) -> None:
    """Listen to every message event (channels, private channels, DMs): Bolt answers 200 to
    all of them, also those deliberately ignored."""
    conversations = Conversations(deps, lookups, config)

    @bolt.event("message")
    def on_message(body: dict[str, Any], event: dict[str, Any], client: WebClient,
                   context: BoltContext) -> None:
        """A message someone posted where the bot listens."""
        conversations.handle(event, body.get("event_id"), client, context.bot_user_id)
