"""A request's targets within its cycle: worked out again when its priority or service
changes, and said as people read them (met, paused, due in, overdue by)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, select

from handlers import lifecycle as lc
from handlers.context import Ctx
from handlers.i18n import t
from handlers.orphans import stand_in
from storage.models import Event, Request


def cycle_start(ctx: Ctx, request: Request) -> datetime:
    """Where the current targets run from: the clock's start (the opening, the approval or
    the transfer to this desk), or the last reopen after it (``lc.start_cycle``)."""
    start = request.clock_started_at or request.created_at
    if not request.cycle:
        return start
    stmt = select(Event.at).where(Event.request_id == request.id, Event.kind == "reopened")
    reopened = ctx.session.exec(stmt.order_by(col(Event.id).desc()).limit(1)).first()
    return max(start, reopened) if reopened else start


def cycle_paused(ctx: Ctx, request: Request, start: datetime) -> timedelta:
    """Time (in the request's clock) this cycle's resolution target was moved out by waits on
    the requester (a wait still running is added when it ends). Since the clock's start that
    is ``paused_seconds``; since a reopen, what the target holds beyond its length."""
    if start == (request.clock_started_at or request.created_at):
        return timedelta(seconds=request.paused_seconds)
    due = request.original_resolution_due if request.agreed_at else request.resolution_due
    if due is None:
        return timedelta(0)
    calendar = ctx.desk.clock_for(request)
    category = ctx.department(request.department).category(request.category) or \
        stand_in(request, calendar)
    length = lc.scaled(ctx, category, request.priority, category.resolution)
    return max(timedelta(0), calendar.business_time_between(start, due) - length)


def retarget(ctx: Ctx, request: Request, *, priority: str, category: str) -> None:
    """Give the request ``priority`` and ``category``: both targets again from its cycle's
    start under them, in the clock they call for (``Desk.clock_for``: a change to or from P1
    at an after-hours desk changes it), moved out by the time the cycle already waited; an
    agreed date stands (the original it replaced moves)."""
    start = cycle_start(ctx, request)
    paused = cycle_paused(ctx, request, start)  # under the targets it had
    agreed = request.resolution_due if request.agreed_at else None
    request.priority, request.category = priority, category
    lc.set_due_times(ctx, request, start)
    if request.resolution_due is not None and paused:
        calendar = ctx.desk.clock_for(request)
        request.resolution_due = calendar.add_business_time(request.resolution_due, paused)
    if agreed is not None:
        request.original_resolution_due, request.resolution_due = request.resolution_due, agreed


def first_text(ctx: Ctx, request: Request, locale: str) -> str:
    """The first-response target as ``show`` says it: answered when, or due in / overdue."""
    if request.first_response_at is not None:
        return t(locale, "due.met_at", when=ctx.local(request.first_response_at))
    return lc.due_text(ctx, request, request.first_response_due, locale)


def resolution_text(ctx: Ctx, request: Request, locale: str) -> str:
    """The resolution target as ``show`` says it: paused while the requester is asked, or
    due in / overdue (a closed request: the date alone)."""
    due = request.resolution_due
    if request.state not in lc.OPEN_STATES:
        return ctx.local(due)
    if request.state == "waiting":
        return t(locale, "due.paused", when=ctx.local(due))
    if request.proposed_at is not None:  # a desk proposal waits for the requester
        return t(locale, "due.paused_proposal", when=ctx.local(due))
    return lc.due_text(ctx, request, due, locale)
