"""The sweep's part in a negotiation: remind the requester of an unanswered desk proposal,
then let it lapse (the old target stands, moved by the time it waited; both sides are told).
A proposal lapses at its proposed date when that comes before the policy's lapse: a date
that has passed can no longer be accepted, and its pause must not run on."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from handlers import lifecycle as lc
from handlers import negotiation_notices as tell
from handlers import negotiation_terms as terms
from handlers.context import Ctx
from handlers.negotiation_notices import Localized
from handlers.sla import working_time
from handlers.sweep_rules import Rule
from storage import proposals
from storage.models import Proposal, Request

KINDS = ("proposal_remind", "proposal_lapse")
SECOND = timedelta(seconds=1)
LATE = timedelta(minutes=5)  # a lapse told this much after it fell due says when it did


def _the_one(ctx: Ctx, request: Request, rule: Rule) -> Proposal | None:
    """The desk proposal the rule was made for, if it still waits for an answer."""
    current = proposals.pending(ctx.session, request.id or 0)
    if current is None or current.kind != "desk" or abs(current.created_at - rule.due) > SECOND:
        return None
    return current


def timed(ctx: Ctx, request: Request, rules: list[Rule]) -> list[Rule]:
    """``rules`` with a desk proposal's lapse at its proposed date when that comes first, and
    no reminder due at or after that date (it would ask to accept a date that has passed)."""
    if request.proposed_at is None or not any(rule.kind in KINDS for rule in rules):
        return rules
    current = proposals.pending(ctx.session, request.id or 0)
    if current is None or current.kind != "desk" or current.due_at is None:
        return rules
    date = current.due_at
    out: list[Rule] = []
    for rule in rules:
        if rule.kind == "proposal_remind" and rule.when >= date:
            continue
        out.append(replace(rule, when=date) if rule.kind == "proposal_lapse"
                   and date < rule.when else rule)
    return out


def act(ctx: Ctx, request: Request, rule: Rule) -> None:
    """A reminder (in the requester's working hours, while the proposal has not lapsed: a
    sweep catching up after downtime lapses it without one) or the lapse."""
    proposal = _the_one(ctx, request, rule)
    if proposal is None:
        return
    if rule.kind == "proposal_remind":
        if terms.lapses_at(ctx, request, proposal) > ctx.now:
            tell.proposal_to_requester(ctx, request, proposal, "neg.remind")
        return
    _lapse(ctx, request, proposal, min(max(rule.when, proposal.created_at), ctx.now))


def _lapse(ctx: Ctx, request: Request, proposal: Proposal, at: datetime) -> None:
    """No answer in time: the pause ends at ``at``, when the proposal lapsed (however late
    the sweep: the time paused does not count, as after any answer), the old target stands,
    requester and desk are told (when it lapsed, if that is a while ago)."""
    proposal.state = "lapsed"
    proposal.decided_by = ctx.actor.id
    proposal.decided_at = at
    ctx.session.add(proposal)
    was = request.resolution_due
    terms.unpause(ctx, request, at)
    lc.transition(ctx, request, None, "proposal_lapsed", at=at)
    due = tell.target(ctx, request, was, desk=False)
    desk_due = tell.target(ctx, request, was, desk=True)
    if terms.by_its_date(ctx, request, proposal):  # the texts say its date: when it lapsed
        when = ctx.local(proposal.due_at)
        tell.to_requester(ctx, request, "neg.lapsed_date", target=due, when=when)
        ctx.settle(request.requester_id, request, tell.ANSWERS, "settle.lapsed")
        tell.to_desk(ctx, request, "neg.lapsed_desk_date", target=desk_due, when=when)
        return
    lapse = ctx.desk.service.nudges_for(request.department).proposal_lapse
    after = Localized(lambda loc: working_time(lapse.on(ctx.desk.calendar), loc,
                                               ctx.desk.calendar.daily_length()))
    late = "_late" if ctx.now - at > LATE else ""
    tell.to_requester(ctx, request, f"neg.lapsed{late}", target=due, when=ctx.local(at))
    ctx.settle(request.requester_id, request, tell.ANSWERS, "settle.lapsed")
    tell.to_desk(ctx, request, f"neg.lapsed_desk{late}", target=desk_due, after=after,
                 when=ctx.local(at))
