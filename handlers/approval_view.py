"""How approvals show: the steps in ``show``, and the desk's "coming" list in its queue."""

from __future__ import annotations

from collections.abc import Sequence

from handlers import approval_route as route
from handlers.context import Ctx, names_list
from storage import approvals
from storage.models import Request


def steps_lines(ctx: Ctx, request: Request) -> list[str]:
    """The latest round's steps with who decided what and when (none: no approval)."""
    steps = approvals.steps_of(ctx.session, request.id or 0)
    if not steps:
        return []
    lines = [ctx.say("approval.show.title")]
    for step in steps:
        shown = step.approvers or step.spec
        owner = route.on_behalf_of(ctx, request, step, step.decided_by) \
            if step.state == "approved" and step.decided_by else None
        key = f"approval.step.{step.state}" + ("_for" if owner else "")
        state = ctx.say(key, by=ctx.name(step.decided_by), owner=ctx.name(owner),
                        at=ctx.local(step.decided_at), since=ctx.local(step.started_at),
                        reason=step.reason or "")
        lines.append(ctx.say("approval.show.step", step=step.position + 1,
                             approvers=names_list(ctx, shown, ctx.locale), state=state))
    return lines


def coming_lines(ctx: Ctx, departments: Sequence[str]) -> list[str]:
    """For the desk: its requests still awaiting approval (nothing to do yet)."""
    rows = approvals.pending_requests(ctx.session, departments)
    if not rows:
        return []
    ctx.prefetch_names([r.requester_id for r in rows])
    lines = [ctx.say("approval.queue.coming", n=len(rows))]
    for r in rows:
        waiting = approvals.current_approvers(ctx.session, r.id or 0)
        lines.append(ctx.say("approval.queue.line", ref=r.ref, priority=r.priority,
                             title=r.title, requester=ctx.name(r.requester_id),
                             approvers=names_list(ctx, waiting, ctx.locale)))
    return lines
