"""What `show` says of a negotiation: the proposal waiting for an answer and the agreement in
force (whose buttons answer it: ``thread_root.pending_side``)."""

from __future__ import annotations

from handlers import negotiation_notices as tell
from handlers.context import Ctx
from storage import proposals
from storage.models import Request


def lines(ctx: Ctx, request: Request) -> list[str]:
    """The pending proposal and the agreement, one line each, in the reader's language."""
    out: list[str] = []
    current = proposals.pending(ctx.session, request.id or 0) if request.id else None
    if current is not None:
        who = (ctx.name(request.requester_id) if current.kind == "desk"
               else ctx.dept_label(request.department))
        out.append(ctx.say("neg.show.pending", round=current.round, who=who,
                           summary=tell.summary(ctx, request, current, ctx.locale)))
    if request.agreed_at is not None:
        agreed = proposals.latest_accepted(ctx.session, request.id or 0)
        who = ctx.name(agreed.decided_by) if agreed and agreed.decided_by else "—"
        out.append(ctx.say("neg.show.agreed", when=ctx.local(request.agreed_at), who=who,
                           due=ctx.local(request.resolution_due),
                           original=ctx.local(request.original_resolution_due)))
    return out
