"""A request's history as ``show`` tells it, and that history bounded to the room a platform
has: the request's header and its buttons stay whole, the latest events are shown, and one
line says how many earlier ones are left out and how to see them.

The platform passes its room as ``fits`` (WeCom: the pieces a reply may take; Slack: the
blocks a message holds); what to keep and what to say about the rest is decided here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from handlers import lifecycle as lc
from handlers.context import Ctx
from handlers.deflection import ANSWERED_NOTE
from handlers.i18n import t
from handlers.messages import Message
from storage import request_store
from storage.models import Request

# ``Message.extra`` of a ``show`` answer: how many lines of its text each event of the history
# takes, oldest first (the history ends the text).
EVENTS = "history"
INDENT = "  "


def event_lines(ctx: Ctx, request: Request) -> list[str]:
    """One text per event of ``request``, oldest first, in local time (a note may hold line
    breaks); the desk's internal notes only for the desk."""
    inside = ctx.desk.is_staff(ctx.actor.id, request.department)
    out = []
    for event in request_store.events(ctx.session, request.id or 0):
        if event.kind in ("internal_note", "internal_file") and not inside:
            continue  # the desk's internal notes (and their files) stay inside the desk
        change = ""
        if event.to_state and event.from_state != event.to_state:
            before = ctx.say(f"state.{event.from_state}") if event.from_state else "—"
            change = f" ({before} → {ctx.say(f'state.{event.to_state}')})"
        shown = _note(ctx, event.kind, event.note)
        note = f": {shown}" if shown and event.kind != "opened" else ""
        kind = ctx.say(f"event.{event.kind}")
        out.append(f"{INDENT}{ctx.local(event.at)} {ctx.name(event.actor_id)} {kind}{change}{note}")
    return out


def _note(ctx: Ctx, kind: str, note: str | None) -> str | None:
    """An event's note as people read it: names, not ids or department keys."""
    if kind == "assigned":
        return ctx.name(note)
    if kind == "cancelled" and note == ANSWERED_NOTE:
        return ctx.say("event.answered_by_instructions")
    if kind == "priority" and note:
        return note.replace("->", " → ")  # stored "P2->P1", read as the other changes
    route = lc.transfer_route(note) if kind == "transferred" else None
    if route:
        return " → ".join(ctx.dept_label(key) for key in route)
    return note


def ending(message: Message, events: list[str]) -> Message:
    """``message`` with ``events`` (``event_lines``) ending its text, marked for ``within``."""
    text = "\n".join([message.text, *events])
    counts = [event.count("\n") + 1 for event in events]
    return replace(message, text=text, extra={**message.extra, EVENTS: counts})


def within(message: Message, fits: Callable[[Message], bool]) -> Message:
    """``message`` as ``fits`` has room for it: whole when it fits (or has no history); else
    its header, the latest events that fit and, before them, a line saying how many earlier
    ones are left out and how to see them (an admin's export: every platform but the
    console has less room). With no room even for that, the header and that line alone."""
    counts = [int(n) for n in message.extra.get(EVENTS) or ()]
    lines = message.text.split("\n")
    if not counts or sum(counts) > len(lines) or fits(message):
        return message
    head = lines[:len(lines) - sum(counts)]
    extra = {k: v for k, v in message.extra.items() if k != EVENTS}

    def latest(n: int) -> Message:
        left_out = t(message.locale, "show.earlier", n=len(counts) - n)
        kept = lines[len(lines) - sum(counts[len(counts) - n:]):] if n else []
        return replace(message, text="\n".join([*head, INDENT + left_out, *kept]), extra=extra)

    low, high = 0, len(counts) - 1  # events kept: all of them do not fit
    while low < high:
        middle = (low + high + 1) // 2
        if fits(latest(middle)):
            low = middle
        else:
            high = middle - 1
    return latest(low)
