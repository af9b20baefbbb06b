"""``accept`` / ``decline`` / ``counter`` typed without the request id: the one proposal
waiting for the person's answer, which one when several wait, or that none does."""

from __future__ import annotations

from handlers.command_words import word_for
from handlers.context import Ctx
from handlers.excerpt import excerpt
from handlers.grammar import Command, Invalid, parse
from handlers.i18n import join
from handlers.parse_errors import REF_LIKE
from handlers.slots import placeholder
from storage import proposals, request_store

# An answer to a proposal typed without its id goes to the one waiting for the person's
# answer; the slots its button asks for, shown when they must say which.
PROPOSAL_ANSWERS = {"accept": (), "decline": ("why",), "counter": ("date", "comment")}
LOOKED_AT = 200  # the open requests looked at for a proposal waiting on the person
LISTED = 5       # requests named when several wait


def proposal_answered(ctx: Ctx, invalid: Invalid) -> Command | Invalid | str:
    """``accept`` / ``decline`` / ``counter`` typed without the id: the command on the one
    request whose proposal waits for the actor's answer, what was typed kept; with several,
    which one (the commands to type); with none, that none waits. A word meant as the id
    (``accept FIN1``) keeps the usual hint."""
    command, given = str(invalid.params["command"]), str(invalid.params.get("given", ""))
    words = given.split()
    if words and REF_LIKE.match(words[0]):
        return invalid
    waiting = _waiting_for(ctx, desk_too=command == "accept")
    if len(waiting) == 1:
        return parse(f"/request {command} {waiting[0]} {given}".strip(), ctx.desk.catalog)
    if waiting:
        commands = "\n".join(f"• `{_typed_answer(ctx, command, ref, given)}`"
                             for ref in waiting[:LISTED])
        return ctx.say("err.need_ref.proposals", refs=join(ctx.locale, waiting[:LISTED]),
                       commands=commands)
    return ctx.say("err.need_ref.no_proposal", command=_typed_answer(
        ctx, command, ctx.say("hint.ref_placeholder"), given))


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


def _typed_answer(ctx: Ctx, command: str, ref: str, given: str) -> str:
    """How the actor types ``command`` on ``ref``: what they typed kept after the id, else
    the words its button asks for (``/request 反提议 FIN-1 <日期> [说明]``)."""
    after = f" {excerpt(given.splitlines()[0], 60)}" if given.strip() else "".join(
        f" {placeholder(name, ctx.locale, command)}" for name in PROPOSAL_ANSWERS[command])
    return f"/request {word_for(command, ctx.locale)} {ref}{after}"
