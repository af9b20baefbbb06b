"""A week's top services: the requests a desk received in the week, each counted under the
desk and service it had at the week's end, whatever transfer or change of service came
later."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from handlers import lifecycle as lc
from handlers.desk import Desk
from storage.digest_flow import Opened
from storage.digest_history import HistoryStep, all_rows, chunks, history
from storage.models import Event

CHANGES = ("transferred", "service_changed")  # what moves a request's desk or service


def changed_since(session: Session, ids: set[int], at: datetime) -> set[int]:
    """Those of ``ids`` transferred or given another service at or after moment ``at``."""
    e = Event
    out: set[int] = set()
    for part in chunks(ids):
        stmt = select(col(e.request_id)).where(col(e.request_id).in_(part),
                                               col(e.kind).in_(CHANGES), col(e.at) >= at)
        out.update(rid for (rid,) in all_rows(session, stmt.distinct()))
    return out


def service_at(desk: Desk, steps: list[HistoryStep], department: str, category: str,
               at: datetime) -> tuple[str, str]:
    """(desk, service) a request had at moment ``at``: its own now, taken back through the
    transfers and changes of service since. A transfer recorded before transfers named the
    services leaves today's service, when that desk has one of that key (else none: '')."""
    for step in reversed(steps):
        if step.at < at:
            break
        if step.kind == "transferred":
            route = lc.transfer_route(step.note)
            if route is None:
                continue
            department = route[0]
            services = lc.transfer_services(step.note)
            if services is not None:
                category = services[0]
            elif desk.catalog.department(department).category(category) is None:
                category = ""
        else:
            old, sep, _new = (step.note or "").partition(" → ")
            if sep:
                category = old
    return department, category


def top_services(session: Session, desk: Desk, received: list[Opened], end: datetime
                 ) -> dict[str, Counter[str]]:
    """Per desk that received requests in the period (``received``: those opened then, and
    those transferred to a desk then, as ``digest_flow`` read them), and for the company
    ('*': those opened), the count of each ``desk:service`` they had at ``end``; a request
    that had left the desk by then counts for none of its services."""
    later = changed_since(session, {row.request_id for row in received}, end)
    steps_of = history(session, later, CHANGES)
    out: dict[str, Counter[str]] = {}
    for row in received:
        now, category = row.now
        department, service = service_at(desk, steps_of.get(row.request_id, []), now,
                                         category, end)
        if department != row.department or not service:
            continue
        opened = row.moved_from is None
        for key in (row.department, "*") if opened else (row.department,):
            out.setdefault(key, Counter())[f"{department}:{service}"] += 1
    return out
