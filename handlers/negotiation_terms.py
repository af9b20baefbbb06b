"""What a proposal says: its date (a day, or business time from now) and text; the pause it
holds on the resolution clock; who may answer in which round."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers import due_times, examples
from handlers.catalog import Department, norm
from handlers.context import Ctx, Refusal, names_list
from handlers.fields import DAY_WORDS
from handlers.sla import BusinessCalendar, looks_like_work_time, parse_work_time
from storage.models import Proposal, Request

DATE_RE = re.compile(r"^(?:(\d{4})[-/.年])?(\d{1,2})[-/.月](\d{1,2})日?$")
ONE_US = timedelta(microseconds=1)


@dataclass(frozen=True)
class Terms:
    """A proposal as typed: the new target (None: the current one stays) and its text."""

    due: datetime | None
    text: str


def end_of_day(calendar: BusinessCalendar, day: date) -> datetime:
    """The last working moment on or before local ``day``: "by the 10th" is by the close of
    the 10th (of the working day before it, when the 10th is closed)."""
    midnight = datetime.combine(day + timedelta(days=1), time(), ZoneInfo(calendar.spec.timezone))
    return calendar.subtract_business_time(midnight, ONE_US) + ONE_US


def _day(word: str, today: date) -> date | None:
    if norm(word) in DAY_WORDS:  # today, tomorrow, 明天 … (yesterday: refused as past)
        return today + timedelta(days=DAY_WORDS[norm(word)])
    match = DATE_RE.match(norm(word))
    if not match:
        return None
    year = int(match.group(1)) if match.group(1) else today.year
    try:
        day = date(year, int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
    if not match.group(1) and day < today:  # "1-5" in December: next January
        day = day.replace(year=year + 1)
    return day


def read_when(ctx: Ctx, request: Request, word: str) -> datetime | None:
    """``word`` as a target: a date (2026-12-10, 12-10, 12月10日, tomorrow, 明天) or business
    time from now in the request's clock (3d, 4h, 3个工作日); None when it is neither."""
    calendar = ctx.desk.clock_for(request)
    day = _day(word, calendar.local_date(ctx.now))
    if day is not None:
        return end_of_day(calendar, day)
    if not any(c.isdigit() for c in word):
        return None
    try:
        length = parse_work_time(word)
    except ValueError:
        return None
    return calendar.add_business_time(ctx.now, length.on(calendar))


def read_terms(ctx: Ctx, request: Request, text: str, command: str, *,
               need_date: bool) -> Terms:
    """The date and text of ``propose``/``counter``; a date in the past, or none where one
    is needed, is refused politely."""
    first, _, rest = text.strip().partition(" ")
    due = read_when(ctx, request, first)
    if due is None:
        word = norm(first)
        if need_date or DATE_RE.match(word) or looks_like_work_time(word):  # 2026-13-40, 0d
            raise Refusal("err.neg_bad_when", given=first, command=command, ref=request.ref,
                          **examples.day_to_come(ctx))
        return Terms(None, text.strip())
    if due <= ctx.now:
        raise Refusal("err.neg_past", given=first, when=ctx.local(due), command=command,
                      ref=request.ref)
    return Terms(due, rest.strip())


def effective_due(ctx: Ctx, request: Request) -> datetime | None:
    """The resolution target as it stands now, a running pause counted in."""
    due = request.resolution_due
    if due is None or request.paused_at is None:
        return due
    calendar = ctx.desk.clock_for(request)
    return calendar.add_business_time(due, calendar.business_time_between(request.paused_at,
                                                                            ctx.now))


def overdue_since(ctx: Ctx, request: Request) -> datetime | None:
    """When the target in force passed, if it has."""
    due = effective_due(ctx, request)
    return due if due is not None and due < ctx.now else None


def normal_lapse(ctx: Ctx, request: Request, proposal: Proposal) -> datetime:
    """When an unanswered desk proposal lapses by the policy: ``proposal_lapse`` business
    time after it was made."""
    lapse = ctx.desk.service.nudges_for(request.department).proposal_lapse
    return ctx.desk.calendar.add_business_time(proposal.created_at,
                                               lapse.on(ctx.desk.calendar))


def by_its_date(ctx: Ctx, request: Request, proposal: Proposal) -> bool:
    """The proposed date comes before the policy's lapse: the proposal lapses at that date
    (a date that has passed can no longer be accepted)."""
    return proposal.due_at is not None and proposal.due_at < normal_lapse(ctx, request,
                                                                          proposal)


def lapses_at(ctx: Ctx, request: Request, proposal: Proposal) -> datetime:
    """When an unanswered desk proposal lapses: by the policy, or at its proposed date if
    that comes first."""
    normal = normal_lapse(ctx, request, proposal)
    return min(normal, proposal.due_at) if proposal.due_at is not None else normal


def pause(request: Request, now: datetime) -> None:
    """A desk proposal waits for the requester: the resolution clock pauses (a pause already
    running, a question's, goes on: counted once, from its start)."""
    if request.paused_at is None:
        request.paused_at = now
    request.proposed_at = now


def unpause(ctx: Ctx, request: Request, at: datetime | None = None) -> None:
    """The requester answered (or the proposal lapsed or was withdrawn): the clock runs again
    from ``at`` (by default now; a lapse a late sweep carries out: its due moment), the target
    pushed out by the business time paused."""
    due_times.end_pause(ctx if at is None else replace(ctx, now=at), request)
    request.proposed_at = None


def is_lead(ctx: Ctx, dep: Department) -> bool:
    """A lead of the desk (or an admin): the one who decides after the last round."""
    return ctx.actor.id in dep.leads or ctx.desk.is_admin(ctx.actor.id)


def require_lead_after(ctx: Ctx, request: Request, round_: int) -> None:
    """After the configured rounds only a lead proposes or accepts."""
    rounds = ctx.desk.service.nudges_for(request.department).proposal_rounds
    dep = ctx.department(request.department)
    if round_ > rounds and not is_lead(ctx, dep):
        raise Refusal("err.neg_lead_decides", ref=request.ref, rounds=rounds,
                      department=dep.label(ctx.locale),
                      leads=names_list(ctx, dep.leads, ctx.locale))
