"""The requests a desk had open and past a target at a moment (a finished week's end), as
they stood then: their desk, deadlines and owner then, whatever moved them since."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from handlers import digest_clock
from handlers import lifecycle as lc
from handlers.desk import Desk
from handlers.sla import BusinessCalendar
from storage import digest_targets
from storage.digest_history import OPEN_ENDS, HistoryStep, history, open_then
from storage.models import Request

TAKES = ("acknowledged", "waiting", "resolved", "proposed")  # an unassigned one is taken
OWNER_KINDS = ("assigned", "transferred", *TAKES, *OPEN_ENDS)


@dataclass(frozen=True)
class Overdue:
    """A request overdue at a moment: the deadline it was furthest past then, the clock its
    targets ran in, and who had it then (None: nobody)."""

    request: Request
    worst: datetime
    clock: BusinessCalendar
    assignee_id: str | None

    def late(self, at: datetime) -> timedelta:
        """How far past its deadline it was at ``at``, in its clock."""
        return self.clock.business_time_between(self.worst, at)


def overdue_at(session: Session, desk: Desk, department: str, at: datetime,
               limit: int) -> list[Overdue]:
    """The department's requests open and past a target at moment ``at``, the furthest
    past first: judged by their times now while still at the desk, by the targets the desk
    kept when one moved on since; each with its owner then, from its history."""
    found: list[tuple[Request, datetime, BusinessCalendar]] = []
    for request in digest_targets.overdue_at(session, department, at, limit):
        worst = digest_targets.due_passed_at(request, at)
        if worst is not None:
            found.append((request, worst, desk.clock_for(request)))
    moved = digest_targets.moved_since(session, department, at)
    steps_of = history(session, [m.request.id or 0 for m in moved] + [
        r.id or 0 for r, _, _ in found], OWNER_KINDS)
    for m in moved:
        clock = digest_clock.clock(desk, department, m.request.priority)
        dues = [due for due, late in m.kept if late is None or clock.add_business_time(
            due, timedelta(seconds=late)) >= at]  # met late, but after the moment
        if dues and open_then(steps_of.get(m.request.id or 0, []), at):
            found.append((m.request, min(dues), clock))
    found.sort(key=lambda row: (row[1], row[0].id or 0))
    return [Overdue(r, worst, clock, _owner(desk, r, steps_of.get(r.id or 0, []), at))
            for r, worst, clock in found[:limit]]


def _owner(desk: Desk, request: Request, steps: list[HistoryStep], at: datetime) -> str | None:
    """Who had the request at moment ``at``: the last one assigned before it since it came to
    its desk then, or the first of that desk's staff to answer it unassigned (as
    ``take_if_unassigned`` does); its assignee now when nothing changed it since."""
    if not any(step.at >= at and step.kind in ("assigned", "transferred", *TAKES)
               for step in steps):
        return request.assignee_id
    owner, department = None, request.origin_department
    for step in steps:
        if step.at >= at:
            break
        if step.kind == "assigned":
            owner = step.note
        elif step.kind == "transferred":
            route = lc.transfer_route(step.note)
            owner, department = None, route[1] if route and route[1] else department
        elif step.kind in TAKES and owner is None and \
                step.actor in desk.catalog.department(department).staff():
            owner = step.actor
    return owner
