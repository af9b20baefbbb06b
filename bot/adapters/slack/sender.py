"""Deliver outbox messages with chat.postMessage; failures become DeliveryError for the outbox."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import Engine

from bot.adapters.slack.blocks import fallback_text, message_blocks
from bot.adapters.slack.config import SlackConfig
from bot.adapters.slack.lookups import Lookups
from bot.adapters.slack.pacing import ChannelPacer
from bot.adapters.slack.threads import Threads, is_ts
from bot.runtime.dispatch import DeliveryError
from handlers.desk import Clock
from handlers.i18n import t
from handlers.messages import Message

log = logging.getLogger(__name__)
CHANNEL_ID_RE = re.compile(r"^[CG][A-Z0-9]{6,}$")


def _status(exc: SlackApiError) -> tuple[int | None, dict[str, Any]]:
    """(HTTP status, headers) of a failed call, whichever shape slack_sdk gave."""
    response: Any = exc.response
    if isinstance(response, dict):
        return response.get("status"), dict(response.get("headers") or {})
    return getattr(response, "status_code", None), dict(getattr(response, "headers", {}) or {})


def _retry_after(headers: dict[str, Any]) -> float | None:
    for key, value in headers.items():
        if key.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return float(raw)
            except (TypeError, ValueError):
                return None
    return None


class SlackSender:
    """The Sender for Slack: DMs to people, thread roots and replies to department channels."""

    def __init__(self, client: WebClient, config: SlackConfig, engine: Engine, clock: Clock,
                 pacer: ChannelPacer | None = None) -> None:
        self.client = client
        self.config = config
        self.lookups = Lookups(engine)
        self.clock = clock
        self.pacer = pacer or ChannelPacer()
        self.threads = Threads(client, self.lookups)
        self._slack_ids: dict[str, str] = {}
        self._channel_ids: dict[str, str] = {}
        self._permalinks: dict[tuple[str, str], str] = {}

    def send(self, message: Message, thread_ref: str | None) -> str | None:
        """Post ``message``; return its ts (a root's ts becomes the request's thread)."""
        channel = self._channel(message)
        key = message.target  # pace per conversation, whatever Slack calls it
        now = self.clock()
        wait = self.pacer.wait(key, now)
        if wait > 0:
            raise DeliveryError(f"slack: {channel} is paced or backing off", retry_after=wait,
                                paced=True)
        thread_ts = thread_ref if is_ts(thread_ref) and not message.thread_root else None
        mention = None
        if message.thread_root and message.target_kind == "dept":
            group = self.config.usergroups.get(message.target_id)
            mention = f"<!subteam^{group}>" if group else None
        link = self._thread_link(message) if message.target_kind == "person" else None
        kwargs: dict[str, Any] = {
            "channel": channel, "text": fallback_text(message), "unfurl_links": False,
            "blocks": message_blocks(message, mention=mention, link=link),
        }
        if thread_ts:
            kwargs["thread_ts"] = thread_ts
        response = self._call(key, now, lambda: self.client.chat_postMessage(**kwargs))
        self.pacer.sent(key, now)
        ts = response.get("ts")
        channel_id = str(response.get("channel") or channel)
        image = message.extra.get("image")
        if image:
            self._upload(channel_id, str(image), message.title or "chart", ts)
        if message.target_kind == "dept":
            self._channel_ids[message.target_id] = channel_id
            if message.thread_root and ts and message.request_ref:
                self.threads.remember(message.request_ref, channel_id, str(ts), message)
            elif thread_ts:
                self.threads.update_root(message, channel_id, thread_ts)
        return str(ts) if ts else None

    def _upload(self, channel_id: str, path: str, title: str, ts: Any) -> None:
        """Attach a chart under the message (files_upload_v2). The message is already out, so a
        failed upload is logged, not retried: the digest reads fine without its picture."""
        if not Path(path).is_file():
            log.warning("chart %s is missing; the message went without it", path)
            return
        try:
            self.client.files_upload_v2(channel=channel_id, file=path, title=title,
                                        thread_ts=str(ts) if ts else None)
        except (SlackApiError, SlackClientError, OSError) as exc:
            log.warning("chart upload failed: %s", exc)

    def _call(self, key: str, now: Any, call: Callable[[], Any]) -> Any:
        """Run one Web API call; 429, 5xx and network trouble raise DeliveryError."""
        try:
            return call()
        except SlackApiError as exc:
            status, headers = _status(exc)
            if status == 429:
                wait = self.pacer.failed(key, now, _retry_after(headers) or 1.0)
                raise DeliveryError("slack: rate limited (429)", retry_after=wait) from exc
            if status is not None and status >= 500:
                wait = self.pacer.failed(key, now, None)
                raise DeliveryError(f"slack: server error {status}", retry_after=wait) from exc
            error = exc.response.get("error") if hasattr(exc.response, "get") else None
            raise DeliveryError(f"slack refused the message: {error or exc}") from exc
        except (SlackClientError, OSError) as exc:
            wait = self.pacer.failed(key, now, None)
            raise DeliveryError(f"slack unreachable: {exc}", retry_after=wait) from exc
        except Exception as exc:  # never let one message roll back the dispatcher's batch
            log.exception("unexpected error posting to Slack")
            wait = self.pacer.failed(key, now, None)
            raise DeliveryError(f"slack call failed: {exc}", retry_after=wait) from exc

    def _channel(self, message: Message) -> str:
        """A department's channel, or the person's Slack user id (a DM)."""
        if message.target_kind == "dept":
            channel = self.config.channels.get(message.target_id)
            if not channel:
                raise DeliveryError(f"slack: no channel for department {message.target_id}")
            return self._channel_ids.get(message.target_id, channel)
        person_id = message.target_id
        slack_id = self._slack_ids.get(person_id)
        if slack_id is None:
            slack_id = self.lookups.slack_id(person_id)
            if slack_id:
                self._slack_ids[person_id] = slack_id
        if not slack_id:
            raise DeliveryError(f"slack: {person_id} has no Slack user id")
        return slack_id

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
            channel = (self._channel_ids.get(request.department)
                       or self.config.channels.get(request.department, ""))
            if not CHANNEL_ID_RE.match(channel):
                return None
        key = (channel, str(thread))
        if key not in self._permalinks:
            try:
                response = self.client.chat_getPermalink(channel=channel, message_ts=thread)
            except (SlackApiError, SlackClientError, OSError):
                return None
            self._permalinks[key] = str(response.get("permalink") or "")
        url = self._permalinks[key]
        return t(message.locale, "slack.thread.link", url=url) if url else None
