"""One message of a conversation as Slack holds it now (``conversations.history``, the
bot's own posts included; ``.replies`` for one inside a thread)."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient


def message_at(client: WebClient, channel: str, ts: str, *,
               threads: bool = False) -> dict[str, Any] | None:
    """The message at ``ts`` in ``channel``, or None; ``threads``: look in a thread too.
    Slack's refusals raise (``SLACK_ERRORS``)."""
    found = client.conversations_history(channel=channel, latest=ts, inclusive=True,
                                         limit=1).get("messages") or []
    if threads and not any(m.get("ts") == ts for m in found):
        found = client.conversations_replies(channel=channel, ts=ts).get("messages") or []
    return next((m for m in found if m.get("ts") == ts), None)
