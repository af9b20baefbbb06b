"""A neutral Message (or Reply) as Block Kit, with a plain-text fallback ``text``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.adapters.chunks import pack_lines
from bot.adapters.slack.entities import clip, cut_point, escape
from handlers import history
from handlers.actions import within
from handlers.messages import Button, Message, Reply

SECTION_LIMIT = 3000
FALLBACK_LIMIT = 3900
FIELD_LIMIT = 2000
LABEL_LIMIT = 75
MAX_FIELDS = 10
MAX_BUTTONS = 25  # elements in one actions block
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
    """One actions block (none if there are no buttons), with the buttons it has room for
    (``MAX_BUTTONS``) as ``handlers.actions.within`` keeps them."""
    if not buttons:
        return []
    block: Block = {"type": "actions", "elements": [
        button_element(b, i) for i, b in enumerate(within(buttons, MAX_BUTTONS))]}
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


def _plain(message: Message) -> str:
    """The message's title, text and fields as lines of plain text."""
    lines = [message.title] if message.title else []
    lines.append(message.text)
    lines += [f"{name}: {value}" for name, value in message.fields]
    return "\n".join(lines)


def fallback_text(message: Message) -> str:
    """Plain text for notifications and clients that cannot show blocks."""
    return clip(escape(_plain(message)), FALLBACK_LIMIT)


def reply_payload(reply: Reply) -> tuple[str, list[Block]]:
    """A handler's reply to the speaker in one message (``reply_bodies``)."""
    return reply_bodies(reply)[0]


def reply_bodies(reply: Reply, most: int = 1) -> list[tuple[str, list[Block]]]:
    """A handler's reply to the speaker as at most ``most`` Slack messages of (fallback text,
    blocks), each within 50 blocks: its messages whole and in order, a divider between two;
    a request's history longer than a message's room keeps its latest events
    (``handlers.history.within``). What has no room in ``most`` ends the last as text, without
    its buttons (each names what to type)."""
    bodies = _packed(reply.messages)
    if len(bodies) > most:
        bodies = [*bodies[:most - 1], _with_rest([m for b in bodies[most - 1:] for m in b])]
    return [_payload(body) for body in bodies]


def _packed(messages: tuple[Message, ...]) -> list[list[Message]]:
    """``messages`` gathered in order into messages of at most 50 blocks (a divider between
    two); one that does not fit begins the next."""
    bodies: list[list[Message]] = [[]]
    used = 0
    for message in messages:
        if bodies[-1] and used + 1 + len(message_blocks(message)) > MAX_BLOCKS:
            bodies.append([])
            used = 0
        used += 1 if bodies[-1] else 0
        message = history.within(message, _room(MAX_BLOCKS - used))
        bodies[-1].append(message)
        if len(messages) > 1:  # one message: nothing follows it to make room for
            used += len(message_blocks(message))
    return bodies


def _with_rest(messages: list[Message]) -> list[Message]:
    """``messages`` in one Slack message: the first whole while the rest still fit after them
    as one text."""
    body = _as_text(messages)
    for kept in range(1, len(messages) + 1):
        more = [*messages[:kept], *_as_text(messages[kept:])]
        if sum(len(message_blocks(m)) for m in more) + len(more) - 1 > MAX_BLOCKS:
            break
        body = more
    return body


def _as_text(messages: list[Message]) -> list[Message]:
    """``messages`` as one text message (none if there are none)."""
    if not messages:
        return []
    return [Message(text="\n".join(_plain(m) for m in messages), locale=messages[0].locale)]


def _payload(body: list[Message]) -> tuple[str, list[Block]]:
    """(fallback text, blocks) of one Slack message."""
    blocks: list[Block] = []
    for message in body:
        if blocks:
            blocks.append({"type": "divider"})
        blocks += message_blocks(message)
    text = "\n".join(fallback_text(m) for m in body)
    return text[: cut_point(text, FALLBACK_LIMIT)], blocks[:MAX_BLOCKS]


def _room(blocks: int) -> Callable[[Message], bool]:
    """Whether a message fits in ``blocks`` blocks."""
    return lambda message: len(message_blocks(message)) <= blocks


def send_reply(send: Callable[..., Any], reply: Reply, *, most: int = 1, **where: Any) -> None:
    """Post ``reply`` with ``send`` (a respond, chat.postMessage …) in at most ``most``
    messages (``reply_bodies``), with ``where`` (channel, thread, response type …)."""
    send_bodies(send, reply_bodies(reply, most), **where)


def send_bodies(send: Callable[..., Any], bodies: list[tuple[str, list[Block]]],
                **where: Any) -> None:
    """Post each (fallback text, blocks) with ``send``, in order, with ``where``."""
    for text, blocks in bodies:
        send(text=text, blocks=blocks, **where)
