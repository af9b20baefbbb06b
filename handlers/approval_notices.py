"""What the approval flow tells people: the approver's request for a decision (with Approve /
Reject), the requester's news of each step, a handover to a delegate, a rejection."""

from __future__ import annotations

from typing import NamedTuple

from handlers import approval_reopen as reopen
from handlers import field_lines
from handlers.approval_route import Handover
from handlers.context import Ctx
from handlers.details_text import below_title
from handlers.i18n import t
from handlers.messages import Button, Message
from storage import request_store
from storage.models import Request


class ApproverWords(NamedTuple):
    """An approver's comment on their approval: who said it, and what."""

    by: str
    comment: str


def said_line(said: ApproverWords | None, locale: str) -> list[str]:
    """The line quoting an approver's comment (none: no line)."""
    return [t(locale, "approval.note.comment", by=said.by, comment=said.comment)] if said \
        else []


def to_requester(ctx: Ctx, request: Request, key: str, said: ApproverWords | None,
                 **params: object) -> None:
    """News of the approval told to the requester, with the approver's comment (``said``)."""
    if request.requester_id == ctx.actor.id:
        return

    def render(locale: str) -> Message:
        text = t(locale, key, ref=request.ref, title=request.title, **params)
        return Message(text="\n".join([text, *said_line(said, locale)]), locale=locale,
                       kind="status")

    ctx.notify_person(request.requester_id, render, request)


def decision_buttons(ref: str, locale: str) -> tuple[Button, ...]:
    """Approve / Reject… (Reject asks for the reason)."""
    return (
        Button(t(locale, "approval.button.approve"), f"/request approve {ref}", "approve",
               "primary"),
        Button(t(locale, "approval.button.reject") + "…", f"/request reject {ref} <reason>",
               "reject", "danger"),
    )


def _fields(ctx: Ctx, request: Request, locale: str, step: int,
            total: int) -> tuple[tuple[str, str], ...]:
    category = ctx.department(request.department).category(request.category)
    base = (
        (t(locale, "field.requester"), ctx.name(request.requester_id)),
        (t(locale, "field.department"), ctx.dept_label(request.department, locale)),
        (t(locale, "field.category"), category.label(locale) if category else request.category),
        (t(locale, "approval.field.step"), t(locale, "approval.step_of", step=step, total=total)),
    )
    return base + field_lines.of_request(ctx.session, ctx.desk.catalog, request, locale)


def ask(ctx: Ctx, request: Request, approver: str, step: int, total: int,
        key: str = "approval.note.ask", said: ApproverWords | None = None,
        **params: object) -> None:
    """Ask ``approver`` to decide, with the request's values and Approve / Reject; after a
    reopen, what was rejected and what changed (``approval_reopen``); the previous step's
    approver's comment (``said``)."""

    def render(locale: str) -> Message:
        text = t(locale, key, ref=request.ref, title=request.title,
                 requester=ctx.name(request.requester_id), step=step, total=total, **params)
        details = below_title(request.title, request.details)
        more = [details] if details else []
        return Message(text="\n".join([text, *said_line(said, locale),
                                       *reopen.lines(ctx, request, locale), *more]),
                       locale=locale,
                       fields=_fields(ctx, request, locale, step, total),
                       buttons=decision_buttons(request.ref, locale), kind="approval")

    ctx.notify_person(approver, render, request)


def told(ctx: Ctx, request: Request, person_id: str, key: str, **params: object) -> None:
    """A plain notice about the request to one person."""

    def render(locale: str) -> Message:
        return Message(text=t(locale, key, ref=request.ref, title=request.title, **params),
                       locale=locale, kind="status")

    ctx.notify_person(person_id, render, request)


def handed_over(ctx: Ctx, request: Request, handover: Handover) -> None:
    """An approver is away: their delegate decides; both are told (the delegate with the
    request itself, through ``ask``), and the history records it."""
    away, delegate = ctx.name(handover.away), ctx.name(handover.delegate)
    request_store.add_event(ctx.session, request, handover.away, ctx.now,  # their absence
                            "approval_delegated", note=f"{away} → {delegate}")

    def render(locale: str) -> Message:
        text = t(locale, "approval.note.delegated_away", ref=request.ref, title=request.title,
                 delegate=delegate)
        return Message(text=text, locale=locale, kind="status")

    ctx.notify_person(handover.away, render, request)


def rejected(ctx: Ctx, request: Request, reason: str, step: int, total: int) -> None:
    """The requester hears who rejected it, why, and how to reopen it with changes."""

    def render(locale: str) -> Message:
        text = t(locale, "approval.note.rejected", ref=request.ref, title=request.title,
                 by=ctx.name(ctx.actor.id), reason=reason, step=step, total=total)
        reopen = Button(t(locale, "button.reopen") + "…",
                        f"/request reopen {request.ref} <changes>", "reopen")
        return Message(text=text, locale=locale, buttons=(reopen,), kind="rejected")

    ctx.notify_person(request.requester_id, render, request)
