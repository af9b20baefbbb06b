"""The buttons a request shows in Slack for its state: staff on thread roots, requesters at Home."""

from __future__ import annotations

from bot.adapters.slack.texts import say
from handlers.i18n import t
from handlers.messages import Button

STAFF_OPEN = ("open", "acknowledged", "in_progress", "waiting")


def staff_actions(ref: str, state: str, assignee: str | None, locale: str,
                  viewer: str | None = None) -> tuple[Button, ...]:
    """Acknowledge, Assign to me, Ask requester…, Resume, Resolve… as the state allows."""
    out: list[Button] = []
    if state == "open":
        out.append(Button(t(locale, "button.ack"), f"/request ack {ref}", "ack", "primary"))
    if state in STAFF_OPEN and (viewer is None or assignee != viewer):
        out.append(Button(t(locale, "button.assign_me"), f"/request assign {ref} me",
                          "assign_me"))
    if state in ("open", "acknowledged", "in_progress"):
        out.append(Button(say(locale, "button.wait"), f"/request wait {ref} <question>", "wait"))
    if state == "waiting":
        out.append(Button(say(locale, "button.resume"), f"/request resume {ref}", "resume"))
    if state in STAFF_OPEN:
        out.append(Button(t(locale, "button.resolve") + "…", f"/request resolve {ref} <note>",
                          "resolve"))
    return tuple(out)


def requester_actions(ref: str, state: str, locale: str) -> tuple[Button, ...]:
    """Confirm, Reopen…, Rate…, Cancel as the state allows."""
    out: list[Button] = []
    if state == "resolved":
        out.append(Button(t(locale, "button.confirm"), f"/request confirm {ref}", "confirm",
                          "primary"))
    if state in ("resolved", "closed"):
        out.append(Button(t(locale, "button.reopen") + "…", f"/request reopen {ref} <reason>",
                          "reopen"))
    if state == "closed":
        out.append(Button(say(locale, "button.rate"), f"/request rate {ref} <stars> <comment>",
                          "rate"))
    if state in STAFF_OPEN:
        out.append(Button(t(locale, "button.cancel"), f"/request cancel {ref}", "cancel",
                          "danger"))
    return tuple(out)
