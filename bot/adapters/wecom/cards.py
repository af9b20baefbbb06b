"""A Message with buttons as a WeCom template card (button_interaction), and back again."""

from __future__ import annotations

import re
import uuid
from typing import Any

from bot.adapters.wecom.render import byte_len, command_lines
from handlers.messages import Button, Message

MAX_BUTTONS = 6
TITLE_CHARS = 36
BODY_CHARS = 112
VALUE_CHARS = 30
KEY_BYTES = 1024
TASK_ID_BYTES = 128
KEY_PREFIX = "cmd:"
# WeCom documents styles 1-4 without naming colours; 1 is its default.
STYLES = {"primary": 1, "danger": 2}
PLACEHOLDER = re.compile(r"\s*<[^<>]*>")
TASK_UNSAFE = re.compile(r"[^A-Za-z0-9_\-@]")


def clip(text: str, chars: int) -> str:
    """At most ``chars`` characters, with an ellipsis when cut."""
    return text if len(text) <= chars else text[: chars - 1] + "…"


def new_task_id(request_ref: str | None) -> str:
    """A fresh task id (letters, digits, ``_-@``, at most 128 bytes) that names the request."""
    ref = TASK_UNSAFE.sub("", request_ref or "")[:32] or "x"
    return f"cd_{ref}_{uuid.uuid4().hex}"


def ref_of_task(task_id: str) -> str | None:
    """The request id a task id was made for, if any."""
    parts = task_id.split("_")
    return parts[1] if len(parts) == 3 and parts[0] == "cd" and parts[1] != "x" else None


def button_key(button: Button) -> str:
    """The EventKey WeCom sends back on a click: the command itself, within 1024 bytes."""
    key = KEY_PREFIX + button.command
    if byte_len(key) > KEY_BYTES:
        raise ValueError(f"button command too long for a WeCom card: {button.command[:40]}…")
    return key


def command_of_key(key: str) -> str | None:
    """The typed command a clicked button stands for (placeholders such as <reason> dropped)."""
    if not key.startswith(KEY_PREFIX):
        return None
    return PLACEHOLDER.sub("", key[len(KEY_PREFIX):]).strip() or None


def button_for(message: Message, key: str) -> Button | None:
    """The message's button that produced ``key``."""
    return next((b for b in message.buttons if KEY_PREFIX + b.command == key), None)


def _title_and_body(message: Message) -> tuple[str, str]:
    lines = message.text.strip().splitlines() or [""]
    title = message.title or lines[0]
    if message.title or len(title) > TITLE_CHARS:
        return title, message.text.strip()
    return title, "\n".join(lines[1:]).strip()


def clipped(message: Message) -> bool:
    """True when the card cannot show the whole text (send the text on its own as well)."""
    title, body = _title_and_body(message)
    return len(body) > BODY_CHARS or (message.title is not None and len(title) > TITLE_CHARS)


def card(message: Message, task_id: str, replace_text: str | None = None) -> dict[str, Any]:
    """The ``template_card`` object; with ``replace_text`` its buttons show that, greyed."""
    title, body = _title_and_body(message)
    sub = "\n".join(filter(None, [clip(body, BODY_CHARS), *command_lines(message, False)]))
    template: dict[str, Any] = {
        "card_type": "button_interaction",
        "main_title": {"title": clip(title, TITLE_CHARS)},
        "task_id": task_id,
        "button_list": [
            {"text": b.label, "style": STYLES.get(b.style or "", 3), "key": button_key(b)}
            for b in message.buttons[:MAX_BUTTONS]
        ],
    }
    if sub:
        template["sub_title_text"] = sub
    if message.fields:
        template["horizontal_content_list"] = [
            {"keyname": name, "value": clip(value, VALUE_CHARS)}
            for name, value in message.fields[:6]
        ]
    if replace_text:
        template["replace_text"] = replace_text
    return template


def card_body(message: Message, task_id: str) -> dict[str, Any]:
    """A ``message/send`` body (without recipients) carrying the card."""
    return {"msgtype": "template_card", "template_card": card(message, task_id)}
