"""What is due for one request at a moment: nudges, breaches, escalations, reminders, thanks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from handlers.desk import Desk
from handlers.messages import dept, person
from handlers.orphans import stand_in
from handlers.policy import NudgePolicy
from handlers.sla import BusinessCalendar
from storage import approvals, people
from storage.models import Request

DESK_NUDGES = ("warn", "breach", "repeat", "escalate", "still_overdue")
DESK_STATES = ("open", "acknowledged", "in_progress")  # states whose clock the desk owns


@dataclass(frozen=True)
class Rule:
    """One thing that becomes due at ``when`` for ``recipient`` about a request."""

    when: datetime
    kind: str  # warn, breach, repeat, escalate, remind_waiting, auto_close, auto_confirm, ...
    target: str  # "first" or "resolution" for desk nudges, "" otherwise
    step: int
    recipient: str  # "person:<id>" or "dept:<key>"
    due: datetime  # the deadline or event the rule hangs on
    cycle: int = 0  # desk nudges: the request's reopen cycle
    department: str = ""  # desk nudges: the desk whose target it is
    urgent: bool = False  # sent at once, even outside the recipient's working hours
    agreed: int = 0  # desk nudges: agreements on the target this cycle (negotiation)

    def key(self, request_id: int) -> str:
        """A unique key: the same rule is claimed once, even by concurrent sweeps. A desk
        nudge is one per desk, reopen cycle, target, level and recipient, whatever moved its
        due time since (a pause, a snooze, a priority change); the other rules hang on the
        moment of their event (the pause, the resolution, the close)."""
        if self.kind in DESK_NUDGES:
            cycle = f"c{self.cycle}" + (f"a{self.agreed}" if self.agreed else "")
            return (f"{request_id}:{cycle}:{self.department}:{self.kind}:{self.target}:"
                    f"{self.step}:{self.recipient}")
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


def covered(session: Session, levels: list[list[str]], now: datetime) -> list[list[str]]:
    """The ladder with each person away at ``now`` (``away … delegate``) replaced by their
    delegate, once per level: escalations, a P1's breach and the leads' daily line reach
    whoever covers for them. The managers above stay those of the people away."""
    delegates = approvals.delegates_at(session, [p for level in levels for p in level], now)
    if not delegates:
        return levels
    return [list(dict.fromkeys(delegates.get(pid, pid) for pid in level)) for level in levels]


def desk_rules(
    desk: Desk, request: Request, target: str, due: datetime, warn_at: datetime,
    levels: list[list[str]], policy: NudgePolicy, calendar: BusinessCalendar,
    now: datetime | None = None,
) -> Iterator[Rule]:
    """Warning, breach, repeats and the escalation ladder for one target, timed in the
    request's clock (``calendar``); once the ladder is used up, a daily line to the leads at
    the desk's opening (up to ``now`` and the next). An after-hours P1's breach reaches the
    leads at once, whatever the hour."""
    assignee = request.assignee_id  # one who left the desk (the config): the desk hears it
    owner = person(assignee) if assignee and desk.is_staff(assignee, request.department) \
        else dept(request.department)
    snooze = request.snoozed_until
    day = calendar.daily_length()

    def later(moment: datetime) -> datetime:
        return max(moment, snooze) if snooze else moment

    def rule(when: datetime, kind: str, step: int, recipient: str,
             urgent: bool = False) -> Rule:
        return Rule(when, kind, target, step, recipient, due, request.cycle,
                    request.department, urgent,
                    request.agreements if target == "resolution" else 0)

    yield rule(later(warn_at), "warn", 0, owner)
    yield rule(later(due), "breach", 0, owner)
    if owner != dept(request.department):
        yield rule(later(due), "breach", 0, dept(request.department))
    leads = levels[0] if levels else []
    if desk.around_the_clock(request):
        for pid in leads:
            yield rule(due, "breach", 0, person(pid), urgent=True)
    last = due
    for k in range(1, policy.repeat_max + 1):
        when = calendar.add_business_time(due, policy.repeat_every.in_days_of(day) * k)
        last = max(last, when)
        yield rule(later(when), "repeat", k, owner)
    steps = [step.in_days_of(day) for step in policy.escalation]
    for level, recipients in enumerate(levels):
        offset = steps[level] if level < len(steps) else steps[-1] * (level - len(steps) + 2)
        when = calendar.add_business_time(due, offset)
        last = max(last, when)
        for pid in recipients:
            yield rule(when, "escalate", level + 1, person(pid))
    if now is not None and leads:
        opens = desk.calendar_for(request.department)  # the desk's day, whatever the clock
        if desk.around_the_clock(request):  # a last step at night is told at the opening
            last = opens.next_opening(last)
        yield from (rule(when, "still_overdue", step, person(pid))
                    for when, step in _daily_after(opens, last, now) for pid in leads)


def _daily_after(calendar: BusinessCalendar, last: datetime, now: datetime
                 ) -> Iterator[tuple[datetime, int]]:
    """The desk's latest day opening after ``last`` up to ``now`` (one line for a day, even
    after a long pause of the sweep), and the next one; with the day's number as step."""
    opening = calendar.day_opening_after(last)
    latest: datetime | None = None
    while opening <= now:
        latest = opening
        opening = calendar.day_opening_after(opening)
    for when in (latest, opening):
        if when is not None:
            yield when, calendar.local_date(when).toordinal()


def rules_for(desk: Desk, request: Request, levels: list[list[str]],
              now: datetime | None = None, prompted: datetime | None = None) -> Iterator[Rule]:
    """Every rule that applies to the request in its current state (with ``now``, the
    after-the-ladder daily lines up to it; ``prompted``: when the rating prompt was sent)."""
    policy = desk.service.nudges_for(request.department)
    calendar = desk.clock_for(request)  # round the clock for an after-hours P1
    company = desk.calendar
    dep = desk.catalog.department(request.department)
    # a removed service keeps the targets the request has; a removed desk has no one to nudge
    category = dep.category(request.category) or stand_in(request, calendar)
    state = request.state if not dep.gone or request.state not in DESK_STATES else ""
    factors = desk.policy.priority_factors
    scale = factors.get(request.priority, 1.0) / (factors.get(category.priority, 1.0) or 1.0)
    ahead = 1 - policy.warn_at  # the warning comes this share of the target before its due
    if state == "open" and request.first_response_at is None and request.first_response_due:
        warn = calendar.subtract_business_time(request.first_response_due,
                                               category.first_response * scale * ahead)
        yield from desk_rules(desk, request, "first", request.first_response_due, warn, levels,
                              policy, calendar, now)
    if state in ("open", "acknowledged", "in_progress") and request.resolution_due \
            and request.paused_at is None:  # paused: a proposal waits for the requester
        # from the due time back: right after pauses, priority changes and reopens alike
        warn = calendar.subtract_business_time(request.resolution_due,
                                               category.resolution * scale * ahead)
        yield from desk_rules(desk, request, "resolution", request.resolution_due, warn, levels,
                              policy, calendar, now)
    requester = person(request.requester_id)
    if state in DESK_STATES and request.proposed_at:  # negotiation: remind, then lapse
        when = company.add_business_time(request.proposed_at,
                                         policy.proposal_reminder.on(company))
        yield Rule(when, "proposal_remind", "", 1, requester, request.proposed_at)
        when = company.add_business_time(request.proposed_at, policy.proposal_lapse.on(company))
        yield Rule(when, "proposal_lapse", "", 0, requester, request.proposed_at)
    if state == "waiting" and request.paused_at:
        for i, after in enumerate(policy.remind_waiting):
            when = company.add_business_time(request.paused_at, after.on(company))
            yield Rule(when, "remind_waiting", "", i + 1, requester, request.paused_at)
        when = company.add_business_time(request.paused_at,
                                         policy.auto_close_waiting.on(company))
        yield Rule(when, "auto_close", "", 0, requester, request.paused_at)
    if state == "resolved" and request.resolved_at:
        when = company.add_business_time(request.resolved_at, policy.auto_confirm.on(company))
        yield Rule(when, "auto_confirm", "", 0, requester, request.resolved_at)
    if state == "closed" and request.resolved_at and request.closed_at:
        feedback = desk.service.feedback
        thanks = company.add_business_time(request.closed_at, feedback.thanks_delay.on(company))
        yield Rule(thanks, "thanks", "", 0, requester, request.closed_at)
        helper = request.resolver_id or request.assignee_id
        if helper and helper != request.requester_id:
            yield Rule(thanks, "thanks_helper", "", 0, person(helper), request.closed_at)
            sent = prompt_sent(request, thanks, now, prompted)
            reminder = company.add_business_time(sent, feedback.rating_reminder.on(company))
            yield Rule(reminder, "rate_reminder", "", 0, requester, request.closed_at)


def prompt_key(request: Request, closed: datetime) -> str:
    """The claim key of the rating prompt (``thanks``) after the request's close at ``closed``."""
    return Rule(closed, "thanks", "", 0, person(request.requester_id), closed).key(
        request.id or 0)


def prompt_sent(request: Request, thanks: datetime, now: datetime | None,
                prompted: datetime | None) -> datetime:
    """When the rating prompt went out (``prompted``: its claim), or the earliest it can: not
    before ``now``, so a sweep that catches up after downtime sends the prompt alone and its
    reminder comes the configured time after. A prompt an earlier sweep dealt with whose
    claim is gone counts from its due time (``thanks``)."""
    if prompted is not None:
        return prompted
    if now is None or (request.swept_until is not None and thanks <= request.swept_until):
        return thanks
    return max(thanks, now)


def recipient_calendar(desk: Desk, request: Request, recipient: str) -> BusinessCalendar:
    """The hours a recipient can be told in: the desk's own for its staff and channel."""
    kind, _, ident = recipient.partition(":")
    if kind == "dept":
        return desk.calendar_for(ident)
    if ident in desk.catalog.department(request.department).staff():
        return desk.calendar_for(request.department)
    return desk.calendar


def overdue(desk: Desk, request: Request, due: datetime, now: datetime) -> timedelta:
    """Time past ``due`` in the request's clock (negative: time left)."""
    return desk.clock_for(request).business_time_between(due, now)

