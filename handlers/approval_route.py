"""Who approves a step: configured approvers resolved to people when the step starts.

``"manager"`` is the requester's manager; ``"leads:<dept>"`` that department's leads; anything
else a person id. Nobody approves their own request: the requester in the list is replaced by
their manager, and with no manager (or for ``"manager"`` when the requester has none) by the
service desk's leads, then the admins. A person away (``/request away``) is replaced by their
delegate (followed a few hops)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.context import Ctx
from storage import approvals, people
from storage.models import ApprovalStepRow, Request

HOPS = 3  # a delegate who is away too hands on, this many times at most


@dataclass(frozen=True)
class Handover:
    """An approver away: ``delegate`` decides instead until ``until``."""

    away: str
    delegate: str


def resolve(ctx: Ctx, request: Request, spec: list[str]) -> tuple[list[str], list[Handover]]:
    """The people who approve a step of ``request`` now, and the handovers made on the way."""
    handovers: list[Handover] = []
    out: list[str] = []
    for pid in owners(ctx, request, spec):
        final = delegate_of(ctx, pid, request.requester_id, handovers)
        if final not in out:
            out.append(final)
    return out, handovers


def owners(ctx: Ctx, request: Request, spec: list[str]) -> list[str]:
    """The people a step of ``request`` configured as ``spec`` names, before any handover to
    a delegate (the requester replaced by whoever approves instead)."""
    wanted: list[str] = []
    for approver in spec:
        kind, _, ident = approver.partition(":")
        if approver == "manager":
            wanted.append(_manager(ctx, request.requester_id) or "")
        elif kind == "leads" and ident:
            wanted += list(ctx.desk.catalog.department(ident).leads)
        else:
            wanted.append(approver)
    resolved = [pid if pid and pid != request.requester_id else "" for pid in wanted]
    if "" in resolved:
        resolved = [p for p in resolved if p] + _instead_of(ctx, request)
    return resolved


def on_behalf_of(ctx: Ctx, request: Request, step: ApprovalStepRow, pid: str) -> str | None:
    """Whom ``pid`` decides ``step`` for when they hold it as a delegate (the approver they
    stand in for, preferring one whose delegate they are now); None: in their own right."""
    named = owners(ctx, request, step.spec)
    if pid in named:
        return None
    replaced = [p for p in named if p not in step.approvers]
    for owner in replaced:
        if delegate_of(ctx, owner, request.requester_id, []) == pid:
            return owner
    return replaced[0] if replaced else None


def present(ctx: Ctx, pid: str) -> bool:
    """Whether ``pid`` is still known: in the config, or from a directory (a manager)."""
    if any(p.id == pid for p in ctx.desk.catalog.people):
        return True
    row = people.get(ctx.session, pid)
    return row is not None and row.source != "config"


def _manager(ctx: Ctx, person_id: str) -> str | None:
    row = people.get(ctx.session, person_id)
    return row.manager_id if row and row.manager_id else None


def _instead_of(ctx: Ctx, request: Request) -> list[str]:
    """Who approves in place of the requester: their manager, else the desk's leads (but not
    the requester), else the admins."""
    manager = _manager(ctx, request.requester_id)
    if manager:
        return [manager]
    leads = [p for p in ctx.department(request.department).leads if p != request.requester_id]
    if leads:
        return leads
    return [p for p in ctx.desk.policy.admins if p != request.requester_id]


def delegate_of(ctx: Ctx, person_id: str, requester: str, handovers: list[Handover]) -> str:
    """``person_id``, or whoever decides for them while they are away (never the
    requester)."""
    current = person_id
    for _ in range(HOPS):
        away = approvals.away_of(ctx.session, current, ctx.now)
        if away is None or away.delegate_id in (requester, person_id):
            break
        handovers.append(Handover(current, away.delegate_id))
        current = away.delegate_id
    return current


def may_approve(ctx: Ctx, person_id: str) -> bool:
    """Whether ``person_id`` could be asked to approve anything as the config stands: named
    in a step (or a lead of a desk a step names), a lead of a desk whose service needs
    approval or an admin (both stand in for a requester without a manager), someone's
    manager, or the delegate of someone away."""
    specs = [(dep, cat.approval) for dep in ctx.desk.catalog.departments
             for cat in dep.categories if cat.approval is not None]
    if not specs:
        return False
    if ctx.desk.is_admin(person_id) or approvals.manages_someone(ctx.session, person_id) \
            or approvals.covers_for(ctx.session, person_id, ctx.now):
        return True
    return any(person_id in dep.leads or any(_names(ctx, a, person_id) for step in spec.steps
                                             for a in step.approvers)
               for dep, spec in specs)


def _names(ctx: Ctx, approver: str, person_id: str) -> bool:
    """Whether a step's configured ``approver`` is ``person_id`` or a desk they lead."""
    kind, _, ident = approver.partition(":")
    if kind == "leads" and ident:
        return person_id in ctx.desk.catalog.department(ident).leads
    return approver == person_id

