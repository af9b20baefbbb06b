"""``accept`` / ``decline`` / ``counter`` typed without the request id: the one proposal
waiting for the person's answer, which one when several wait, or that none does."""

from __future__ import annotations

from handlers.context import Ctx
from handlers.grammar import Command, Invalid
from handlers.waiting_answers import answered, typed
from storage import proposals, request_store

# An answer to a proposal typed without its id goes to the one waiting for the person's
# answer; the slots its button asks for, shown when they must say which.
PROPOSAL_ANSWERS: dict[str, tuple[str, ...]] = {
    "accept": (), "decline": ("why",), "counter": ("date", "comment")}
LOOKED_AT = 200  # the open requests looked at for a proposal waiting on the person


def proposal_answered(ctx: Ctx, invalid: Invalid) -> Command | Invalid | str:
    """``accept`` / ``decline`` / ``counter`` typed without the id: the command on the one
    request whose proposal waits for the actor's answer (``waiting_answers.answered``)."""
    command = str(invalid.params["command"])
    slots = PROPOSAL_ANSWERS[command]
    return answered(
        ctx, invalid, lambda: _waiting_for(ctx, desk_too=command == "accept"), slots,
        "err.need_ref.proposals", lambda given: ctx.say("err.need_ref.no_proposal", command=typed(
            ctx, command, ctx.say("hint.ref_placeholder"), given, slots)))


def _waiting_for(ctx: Ctx, *, desk_too: bool) -> list[str]:
    """The open requests whose proposal waits for the actor: a desk's on their own requests,
    newest first, then (``desk_too``) requesters' counters at the desks they serve."""
    mine, _ = request_store.of_requester(ctx.session, ctx.actor.id, 1, LOOKED_AT)
    served = [d.key for d in ctx.desk.catalog.departments_of(ctx.actor.id)]
    desks = request_store.queue(ctx.session, served, 1, LOOKED_AT)[0] if desk_too and served \
        else []
    theirs = [r for r in desks if r.requester_id != ctx.actor.id]  # not twice
    rows = [r for r in (*mine, *theirs) if r.state in request_store.OPEN_STATES]
    kinds = proposals.pending_kinds(ctx.session, [r.id for r in rows if r.id is not None])
    return [r.ref for r in rows if r.id is not None and kinds.get(r.id) == (
        "desk" if r.requester_id == ctx.actor.id else "requester")]

