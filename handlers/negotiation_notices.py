"""What a negotiation tells whom: the proposal with its buttons to the requester, each step
in the desk's thread, declines and the last round to the leads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from handlers import due_times
from handlers import negotiation_terms as terms
from handlers.context import Ctx, button
from handlers.i18n import t
from handlers.messages import Button, Message
from storage.models import Proposal, Request

ANSWERS = ("accept", "decline", "counter")  # the commands of answer_buttons


def answer_buttons(ref: str, locale: str) -> tuple[Button, ...]:
    """Accept / Decline… / Counter… for the requester (each its typed command)."""
    return (
        button(locale, "button.neg_accept", f"/request accept {ref}", "neg_accept", "primary"),
        button(locale, "button.neg_decline", f"/request decline {ref} <why>", "neg_decline",
               "danger"),
        button(locale, "button.neg_counter", f"/request counter {ref} <date> <comment>",
               "neg_counter"),
    )


def desk_buttons(ref: str, locale: str) -> tuple[Button, ...]:
    """Accept (the requester's counter) / Propose… for the desk."""
    return (
        button(locale, "button.neg_accept_counter", f"/request accept {ref}", "neg_accept",
               "primary"),
        button(locale, "button.neg_propose", f"/request propose {ref} <date> <text>",
               "neg_propose"),
    )


def when_text(ctx: Ctx, request: Request, due: datetime | None, locale: str) -> str:
    """A target as people read it: '2026-12-10 18:00 (in 3 working days)'."""
    return due_times.due_text(ctx, request, due, locale)


def summary(ctx: Ctx, request: Request, proposal: Proposal, locale: str) -> str:
    """'new target … (overdue since …) — text', in ``locale``."""
    if proposal.due_at is not None:
        head = t(locale, "neg.new_target", due=when_text(ctx, request, proposal.due_at, locale))
    else:
        head = t(locale, "neg.same_target")
    if proposal.overdue_since is not None:
        head += t(locale, "neg.overdue_since", when=ctx.local(proposal.overdue_since))
    return head + (f" — {proposal.text}" if proposal.text else "")


def target(ctx: Ctx, request: Request, was: datetime | None, *, desk: bool) -> Localized:
    """The resolution target once a desk proposal's pause has ended: as it stood, or moved
    by the time the proposal waited for an answer, from ``was``; told to the requester
    ("your answer") or to the desk ("the requester's answer")."""

    def render(locale: str) -> str:
        due = when_text(ctx, request, request.resolution_due, locale)
        if was is None or request.resolution_due == was:
            return t(locale, "neg.target.kept", due=due)
        key = "neg.target.moved_desk" if desk else "neg.target.moved"
        return t(locale, key, due=due, was=ctx.local(was))

    return Localized(render)


def proposal_to_requester(ctx: Ctx, request: Request, proposal: Proposal,
                          key: str = "neg.proposal", due_at: datetime | None = None) -> None:
    """The desk's proposal (or a reminder of it) with Accept / Decline / Counter, and when
    it lapses unanswered (at its proposed date, if that comes first)."""
    lapses = terms.lapses_at(ctx, request, proposal)

    def render(locale: str) -> Message:
        text = t(locale, key, by=ctx.name(proposal.proposer_id), ref=request.ref,
                 title=request.title, department=ctx.dept_label(request.department, locale),
                 summary=summary(ctx, request, proposal, locale), lapses=ctx.local(lapses))
        return Message(text=text, locale=locale, buttons=answer_buttons(request.ref, locale),
                       kind="proposal")

    ctx.notify_person(request.requester_id, render, request, due_at=due_at)


def to_desk(ctx: Ctx, request: Request, key: str, *, buttons: bool = False,
            **params: object) -> None:
    """A negotiation step told in the desk's thread and to the assignee (unless they did it)."""

    def render(locale: str) -> Message:
        text = t(locale, key, ref=request.ref, title=request.title, **_localized(params, locale))
        shown = desk_buttons(request.ref, locale) if buttons else ()
        return Message(text=text, locale=locale, buttons=shown, kind="negotiation")

    if request.assignee_id and request.assignee_id != ctx.actor.id:
        ctx.notify_person(request.assignee_id, render, request)
    ctx.notify_channel(request.department, render, request)


def to_requester(ctx: Ctx, request: Request, key: str, **params: object) -> None:
    """A negotiation step told to the requester (not when they did it)."""
    if request.requester_id == ctx.actor.id:
        return

    def render(locale: str) -> Message:
        text = t(locale, key, ref=request.ref, title=request.title, **_localized(params, locale))
        return Message(text=text, locale=locale, kind="negotiation")

    ctx.notify_person(request.requester_id, render, request)


def to_leads(ctx: Ctx, request: Request, key: str, *, counter_waits: bool,
             **params: object) -> None:
    """Something the desk's leads decide or should see, to each of them in person: Propose…,
    and Accept when the requester's counter-proposal waits for an answer."""
    for lead in ctx.department(request.department).leads:
        if lead == ctx.actor.id:
            continue

        def render(locale: str) -> Message:
            text = t(locale, key, ref=request.ref, title=request.title,
                     **_localized(params, locale))
            shown = tuple(b for b in desk_buttons(request.ref, locale)
                          if counter_waits or b.action != "neg_accept")
            return Message(text=text, locale=locale, kind="negotiation", buttons=shown)

        ctx.notify_person(lead, render, request)


class Localized:
    """A parameter rendered in the reader's language (a due time, a department name)."""

    def __init__(self, render: Callable[[str], str]) -> None:
        self.render = render

    def __call__(self, locale: str) -> str:
        return self.render(locale)


def _localized(params: dict[str, object], locale: str) -> dict[str, object]:
    return {k: v(locale) if isinstance(v, Localized) else v for k, v in params.items()}
