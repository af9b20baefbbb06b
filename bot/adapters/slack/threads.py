"""Request threads in department channels: remember each root, keep it showing the state, and
spot a message addressed to the bot (``handlers.thread_commands`` tells a command from a reply)."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

from slack_sdk import WebClient

from bot.adapters.slack.blocks import escape, fallback_text, message_blocks
from bot.adapters.slack.lookups import Lookups, RequestInfo
from handlers import thread_root
from handlers.messages import Message

TS_RE = re.compile(r"^\d+\.\d+$")
MAX_ROOTS = 5000
# A leading mention (``<@U0BOT>``, ``<@U0BOT|crossdesk>``) and what separates it from the rest
MENTION_RE = re.compile(r"^\s*<@([A-Z0-9]+)(?:\|[^>]*)?>[\s,:，：]*")


def is_ts(ref: str | None) -> bool:
    """True when ``ref`` is a Slack message timestamp (not another platform's reference)."""
    return bool(ref and TS_RE.match(ref))


def addressed(text: str, bot_user: str | None) -> str | None:
    """What follows a leading mention of the bot (``<@U0BOT> ack IT-1`` → ``ack IT-1``), as
    Slack sent it; None when ``text`` does not start with one."""
    found = MENTION_RE.match(text)
    if found is None or not bot_user or found.group(1) != bot_user:
        return None
    return text[found.end():].strip()


@dataclass(frozen=True)
class Root:
    """A thread's first message as posted."""

    channel: str
    ts: str
    message: Message


class Threads:
    """Roots by request id (in memory; read back from the outbox after a restart)."""

    def __init__(self, client: WebClient, lookups: Lookups,
                 usergroups: Mapping[str, str] | None = None) -> None:
        self.client = client
        self.lookups = lookups
        self.usergroups = usergroups or {}  # department → user group mentioned on its roots
        self._roots: OrderedDict[str, Root] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, ref: str, channel: str, ts: str, message: Message) -> None:
        """Keep the root just posted for later updates."""
        with self._lock:
            self._roots[ref] = Root(channel, ts, message)
            self._roots.move_to_end(ref)
            while len(self._roots) > MAX_ROOTS:
                self._roots.popitem(last=False)

    def root_of(self, ref: str) -> Root | None:
        """The remembered root of request ``ref``."""
        with self._lock:
            return self._roots.get(ref)

    def update_root(self, info: RequestInfo, channel: str, thread_ts: str, locale: str) -> None:
        """Rewrite the root of ``info``'s request (in a help channel: the bot's answer under
        the requester's message) as ``handlers.thread_root`` says it shows now: state, owner,
        buttons. Slack's errors propagate (the caller decides what is worth a retry)."""
        ref = info.ref
        root = self.root_of(ref)
        if root is not None and root.ts == thread_ts:
            base = root.message
        else:
            base = self.lookups.posted(info.id, thread_ts) or self._rebuilt(ref, info, locale)
            self.remember(ref, channel, thread_ts, base)
        shown = self.lookups.read(thread_root.current, ref, base, base.locale or locale)
        if shown is None:
            return
        blocks = message_blocks(base, mention=self.mention(base), status=escape(shown.status),
                                buttons=shown.buttons)
        self.client.chat_update(channel=channel, ts=thread_ts, text=fallback_text(base),
                                blocks=blocks)

    def show_left(self, info: RequestInfo, channel: str, thread_ts: str, locale: str,
                  status: str) -> None:
        """Rewrite the root of a thread ``info``'s request has left (a transfer): as posted,
        with ``status`` saying where it went, and no buttons (they no longer apply here)."""
        base = self.lookups.posted(info.id, thread_ts) or self._rebuilt(info.ref, info, locale)
        blocks = message_blocks(base, mention=self.mention(base), status=escape(status),
                                buttons=())
        self.client.chat_update(channel=channel, ts=thread_ts, text=fallback_text(base),
                                blocks=blocks)

    def mention(self, root: Message) -> str | None:
        """The user group a department's thread root mentions (``[departments] slack_usergroup``),
        kept when the root is rewritten; None for other messages."""
        group = self.usergroups.get(root.target_id) if root.thread_root and \
            root.target_kind == "dept" else None
        return f"<!subteam^{group}>" if group else None

    @staticmethod
    def _rebuilt(ref: str, info: RequestInfo | None, locale: str) -> Message:
        """A root to show when the posted one cannot be found (e.g. the outbox was pruned)."""
        title = info.title if info else ""
        return Message(text=f"{ref} · {title}".strip(" ·"), locale=locale, request_ref=ref)
