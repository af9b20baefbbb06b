"""`[calendar]`, a department's own calendar keys and `bot.timezone` → a CalendarSpec: a value
of the wrong type or shape is a problem naming the key, what was found and what to write."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from handlers.sla import CalendarSpec, Interval, parse_hours, parse_workdays

Problem = Callable[[str, str], None]
T = TypeVar("T")

CALENDAR_KEYS = ("country", "workdays", "hours", "closed_dates", "open_dates")
DEFAULT_HOURS = ("09:00-12:00", "13:30-18:00")
MON_FRI = (0, 1, 2, 3, 4)
HOURS_FIX = 'write e.g. ["09:00-12:00", "13:30-18:00"] (a lunch break between the two)'
WORKDAYS_FIX = 'write e.g. ["mon", "tue", "wed", "thu", "fri"] or "mon-fri"'
COUNTRY_FIX = 'use an ISO code such as "CN", or "" for no public holidays'


def shown(value: Any) -> str:
    """``value`` as it reads in TOML (``[900, 1800]``, ``2026-12-31T00:00:00``, ``true``)."""
    if isinstance(value, list):
        return "[" + ", ".join(shown(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {shown(v)}" for k, v in value.items()) + " }"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def parse_timezone(bot: dict[str, Any], problem: Problem) -> str:
    """``bot.timezone``: an IANA name (default Asia/Shanghai); UTC after a problem."""
    value = bot.get("timezone", "Asia/Shanghai")
    if not isinstance(value, str):
        problem("bot.timezone", f"must be text such as \"Asia/Shanghai\", not {shown(value)}")
        return "UTC"
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        problem("bot.timezone", f"unknown time zone {value!r}; use an IANA name such as "
                "\"Asia/Shanghai\"")
        return "UTC"
    return value


def parse_calendar(cal: dict[str, Any], key: str, timezone: str, problem: Problem,
                   base: CalendarSpec | None = None) -> CalendarSpec:
    """The calendar of table ``cal`` at ``key``; a department's (``base``: the company's)
    keeps each key it leaves out, and its own dates win over the company's day by day."""
    hours = _hours(cal, key, problem, base.hours if base else parse_hours(DEFAULT_HOURS))
    workdays = _workdays(cal, key, problem, base.workdays if base else MON_FRI)
    country = _country(cal, key, problem, base.country if base else "CN")
    closed, opened = _own_dates(cal, key, problem)
    if base is not None:
        closed, opened = (base.closed_dates - opened) | closed, (base.open_dates - closed) | opened
    return CalendarSpec(timezone=timezone, workdays=workdays, hours=hours, country=country,
                        closed_dates=closed, open_dates=opened)


def _texts(value: Any) -> bool:
    """A string, or a list of strings (what ``hours`` and ``workdays`` take)."""
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(v, str) for v in value))


def _hours(cal: dict[str, Any], key: str, problem: Problem,
           inherited: tuple[Interval, ...]) -> tuple[Interval, ...]:
    return _texts_key(cal, key, "hours", problem, inherited, parse_hours,
                      'a list of "HH:MM-HH:MM" strings', HOURS_FIX)


def _workdays(cal: dict[str, Any], key: str, problem: Problem,
              inherited: tuple[int, ...]) -> tuple[int, ...]:
    return _texts_key(cal, key, "workdays", problem, inherited, parse_workdays,
                      "a list of weekday names", WORKDAYS_FIX)


def _texts_key(cal: dict[str, Any], key: str, name: str, problem: Problem, inherited: T,
               parse: Callable[[Any], T], expected: str, fix: str) -> T:
    """``cal[name]`` (text or a list of text) read by ``parse``; a value of another type or
    one ``parse`` refuses is a problem saying what to write, and ``inherited`` stands."""
    if name not in cal:
        return inherited
    value = cal[name]
    if not _texts(value):
        problem(f"{key}.{name}", f"must be {expected}, not {shown(value)}; {fix}")
        return inherited
    if isinstance(value, list) and len(value) > 1:  # every bad item said, not the first
        bad = False
        for i, item in enumerate(value):
            try:
                parse([item])
            except ValueError as exc:
                problem(f"{key}.{name}[{i}]", f"{exc}; {fix}")
                bad = True
        if bad:
            return inherited
    try:
        return parse(value)  # the items together (e.g. hours that overlap)
    except ValueError as exc:
        problem(f"{key}.{name}", f"{exc}; {fix}")
        return inherited


def _country(cal: dict[str, Any], key: str, problem: Problem,
             inherited: str | None) -> str | None:
    """An ISO code the holidays package knows, in any case (``"cn"``); None for ``""``."""
    if "country" not in cal:
        return inherited
    value = cal["country"]
    if not isinstance(value, str):
        problem(f"{key}.country", f"must be text, not {shown(value)}; {COUNTRY_FIX}")
        return None
    code = value.strip().upper()
    if code and code not in holidays.list_supported_countries():
        problem(f"{key}.country", f"no holiday calendar for {value!r}; {COUNTRY_FIX}")
        return None
    return code or None


def _own_dates(cal: dict[str, Any], key: str,
               problem: Problem) -> tuple[frozenset[date], frozenset[date]]:
    """The table's own (closed_dates, open_dates); a day in both is a problem."""
    closed = _dates(cal, key, "closed_dates", problem)
    opened = _dates(cal, key, "open_dates", problem)
    both = sorted(closed & opened)
    if both:
        days = ", ".join(d.isoformat() for d in both)
        problem(f"{key}.closed_dates", f"{days} also in {key}.open_dates; a day is either "
                "closed or open: remove it from one of the two lists")
    return closed - opened, opened


def _dates(cal: dict[str, Any], key: str, name: str, problem: Problem) -> frozenset[date]:
    values = cal.get(name, [])
    if not isinstance(values, list):
        problem(f"{key}.{name}", f"must be a list of dates, not {shown(values)}; write e.g. "
                f"[\"2026-12-31\"]")
        return frozenset()
    out: set[date] = set()
    for value in values:
        day = _date(value, name)
        if isinstance(day, date):
            out.add(day)
        else:
            problem(f"{key}.{name}", day)
    return frozenset(out)


def _date(value: Any, name: str) -> date | str:
    """A day (``"2026-12-31"`` or a TOML date), or what is wrong with ``value``: a date and
    time is refused, since these lists close or open whole days."""
    moment = value if isinstance(value, datetime) else None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            moment = _moment(value)
    elif isinstance(value, date) and moment is None:
        return value
    if moment is not None:
        return (f"{shown(value)} is a date and time, but {name} lists whole days; write "
                f"\"{moment.date().isoformat()}\"")
    return f"{shown(value)} is not a date; write \"2026-12-31\""


def _moment(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        return None
