"""What round-trips through WeCom with a card: each button's EventKey (its command) and the
card's task id (the request it is about)."""

from __future__ import annotations

import re
import uuid

from bot.adapters.wecom.render import byte_len
from handlers.i18n import LOCALES
from handlers.messages import Button, Message
from handlers.slots import fill

KEY_BYTES = 1024
KEY_PREFIX = "cmd:"
TASK_UNSAFE = re.compile(r"[^A-Za-z0-9_\-@]")


def new_task_id(request_ref: str | None) -> str:
    """A fresh task id (letters, digits, ``_-@``, at most 128 bytes) that names the request."""
    ref = TASK_UNSAFE.sub("", request_ref or "")[:32] or "x"
    return f"cd_{ref}_{uuid.uuid4().hex}"


def in_locale(task_id: str, locale: str) -> str:
    """The task id of the copy of card ``task_id`` sent to the readers of ``locale`` (a
    desk's card goes once per language its members read; ``task_id`` is the desk's own)."""
    return f"{task_id}-{locale}"


def split_task(task_id: str) -> tuple[str, str | None]:
    """(the desk's task id, the language of this copy) of a card's task id: the language is
    None for the card sent in the message's own."""
    for locale in LOCALES:
        if task_id.endswith(f"-{locale}") and task_id.count("_") == 2:
            return task_id[: -len(locale) - 1], locale
    return task_id, None


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
    """The typed command a clicked button stands for (slots such as <reason> dropped)."""
    if not key.startswith(KEY_PREFIX):
        return None
    return fill(key[len(KEY_PREFIX):], {}) or None


def button_for(message: Message, key: str) -> Button | None:
    """The message's button that produced ``key``."""
    return next((b for b in message.buttons if KEY_PREFIX + b.command == key), None)
