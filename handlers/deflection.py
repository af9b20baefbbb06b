"""``/request answered REF``: the service's instructions answered the requester's question, so
the request is withdrawn before the desk acts (while it awaits approval, too: its approvers
are told there is nothing to decide) and a deflection is counted for the digest."""

from __future__ import annotations

from handlers import approval, instructions, notices
from handlers import lifecycle as lc
from handlers.context import Ctx, Refusal
from handlers.grammar import Command
from handlers.messages import Message, Reply
from handlers.router import Router
from storage import deflections

ANSWERED_NOTE = "answered_by_instructions"  # the cancel event's note, shown translated


def answered(ctx: Ctx, cmd: Command) -> Reply:
    """The requester says the instructions answered them: cancel, note why, count it."""
    request = lc.load(ctx, cmd.ref)
    if ctx.actor.id != request.requester_id:
        raise Refusal("err.answered_not_requester", ref=request.ref,
                      requester=ctx.name(request.requester_id))
    category = ctx.department(request.department).category(request.category)
    if category is None or not category.instructions_for(ctx.locale).strip():
        raise Refusal("err.answered_no_instructions", ref=request.ref)
    if not instructions.may_answer(request):
        if request.state in lc.OPEN_STATES:
            raise Refusal("err.answered_too_late", ref=request.ref,
                          department=ctx.dept_label(request.department))
        raise Refusal("err.answered_done", ref=request.ref,
                      state=ctx.say(f"state.{request.state}"))
    request.paused_at = None
    request.closed_at = ctx.now
    was_pending = request.state == approval.PENDING
    lc.transition(ctx, request, "cancelled", "cancelled", note=ANSWERED_NOTE)
    deflections.record(ctx.session, request.department, request.category, ctx.actor.id,
                       ctx.now)
    if was_pending:  # the desk never had it: its approvers are told instead
        approval.withdrawn(ctx, request, "approval.note.answered")
    else:
        notices.to_desk(ctx, request, "note.answered", by=ctx.name(ctx.actor.id), text="")
    text = ctx.say("reply.answered", ref=request.ref)
    return Reply((Message(text=text, locale=ctx.locale, request_ref=request.ref),),
                 queued=ctx.queued, request_ref=request.ref)


def register(router: Router) -> None:
    """Wire ``answered``."""
    router.add("answered", answered)
