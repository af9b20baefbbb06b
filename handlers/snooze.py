"""`snooze ID 2h`: the desk postpones a request's reminders, within limits."""

from __future__ import annotations

from handlers import lifecycle as lc
from handlers.context import Ctx, Refusal
from handlers.grammar import Command
from handlers.messages import Message, Reply
from handlers.router import Router
from handlers.sla import format_business_duration, parse_duration


def snooze(ctx: Ctx, cmd: Command) -> Reply:
    """Postpone nudges (not escalations) for a while of the request's clock."""
    request = lc.load(ctx, cmd.ref)
    lc.require_staff(ctx, request, "snooze")
    lc.require_state(ctx, request, ("open", "acknowledged", "in_progress"), "snooze")
    calendar = ctx.desk.clock_for(request)
    day = calendar.daily_length()  # the request's clock's day: 24 h when round the clock
    limit = ctx.desk.service.nudges_for(request.department).snooze_max.in_days_of(day)
    limit_text = format_business_duration(limit, ctx.locale, day)
    try:
        length = parse_duration(cmd.text, day)
    except ValueError:
        raise Refusal("err.bad_snooze", ref=request.ref, limit=limit_text) from None
    if length > limit:
        raise Refusal("err.snooze_too_long", ref=request.ref, limit=limit_text)
    request.snoozed_until = calendar.add_business_time(ctx.now, length)
    lc.transition(ctx, request, None, "snoozed", note=cmd.text)
    text = ctx.say("reply.snoozed", ref=request.ref, until=ctx.local(request.snoozed_until))
    return Reply((Message(text=text, locale=ctx.locale, request_ref=request.ref),),
                 request_ref=request.ref)


def register(router: Router) -> None:
    """Wire the snooze command."""
    router.add("snooze", snooze)
