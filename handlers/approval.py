"""Approval before the desk acts: a request whose service needs it waits in
``pending_approval`` (no due times, the desk's clock stopped) while its steps run in order;
``approve`` / ``reject`` decide the current step ("any": one approval completes it, "all":
every approver). After the last approval the request opens and the desk's clock starts; a
rejection closes it as ``rejected`` with the reason, and the requester may reopen it with
changed values, which starts a new round. Every step is an Event."""

from __future__ import annotations

from decimal import Decimal

from handlers import approval_notices as notes
from handlers import approval_reopen as reopen
from handlers import approval_route as route
from handlers import approval_steps as stepping
from handlers import due_times, fields, notices
from handlers import lifecycle as lc
from handlers.context import Ctx, Refusal, names_list
from handlers.grammar import Command
from handlers.messages import Message, Reply
from handlers.router import Router
from handlers.service_spec import ApprovalStep
from storage import approvals, request_fields, request_store
from storage.models import ApprovalStepRow, Request

PENDING = "pending_approval"
DECISIONS = ("approve", "reject")  # an approver's buttons
REJECTED = "rejected"


def steps_needed(ctx: Ctx, request: Request) -> tuple[ApprovalStep, ...]:
    """The steps ``request`` goes through given its service and its amount (none: no
    approval)."""
    category = ctx.department(request.department).category(request.category)
    if category is None or category.approval is None:
        return ()
    spec = category.approval
    if foreign_currency(ctx, request) is not None:  # no exchange rates: every step applies
        return spec.steps
    amount: Decimal | None = None
    if spec.amount_field is not None and request.id is not None:
        value = request_fields.of_request(ctx.session, request.id).get(spec.amount_field)
        amount = value.number if value is not None else None
    return spec.steps_for(amount)


def foreign_currency(ctx: Ctx, request: Request) -> str | None:
    """The currency of ``request``'s amount when it is not the one its approval thresholds
    are in (the amount field's own currency, else the company default, CNY); None when it
    is, or there is no amount. crossdesk has no exchange rates, so such an amount goes
    through every step whose threshold could apply."""
    category = ctx.department(request.department).category(request.category)
    if category is None or category.approval is None or request.id is None:
        return None
    key = category.approval.amount_field
    value = request_fields.of_request(ctx.session, request.id).get(key) if key else None
    if value is None or value.number is None or not value.currency:
        return None
    field = category.field(key) if key else None
    own = fields.own_currency(field) if field is not None else fields.DEFAULT_CURRENCY
    return value.currency if value.currency != own else None


def start(ctx: Ctx, request: Request, kind: str = "approval_requested",
          note: str | None = None) -> bool:
    """Send ``request`` for approval if its service needs it (False: it does not). Called
    once its values are stored, by ``open_request`` and by a reopen after a rejection."""
    steps = steps_needed(ctx, request)
    if not steps:
        return False
    assert request.id is not None
    request.first_response_due = None  # the desk's clock starts at the last approval
    request.resolution_due = None
    request.clock_started_at = None
    rows = approvals.add_round(ctx.session, request.id,
                               approvals.next_round(ctx.session, request.id),
                               [(list(s.approvers), s.mode) for s in steps])
    lc.transition(ctx, request, PENDING, kind, note=note)
    stepping.start_step(ctx, request, rows[0], len(rows))
    return True


def waiting_for(ctx: Ctx, request: Request, locale: str) -> str:
    """The names the request waits for now ("—" when none)."""
    return names_list(ctx, approvals.current_approvers(ctx.session, request.id or 0), locale)


def _load(ctx: Ctx, ref: str | None) -> tuple[Request, ApprovalStepRow, int]:
    """The request ``ref`` and its current step, if the actor is one of the step's approvers
    who has not decided yet, or an admin when none of them is in the config any more (see
    ``_nobody_left``); otherwise a polite refusal."""
    assert ref is not None
    request = request_store.by_ref(ctx.session, ref, lock=True)
    if request is None:
        raise Refusal("err.not_found", ref=ref)
    step = approvals.current(ctx.session, request.id or 0) if request.state == PENDING else None
    involved = lc.can_see(ctx, request) or _was_approver(ctx, request)
    if step is None:
        if not involved:
            raise Refusal("err.not_found", ref=ref)
        raise Refusal("approval.err.not_pending", ref=request.ref,
                      state=ctx.say(f"state.{request.state}"))
    waiting = approvals.current_approvers(ctx.session, request.id or 0)
    if ctx.actor.id not in waiting and not _nobody_left(ctx, waiting):
        if ctx.actor.id in step.approvers:
            raise Refusal("approval.err.already", ref=request.ref,
                          approvers=waiting_for(ctx, request, ctx.locale))
        if not involved:
            raise Refusal("err.not_found", ref=ref)
        raise Refusal("approval.err.not_approver", ref=request.ref,
                      approvers=waiting_for(ctx, request, ctx.locale))
    total = len(approvals.steps_of(ctx.session, request.id or 0, step.round))
    return request, step, total


def _nobody_left(ctx: Ctx, waiting: list[str]) -> bool:
    """True for an admin when no one the step waits for is in the config any more (they
    left, or a ``leads:<dept>`` named a desk since renamed): the admin decides the step, so
    the request is not stuck."""
    if not ctx.desk.is_admin(ctx.actor.id):
        return False
    return not any(route.present(ctx, pid) for pid in waiting)


def _was_approver(ctx: Ctx, request: Request) -> bool:
    """An approver of the request, now or before a handover to their delegate."""
    away = approvals.away_of(ctx.session, ctx.actor.id, ctx.now)
    for step in approvals.steps_of(ctx.session, request.id or 0):
        if ctx.actor.id in step.approvers or (away and away.delegate_id in step.approvers):
            return True
    return False


def approve(ctx: Ctx, cmd: Command) -> Reply:
    """An approver says yes to the current step: the next step starts, or the request opens
    and the desk is told. Their comment goes with the news to the requester and to the next
    step's approvers; one deciding as a delegate is recorded as deciding for the approver."""
    request, step, total = _load(ctx, cmd.ref)
    assert step.id is not None
    approvals.vote(ctx.session, step.id, ctx.actor.id, "approved", ctx.now)
    number = step.position + 1
    comment = cmd.text.strip()
    note = f"{number}/{total}" + (f": {comment}" if comment else "")
    owner = route.on_behalf_of(ctx, request, step, ctx.actor.id)
    if owner is not None:
        request_store.add_event(ctx.session, request, ctx.actor.id, ctx.now,
                                "approved_step_for", note=f"{ctx.name(owner)}, {note}")
    else:
        request_store.add_event(ctx.session, request, ctx.actor.id, ctx.now, "approved_step",
                                note=note)
    by = ctx.name(ctx.actor.id)
    said = notes.ApproverWords(by, comment) if comment else None
    still = approvals.current_approvers(ctx.session, request.id or 0)
    if step.mode == "all" and still and not _nobody_left(ctx, still):
        notes.to_requester(ctx, request, "approval.note.partial", said, by=by, step=number,
                           total=total, approvers=names_list(
                               ctx, still, ctx.locale_of(request.requester_id)))
        return _reply(ctx, "approval.reply.partial", request,
                      approvers=names_list(ctx, still, ctx.locale))
    step.state = "approved"
    step.decided_by = ctx.actor.id
    step.decided_at = ctx.now
    ctx.session.add(step)
    for other in still:  # the step's other approvers ("any one of"): nothing left to decide
        ctx.settle(other, request, DECISIONS, "settle.approved", by=by)
    following = stepping.next_step(ctx, request, step.round, total, said)
    if following is not None:
        nxt = names_list(ctx, following.approvers, ctx.locale)
        notes.to_requester(ctx, request, "approval.note.next", said, by=by, step=number,
                           total=total, approvers=names_list(
                               ctx, following.approvers, ctx.locale_of(request.requester_id)))
        return _reply(ctx, "approval.reply.next", request, approvers=nxt)
    _finish(ctx, request, said=said)
    return _reply(ctx, "approval.reply.done", request,
                  department=ctx.dept_label(request.department))


def _finish(ctx: Ctx, request: Request, kind: str = "approval_done",
            note: str | None = None, said: notes.ApproverWords | None = None) -> None:
    """The last approval (or a reopen needing none now, ``kind`` and its ``note`` in the
    history): the request opens, its targets run from now, the desk is told; the requester
    hears it with the last approver's comment (``said``)."""
    request.clock_started_at = ctx.now
    due_times.set_due_times(ctx, request, ctx.now)
    lc.transition(ctx, request, "open", kind, note=note)
    notices.new_request(ctx, request, lambda locale: reopen.lines(ctx, request, locale))
    loc = ctx.locale_of(request.requester_id)
    notes.to_requester(ctx, request, "approval.note.approved", said, by=ctx.name(ctx.actor.id),
                       department=ctx.dept_label(request.department, loc),
                       first_due=due_times.due_text(ctx, request, request.first_response_due,
                                                    loc))


def reject(ctx: Ctx, cmd: Command) -> Reply:
    """An approver says no, with a reason: the request closes as rejected and the requester
    hears why and how to reopen it with changes."""
    if not cmd.text.strip():
        raise Refusal("approval.err.need_reason", ref=cmd.ref)
    request, step, total = _load(ctx, cmd.ref)
    assert step.id is not None
    others = [a for a in approvals.current_approvers(ctx.session, request.id or 0)
              if a != ctx.actor.id]
    approvals.vote(ctx.session, step.id, ctx.actor.id, "rejected", ctx.now)
    step.state = "rejected"
    step.decided_by = ctx.actor.id
    step.decided_at = ctx.now
    step.reason = cmd.text
    ctx.session.add(step)
    for later in approvals.steps_of(ctx.session, request.id or 0, step.round):
        if later.state == "waiting":
            later.state = "skipped"
            ctx.session.add(later)
    request.closed_at = ctx.now
    lc.transition(ctx, request, REJECTED, "rejected", note=cmd.text)
    notes.rejected(ctx, request, cmd.text, step.position + 1, total)
    for other in others:
        ctx.settle(other, request, DECISIONS, "settle.rejected", by=ctx.name(ctx.actor.id))
    return _reply(ctx, "approval.reply.rejected", request,
                  requester=ctx.name(request.requester_id))


def withdrawn(ctx: Ctx, request: Request, key: str = "approval.note.withdrawn") -> None:
    """The requester cancelled while it awaited approval (or the instructions answered them:
    ``key`` says which): the steps left end, and whoever was asked is told there is nothing
    to decide."""
    waiting = approvals.current_approvers(ctx.session, request.id or 0)
    for step in approvals.steps_of(ctx.session, request.id or 0):
        if step.state in ("pending", "waiting"):
            step.state = "skipped"
            ctx.session.add(step)
    for pid in waiting:
        notes.told(ctx, request, pid, key, by=ctx.name(ctx.actor.id))


def reopen_rejected(ctx: Ctx, request: Request, text: str) -> Reply:
    """The requester reopens a rejected request, usually with changed values
    (``金额=80``): the values are replaced and the approval starts again as a new round, its
    steps as the new values need them; its approvers, and the desk once it opens, read what
    changed and why (``approval_reopen``)."""
    from handlers.approval_values import apply_changes

    before = apply_changes(ctx, request, text)
    changed = reopen.changed_names(ctx, request, before, ctx.locale) or ctx.say(
        "approval.no_changes")
    request.closed_at = None
    request.purged_at = None  # retention looks at it again once it closes
    if start(ctx, request, "reopened", note=text):
        return _reply(ctx, "approval.reply.reopened", request,
                      approvers=waiting_for(ctx, request, ctx.locale), changed=changed)
    _finish(ctx, request, "reopened", note=text)  # no approval needed any more
    return _reply(ctx, "approval.reply.reopened_open", request, changed=changed,
                  department=ctx.dept_label(request.department))


def _reply(ctx: Ctx, key: str, request: Request, **params: object) -> Reply:
    text = ctx.say(key, ref=request.ref, **params)
    return Reply((Message(text=text, locale=ctx.locale, request_ref=request.ref),),
                 queued=ctx.queued, request_ref=request.ref)


def register(router: Router) -> None:
    """Wire ``approve``, ``reject``, ``away`` and ``back``."""
    from handlers import approval_away

    router.add("approve", approve)
    router.add("reject", reject)
    router.add("away", approval_away.away)
    router.add("back", approval_away.back)


def opened_reply(ctx: Ctx, request: Request, more: list[str]) -> Reply:
    """The requester's answer when their new request went for approval (``more``: the files
    attached), with its form's values and Cancel, as any new request's confirmation."""
    category = ctx.department(request.department).category(request.category)
    text = ctx.say("approval.reply.opened", ref=request.ref,
                   department=ctx.dept_label(request.department),
                   category=category.label(ctx.locale) if category else request.category,
                   approvers=waiting_for(ctx, request, ctx.locale),
                   n=len(approvals.steps_of(ctx.session, request.id or 0)))
    currency = foreign_currency(ctx, request)
    if currency is not None:
        text += ("" if ctx.locale.startswith("zh") else " ") + ctx.say(
            "approval.reply.currency", currency=currency)
    in_chat = ctx.answers_in_chat_of(request.requester_id)  # a card there: greyed when moot
    return Reply((notices.opened(ctx, request, ctx.locale, "\n".join([text, *more])),),
                 queued=ctx.queued, request_ref=request.ref,
                 request_id=request.id if in_chat else None)
