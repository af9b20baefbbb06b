"""Approval time, measured apart from the desk's targets: the median per service (business
time of the company calendar, from the first step starting to the last approval), in the
desk's weekly digest and on the scorecard. The desk's own clock starts at the last approval,
so none of it counts against the desk."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import datetime, timedelta

from sqlmodel import Session

from handlers.desk import Desk
from handlers.i18n import join, t
from handlers.sla import format_business_duration
from storage import approvals

Medians = dict[str, dict[str, timedelta]]  # department → service → median


def figures(session: Session, desk: Desk, start: datetime, end: datetime) -> Medians:
    """The median approval time per department and service, for approvals completed in
    [start, end)."""
    times: dict[tuple[str, str], list[timedelta]] = defaultdict(list)
    for department, service, began, ended in approvals.approval_spans(session, start, end):
        times[(department, service)].append(desk.calendar.business_time_between(began, ended))
    out: Medians = {}
    for (department, service), spans in times.items():  # the usual median: even, the mean
        out.setdefault(department, {})[service] = timedelta(
            seconds=statistics.median(span.total_seconds() for span in spans))
    return out


def _items(desk: Desk, department: str, medians: dict[str, timedelta], locale: str,
           with_desk: bool = False) -> list[str]:
    dep = desk.catalog.department(department)
    day = desk.calendar.daily_length()
    out = []
    for key, median in sorted(medians.items()):
        service = dep.category(key)
        name = service.label(locale) if service else key
        if with_desk:
            name = f"{dep.label(locale)} · {name}"
        out.append(f"{name} {format_business_duration(median, locale, day)}")
    return out


def digest_lines(desk: Desk, department: str, medians: dict[str, timedelta],
                 locale: str) -> list[str]:
    """The desk's digest line (none when nothing was approved this week)."""
    if not medians:
        return []
    return [t(locale, "digest.approval_median",
              items=join(locale, _items(desk, department, medians, locale)))]


def scorecard_lines(desk: Desk, medians: Medians, locale: str) -> list[str]:
    """The scorecard's line: every desk's services with approvals this week."""
    items = [item for dep in desk.catalog.departments
             for item in _items(desk, dep.key, medians.get(dep.key, {}), locale, True)]
    return [t(locale, "digest.approval_median", items=join(locale, items))] if items else []
