"""Negotiate a feasible solution: the desk proposes a new date or solution, the requester
accepts, declines (saying why) or counters; the agreed date becomes the resolution target.

While a desk proposal waits for the requester the resolution clock pauses (as while waiting
on the requester); the sweep reminds and then lets it lapse (handlers/negotiation_sweep.py).
After ``proposal_rounds`` rounds only a lead of the desk proposes or accepts."""

from __future__ import annotations

from handlers import due_times
from handlers import lifecycle as lc
from handlers import negotiation_notices as tell
from handlers import negotiation_terms as terms
from handlers.context import Ctx, Refusal
from handlers.grammar import Command
from handlers.messages import Message, Reply
from handlers.negotiation_notices import Localized
from handlers.router import Router
from storage import proposals
from storage.models import Proposal, Request

PROPOSE_STATES = lc.OPEN_STATES  # a proposal during a question takes its pause over


def _reply(ctx: Ctx, key: str, request: Request, **params: object) -> Reply:
    text = ctx.say(key, ref=request.ref, **params)
    return Reply((Message(text=text, locale=ctx.locale, request_ref=request.ref),),
                 queued=ctx.queued, request_ref=request.ref)


def _due(ctx: Ctx, request: Request) -> Localized:
    return Localized(
        lambda locale: due_times.due_text(ctx, request, request.resolution_due, locale))


def _note(ctx: Ctx, proposal: Proposal) -> str:
    """How a proposal is kept in the history: its date (local) and its text."""
    when = ctx.local(proposal.due_at) if proposal.due_at else ""
    return " · ".join(part for part in (when, proposal.text) if part)


def _decide(ctx: Ctx, proposal: Proposal, state: str, reason: str | None = None) -> None:
    proposal.state = state
    proposal.decided_by = ctx.actor.id
    proposal.decided_at = ctx.now
    proposal.reason = reason
    ctx.session.add(proposal)


def _pending(ctx: Ctx, request: Request) -> Proposal:
    """The proposal waiting for an answer, or a refusal saying there is none."""
    current = proposals.pending(ctx.session, request.id or 0)
    if current is None:
        staff = ctx.desk.is_staff(ctx.actor.id, request.department)
        raise Refusal("err.neg_none", ref=request.ref,
                      hint=ctx.say("hint.neg_propose", ref=request.ref) if staff else "")
    return current


def _require_requester(ctx: Ctx, request: Request, action: str) -> None:
    """Only the requester answers the desk's proposal (not an admin on their behalf)."""
    if ctx.actor.id != request.requester_id:
        raise Refusal("err.forbidden_requester", requester=ctx.name(request.requester_id),
                      action=ctx.say(f"action.{action}"), ref=request.ref)


def _next_round(ctx: Ctx, request: Request, current: Proposal | None) -> int:
    """The round a new desk proposal opens: a replaced proposal's own, else one more."""
    if current is not None:
        return current.round if current.kind == "desk" else current.round + 1
    earlier = proposals.of_cycle(ctx.session, request.id or 0, request.cycle)
    return earlier[-1].round + 1 if earlier else 1


def propose(ctx: Ctx, cmd: Command) -> Reply:
    """A desk member proposes a new date, a different solution, or both."""
    request = lc.load(ctx, cmd.ref)
    lc.require_staff(ctx, request, "propose")
    lc.require_state(ctx, request, PROPOSE_STATES, "propose")
    said = terms.read_terms(ctx, request, cmd.text, "propose", need_date=False)
    current = proposals.pending(ctx.session, request.id or 0)
    round_ = _next_round(ctx, request, current)
    terms.require_lead_after(ctx, request, round_)
    if current is not None:  # a counter answered by a new proposal, or ours replaced
        if current.kind == "requester":
            _decide(ctx, current, "countered")
        else:
            _decide(ctx, current, "withdrawn")
    proposal = Proposal(
        request_id=request.id or 0, department=request.department, cycle=request.cycle,
        round=round_, proposer_id=ctx.actor.id, kind="desk", due_at=said.due, text=said.text,
        overdue_since=terms.overdue_since(ctx, request), state=proposals.PENDING,
        created_at=ctx.now,
    )
    ctx.session.add(proposal)
    lc.first_response(ctx, request)
    lc.take_if_unassigned(ctx, request)
    terms.pause(request, ctx.now)
    lc.transition(ctx, request, "in_progress" if request.state == "waiting" else None,
                  "proposed", note=_note(ctx, proposal))
    tell.proposal_to_requester(ctx, request, proposal)
    tell.to_desk(ctx, request, "neg.thread.proposed", by=ctx.name(ctx.actor.id),
                 summary=Localized(lambda loc: tell.summary(ctx, request, proposal, loc)))
    return _reply(ctx, "neg.reply.proposed", request, requester=ctx.name(request.requester_id),
                  summary=tell.summary(ctx, request, proposal, ctx.locale),
                  lapses=ctx.local(terms.lapses_at(ctx, request, proposal)))


def accept(ctx: Ctx, cmd: Command) -> Reply:
    """The requester accepts the desk's proposal, or the desk the requester's counter."""
    request = lc.load(ctx, cmd.ref)
    current = _pending(ctx, request)
    if current.kind == "desk":
        _require_requester(ctx, request, "accept")
        if current.due_at is not None and current.due_at <= ctx.now:
            raise Refusal("err.neg_expired", ref=request.ref, when=ctx.local(current.due_at))
        terms.unpause(ctx, request)
    else:
        if ctx.actor.id == request.requester_id:
            raise Refusal("err.neg_desk_turn", ref=request.ref,
                          department=ctx.dept_label(request.department))
        lc.require_staff(ctx, request, "accept_counter")
        terms.require_lead_after(ctx, request, current.round + 1)
        if current.due_at is not None and current.due_at <= ctx.now:
            raise Refusal("err.neg_expired_counter", ref=request.ref,
                          when=ctx.local(current.due_at))
    _agree(ctx, request, current)
    due = _due(ctx, request)
    by = ctx.name(ctx.actor.id)
    if current.kind == "desk":
        tell.to_desk(ctx, request, "neg.desk.accepted", by=by, due=due)
        return _reply(ctx, "neg.reply.accepted", request, due=due(ctx.locale),
                      department=ctx.dept_label(request.department))
    tell.to_requester(ctx, request, "neg.note.counter_accepted", by=by, due=due)
    tell.to_desk(ctx, request, "neg.thread.counter_accepted", by=by, due=due)
    return _reply(ctx, "neg.reply.accepted_counter", request, due=due(ctx.locale),
                  requester=ctx.name(request.requester_id))


def _agree(ctx: Ctx, request: Request, proposal: Proposal) -> None:
    """The agreement: its date becomes the resolution target (the first one replaced is
    kept for the digest), a fresh set of desk nudges follows it."""
    _decide(ctx, proposal, "accepted")
    if request.original_resolution_due is None:
        request.original_resolution_due = request.resolution_due
    if proposal.due_at is not None:
        request.resolution_due = proposal.due_at
    request.agreed_at = ctx.now
    request.agreements += 1
    request.snoozed_until = None
    lc.transition(ctx, request, None, "agreed", note=_note(ctx, proposal))


def decline(ctx: Ctx, cmd: Command) -> Reply:
    """The requester declines the desk's proposal, saying why: the old target stands, moved
    by the time the proposal waited for the answer."""
    request = lc.load(ctx, cmd.ref)
    current = _pending(ctx, request)
    if current.kind != "desk":
        _counter_waits(ctx, request)
    _require_requester(ctx, request, "decline")
    _decide(ctx, current, "declined", cmd.text)
    was = request.resolution_due
    terms.unpause(ctx, request)
    lc.transition(ctx, request, None, "proposal_declined", note=cmd.text)
    by = ctx.name(ctx.actor.id)
    target = tell.target(ctx, request, was, desk=True)
    tell.to_desk(ctx, request, "neg.desk.declined", by=by, text=cmd.text, target=target)
    declined = sum(p.state == "declined"
                   for p in proposals.of_cycle(ctx.session, request.id or 0, request.cycle))
    if declined >= 2:
        tell.to_leads(ctx, request, "neg.leads.declined", counter_waits=False, by=by,
                      n=declined, text=cmd.text, target=target, department=Localized(
                          lambda loc: ctx.dept_label(request.department, loc)))
    return _reply(ctx, "neg.reply.declined", request,
                  target=tell.target(ctx, request, was, desk=False)(ctx.locale),
                  department=ctx.dept_label(request.department))


def counter(ctx: Ctx, cmd: Command) -> Reply:
    """The requester answers the desk's proposal with another date (and why)."""
    request = lc.load(ctx, cmd.ref)
    current = _pending(ctx, request)
    if current.kind != "desk":
        _counter_waits(ctx, request)
    _require_requester(ctx, request, "counter")
    said = terms.read_terms(ctx, request, cmd.text, "counter", need_date=True)
    _decide(ctx, current, "countered")
    terms.unpause(ctx, request)
    proposal = Proposal(
        request_id=request.id or 0, department=request.department, cycle=request.cycle,
        round=current.round, proposer_id=ctx.actor.id, kind="requester", due_at=said.due,
        text=said.text, state=proposals.PENDING, created_at=ctx.now,
    )
    ctx.session.add(proposal)
    lc.transition(ctx, request, None, "countered", note=_note(ctx, proposal))
    by = ctx.name(ctx.actor.id)
    summary = Localized(lambda loc: tell.summary(ctx, request, proposal, loc))
    tell.to_desk(ctx, request, "neg.desk.countered", buttons=True, by=by, summary=summary)
    rounds = ctx.desk.service.nudges_for(request.department).proposal_rounds
    if current.round >= rounds:
        tell.to_leads(ctx, request, "neg.leads.rounds", counter_waits=True, rounds=rounds,
                      by=by, summary=summary)
    return _reply(ctx, "neg.reply.countered", request,
                  summary=tell.summary(ctx, request, proposal, ctx.locale),
                  department=ctx.dept_label(request.department))


def _counter_waits(ctx: Ctx, request: Request) -> None:
    """The pending proposal is the requester's counter: the desk answers it."""
    if ctx.actor.id == request.requester_id:
        raise Refusal("err.neg_desk_turn", ref=request.ref,
                      department=ctx.dept_label(request.department))
    raise Refusal("err.neg_counter_answer", ref=request.ref)


def withdraw(ctx: Ctx, request: Request, *, settle: bool = True) -> None:
    """The desk moved on (a question, a resolution, a transfer, a cancel): a pending
    proposal is withdrawn, and a desk proposal's pause ends; with ``settle``, the
    requester's answer buttons are moot (not when they cancel, nor on a transfer: those end
    every button of the request where they were shown)."""
    current = proposals.pending(ctx.session, request.id or 0) if request.id else None
    if current is None:
        return
    _decide(ctx, current, "withdrawn")
    if current.kind == "desk":
        terms.unpause(ctx, request)
        if settle:
            ctx.settle(request.requester_id, request, tell.ANSWERS, "settle.withdrawn")


def forget_agreement(request: Request) -> None:
    """Fresh targets (a transfer, a reopen): an earlier agreement no longer applies."""
    request.original_resolution_due = None
    request.agreed_at = None
    request.proposed_at = None


def register(router: Router) -> None:
    """Wire the negotiation commands."""
    router.add("propose", propose)
    router.add("accept", accept)
    router.add("decline", decline)
    router.add("counter", counter)
