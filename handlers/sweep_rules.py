"""What is due for one request at a moment: nudges, breaches, escalations, reminders, thanks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from handlers.desk import Desk
from handlers.messages import dept, person
from handlers.policy import NudgePolicy
from handlers.sla import BusinessCalendar
from storage import people
from storage.models import Request

DESK_NUDGES = ("warn", "breach", "repeat", "escalate")


@dataclass(frozen=True)
class Rule:
    """One thing that becomes due at ``when`` for ``recipient`` about a request."""

    when: datetime
    kind: str  # warn, breach, repeat, escalate, remind_waiting, auto_close, auto_confirm, ...
    target: str  # "first" or "resolution" for desk nudges, "" otherwise
    step: int
    recipient: str  # "person:<id>" or "dept:<key>"
    due: datetime  # the deadline or event the rule hangs on (part of its identity)

    def key(self, request_id: int) -> str:
        """A unique key: the same rule is claimed once, even by concurrent sweeps."""
        stamp = int(self.due.timestamp())
        return f"{request_id}:{self.kind}:{self.target}:{stamp}:{self.step}:{self.recipient}"


def ladder(session: Session, desk: Desk, department: str, depth: int) -> list[list[str]]:
    """Escalation levels: the department's leads, then their managers, and so on upward."""
    levels: list[list[str]] = []
    current = list(desk.catalog.department(department).leads)
    seen = set(current)
    while current and len(levels) < depth:
        levels.append(current)
        managers: list[str] = []
        for pid in current:
            row = people.get(session, pid)
            manager = row.manager_id if row else None
            if manager and manager not in seen:
                seen.add(manager)
                managers.append(manager)
        current = managers
    return levels


def desk_rules(
    desk: Desk, request: Request, target: str, due: datetime, warn_at: datetime,
    levels: list[list[str]], policy: NudgePolicy, calendar: BusinessCalendar,
) -> Iterator[Rule]:
    """Warning, breach, repeats and the escalation ladder for one target."""
    owner = person(request.assignee_id) if request.assignee_id else dept(request.department)
    snooze = request.snoozed_until

    def later(moment: datetime) -> datetime:
        return max(moment, snooze) if snooze else moment

    yield Rule(later(warn_at), "warn", target, 0, owner, due)
    yield Rule(later(due), "breach", target, 0, owner, due)
    if request.assignee_id:
        yield Rule(later(due), "breach", target, 0, dept(request.department), due)
    for k in range(1, policy.repeat_max + 1):
        when = calendar.add_business_time(due, policy.repeat_every * k)
        yield Rule(later(when), "repeat", target, k, owner, due)
    steps = policy.escalation
    for level, recipients in enumerate(levels):
        offset = steps[level] if level < len(steps) else steps[-1] * (level - len(steps) + 2)
        when = calendar.add_business_time(due, offset)
        for pid in recipients:
            yield Rule(when, "escalate", target, level + 1, person(pid), due)


def rules_for(desk: Desk, request: Request, levels: list[list[str]]) -> Iterator[Rule]:
    """Every rule that applies to the request in its current state."""
    policy = desk.service.nudges_for(request.department)
    calendar = desk.calendar_for(request.department)
    company = desk.calendar
    start = request.clock_started_at or request.created_at
    dep = desk.catalog.department(request.department)
    category = dep.category(request.category)
    state = request.state
    if category is None:
        return
    factors = desk.policy.priority_factors
    scale = factors.get(request.priority, 1.0) / (factors.get(category.priority, 1.0) or 1.0)
    if state == "open" and request.first_response_at is None and request.first_response_due:
        warn = calendar.add_business_time(start, category.first_response * scale * policy.warn_at)
        yield from desk_rules(desk, request, "first", request.first_response_due, warn, levels,
                              policy, calendar)
    if state in ("open", "acknowledged", "in_progress") and request.resolution_due:
        paused = timedelta(seconds=request.paused_seconds)
        warn = calendar.add_business_time(
            start, category.resolution * scale * policy.warn_at + paused)
        yield from desk_rules(desk, request, "resolution", request.resolution_due, warn, levels,
                              policy, calendar)
    requester = person(request.requester_id)
    if state == "waiting" and request.paused_at:
        for i, after in enumerate(policy.remind_waiting):
            when = company.add_business_time(request.paused_at, after)
            yield Rule(when, "remind_waiting", "", i + 1, requester, request.paused_at)
        when = company.add_business_time(request.paused_at, policy.auto_close_waiting)
        yield Rule(when, "auto_close", "", 0, requester, request.paused_at)
    if state == "resolved" and request.resolved_at:
        when = company.add_business_time(request.resolved_at, policy.auto_confirm)
        yield Rule(when, "auto_confirm", "", 0, requester, request.resolved_at)
    if state == "closed" and request.resolved_at and request.closed_at:
        feedback = desk.service.feedback
        thanks = company.add_business_time(request.closed_at, feedback.thanks_delay)
        yield Rule(thanks, "thanks", "", 0, requester, request.closed_at)
        helper = request.resolver_id or request.assignee_id
        if helper and helper != request.requester_id:
            yield Rule(thanks, "thanks_helper", "", 0, person(helper), request.closed_at)
            reminder = company.add_business_time(thanks, feedback.rating_reminder)
            yield Rule(reminder, "rate_reminder", "", 0, requester, request.closed_at)


def recipient_calendar(desk: Desk, request: Request, recipient: str) -> BusinessCalendar:
    """The hours a recipient can be told in: the desk's own for its staff and channel."""
    kind, _, ident = recipient.partition(":")
    if kind == "dept":
        return desk.calendar_for(ident)
    if ident in desk.catalog.department(request.department).staff():
        return desk.calendar_for(request.department)
    return desk.calendar


def overdue(desk: Desk, request: Request, due: datetime, now: datetime) -> timedelta:
    """Business time past ``due`` (negative: time left)."""
    return desk.calendar_for(request.department).business_time_between(due, now)

