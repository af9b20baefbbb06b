"""The clock a digest times a request in: the one its targets ran in at its desk then."""

from __future__ import annotations

from typing import Any

from handlers.desk import Desk
from handlers.sla import BusinessCalendar
from storage.models import Request


def clock(desk: Desk, department: str, priority: str) -> BusinessCalendar:
    """The clock of a request of ``department`` at ``priority``, as its targets ran: round
    the clock for a P1 at an ``after_hours_p1`` desk, else the desk's calendar."""
    if priority != "P1":  # only a P1 may run round the clock (Desk.clock_for)
        return desk.calendar_for(department)
    said: dict[str, Any] = {"department": department, "priority": priority}
    return desk.clock_for(Request(**said))  # a stand-in, never stored: its desk and priority


def round_the_clock(desk: Desk, department: str, priority: str) -> bool:
    """Whether such a request is timed in wall time rather than its desk's business time."""
    return clock(desk, department, priority) is not desk.calendar_for(department)
