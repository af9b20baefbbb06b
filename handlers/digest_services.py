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
from storage.digest_history import HistoryStep, all_rows, chunks, history
from storage.models import Event, Request

CHANGES = ("transferred", "service_changed")  # what moves a request's desk or service


def received(session: Session, start: datetime, end: datetime
             ) -> list[tuple[int, str, str, str, bool]]:
    """(request id, desk that received it, its desk now, its service now, whether opened)
    of each request opened in [start, end) (received by the desk it was opened at) or
    transferred from one desk to another then (received by the desk it went to)."""
    r, e = Request, Event
    opened = select(col(r.id), col(r.origin_department), col(r.department),
                    col(r.category)).where(col(r.created_at) >= start, col(r.created_at) < end)
    out = [(rid, origin, now, category, True)
           for rid, origin, now, category in all_rows(session, opened)]
    moved = (select(col(e.request_id), col(e.note), col(r.department), col(r.category))
             .join(r, col(r.id) == col(e.request_id))
             .where(col(e.kind) == "transferred", col(e.at) >= start, col(e.at) < end))
    for rid, note, now, category in all_rows(session, moved):
        route = lc.transfer_route(note)
        if route and route[0] != route[1]:  # another service of its desk: no desk received it
            out.append((rid, route[1], now, category, False))
    return out


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


def top_services(session: Session, desk: Desk, start: datetime, end: datetime
                 ) -> dict[str, Counter[str]]:
    """Per desk that received requests in [start, end), and for the company ('*': those
    opened then), the count of each ``desk:service`` they had at ``end``; a request that
    had left the desk by then counts for none of its services."""
    rows = received(session, start, end)
    later = changed_since(session, {rid for rid, *_ in rows}, end)
    steps_of = history(session, later, CHANGES)
    out: dict[str, Counter[str]] = {}
    for rid, receiver, now, category, opened in rows:
        department, service = service_at(desk, steps_of.get(rid, []), now, category, end)
        if department != receiver or not service:
            continue
        for key in (receiver, "*") if opened else (receiver,):
            out.setdefault(key, Counter())[f"{department}:{service}"] += 1
    return out
