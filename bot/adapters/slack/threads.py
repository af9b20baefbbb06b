"""Request threads in department channels: remember each root, and keep it showing the state."""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.adapters.slack.blocks import fallback_text, message_blocks
from bot.adapters.slack.lookups import Lookups, RequestInfo
from handlers.actions import staff_actions
from handlers.i18n import t
from handlers.messages import Message

log = logging.getLogger(__name__)
TS_RE = re.compile(r"^\d+\.\d+$")
MAX_ROOTS = 5000


def is_ts(ref: str | None) -> bool:
    """True when ``ref`` is a Slack message timestamp (not another platform's reference)."""
    return bool(ref and TS_RE.match(ref))


@dataclass(frozen=True)
class Root:
    """A thread's first message as posted."""

    channel: str
    ts: str
    message: Message


class Threads:
    """Roots by request id (in memory; read back from the outbox after a restart)."""

    def __init__(self, client: WebClient, lookups: Lookups) -> None:
        self.client = client
        self.lookups = lookups
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

    def update_root(self, message: Message, channel: str, thread_ts: str) -> None:
        """Rewrite the root to show the request's current state and owner, with fitting buttons."""
        ref = message.request_ref
        if not ref:
            return
        info = self.lookups.request(ref)
        state = info.state if info else message.extra.get("state")
        if not state:
            return
        assignee = info.assignee_id if info else message.extra.get("assignee")
        locale = message.locale
        root = self.root_of(ref)
        if root is not None and root.ts == thread_ts:
            base = root.message
        else:
            posted = self.lookups.posted(info.id, thread_ts) if info else None
            base = posted or self._rebuilt(ref, info, locale)
            self.remember(ref, channel, thread_ts, base)
        owner = self.lookups.name(str(assignee)) if assignee else "—"
        status = t(locale, "slack.status.line", state=t(locale, f"state.{state}"), owner=owner)
        buttons = staff_actions(ref, str(state), assignee, locale)
        blocks = message_blocks(base, status=status, buttons=buttons)
        try:
            self.client.chat_update(channel=channel, ts=thread_ts, text=fallback_text(base),
                                    blocks=blocks)
        except (SlackApiError, SlackClientError, OSError) as exc:
            log.warning("could not update the thread root of %s: %s", ref, exc)

    @staticmethod
    def _rebuilt(ref: str, info: RequestInfo | None, locale: str) -> Message:
        """A root to show when the posted one cannot be found (e.g. the outbox was pruned)."""
        title = info.title if info else ""
        return Message(text=f"{ref} · {title}".strip(" ·"), locale=locale, request_ref=ref)
