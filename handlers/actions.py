"""Which buttons a request shows, to whom, in which state, and which of them stay where a
platform has room for fewer: one answer for every platform (Slack thread roots and App Home,
WeCom cards, the console's ``show``)."""

from __future__ import annotations

from handlers.i18n import t
from handlers.messages import Button
from handlers.negotiation_notices import answer_buttons, desk_buttons
from storage.request_store import OPEN_STATES as OPEN

# The desk's actions on a request: action → the command its button runs (``<slot>``: text the
# person gives first). Slack's reactions run them too (``[slack] reactions``).
STAFF_COMMANDS = {
    "ack": "/request ack {ref}",
    "assign_me": "/request assign {ref} me",
    "resume": "/request resume {ref}",
    "wait": "/request wait {ref} <question>",
    "resolve": "/request resolve {ref} <note>",
}


def staff_command(action: str, ref: str) -> str:
    """The command behind the desk's ``action`` button on request ``ref``."""
    return STAFF_COMMANDS[action].format(ref=ref)


def staff_actions(ref: str, state: str, assignee: str | None, locale: str,
                  viewer: str | None = None, pending: str | None = None) -> tuple[Button, ...]:
    """For the desk: Acknowledge, Assign to me, Ask requester…, Resume, Resolve… as the state
    allows (``viewer``: who looks, so that their own assignment is not offered again)."""
    out: list[Button] = []
    if state == "open":
        out.append(Button(t(locale, "button.ack"), staff_command("ack", ref), "ack", "primary"))
    if state in OPEN and (viewer is None or assignee != viewer):
        out.append(Button(t(locale, "button.assign_me"), staff_command("assign_me", ref),
                          "assign_me"))
    if state in ("open", "acknowledged", "in_progress"):
        out.append(Button(t(locale, "button.wait"), staff_command("wait", ref), "wait"))
    if state == "waiting":
        out.append(Button(t(locale, "button.resume"), staff_command("resume", ref), "resume"))
    if state in OPEN:
        out.append(Button(t(locale, "button.resolve") + "…", staff_command("resolve", ref),
                          "resolve"))
    if pending == "desk" and state in OPEN:  # the requester countered: accept or propose
        out = [*desk_buttons(ref, locale), *out]
    return tuple(out)


def requester_actions(ref: str, state: str, locale: str,
                      pending: str | None = None, *, rate: bool = True) -> tuple[Button, ...]:
    """For the requester: Accept / Decline… / Counter… (a desk proposal waits for them),
    Confirm, Reopen…, Rate… (unless ``rate`` is off: the rating is final), Cancel as the
    state allows."""
    out: list[Button] = []
    if pending == "requester" and state in OPEN:
        out += answer_buttons(ref, locale)
    if state == "resolved":
        out.append(Button(t(locale, "button.confirm"), f"/request confirm {ref}", "confirm",
                          "primary"))
    if state in ("resolved", "closed"):
        out.append(Button(t(locale, "button.reopen") + "…", f"/request reopen {ref} <reason>",
                          "reopen"))
    if state == "closed" and rate:
        out.append(Button(t(locale, "button.rate_any"), f"/request rate {ref} <stars> <comment>",
                          "rate"))
    if state in OPEN:
        out.append(Button(t(locale, "button.cancel"), f"/request cancel {ref}", "cancel",
                          "danger"))
    return tuple(out)


def request_actions(ref: str, state: str, assignee: str | None, locale: str, *, viewer: str,
                    staff: bool, requester: bool,
                    pending: str | None = None, rate: bool = True) -> tuple[Button, ...]:
    """What ``viewer`` may press on a request: the desk's buttons, the requester's, or both
    (``pending``: whom a proposal waits for, see handlers/negotiation_view.py; ``rate``:
    whether the requester may still rate it)."""
    shown = staff_actions(ref, state, assignee, locale, viewer, pending) if staff else ()
    return shown + (requester_actions(ref, state, locale, pending, rate=rate)
                    if requester else ())


def within(buttons: tuple[Button, ...], room: int) -> tuple[Button, ...]:
    """The buttons a platform with room for ``room`` shows: all when they fit, else the first
    ones (buttons come most needed first: an answer a proposal waits for, then the state's
    next steps, as above) and Cancel, last, so a way out stays one click away. Every button
    left out can still be typed."""
    if len(buttons) <= room:
        return buttons
    if room <= 0:
        return ()
    cancel = tuple(b for b in buttons if b.action == "cancel")[:1]
    rest = tuple(b for b in buttons if b not in cancel)
    return rest[:room - len(cancel)] + cancel
