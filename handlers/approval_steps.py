"""Starting an approval step: its approvers resolved at that moment (``approval_route``),
asked with the request and Approve / Reject, and the step recorded in the history. A step
whose approvers all approved an earlier step of the round in their own right is approved at
once: nobody is asked twice for their own approval (one given as someone's delegate does not
carry over to the delegate's own step)."""

from __future__ import annotations

from handlers import approval_notices as notes
from handlers import approval_route as route
from handlers.context import Ctx, names_list
from storage import approvals, request_store
from storage.models import ApprovalStepRow, Request


def next_step(ctx: Ctx, request: Request, round_: int, total: int,
              said: notes.ApproverWords | None = None) -> ApprovalStepRow | None:
    """Start the round's next step (its approvers read the last approver's comment,
    ``said``); one its approvers already gave by approving an earlier step is approved at
    once (nobody is asked twice). None: every step is approved."""
    for step in approvals.steps_of(ctx.session, request.id or 0, round_):
        if step.state == "waiting" and start_step(ctx, request, step, total, said):
            return step
    return None


def approved_earlier(ctx: Ctx, request: Request, step: ApprovalStepRow) -> set[str]:
    """Who approved an earlier step of the round in their own right: an approval given as
    someone's delegate never counts for the delegate's own step."""
    earlier = [s for s in approvals.steps_of(ctx.session, step.request_id, step.round)
               if s.position < step.position and s.id is not None]
    return {v.person_id for s in earlier for v in approvals.votes_of(ctx.session, s.id or 0)
            if v.decision == "approved"
            and route.on_behalf_of(ctx, request, s, v.person_id) is None}


def start_step(ctx: Ctx, request: Request, step: ApprovalStepRow, total: int,
               said: notes.ApproverWords | None = None) -> bool:
    """Start ``step``: its approvers resolved now and asked (False: they had all approved an
    earlier step already, so it is approved at once)."""
    approvers, handovers = route.resolve(ctx, request, step.spec)
    step.approvers = approvers
    step.state = "pending"
    step.started_at = ctx.now
    ctx.session.add(step)
    given = approved_earlier(ctx, request, step)
    if approvers and (set(approvers) <= given or (step.mode == "any" and given & set(
            approvers))):
        step.state = "approved"
        step.decided_by = next(p for p in approvers if p in given)
        step.decided_at = ctx.now
        request_store.add_event(ctx.session, request, step.decided_by, ctx.now,
                                "approved_step", note=f"{step_note(ctx, step, total)} (=)")
        return False
    for handover in handovers:
        notes.handed_over(ctx, request, handover)
    request_store.add_event(ctx.session, request, ctx.actor.id, ctx.now, "approval_step",
                            note=step_note(ctx, step, total))
    instead = {h.delegate: h.away for h in handovers}
    for pid in approvers:
        quoted = said if pid != ctx.actor.id else None  # not one's own words back
        if pid in instead:
            notes.ask(ctx, request, pid, step.position + 1, total,
                      "approval.note.ask_delegate", quoted, away=ctx.name(instead[pid]))
        else:
            notes.ask(ctx, request, pid, step.position + 1, total, said=quoted)
    return True


def step_note(ctx: Ctx, step: ApprovalStepRow, total: int) -> str:
    names = names_list(ctx, step.approvers, ctx.desk.policy.locale)
    mode = "" if step.mode == "any" or len(step.approvers) < 2 else " (all)"
    return f"{step.position + 1}/{total}: {names}{mode}"
