"""A clicked message only its clicker sees (the bot's DM with them, an ephemeral answer):
once the click is done, the buttons it settles leave it and a line says what was chosen.

Thread roots follow their request through the outbox; a person's own copy has no such
record. A click that ran at once rewrites it on the click's ``response_url``; one that first
asked for text in a modal rewrites the DM message with ``chat.update`` after the submission.
Buttons made moot by their own command elsewhere or by someone else (a ``settle`` row) leave
the person's recent DM messages.
Which buttons are moot is ``handlers.messages``' to say (``moot_beside``, ``settled_here``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bot.adapters.slack.blocks import MAX_BLOCKS, Block
from bot.adapters.slack.entities import escape
from bot.adapters.slack.errors import SLACK_ERRORS
from handlers.i18n import t
from handlers.messages import Message, moot_beside, settled_here, settles

log = logging.getLogger(__name__)
MAX_KEPT_COMMAND = 300  # a modal's private_metadata holds 3,000 characters
RECENT = 100  # DM messages a settle row looks through: one conversations.history page


def only_clicker_sees(body: dict[str, Any]) -> bool:
    """True for a click in the bot's DM with the clicker, or on an ephemeral message."""
    container = body.get("container") or {}
    channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "")
    return bool(container.get("is_ephemeral")) or channel.startswith("D")


def clicked(body: dict[str, Any]) -> dict[str, Any]:
    """What a click's later settling needs: the button's command, block and label."""
    action = (body.get("actions") or [{}])[0]
    return {"value": str(action.get("value") or ""), "block_id": action.get("block_id"),
            "label": str((action.get("text") or {}).get("text") or "")}


def for_later(body: dict[str, Any]) -> dict[str, Any] | None:
    """For a click that first asks for text: where its DM message is and which button it
    was (kept in the modal's metadata), or None outside the bot's DM."""
    container = body.get("container") or {}
    channel, ts = str(container.get("channel_id") or ""), container.get("message_ts")
    button = clicked(body)
    if (not channel.startswith("D") or not ts or container.get("is_ephemeral")
            or len(button["value"]) > MAX_KEPT_COMMAND):
        return None
    return {"channel": channel, "ts": str(ts), "button": button}


def without_buttons_of(blocks: list[Block] | None, button: dict[str, Any],
                       locale: str) -> list[Block] | None:
    """``blocks`` without the buttons for the clicked ``button``'s request (all, for one that
    settles its message) and a "✓ you chose …" line where they were; None when it settles
    nothing or there are no blocks (Slack leaves an ephemeral message's out of the click)."""
    value = button["value"]
    if not blocks or not settles(value):
        return None
    return _without(blocks, lambda other: moot_beside(value, other),
                    t(locale, "slack.clicked", label=button["label"]), button["block_id"])


def _without(blocks: list[Block], moot: Callable[[str], bool], said: str,
             anchor: str | None = None) -> list[Block]:
    """``blocks`` without the buttons whose command is ``moot``, and a line saying ``said``
    after the block ``anchor`` (none given: the first that lost one; not found: last)."""
    line: Block = {"type": "context", "elements": [{"type": "mrkdwn", "text": escape(said)}]}
    out: list[Block] = []
    for block in blocks:
        if block.get("type") != "actions":
            out.append(block)
            continue
        elements = block.get("elements") or []
        kept = [e for e in elements if not moot(str(e.get("value") or ""))]
        if kept:
            out.append({**block, "elements": kept})
        here = block.get("block_id") == anchor if anchor else len(kept) < len(elements)
        if here and line not in out:
            out.append(line)
    if line not in out:
        out.append(line)
    return out if len(out) <= MAX_BLOCKS else [*out[:MAX_BLOCKS - 1], line]


def settle_dm(client: WebClient, channel: str, row: Message) -> None:
    """A ``settle`` row: the recent messages in its person's DM ``channel`` offering one of
    its commands on its request lose those buttons, its text standing where they were (the
    one a click settled has none left). Slack's refusals raise (``SLACK_ERRORS``)."""

    def moot(command: str) -> bool:
        return settled_here(row, row.target, [command])

    recent = client.conversations_history(channel=channel, limit=RECENT).get("messages") or []
    for message in recent:  # newest first, not in threads: one page is all we look at
        blocks, ts = message.get("blocks") or [], message.get("ts")
        if ts and any(moot(str(e.get("value") or "")) for b in blocks
                      if b.get("type") == "actions" for e in b.get("elements") or []):
            client.chat_update(channel=channel, ts=ts, text=str(message.get("text") or ""),
                               blocks=_without(blocks, moot, f"✓ {row.text}"))


def message_at(client: WebClient, channel: str, ts: str) -> dict[str, Any] | None:
    """The message at ``ts`` in ``channel`` as Slack holds it now (the bot's own posts
    included; in a thread too), or None. Slack's refusals raise (``SLACK_ERRORS``)."""
    found = client.conversations_history(channel=channel, latest=ts, inclusive=True,
                                         limit=1).get("messages") or []
    if not any(m.get("ts") == ts for m in found):
        found = client.conversations_replies(channel=channel, ts=ts).get("messages") or []
    return next((m for m in found if m.get("ts") == ts), None)


def after_modal(client: WebClient, channel: str, ts: str, button: dict[str, Any],
                locale: str) -> None:
    """Settle the DM message at ``ts`` whose ``button`` first asked for text in a modal."""
    try:
        message = message_at(client, channel, ts)  # in a DM thread too
        blocks = without_buttons_of((message or {}).get("blocks"), button, locale)
        if message and blocks:
            client.chat_update(channel=channel, ts=ts, text=str(message.get("text") or ""),
                               blocks=blocks)
    except SLACK_ERRORS as exc:  # display only: the command is stored and answered
        log.info("could not settle the clicked message: %s", exc)
