"""`priority ID P2`: the desk re-prioritises a request; its targets are recomputed."""

from __future__ import annotations

from datetime import timedelta

from handlers import lifecycle as lc
from handlers import notices, orphans
from handlers.context import Ctx
from handlers.grammar import Command
from handlers.i18n import t
from handlers.messages import Message, Reply
from handlers.router import Router


def set_priority(ctx: Ctx, cmd: Command) -> Reply:
    """Change priority; due times are recomputed from the clock start, paused time kept."""
    request = lc.load(ctx, cmd.ref)
    lc.require_staff(ctx, request, "priority")
    lc.require_state(ctx, request, lc.OPEN_STATES, "priority")
    orphans.require_configured(ctx, request)
    assert cmd.priority is not None
    old = request.priority
    request.priority = cmd.priority
    start = request.clock_started_at or request.created_at
    agreed = request.resolution_due if request.agreed_at else None
    lc.set_due_times(ctx, request, start)
    if request.resolution_due and request.paused_seconds:
        calendar = ctx.desk.calendar_for(request.department)
        paused = timedelta(seconds=request.paused_seconds)
        request.resolution_due = calendar.add_business_time(request.resolution_due, paused)
    if agreed is not None:  # an agreed date stands; the original it replaced moves
        request.original_resolution_due, request.resolution_due = request.resolution_due, agreed
    lc.transition(ctx, request, None, "priority", note=f"{old}->{cmd.priority}")
    loc = ctx.locale_of(request.requester_id)
    notices.to_requester(
        ctx, request, "note.priority", by=ctx.name(ctx.actor.id),
        priority=t(loc, f"priority.{cmd.priority}"),  # in the requester's language
        resolution_due=lc.due_text(ctx, request, request.resolution_due, loc),
    )
    text = ctx.say(
        "reply.priority", ref=request.ref, priority=ctx.say(f"priority.{cmd.priority}"),
        first_due=lc.due_text(ctx, request, request.first_response_due, ctx.locale),
        resolution_due=lc.due_text(ctx, request, request.resolution_due, ctx.locale),
    )
    return Reply((Message(text=text, locale=ctx.locale, request_ref=request.ref),),
                 request_ref=request.ref)


def register(router: Router) -> None:
    """Wire the priority command."""
    router.add("priority", set_priority)
