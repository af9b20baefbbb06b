"""Small modals: asking for the text a button's command needs (its ``handlers.slots``), and
showing a reply."""

from __future__ import annotations

import json
from typing import Any

from bot.adapters.slack.blocks import escape, message_blocks, plain
from handlers.grammar import REF_RE
from handlers.i18n import t
from handlers.messages import Reply
from handlers.slots import fill, label, optional, refused_at, slots
from handlers.slots import missing as first_empty

CALLBACK = "crossdesk_command_input"
ERROR_LIMIT = 300

View = dict[str, Any]


def _input(name: str, locale: str) -> dict[str, Any]:
    if name == "stars":
        element: dict[str, Any] = {
            "type": "static_select", "action_id": "value",
            "options": [{"text": plain("★" * n + f" {n}"), "value": str(n)}
                        for n in range(5, 0, -1)],
        }
    elif name == "person":  # Slack's own people picker: read back as the user's id
        element = {"type": "users_select", "action_id": "value",
                   "placeholder": plain(t(locale, "slack.form.field.person"))}
    else:
        element = {"type": "plain_text_input", "action_id": "value",
                   "multiline": name != "date", "max_length": 3000}
    return {"type": "input", "block_id": f"slot.{name}", "label": plain(label(name, locale)),
            "optional": optional(name), "element": element}


def input_view(command: str, locale: str, meta: dict[str, Any]) -> View:
    """A modal asking for each ``<slot>`` of ``command``; submitting runs the command."""
    ref = next((w for w in command.split() if REF_RE.match(w)), None)
    shown = fill(command, dict.fromkeys(slots(command), "…"))
    blocks: list[dict[str, Any]] = [
        {"type": "context", "elements": [{"type": "mrkdwn", "text": f"`{escape(shown)}`"}]},
    ]
    blocks += [_input(name, locale) for name in dict.fromkeys(slots(command))]
    return {
        "type": "modal", "callback_id": CALLBACK,
        "title": plain(ref.upper() if ref else "crossdesk", 24),
        "submit": plain(t(locale, "slack.modal.submit"), 24),
        "close": plain(t(locale, "slack.modal.cancel"), 24),
        "private_metadata": json.dumps({**meta, "command": command}),
        "blocks": blocks,
    }


def read_input(view: View) -> tuple[str, dict[str, Any], dict[str, str]]:
    """(command template, metadata, slot → typed value) from a submitted input modal (a
    person picked: their Slack user id, which the desk knows as theirs)."""
    meta: dict[str, Any] = json.loads(view.get("private_metadata") or "{}")
    values: dict[str, str] = {}
    for block_id, actions in view.get("state", {}).get("values", {}).items():
        if not block_id.startswith("slot."):
            continue
        state = actions.get("value", {})
        option = state.get("selected_option")
        picked = option["value"] if option else state.get("selected_user")  # a person slot
        values[block_id[5:]] = str(picked or state.get("value") or "")
    return str(meta.get("command", "")), meta, values


def missing(command: str, values: dict[str, str]) -> str | None:
    """The block of the first required slot left empty (``handlers.slots.missing``)."""
    name = first_empty(command, values)
    return f"slot.{name}" if name else None


def error_block(command: str) -> str:
    """The block a refusal is shown on (``handlers.slots.refused_at``)."""
    return f"slot.{refused_at(command)}"


def short(text: str) -> str:
    """A refusal cut to fit under a field."""
    return text if len(text) <= ERROR_LIMIT else text[: ERROR_LIMIT - 1] + "…"


def reply_view(reply: Reply, locale: str) -> View:
    """A modal showing what the bot answered (buttons included)."""
    blocks: list[dict[str, Any]] = []
    for message in reply.messages:
        blocks += message_blocks(message)
    return {
        "type": "modal", "callback_id": "crossdesk_reply",
        "title": plain(t(locale, "slack.modal.reply.title"), 24),
        "close": plain(t(locale, "slack.modal.close"), 24),
        "blocks": blocks[:100],
    }
