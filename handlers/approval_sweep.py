"""Approvers are nudged like a desk, in their working hours (the company calendar): a
reminder ``[nudges] approval_remind`` (4 working hours) after their step started, then their
manager after ``approval_escalate`` (one working day of the company calendar), that manager's
manager after another, up to ``escalation_depth`` levels; the service
desk's own [nudges] table may override both. The sweep visits a request
awaiting approval by its ``next_sweep_at`` and claims each rule once (``Rule.key``: the
step's start, its position and the recipient), so a repeated sweep never sends twice."""

from __future__ import annotations

from collections.abc import Iterator

from handlers import approval_route as route
from handlers.approval_notices import decision_buttons
from handlers.context import Ctx, names_list
from handlers.i18n import t
from handlers.messages import Message, person
from handlers.sla import format_business_duration
from handlers.sweep_rules import Rule
from storage import approvals, people, request_store
from storage.models import Request

KINDS = ("approval_remind", "approval_escalate", "approval_admin")


def rules(ctx: Ctx, request: Request) -> Iterator[Rule]:
    """The reminder of each approver who has not decided, and the escalation to their
    manager, for the step waiting now. Approvers no longer in the config are not reminded;
    when none of them is, the admins (who decide such a step) are told once."""
    step = approvals.current(ctx.session, request.id or 0)
    if step is None or step.started_at is None:
        return
    company = ctx.desk.calendar
    policy = ctx.desk.service.nudges_for(request.department)
    remind = company.add_business_time(step.started_at, policy.approval_remind.on(company))
    every = policy.approval_escalate.on(company)
    waiting = approvals.current_approvers(ctx.session, request.id or 0)
    here = [pid for pid in waiting if route.present(ctx, pid)]
    if waiting and not here:
        for admin in ctx.desk.policy.admins:
            yield Rule(step.started_at, "approval_admin", "", step.position, person(admin),
                       step.started_at)
    for pid in here:
        yield Rule(remind, "approval_remind", pid, step.position, person(pid), step.started_at)
        for level, manager in enumerate(_managers(ctx, pid, policy.escalation_depth), 1):
            if manager == request.requester_id:
                break
            yield Rule(company.add_business_time(step.started_at, every * level),
                       "approval_escalate", pid, step.position, person(manager),
                       step.started_at)


def _managers(ctx: Ctx, pid: str, depth: int) -> list[str]:
    """The approver's manager, theirs, … (``depth`` at most, no one twice)."""
    chain: list[str] = []
    current: str | None = pid
    while len(chain) < depth:
        row = people.get(ctx.session, current) if current else None
        current = row.manager_id if row else None
        if not current or current == pid or current in chain:
            break
        chain.append(current)
    return chain


def act(ctx: Ctx, request: Request, rule: Rule) -> None:
    """Send one reminder or escalation, and record it in the history."""
    if rule.kind == "approval_admin":
        _to_admin(ctx, request, rule)
        return
    step = approvals.current(ctx.session, request.id or 0)
    if step is None or step.position != rule.step or rule.target not in step.approvers:
        return  # decided or handed over since
    total = len(approvals.steps_of(ctx.session, request.id or 0, step.round))
    company = ctx.desk.calendar
    waited = company.business_time_between(rule.due, ctx.now)
    approver = rule.target
    recipient = rule.recipient.partition(":")[2]
    key = "approval.remind" if rule.kind == "approval_remind" else "approval.escalate"

    def render(locale: str) -> Message:
        text = t(locale, key, ref=request.ref, title=request.title,
                 requester=ctx.name(request.requester_id), approver=ctx.name(approver),
                 step=rule.step + 1, total=total,
                 waited=format_business_duration(waited, locale, company.daily_length()))
        buttons = decision_buttons(request.ref, locale) if recipient == approver else ()
        return Message(text=text, locale=locale, buttons=buttons, kind="approval_nudge")

    ctx.notify_person(recipient, render, request)
    step.nudges += 1
    ctx.session.add(step)
    kind = "approval_reminded" if rule.kind == "approval_remind" else "approval_escalated"
    request_store.add_event(ctx.session, request, ctx.actor.id, ctx.now, kind,
                            note=f"{ctx.name(approver)} → {ctx.name(recipient)}"
                            if recipient != approver else ctx.name(approver))


def _to_admin(ctx: Ctx, request: Request, rule: Rule) -> None:
    """Tell an admin that the step waits for approvers no longer in the config, so they
    decide it (with Approve / Reject), and record it in the history."""
    step = approvals.current(ctx.session, request.id or 0)
    waiting = approvals.current_approvers(ctx.session, request.id or 0)
    if step is None or step.position != rule.step or any(route.present(ctx, p)
                                                         for p in waiting):
        return  # decided, or someone in the config may decide it now
    total = len(approvals.steps_of(ctx.session, request.id or 0, step.round))
    admin = rule.recipient.partition(":")[2]

    def render(locale: str) -> Message:
        text = t(locale, "approval.admin", ref=request.ref, title=request.title,
                 requester=ctx.name(request.requester_id),
                 approvers=names_list(ctx, waiting, locale), step=rule.step + 1, total=total)
        return Message(text=text, locale=locale, buttons=decision_buttons(request.ref, locale),
                       kind="approval_nudge")

    ctx.notify_person(admin, render, request)
    request_store.add_event(ctx.session, request, ctx.actor.id, ctx.now, "approval_to_admin",
                            note=ctx.name(admin))
