"""A neutral Message (or Reply) as Block Kit, with a plain-text fallback ``text``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.adapters.chunks import pack_lines
from bot.adapters.slack.entities import clip, cut_point, escape
from handlers import history
from handlers.messages import Button, Message, Reply

SECTION_LIMIT = 3000
FALLBACK_LIMIT = 3900
FIELD_LIMIT = 2000
LABEL_LIMIT = 75
MAX_FIELDS = 10
MAX_BUTTONS = 25
MAX_BLOCKS = 50  # in one message
ACTION_PREFIX = "crossdesk:"

Block = dict[str, Any]


def plain(text: str, limit: int = LABEL_LIMIT) -> dict[str, Any]:
    """A plain_text object cut to ``limit`` characters."""
    return {"type": "plain_text", "text": clip(text, limit, escaped=False) or " ", "emoji": True}


def button_element(button: Button, index: int) -> Block:
    """A Block Kit button whose value is the typed command it stands for."""
    element: Block = {
        "type": "button",
        "text": plain(button.label),
        "action_id": f"{ACTION_PREFIX}{button.action}:{index}",
        "value": button.command[:2000],
    }
    if button.style in ("primary", "danger"):
        element["style"] = button.style
    return element


def _chunks(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Split (escaped) text at line breaks so each piece fits one section, in order."""
    return pack_lines(text.split("\n"), limit, _cut, sep="\n")


def _cut(line: str, limit: int) -> list[str]:
    """A line longer than ``limit`` cut between entities and whole characters."""
    pieces: list[str] = []
    while len(line) > limit:
        end = cut_point(line, limit) or limit
        pieces.append(line[:end])
        line = line[end:]
    return [*pieces, line]


def text_sections(text: str, lead: str = "") -> list[Block]:
    """mrkdwn sections for ``text`` (escaped), split to fit; ``lead`` (mrkdwn, e.g. a mention)
    begins the first and counts toward its 3,000 characters."""
    escaped = escape(text)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": chunk}}
            for chunk in _chunks(lead + escaped if escaped.strip() else "")]


def actions_block(buttons: tuple[Button, ...], block_id: str | None = None) -> list[Block]:
    """One actions block (none if there are no buttons)."""
    if not buttons:
        return []
    block: Block = {"type": "actions", "elements": [
        button_element(b, i) for i, b in enumerate(buttons[:MAX_BUTTONS])]}
    if block_id:
        block["block_id"] = block_id
    return [block]


def message_blocks(message: Message, *, mention: str | None = None, status: str | None = None,
                   buttons: tuple[Button, ...] | None = None,
                   link: str | None = None) -> list[Block]:
    """The Message as blocks; ``status`` (mrkdwn) and ``buttons`` override for thread roots."""
    blocks: list[Block] = []
    if message.title:
        blocks.append({"type": "header", "text": plain(message.title, 150)})
    blocks += text_sections(message.text, f"{mention} " if mention else "")
    fields = [
        {"type": "mrkdwn", "text": clip(f"*{escape(name)}*\n{escape(value)}", FIELD_LIMIT)}
        for name, value in message.fields[:MAX_FIELDS * 3]
    ]
    # a section holds 10 fields: a request's form adds its own after the standard ones
    blocks += [{"type": "section", "fields": fields[i:i + MAX_FIELDS]}
               for i in range(0, len(fields), MAX_FIELDS)]
    if status:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": status}]})
    if link:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": link}]})
    blocks += actions_block(message.buttons if buttons is None else buttons)
    return blocks


def fallback_text(message: Message) -> str:
    """Plain text for notifications and clients that cannot show blocks."""
    lines = [message.title] if message.title else []
    lines.append(message.text)
    lines += [f"{name}: {value}" for name, value in message.fields]
    return clip(escape("\n".join(lines)), FALLBACK_LIMIT)


def reply_payload(reply: Reply) -> tuple[str, list[Block]]:
    """A handler's reply to the speaker as (fallback text, blocks): a request's history longer
    than the blocks left in the message keeps its latest events (``handlers.history.within``)."""
    blocks: list[Block] = []
    shown: list[Message] = []
    for message in reply.messages:
        if blocks:
            blocks.append({"type": "divider"})
        message = history.within(message, _room(MAX_BLOCKS - len(blocks)))
        shown.append(message)
        blocks += message_blocks(message)
    text = "\n".join(fallback_text(m) for m in shown)
    return text[: cut_point(text, FALLBACK_LIMIT)], blocks[:MAX_BLOCKS]


def _room(blocks: int) -> Callable[[Message], bool]:
    """Whether a message fits in ``blocks`` blocks."""
    return lambda message: len(message_blocks(message)) <= blocks


def send_reply(send: Callable[..., Any], reply: Reply, **where: Any) -> None:
    """Post ``reply`` with ``send`` (an ack, a respond, chat.postMessage …): its fallback
    text and blocks, and ``where`` (channel, thread, response type …)."""
    text, blocks = reply_payload(reply)
    send(text=text, blocks=blocks, **where)
