"""A request's targets in its clock: when they fall due, the cycles and waits that move them,
and how a due time reads ("2026-11-23 14:00 (in 2h 10m)")."""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers.catalog import Category
from handlers.context import Ctx
from handlers.desk import ALL_WEEK, ROUND_THE_CLOCK_HOURS
from handlers.i18n import t
from handlers.sla import BusinessCalendar, format_business_duration
from storage.models import Request
from storage.request_store import OPEN_STATES


def scaled(ctx: Ctx, category: Category, priority: str, target: timedelta) -> timedelta:
    """A category target scaled from its default priority to ``priority``."""
    factors = ctx.desk.policy.priority_factors
    base = factors.get(category.priority, 1.0) or 1.0
    return target * (factors.get(priority, base) / base)


def cycle_start(request: Request) -> datetime:
    """Where the request's current targets run from: its cycle's start, stored when the
    cycle began (the opening, the last approval, the transfer to its desk, or a reopen)."""
    return request.cycle_started_at or request.clock_started_at or request.created_at


def cycle_paused(request: Request, calendar: BusinessCalendar) -> timedelta:
    """The time the current cycle waited on the requester (ended waits), as ``calendar``
    counts it: wall time in a clock that never stops (an after-hours P1's), else the desk's
    business time."""
    spec = calendar.spec
    never_stops = spec.hours == ROUND_THE_CLOCK_HOURS and set(spec.workdays) == set(ALL_WEEK) \
        and spec.country is None and not spec.closed_dates
    return timedelta(seconds=request.cycle_paused_wall_seconds if never_stops
                     else request.cycle_paused_seconds)


def set_due_times(ctx: Ctx, request: Request, start: datetime) -> None:
    """A fresh cycle from ``start`` (an opening, the last approval, a transfer, a reopen):
    stored as the cycle's start, nothing waited yet, both targets from it in the request's
    clock (``Desk.clock_for``: the owning desk's business time, or round the clock for an
    after-hours P1); a request whose service left the config keeps the lengths it had
    (``orphans.stand_in``, measured on the cycle before)."""
    category = _service(ctx, request)
    request.cycle_started_at = start
    request.cycle_paused_seconds = request.cycle_paused_wall_seconds = 0
    _due_times(ctx, request, category)


def due_times_again(ctx: Ctx, request: Request) -> None:
    """Both targets again under the request's priority and service, from its cycle's start,
    moved out by the time the cycle waited on the requester, counted in the clock they call
    for (a change to or from an after-hours P1 changes it)."""
    _due_times(ctx, request, _service(ctx, request))


def _service(ctx: Ctx, request: Request) -> Category:
    from handlers.orphans import stand_in

    return ctx.department(request.department).category(request.category) or \
        stand_in(request, ctx.desk.clock_for(request))


def _due_times(ctx: Ctx, request: Request, category: Category) -> None:
    calendar = ctx.desk.clock_for(request)
    start, paused = cycle_start(request), cycle_paused(request, calendar)
    fr = scaled(ctx, category, request.priority, category.first_response)
    res = scaled(ctx, category, request.priority, category.resolution)
    if request.first_response_at is None:
        request.first_response_due = calendar.add_business_time(start, fr)
    request.resolution_due = calendar.add_business_time(start, res)
    if paused:
        request.resolution_due = calendar.add_business_time(request.resolution_due, paused)


def start_cycle(ctx: Ctx, request: Request) -> None:
    """A reopen: a fresh resolution target from now in the desk's business time, a new cycle
    of nudges and breaches (the old cycle's stay as they were); the first response stays
    given."""
    request.cycle += 1  # the request's clock start stays: the digest times it whole
    request.snoozed_until = None
    request.original_resolution_due = None  # an agreement held for the cycle before
    request.agreed_at = None
    request.purged_at = None  # retention looks at it again once it closes
    set_due_times(ctx, request, ctx.now)  # a removed service: the lengths it had


def start_stay(ctx: Ctx, request: Request) -> None:
    """A transfer: the new desk's stay is a new cycle, with its own nudge and kept-target
    keys (a request back at a desk it left is that desk's again, not its earlier stay's)."""
    request.cycle += 1
    request.stay_cycle = request.cycle
    request.clock_started_at = ctx.now
    request.paused_seconds = 0
    set_due_times(ctx, request, ctx.now)


def end_pause(ctx: Ctx, request: Request) -> timedelta:
    """Close a waiting period: push the resolution target out by the time paused, counted in
    the request's clock (the cycle keeps it in both clocks a priority change may call for)."""
    if request.paused_at is None:
        return timedelta(0)
    calendar = ctx.desk.clock_for(request)
    paused = calendar.business_time_between(request.paused_at, ctx.now)
    request.paused_seconds += int(paused.total_seconds())
    desk_time = ctx.desk.calendar_for(request.department).business_time_between(
        request.paused_at, ctx.now)
    request.cycle_paused_seconds += int(desk_time.total_seconds())
    request.cycle_paused_wall_seconds += int((ctx.now - request.paused_at).total_seconds())
    if request.resolution_due is not None:
        request.resolution_due = calendar.add_business_time(request.resolution_due, paused)
    if request.original_resolution_due is not None:  # measured alike (negotiation)
        request.original_resolution_due = calendar.add_business_time(
            request.original_resolution_due, paused)
    request.paused_at = None
    return paused


def if_resumed_now(ctx: Ctx, request: Request) -> datetime | None:
    """The resolution due time were the pause to end now: moved out by the time paused so
    far (``end_pause`` moves it so), so it is never shown earlier than it can be."""
    due = request.resolution_due
    if due is None or request.paused_at is None or ctx.now <= request.paused_at:
        return due
    calendar = ctx.desk.clock_for(request)
    return calendar.add_business_time(
        due, calendar.business_time_between(request.paused_at, ctx.now))


def due_text(ctx: Ctx, request: Request, due: datetime | None, locale: str) -> str:
    """'2026-11-23 14:00 (in 2h 10m)' or '… (overdue 35m)' in the request's clock."""
    if due is None:
        return "—"
    calendar = ctx.desk.clock_for(request)
    return ctx.once(("due", calendar.spec, due, locale),
                    lambda: _due_text(ctx, calendar, due, locale))


def _due_text(ctx: Ctx, calendar: BusinessCalendar, due: datetime, locale: str) -> str:
    day = calendar.daily_length()
    local = due.astimezone(ctx.desk.policy.tz).strftime("%Y-%m-%d %H:%M")
    if due >= ctx.now:
        left = format_business_duration(calendar.business_time_between(ctx.now, due), locale, day)
        return t(locale, "due.in", when=local, left=left)
    late = calendar.business_time_between(due, ctx.now)
    if late < timedelta(minutes=1):
        return t(locale, "due.now", when=local)
    return t(locale, "due.overdue", when=local,
             late=format_business_duration(late, locale, day))


def next_due(request: Request) -> tuple[str, datetime] | None:
    """The target a list measures an open request by, and its due time: the first response
    while the desk owes one (``open`` and not yet answered, as the sweep escalates it), or the
    resolution, whichever falls due sooner; None while its clock stands (waiting on the
    requester, or a proposal), for a request no longer open and one with no due time."""
    if request.state not in OPEN_STATES or request.state == "waiting" \
            or request.paused_at is not None:
        return None
    targets = [("resolution", request.resolution_due)]
    if request.state == "open" and request.first_response_at is None:
        targets.insert(0, ("first", request.first_response_due))
    dated = [(target, due) for target, due in targets if due is not None]
    return min(dated, key=lambda item: item[1]) if dated else None


def next_due_text(ctx: Ctx, request: Request, locale: str) -> str:
    """``next_due`` as a list says it: the resolution's bare (``2026-11-23 14:00 (in 2h)``),
    the first response's named (``first response 2026-11-23 11:10 (overdue 35m)``); empty
    when there is none."""
    found = next_due(request)
    if found is None:
        return ""
    target, due = found
    text = due_text(ctx, request, due, locale)
    return t(locale, "due.first", due=text) if target == "first" else text
