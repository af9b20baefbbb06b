"""`priority ID P2`: the desk re-prioritises a request; its targets are recomputed."""

from __future__ import annotations

from handlers import lifecycle as lc
from handlers import notices, orphans
from handlers.context import Ctx
from handlers.grammar import Command
from handlers.i18n import t
from handlers.messages import Message, Reply
from handlers.router import Router
from handlers.targets import first_text, resolution_text, retarget


def set_priority(ctx: Ctx, cmd: Command) -> Reply:
    """Change priority; due times are recomputed from the cycle's start, paused time kept."""
    request = lc.load(ctx, cmd.ref)
    lc.require_staff(ctx, request, "priority")
    lc.require_state(ctx, request, lc.OPEN_STATES, "priority")
    orphans.require_configured(ctx, request)
    assert cmd.priority is not None
    old = request.priority
    retarget(ctx, request, priority=cmd.priority, category=request.category)
    lc.transition(ctx, request, None, "priority", note=f"{old}->{cmd.priority}")
    if cmd.priority == "P1" and old != "P1":  # raised at night: the leads hear it, as at open
        notices.p1_after_hours(ctx, request)
    loc = ctx.locale_of(request.requester_id)
    notices.to_requester(
        ctx, request, "note.priority", by=ctx.name(ctx.actor.id),
        priority=t(loc, f"priority.{cmd.priority}"),  # in the requester's language
        resolution_due=resolution_text(ctx, request, loc),
    )
    text = ctx.say(
        "reply.priority", ref=request.ref, priority=ctx.say(f"priority.{cmd.priority}"),
        first_due=first_text(ctx, request, ctx.locale),
        resolution_due=resolution_text(ctx, request, ctx.locale),
    )
    return Reply((Message(text=text, locale=ctx.locale, request_ref=request.ref),),
                 request_ref=request.ref)


def register(router: Router) -> None:
    """Wire the priority command."""
    router.add("priority", set_priority)
