"""What a proposal says: its date (a day, a day and time, or business time from now) and
text; the pause it holds on the resolution clock; who may answer in which round."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from handlers import due_times, negotiation_dates
from handlers.catalog import Department
from handlers.context import Ctx, Refusal, names_list
from handlers.negotiation_dates import Read
from storage.models import Proposal, Request


def read_terms(ctx: Ctx, request: Request, text: str, command: str, *,
               need_date: bool) -> Read:
    """The date and text of ``propose``/``counter`` (handlers/negotiation_dates.py): what
    cannot be read for sure, a date in the past, or none where one is needed, is refused."""
    return negotiation_dates.read(ctx, request, text, command, need_date=need_date)


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
