"""Deliver outbox messages with chat.postMessage; failures become DeliveryError for the outbox."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlmodel import Session

from bot.adapters.slack.blocks import fallback_text, message_blocks
from bot.adapters.slack.config import SlackConfig
from bot.adapters.slack.errors import SLACK_ERRORS, delivery_errors, logged, refusal_logged
from bot.adapters.slack.files import SlackFiles
from bot.adapters.slack.lookups import CHANNEL_ID_RE, Lookups, RequestInfo
from bot.adapters.slack.pacing import ChannelPacer
from bot.adapters.slack.root_update import ROOT_UPDATE, queue_root_update, root_update
from bot.adapters.slack.settled import settle_dm
from bot.adapters.slack.threads import Threads, is_ts
from bot.runtime.delivery_progress import keep_progress, resumed
from bot.runtime.dispatch import DeliveryError
from bot.runtime.file_fetch import FileService
from handlers.attachments import FETCH, SHARED
from handlers.desk import Clock
from handlers.i18n import t
from handlers.intake import INTAKE_ANSWER
from handlers.messages import LEFT_STATUS, SETTLE, Message
from storage import people, slack_store
from storage.engine import transaction

log = logging.getLogger(__name__)
T = TypeVar("T")


class SlackSender:
    """The Sender for Slack: DMs to people, thread roots and replies to department channels."""

    def __init__(self, client: WebClient, config: SlackConfig, engine: Engine, clock: Clock,
                 files: FileService) -> None:
        self.client = client
        self.files = files
        self.slack_files = SlackFiles(client)
        self.config = config
        self.engine = engine
        self.lookups = Lookups(engine)
        self.clock = clock
        self.pacer = ChannelPacer()
        self.threads = Threads(client, self.lookups, config.usergroups)
        self._slack_ids: dict[str, str] = {}
        self._channel_ids: dict[str, str] = {}
        self._permalinks: dict[tuple[str, str], str] = {}

    def send(self, message: Message, thread_ref: str | None) -> str | None:
        """Post ``message``; return its ts (a root's ts becomes the request's thread)."""
        if message.kind == ROOT_UPDATE:
            self._update_root(message)
            return None
        if message.kind == SETTLE:
            self._settle(message)
            return None
        if message.kind == FETCH:
            self.files.fetch(message, self.slack_files.download)
            return None
        if message.kind == SHARED:
            return self._share(message, thread_ref)
        if message.extra.get("image"):
            return self._chart(message, thread_ref)
        return self._post(message, thread_ref)[1]

    def _post(self, message: Message,
              thread_ref: str | None) -> tuple[str, str | None, str | None]:
        """Post ``message``: (the channel id Slack reported, its ts, the thread it went in)."""
        channel = self._channel(message)
        key = message.target  # pace per conversation, whatever Slack calls it
        now = self.clock()
        wait = self.pacer.wait(key, now)
        if wait > 0:
            raise DeliveryError(f"slack: {channel} is paced or backing off", retry_after=wait,
                                paced=True)
        thread_ts = thread_ref if is_ts(thread_ref) and not message.thread_root else None
        # a request thread begun in the desk's help channel: the desk's messages go there
        elsewhere = self.lookups.read(slack_store.thread_channel, thread_ts) \
            if thread_ts and message.target_kind == "dept" else None
        channel = elsewhere or channel
        mention = self.threads.mention(message)
        link = self._thread_link(message) if message.target_kind == "person" else None
        blocks = message_blocks(message, mention=mention, link=link)
        response = self._call(key, now, "chat.postMessage", lambda: self.client.chat_postMessage(
            channel=channel, text=fallback_text(message), unfurl_links=False, blocks=blocks,
            thread_ts=thread_ts))
        self.pacer.sent(key, now)
        ts = response.get("ts")
        channel_id = str(response.get("channel") or channel)
        ref = message.request_ref
        if elsewhere and thread_ts and ref:  # a help channel's thread: its root is not ours
            if message.extra.get(LEFT_STATUS):  # what is said there still reaches the request
                self._keep(f"that {ref} left a help thread",
                           lambda s: slack_store.remember_left(s, thread_ts, ref))
            elif message.kind == INTAKE_ANSWER and ts:
                self._keep(f"the answer to {ref}",
                           lambda s: slack_store.remember_answer(s, thread_ts, str(ts)))
            else:  # the answer with the desk's buttons stands in for the root
                self._root_changed(message, channel_id, thread_ts, now_if_not_queued=False)
        if message.target_kind == "person":  # a settle row reads this DM's history
            self._remember_channel(channel, channel, channel_id)
        if message.target_kind == "dept" and not elsewhere:
            self._remember_channel(message.target_id, self.config.channels.get(
                message.target_id), channel_id)
            if message.thread_root and ts and ref:
                self.threads.remember(ref, channel_id, str(ts), message)
            elif thread_ts and ref:
                self._root_changed(message, channel_id, thread_ts)
        return channel_id, str(ts) if ts else None, thread_ts

    def _posted(self, message: Message,
                thread_ref: str | None) -> tuple[str, str | None, str | None]:
        """``_post`` a message a file follows, once: where it went is kept with the outbox row,
        for whichever process tries the row next to upload the file only."""
        posted = resumed(message, "slack")
        if posted is not None:  # as stored below: ts and thread are str or None
            return str(posted["channel"]), posted.get("ts"), posted.get("thread")
        channel_id, ts, thread_ts = self._post(message, thread_ref)
        keep_progress(self.engine, message, "slack",
                      {"channel": channel_id, "ts": ts, "thread": thread_ts})
        return channel_id, ts, thread_ts

    def _share(self, message: Message, thread_ref: str | None) -> str | None:
        """A file passed on: its notice, then the file itself under it (in the request's
        thread, or the DM); a failed upload is retried, the notice is not (``_posted``). A row
        with no file (a confidential request's notice, queued before such notices lost the
        kind) is its notice alone."""
        channel_id, ts, thread_ts = self._posted(message, thread_ref)
        file_id = message.extra.get("file")
        stored = self.files.content(int(file_id)) if file_id is not None else None
        if stored is None:
            log.warning("file %s is not stored; its notice went alone", file_id)
        else:
            self._call(message.target, self.clock(), "files.upload",
                       lambda: self.client.files_upload_v2(
                           channel=channel_id, file=stored.data, filename=stored.name,
                           title=stored.name, thread_ts=thread_ts))
        return ts

    def _chart(self, message: Message, thread_ref: str | None) -> str | None:
        """A digest's text, then its chart (``extra["image"]``, a PNG) under it. A 429, a 5xx
        or the network is retried, the text is not (``_posted``); a refusal or a missing file
        is logged: the digest reads fine without its picture."""
        channel_id, ts, _ = self._posted(message, thread_ref)
        path = str(message.extra["image"])
        if not Path(path).is_file():
            log.warning("chart %s is missing; the message went without it", path)
            return ts
        with refusal_logged(f"upload the chart {path}"):
            self._call(message.target, self.clock(), "files.upload",
                       lambda: self.client.files_upload_v2(
                           channel=channel_id, file=path, title=message.title or "chart",
                           thread_ts=ts))
        return ts

    def _root_changed(self, reply: Message, channel_id: str, thread_ts: str, *,
                      now_if_not_queued: bool = True) -> None:
        """After a thread reply, queue the root's update (retried through the outbox); if
        the database will not take the row, update the root now, once (not for a help
        thread, whose root is the requester's message: its answer is found when sent)."""
        assert reply.request_ref is not None
        info = self.lookups.request(reply.request_ref)
        if info is None:
            return
        left = (channel_id, thread_ts) if reply.extra.get(LEFT_STATUS) else None
        if not queue_root_update(self.engine, self.clock, reply, info.id, left) \
                and now_if_not_queued:
            with logged(f"update the thread root of {info.ref}"):
                self._rewrite_root(root_update(reply, left), info, channel_id, thread_ts)

    def _update_root(self, message: Message) -> None:
        """Send a ``root_update`` row: the root shows the request as it is now. A rate limit
        or an outage is retried through the outbox; a refusal (the root is gone) is logged."""
        info = self.lookups.request(message.request_ref or "")
        if info is None:
            return
        left = message.extra.get("left_ts")
        if left is not None:  # a thread the request left: its root, wherever it is
            channel, thread = str(message.extra.get("left_channel") or ""), str(left)
        elif not is_ts(info.thread_ref):
            return  # the request has no Slack thread (any more)
        elif help_channel := self.lookups.read(slack_store.thread_channel, str(info.thread_ref)):
            # its root is the requester's own message: the bot's answer under it stands in
            thread = self.lookups.read(slack_store.answer_of, str(info.thread_ref)) or ""
            channel = help_channel
            if not thread:
                return
        else:
            channel, thread = self._dept_channel(info.department) or "", str(info.thread_ref)
        if channel:  # chat.update has its own rate limit, apart from posting
            self._display_only(ROOT_UPDATE, f"update the thread root of {info.ref}",
                               lambda: self._rewrite_root(message, info, channel, thread))

    def _settle(self, message: Message) -> None:
        """Send a ``settle`` row: the person's DM messages offering its commands on its
        request lose those buttons (``settled.settle_dm``); nothing in a DM never posted to."""
        slack_id = self._slack_id(message.target_id)
        dm = slack_id and (self._channel_ids.get(slack_id) or self.lookups.channel_id(slack_id))
        if dm:
            self._display_only(SETTLE, f"settle {message.request_ref} in a DM",
                               lambda: settle_dm(self.client, dm, message))

    def _display_only(self, key: str, what: str, call: Callable[[], Any]) -> None:
        """Run ``call``, which only changes messages already out: a rate limit or an outage
        is retried through the outbox (``key`` backs off meanwhile); a refusal is logged."""
        now = self.clock()
        wait = self.pacer.wait(key, now)
        if wait > 0:
            raise DeliveryError(f"slack: {key} backs off", retry_after=wait, paced=True)
        with refusal_logged(what):
            self._call(key, now, key, call)

    def _keep(self, what: str, write: Callable[[Session], None]) -> None:
        """Store what a post taught us; the post is out whatever happens (without it, only
        what follows may lack ``what``: a later link, an update, a help thread's replies)."""
        try:
            with transaction(self.engine) as session:
                write(session)
        except Exception:  # noqa: BLE001 - the post's row must not fail for it
            log.warning("could not store %s", what, exc_info=True)

    def _rewrite_root(self, row: Message, info: RequestInfo, channel: str,
                      thread: str) -> None:
        """The chat.update a root update row asks for: the request's state, or (a root it
        left) the row's status with no buttons."""
        if row.extra.get("left_ts") is not None:
            status = str(row.extra.get("status") or "")
            self.threads.show_left(info, channel, thread, row.locale, status)
        else:
            self.threads.update_root(info, channel, thread, row.locale)

    def _remember_channel(self, key: str, configured: str | None, channel_id: str) -> None:
        """Keep the id Slack reported for a department's channel or a person's DM (``key``:
        the department, or the user id posted to), in memory and stored: a restarted process
        or another replica needs it for chat.update, permalinks and settle rows."""
        if self._channel_ids.get(key) == channel_id:
            return
        self._channel_ids[key] = channel_id
        if configured and configured != channel_id:
            self._keep(f"the channel id of {configured}",
                       lambda s: slack_store.remember_channel(s, configured, channel_id))

    def _dept_channel(self, department: str) -> str | None:
        """A department's channel id when known (memory, then stored), else as configured."""
        known = self._channel_ids.get(department)
        if known:
            return known
        configured = self.config.channels.get(department)
        if not configured:
            return configured
        stored = self.lookups.channel_id(configured)
        if stored:
            self._channel_ids[department] = stored
        return stored or configured

    def _call(self, key: str, now: datetime, what: str, call: Callable[[], T]) -> T:
        """Run one Web API call (``what``); a failure raises DeliveryError, and a 429, a 5xx
        or network trouble backs ``key`` off. Anything else is the dispatcher's to catch:
        it keeps the row and retries it, holding the target's later rows behind it."""
        with delivery_errors(what, back_off=lambda asked: self.pacer.failed(key, now, asked)):
            return call()

    def _channel(self, message: Message) -> str:
        """A department's channel, a named channel (``channel:<name>``, e.g. the admin channel:
        ``[slack] channels`` may give its id), or the person's Slack user id (a DM)."""
        if message.target_kind == "channel":
            name = message.target_id.strip().lstrip("#")
            if not name:
                raise DeliveryError("slack: a channel target without a channel name")
            return self.config.named.get(name, name)
        if message.target_kind == "dept":
            channel = self._dept_channel(message.target_id)
            if not channel:
                raise DeliveryError(f"slack: no channel for department {message.target_id}")
            return channel
        slack_id = self._slack_id(message.target_id)
        if not slack_id:
            raise DeliveryError(f"slack: {message.target_id} has no Slack user id")
        return slack_id

    def _slack_id(self, person_id: str) -> str | None:
        """The person's Slack user id (kept in memory once known)."""
        if person_id not in self._slack_ids:
            row = self.lookups.read(people.get, person_id)
            if row is not None and row.slack_id:
                self._slack_ids[person_id] = row.slack_id
        return self._slack_ids.get(person_id)

    def reaches_department(self, key: str) -> bool:
        """True when the department has a Slack channel."""
        return bool(self.config.channels.get(key))

    def _thread_link(self, message: Message) -> str | None:
        """A link to the request's thread for the requester, when Slack can give one."""
        if not message.request_ref:
            return None
        root = self.threads.root_of(message.request_ref)
        if root is not None:
            channel, thread = root.channel, root.ts
        else:
            request = self.lookups.request(message.request_ref)
            if request is None or not is_ts(request.thread_ref):
                return None
            thread = str(request.thread_ref)
            channel = self.lookups.read(slack_store.thread_channel, thread) or \
                self._dept_channel(request.department) or ""
            if not CHANNEL_ID_RE.match(channel):
                return None
        key = (channel, str(thread))
        if key not in self._permalinks:
            try:
                response = self.client.chat_getPermalink(channel=channel, message_ts=thread)
            except SLACK_ERRORS:
                return None
            self._permalinks[key] = str(response.get("permalink") or "")
        url = self._permalinks[key]
        return t(message.locale, "slack.thread.link", url=url) if url else None
