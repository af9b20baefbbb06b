"""``approve`` / ``reject`` typed without the request id: the one approval waiting for the
person, which one when several wait, or that none does (as ``proposal_answers`` does for
answers to a proposal)."""

from __future__ import annotations

from handlers.command_words import word_for
from handlers.context import Ctx
from handlers.excerpt import excerpt
from handlers.grammar import Command, Invalid, parse
from handlers.i18n import join
from handlers.parse_errors import REF_LIKE
from handlers.slots import placeholder
from storage import approvals

# A decision typed without its id goes to the one approval waiting for the person; the slots
# its button asks for, shown when they must say which.
APPROVAL_ANSWERS = {"approve": (), "reject": ("reason",)}
LISTED = 5  # requests named when several wait


def approval_answered(ctx: Ctx, invalid: Invalid) -> Command | Invalid | str:
    """``approve`` / ``reject`` typed without the id: the command on the one request whose
    approval waits for the actor, what was typed kept (a comment, a reason); with several,
    which one (the commands to type); with none, that none waits. A word meant as the id
    (``approve FIN1``) keeps the usual hint."""
    command, given = str(invalid.params["command"]), str(invalid.params.get("given", ""))
    words = given.split()
    if words and REF_LIKE.match(words[0]):
        return invalid
    waiting = list(dict.fromkeys(
        request.ref for _step, request in approvals.pending_for(ctx.session, ctx.actor.id)))
    if len(waiting) == 1:
        return parse(f"/request {command} {waiting[0]} {given}".strip(), ctx.desk.catalog)
    if waiting:
        commands = "\n".join(f"• `{_typed(ctx, command, ref, given)}`"
                             for ref in waiting[:LISTED])
        return ctx.say("err.need_ref.approvals", refs=join(ctx.locale, waiting[:LISTED]),
                       commands=commands)
    return ctx.say("err.need_ref.no_approval")


def _typed(ctx: Ctx, command: str, ref: str, given: str) -> str:
    """How the actor types ``command`` on ``ref``: what they typed kept after the id, else
    the words its button asks for (``/request 驳回 FIN-1 <原因>``)."""
    after = f" {excerpt(given.splitlines()[0], 60)}" if given.strip() else "".join(
        f" {placeholder(name, ctx.locale, command)}" for name in APPROVAL_ANSWERS[command])
    return f"/request {word_for(command, ctx.locale)} {ref}{after}"
