"""Shared lifecycle rules: who may act, which states allow what, the targets a transfer or a
reopen keeps (their due times: ``handlers/due_times.py``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select

from handlers import confidential
from handlers.catalog import PRIORITIES
from handlers.context import Ctx, Refusal, names_list
from storage import approvals, breaches, request_store
from storage.models import Breach, Event, NudgeClaim, Request

OPEN_STATES = request_store.OPEN_STATES


def load(ctx: Ctx, ref: str | None) -> Request:
    """The request ``ref`` if the actor may see it, locked for this transaction."""
    assert ref is not None
    request = request_store.by_ref(ctx.session, ref, lock=True)
    if request is not None and confidential.of(ctx.desk, request) and \
            not confidential.may_open(ctx.desk, ctx.actor.id, request):
        raise Refusal("err.confidential", ref=request.ref,
                      who=confidential.who_may_open(ctx.desk, request, ctx.locale))
    if request is None or not can_see(ctx, request):
        raise Refusal("err.not_found", ref=ref)
    return request


def can_see(ctx: Ctx, request: Request) -> bool:
    """Requesters see their own requests; staff see their department's and those their
    department transferred elsewhere; those it was escalated to see it; its approvers (any
    step, pending or decided) see it; admins see all."""
    actor = ctx.actor.id
    if actor == request.requester_id or ctx.desk.is_staff(actor, request.department):
        return True
    if confidential.of(ctx.desk, request):  # not the desks it passed through, nor managers
        return False
    return (any(ctx.desk.is_staff(actor, old) for old in past_departments(ctx, request))
            or escalated_to(ctx, request, actor) or is_approver(ctx, request))


def is_approver(ctx: Ctx, request: Request) -> bool:
    """Whether the actor is or was an approver of ``request`` (``approvals.involves``)."""
    return approvals.involves(ctx.session, request.id or 0, ctx.actor.id)


def escalated_to(ctx: Ctx, request: Request, person_id: str) -> bool:
    """Whether an escalation of ``request`` reached ``person_id`` (its sweep claim, keyed
    ``…:escalate:<target>:<level>:person:<id>``, names them)."""
    stmt = select(NudgeClaim.key).where(col(NudgeClaim.request_id) == request.id,
                                        col(NudgeClaim.key).contains(":escalate:"))
    return any(key.endswith(f":person:{person_id}") for key in ctx.session.exec(stmt))


def transfer_note(old: str, new: str, left: str = "", to: str = "") -> str:
    """How a transfer is recorded in the history: department keys, stable across renames,
    then the keys of the service it left and the one it went to (``finance->hr
    reimbursement->payroll``), so that a finished week's figures know the service it had."""
    route = f"{old}->{new}"
    return f"{route} {left}->{to}" if left and to else route


def transfer_route(note: str | None) -> tuple[str, str] | None:
    """(from, to) department keys of a transfer's history note."""
    old, sep, new = (note or "").partition(" ")[0].partition("->")
    return (old, new) if sep else None


def transfer_services(note: str | None) -> tuple[str, str] | None:
    """(left, went to) service keys of a transfer's history note; None for a transfer
    recorded before the note named them."""
    _route, space, services = (note or "").partition(" ")
    left, sep, to = services.partition("->")
    return (left, to) if space and sep else None


def past_departments(ctx: Ctx, request: Request) -> list[str]:
    """The departments that owned the request before a transfer, oldest first."""
    stmt = select(Event.note).where(Event.request_id == request.id,
                                    Event.kind == "transferred").order_by(col(Event.id))
    routes = [transfer_route(note) for note in ctx.session.exec(stmt)]
    return list(dict.fromkeys(route[0] for route in routes if route))


def require_staff(ctx: Ctx, request: Request, action: str) -> None:
    """Refuse unless the actor serves the owning department (or is an admin)."""
    if ctx.desk.is_staff(ctx.actor.id, request.department):
        return
    dep = ctx.department(request.department)
    raise Refusal(
        "err.forbidden_staff",
        department=dep.label(ctx.locale),
        action=ctx.say(f"action.{action}"),
        ref=request.ref,
        leads=names_list(ctx, dep.leads, ctx.locale),
    )


def require_requester(ctx: Ctx, request: Request, action: str) -> None:
    """Refuse unless the actor opened the request (or is an admin)."""
    if ctx.actor.id == request.requester_id or ctx.desk.is_admin(ctx.actor.id):
        return
    raise Refusal(
        "err.forbidden_requester",
        requester=ctx.name(request.requester_id),
        action=ctx.say(f"action.{action}"),
        ref=request.ref,
    )


def require_state(
    ctx: Ctx, request: Request, allowed: tuple[str, ...], action: str, hint: str = ""
) -> None:
    """Refuse when the request's state does not allow ``action``."""
    if request.state in allowed:
        return
    if request.state == "pending_approval":  # the desk cannot act before the approval
        waiting = approvals.current_approvers(ctx.session, request.id or 0)
        raise Refusal("err.awaiting_approval", ref=request.ref,
                      approvers=names_list(ctx, waiting, ctx.locale))
    raise Refusal(
        "err.bad_state",
        ref=request.ref,
        state=ctx.say(f"state.{request.state}"),
        action=ctx.say(f"action.{action}"),
        action_past=ctx.say(f"past.{action}"),
        hint=ctx.say(hint) if hint else "",
    )


def transition(
    ctx: Ctx, request: Request, to_state: str | None, kind: str, note: str | None = None,
    at: datetime | None = None,
) -> None:
    """Change state (or not), stamp the time and write the audit event (dated ``at``: when
    it took effect, for a timed change a late sweep carries out; by default now)."""
    from_state = request.state
    if to_state is not None:
        request.state = to_state
    request.updated_at = ctx.now
    request.next_sweep_at = ctx.now
    request.swept_until = None  # targets may have moved: every rule is looked at again
    ctx.session.add(request)
    ctx.session.flush()
    request_store.add_event(
        ctx.session, request, ctx.actor.id, at or ctx.now, kind,
        from_state=from_state, to_state=request.state if to_state else None, note=note,
    )


def take_if_unassigned(ctx: Ctx, request: Request) -> None:
    """A department member who answers an unassigned request becomes its assignee."""
    if request.assignee_id is None and ctx.actor.id in ctx.department(request.department).staff():
        request.assignee_id = ctx.actor.id


def first_response(ctx: Ctx, request: Request) -> None:
    """A human answer reached the requester: the first-response clock stops."""
    if request.first_response_at is None:
        request.first_response_at = ctx.now
        settle_breach(ctx, request, "first", request.first_response_due)


def settle_breach(ctx: Ctx, request: Request, target: str, due: datetime | None) -> None:
    """A target met late: record by how much (in the request's clock) on its breach row (the
    one of this desk and cycle)."""
    if due is None or ctx.now <= due:
        return
    late = ctx.desk.clock_for(request).business_time_between(due, ctx.now)
    stmt = (
        update(Breach)
        .where(col(Breach.request_id) == request.id, col(Breach.target) == target,
               col(Breach.department) == request.department,
               col(Breach.cycle) == request.cycle, col(Breach.late_seconds).is_(None))
        .values(late_seconds=int(late.total_seconds()))
    )
    ctx.session.execute(stmt)


def keep_targets(ctx: Ctx, request: Request) -> None:
    """Before a transfer or a reopen moves the request's targets (its priority still the
    desk's: in the desk's clock): the ones that fell due at its desk, or were met there, are
    kept as the sweep keeps a miss, one row per desk, target and cycle, so that the digest
    counts them whatever comes next. Missed: past due unmet, or met late; met: by the
    deadline. A target neither met nor due yet never fell due at this desk; a resolution
    paused while the desk waits on the requester is not missed; a first response is kept
    once per stay at a desk, however often it is reopened there."""
    kept = request.id is not None and breaches.kept(
        ctx.session, request.id, request.department, "first", since=request.stay_cycle)
    _keep(ctx, request, ("resolution",) if kept else ("first", "resolution"))


def _keep(ctx: Ctx, request: Request, targets: tuple[str, ...]) -> None:
    """Keep those of ``targets`` (first, resolution) that fell due or were met (see
    ``keep_targets``), in the request's clock; a row already there stays as it is."""
    calendar = ctx.desk.clock_for(request)
    moments = {"first": (request.first_response_due, request.first_response_at),
               "resolution": (request.resolution_due, request.resolved_at)}
    rows = []
    for target in targets:
        due, at = moments[target]
        paused = target == "resolution" and at is None and (
            request.state == "waiting" or request.paused_at is not None)
        if due is None or paused or (at is None and ctx.now <= due):
            continue
        met = at is not None and at <= due
        late = calendar.business_time_between(due, at) if at and not met else None
        rows.append({"request_id": request.id, "department": request.department,
                     "target": target, "cycle": request.cycle, "due_at": due,
                     "detected_at": ctx.now, "met": met,
                     "late_seconds": int(late.total_seconds()) if late else None})
    breaches.record(ctx.session, rows)


def raise_one(priority: str) -> str:
    """One step more urgent (P3 → P2), never past P1."""
    index = PRIORITIES.index(priority)
    return PRIORITIES[max(0, index - 1)]
