"""A request's targets within its cycle: worked out again when its priority or service
changes, and said as people read them (met, paused, due in, overdue by)."""

from __future__ import annotations

from handlers import due_times
from handlers import lifecycle as lc
from handlers.context import Ctx
from handlers.i18n import t
from storage.models import Request


def retarget(ctx: Ctx, request: Request, *, priority: str, category: str) -> None:
    """Give the request ``priority`` and ``category``: both targets again from its cycle's
    start under them, in the clock they call for (``Desk.clock_for``: a change to or from P1
    at an after-hours desk changes it), moved out by the time the cycle already waited,
    counted in that clock (both stored on the request: ``due_times.due_times_again``); an agreed
    date stands (the original it replaced moves)."""
    agreed = request.resolution_due if request.agreed_at else None
    request.priority, request.category = priority, category
    due_times.due_times_again(ctx, request)
    if agreed is not None:
        request.original_resolution_due, request.resolution_due = request.resolution_due, agreed


def first_text(ctx: Ctx, request: Request, locale: str) -> str:
    """The first-response target as ``show`` says it: answered when, or due in / overdue."""
    if request.first_response_at is not None:
        return t(locale, "due.met_at", when=ctx.local(request.first_response_at))
    return due_times.due_text(ctx, request, request.first_response_due, locale)


def resolution_text(ctx: Ctx, request: Request, locale: str) -> str:
    """The resolution target as ``show`` says it: paused while the requester is asked (the
    time it would be were the pause to end now), or due in / overdue (a closed request: the
    date alone)."""
    due = request.resolution_due
    if request.state not in lc.OPEN_STATES:
        return ctx.local(due)
    if request.state == "waiting":
        return t(locale, "due.paused", when=ctx.local(due_times.if_resumed_now(ctx, request)))
    if request.proposed_at is not None:  # a desk proposal waits for the requester
        return t(locale, "due.paused_proposal",
                 when=ctx.local(due_times.if_resumed_now(ctx, request)))
    return due_times.due_text(ctx, request, due, locale)
