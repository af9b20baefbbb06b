"""``approve`` / ``reject`` typed without the request id: the one approval waiting for the
person, which one when several wait, or that none does (as ``proposal_answers`` does for
answers to a proposal)."""

from __future__ import annotations

from handlers.context import Ctx
from handlers.grammar import Command, Invalid
from handlers.waiting_answers import answered
from storage import approvals

# A decision typed without its id goes to the one approval waiting for the person; the slots
# its button asks for, shown when they must say which.
APPROVAL_ANSWERS: dict[str, tuple[str, ...]] = {"approve": (), "reject": ("reason",)}


def approval_answered(ctx: Ctx, invalid: Invalid) -> Command | Invalid | str:
    """``approve`` / ``reject`` typed without the id: the command on the one request whose
    approval waits for the actor, a comment or reason kept (``waiting_answers.answered``)."""
    command = str(invalid.params["command"])
    return answered(ctx, invalid, lambda: list(dict.fromkeys(
        request.ref for _step, request in approvals.pending_for(ctx.session, ctx.actor.id))),
        APPROVAL_ANSWERS[command], "err.need_ref.approvals",
        lambda _given: ctx.say("err.need_ref.no_approval"))
