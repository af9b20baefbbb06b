"""Requests whose desk or service left the config: still checked, shown to admins, movable."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from handlers import due_times
from handlers.catalog import DEFAULT_TARGETS, Catalog, Category
from handlers.context import Ctx, Refusal
from handlers.sla import BusinessCalendar, parse_duration
from storage.models import Request
from storage.request_store import OPEN_STATES


def is_orphaned(catalog: Catalog, request: Request) -> bool:
    """True when the request's department or service is no longer configured."""
    dep = catalog.department(request.department)
    return dep.gone or dep.category(request.category) is None


def stand_in(request: Request, calendar: BusinessCalendar) -> Category:
    """A service for a request whose own was removed: its targets are the ones the request
    already has (business time in ``calendar`` from the clock's start at its desk to the
    first response's due time, and from its cycle's start to the resolution's, less what the
    cycle waited), else, as while it waited for approval, those of a service that names
    none."""
    day = calendar.daily_length()
    first = (calendar.business_time_between(request.clock_started_at or request.created_at,
                                            request.first_response_due)
             if request.first_response_due
             else parse_duration(DEFAULT_TARGETS["first_response"], day))
    due = request.original_resolution_due if request.agreed_at else request.resolution_due
    resolution = (calendar.business_time_between(due_times.cycle_start(request), due)
                  - due_times.cycle_paused(request, calendar)
                  if due else parse_duration(DEFAULT_TARGETS["resolution"], day))
    return Category(key=request.category, name=request.category, name_zh="", aliases=(),
                    priority=request.priority, first_response=max(first, timedelta(0)),
                    resolution=max(resolution, timedelta(0)))


def open_orphans(session: Session, catalog: Catalog, limit: int = 200) -> list[Request]:
    """Open requests whose desk or service is gone, oldest first (for the admins' queue)."""
    keys = [d.key for d in catalog.departments]
    gone = or_(col(Request.department).not_in(keys), *(
        and_(col(Request.department) == d.key,
             col(Request.category).not_in([c.key for c in d.categories]))
        for d in catalog.departments))
    stmt = (select(Request).where(col(Request.state).in_(OPEN_STATES), gone)
            .order_by(col(Request.created_at), col(Request.id)).limit(limit))
    return list(session.exec(stmt))


def require_configured(ctx: Ctx, request: Request) -> None:
    """Refuse a change that needs the request's service targets when its desk or service is
    gone, saying how to move it to one that exists."""
    dep = ctx.department(request.department)
    if dep.gone:
        raise Refusal("err.desk_gone", ref=request.ref, department=request.department)
    if dep.category(request.category) is None:
        raise Refusal("err.service_gone", ref=request.ref, service=request.category,
                      department=dep.key, example=dep.categories[0].key if dep.categories
                      else "SERVICE")
