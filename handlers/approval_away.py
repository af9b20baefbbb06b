"""``/request away until 2026-12-10 delegate bob`` (休假 至 2026-12-10 代理 bob): while away,
the person's new and pending approval steps go to the delegate (both are told);
``/request back`` (销假) ends it. Away runs through the end of the given day (local time);
steps already handed over stay with the delegate."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from handlers import approval_notices as notes
from handlers import fields
from handlers.context import Ctx, Refusal, names_list
from handlers.grammar import Command
from handlers.i18n import t
from handlers.messages import Message, Reply
from handlers.requests import one_person, people_called
from storage import approvals, request_store
from storage.models import Request

LONGEST = timedelta(days=366)


def away(ctx: Ctx, cmd: Command) -> Reply:
    """Name a delegate until a day; pending approvals move to them at once."""
    today = ctx.now.astimezone(ctx.desk.policy.tz).date()
    day = fields.parse_date(cmd.text, today)
    if day is None or day < today or day - today > LONGEST:
        raise Refusal("away.err.date", given=cmd.text)
    assert cmd.person is not None
    until = day.isoformat()
    found = people_called(ctx, cmd.person)
    others = tuple(p for p in found if p != ctx.actor.id)  # a shared name: not oneself
    delegate = one_person(ctx, cmd.person, others if len(found) > 1 else found,
                          lambda pid: ctx.say("person.command.away", until=until, who=pid))
    if delegate is None:
        raise Refusal("err.unknown_person", person=cmd.person)
    if delegate == ctx.actor.id:
        raise Refusal("away.err.self")
    ends = datetime.combine(day + timedelta(days=1), time(0), ctx.desk.policy.tz)
    approvals.set_away(ctx.session, ctx.actor.id, delegate, ctx.now, ends)
    moved = [_hand_over(ctx, request, step.id or 0, delegate)
             for step, request in approvals.pending_for(ctx.session, ctx.actor.id)
             if request.requester_id != delegate]
    when = day.isoformat()
    me = ctx.name(ctx.actor.id)

    def render(locale: str) -> Message:
        text = t(locale, "away.note.delegate", away=me, until=when,
                 refs=", ".join(moved) or "—")
        return Message(text=text, locale=locale, kind="status")

    ctx.notify_person(delegate, render)
    text = ctx.say("away.reply.set", until=when, delegate=ctx.name(delegate),
                   refs=", ".join(moved) or "—")
    return Reply((Message(text=text, locale=ctx.locale),), queued=ctx.queued)


def _hand_over(ctx: Ctx, request: Request, step_id: int, delegate: str) -> str:
    """Move one pending step from the actor to ``delegate`` and ask them."""
    from storage.models import ApprovalStepRow

    step = ctx.session.get(ApprovalStepRow, step_id)
    assert step is not None
    step.approvers = [delegate if p == ctx.actor.id else p for p in step.approvers]
    step.approvers = list(dict.fromkeys(step.approvers))
    ctx.session.add(step)
    request_store.add_event(ctx.session, request, ctx.actor.id, ctx.now, "approval_delegated",
                            note=f"{ctx.name(ctx.actor.id)} → {ctx.name(delegate)}")
    total = len(approvals.steps_of(ctx.session, request.id or 0, step.round))
    notes.ask(ctx, request, delegate, step.position + 1, total, "approval.note.ask_delegate",
              away=ctx.name(ctx.actor.id))
    return request.ref


def back(ctx: Ctx, cmd: Command) -> Reply:
    """End the absence: new approvals come to the person again."""
    if not approvals.clear_away(ctx.session, ctx.actor.id):
        raise Refusal("away.err.not_away")
    pending = [r.ref for _s, r in approvals.pending_for(ctx.session, ctx.actor.id)]
    text = ctx.say("away.reply.back", refs=names_list(ctx, [], ctx.locale) if not pending
                   else ", ".join(pending))
    return Reply((Message(text=text, locale=ctx.locale),))
