"""``/request away until 2026-12-10 delegate bob`` (休假 至 2026-12-10 代理 bob): while away,
the person's new and pending approval steps go to the delegate (both are told), but for the
delegate's own requests, which stay with the person (the answer says so). Naming another
delegate while away hands what the first one held for the person on to the new one, and the
first is told they no longer approve for them. ``/request back`` (销假) ends it. Away runs
through the end of the given day (local time); steps already handed over stay with the
delegate."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from handlers import approval_notices as notes
from handlers import approval_route as route
from handlers import examples, fields
from handlers.approval import DECISIONS
from handlers.context import Ctx, Refusal
from handlers.grammar import Command
from handlers.i18n import t
from handlers.messages import Message, Reply
from handlers.requests import one_person, people_called
from storage import approvals, request_store
from storage.models import ApprovalStepRow, Request

LONGEST = timedelta(days=366)


def away(ctx: Ctx, cmd: Command) -> Reply:
    """Name a delegate until a day; pending approvals move to them at once (and what an
    earlier delegate held for the person, when this one replaces them)."""
    assert cmd.person is not None
    day = _last_day(ctx, cmd.text, cmd.person)
    until = day.isoformat()
    found = people_called(ctx, cmd.person)
    others = tuple(p for p in found if p != ctx.actor.id)  # a shared name: not oneself
    delegate = one_person(ctx, cmd.person, others if len(found) > 1 else found,
                          lambda pid: ctx.say("person.command.away", until=until, who=pid))
    if delegate is None:
        raise Refusal("err.unknown_person", person=cmd.person)
    if delegate == ctx.actor.id:
        raise Refusal("away.err.self")
    before = approvals.away_of(ctx.session, ctx.actor.id, ctx.now)
    replaced = before.delegate_id if before and before.delegate_id != delegate else None
    ends = datetime.combine(day + timedelta(days=1), time(0), ctx.desk.policy.tz)
    again = before is not None and before.delegate_id == delegate and before.until == ends
    approvals.set_away(ctx.session, ctx.actor.id, delegate, ctx.now, ends)
    moved: list[str] = []
    kept: list[Request] = []  # the delegate's own requests: nobody approves their own
    for step, request in approvals.pending_for(ctx.session, ctx.actor.id):
        if request.requester_id == delegate:
            kept.append(request)
        else:
            moved.append(_hand_over(ctx, request, step, ctx.actor.id, delegate))
    if replaced is not None:
        moved += _hand_on(ctx, replaced, delegate, until, kept)
    idle = not moved and not kept and not route.may_approve(ctx, ctx.actor.id)
    if moved or not again:  # the same absence typed again: the delegate knows it already
        _tell_delegate(ctx, delegate, until, moved, idle)
    more = _more(ctx, delegate, kept, replaced)
    if idle:
        text = ctx.say("away.reply.no_approvals", until=until, delegate=ctx.name(delegate),
                       more=more)
    else:
        text = ctx.say("away.reply.set", until=until, delegate=ctx.name(delegate),
                       refs=", ".join(moved) or ctx.say("away.nothing"), more=more)
    return Reply((Message(text=text, locale=ctx.locale),), queued=ctx.queued)


def _last_day(ctx: Ctx, given: str, delegate: str) -> date:
    """The absence's last day: a date (else "not a date"), from today on, within a year. The
    example a refusal gives keeps the ``delegate`` typed (copying it must not hand the
    approvals to someone else)."""
    today = ctx.now.astimezone(ctx.desk.policy.tz).date()
    day = fields.parse_date(given, today)
    example = {**examples.away(ctx), "ex_person": delegate}
    if day is None:
        raise Refusal("away.err.not_a_date", given=given, **example)
    if day < today:
        raise Refusal("away.err.date", given=given, **example)
    if day - today > LONGEST:
        raise Refusal("away.err.too_far", given=given, **example)
    return day


def _tell_delegate(ctx: Ctx, delegate: str, until: str, moved: list[str], idle: bool) -> None:
    """The delegate hears who they approve for, until when, and what is theirs now."""
    me = ctx.name(ctx.actor.id)

    def render(locale: str) -> Message:
        if moved:
            text = t(locale, "away.note.delegate", away=me, until=until, refs=", ".join(moved))
        else:
            text = t(locale, "away.note.delegate_idle" if idle else "away.note.delegate_none",
                     away=me, until=until)
        return Message(text=text, locale=locale, kind="status")

    ctx.notify_person(delegate, render)


def _more(ctx: Ctx, delegate: str, kept: list[Request], replaced: str | None) -> str:
    """The answer's further sentences: what stays with the person and why, that the
    replaced delegate is told, and that a lead's or manager's escalations go to the delegate
    (in the actor's language, spaced as it writes)."""
    said = []
    if kept:
        key = "away.reply.kept" if len(kept) == 1 else "away.reply.kept_many"
        said.append(ctx.say(key, refs=", ".join(r.ref for r in kept),
                            requester=ctx.name(delegate)))
    if replaced is not None:
        said.append(ctx.say("away.reply.replaced", old=ctx.name(replaced)))
    leads = any(ctx.actor.id in d.leads for d in ctx.desk.catalog.departments)
    if leads or approvals.manages_someone(ctx.session, ctx.actor.id):
        said.append(ctx.say("away.reply.escalations", delegate=ctx.name(delegate)))
    if not said:
        return ""
    if ctx.locale.startswith("zh"):
        return "".join(said)
    return " " + " ".join(said)


def _hand_over(ctx: Ctx, request: Request, step: ApprovalStepRow, holder: str,
               delegate: str) -> str:
    """Move one pending step from ``holder`` (the actor, or their earlier delegate) to
    ``delegate`` and ask them."""
    _move(ctx, request, step, holder, delegate)
    total = len(approvals.steps_of(ctx.session, request.id or 0, step.round))
    notes.ask(ctx, request, delegate, step.position + 1, total, "approval.note.ask_delegate",
              away=ctx.name(ctx.actor.id))
    return request.ref


def _move(ctx: Ctx, request: Request, step: ApprovalStepRow, holder: str, to: str) -> None:
    """``to`` decides the step instead of ``holder``; the history records it."""
    step.approvers = list(dict.fromkeys(to if p == holder else p for p in step.approvers))
    ctx.session.add(step)
    request_store.add_event(ctx.session, request, ctx.actor.id, ctx.now, "approval_delegated",
                            note=f"{ctx.name(holder)} → {ctx.name(to)}")


def _hand_on(ctx: Ctx, old: str, new: str, until: str, kept: list[Request]) -> list[str]:
    """The actor named ``new`` instead of ``old``: the steps ``old`` holds for the actor go
    to ``new`` (one ``new`` requested comes back to the actor, into ``kept``); ``old`` is told
    they no longer approve for the actor, and their Approve / Reject there are moot. The
    refs handed to ``new``."""
    handed: list[str] = []
    taken: list[str] = []
    for step, request in approvals.pending_for(ctx.session, old):
        named = route.owners(ctx, request, step.spec)
        if ctx.actor.id not in named or old in named:
            continue  # old's own step, or one they hold for someone else
        taken.append(request.ref)
        to = ctx.actor.id if request.requester_id == new else new
        ctx.settle(old, request, DECISIONS, "settle.handed_on", to=ctx.name(to))
        if to == ctx.actor.id:
            _move(ctx, request, step, old, ctx.actor.id)
            kept.append(request)
        else:
            handed.append(_hand_over(ctx, request, step, old, new))
    me, them = ctx.name(ctx.actor.id), ctx.name(new)

    def render(locale: str) -> Message:
        key = "away.note.replaced" if taken else "away.note.replaced_none"
        text = t(locale, key, away=me, delegate=them, until=until, refs=", ".join(taken))
        return Message(text=text, locale=locale, kind="status")

    ctx.notify_person(old, render)
    return handed


def back(ctx: Ctx, cmd: Command) -> Reply:
    """End the absence: new approvals come to the person again."""
    if not approvals.clear_away(ctx.session, ctx.actor.id):
        raise Refusal("away.err.not_away")
    pending = [r.ref for _s, r in approvals.pending_for(ctx.session, ctx.actor.id)]
    text = ctx.say("away.reply.back", refs=", ".join(pending)) if pending \
        else ctx.say("away.reply.back_none")
    return Reply((Message(text=text, locale=ctx.locale),))
