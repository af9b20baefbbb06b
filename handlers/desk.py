"""The Desk: everything a handler needs besides the command — catalog, policy, database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from handlers.catalog import Catalog, Department
from handlers.examples import Examples
from handlers.i18n import LOCALES, normalize_locale
from handlers.policy import FilePolicy, ServicePolicy
from handlers.sla import BusinessCalendar, CalendarSpec, parse_hours, parse_workdays
from storage.models import Request

Clock = Callable[[], datetime]
ROUND_THE_CLOCK_HOURS = parse_hours(["00:00-24:00"])  # as a 24×7 desk's config says it
ALL_WEEK = parse_workdays(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])


@dataclass(frozen=True)
class Policy:
    """Company-wide rules from config."""

    timezone: str = "Asia/Shanghai"
    locale: str = "zh-CN"
    admins: tuple[str, ...] = ()
    priority_factors: dict[str, float] = field(
        default_factory=lambda: {"P1": 0.25, "P2": 0.5, "P3": 1.0, "P4": 2.0}
    )
    page_size: int = 20
    admin_channel: str | None = None

    @property
    def tz(self) -> ZoneInfo:
        """The company's time zone."""
        return ZoneInfo(self.timezone)

    def today(self, now: datetime) -> date:
        """The date ``now`` falls on in the company's time zone."""
        return now.astimezone(self.tz).date()


@dataclass
class Desk:
    """The wiring handlers work with; built once by bot.app."""

    catalog: Catalog
    engine: Engine
    policy: Policy
    calendar: BusinessCalendar
    department_calendars: dict[str, BusinessCalendar] = field(default_factory=dict)
    service: ServicePolicy = field(default_factory=ServicePolicy)
    files: FilePolicy = field(default_factory=FilePolicy)
    _round_the_clock: dict[str, BusinessCalendar] = field(default_factory=dict, init=False,
                                                          repr=False, compare=False)
    _staff_locales: dict[str, tuple[str, ...]] = field(default_factory=dict, init=False,
                                                       repr=False, compare=False)

    @cached_property
    def examples(self) -> Examples:
        """The examples hints give, from this desk's catalog (worked out once)."""
        return Examples(self.catalog)

    def calendar_for(self, department: str) -> BusinessCalendar:
        """The department's own calendar (24×7 desks) or the company's."""
        return self.department_calendars.get(department, self.calendar)

    def clock_for(self, request: Request) -> BusinessCalendar:
        """The calendar a request's targets count in: round the clock (24×7, holidays too)
        for a P1 at a desk with ``after_hours_p1``, else its desk's calendar."""
        calendar = self.calendar_for(request.department)
        if not self.around_the_clock(request):
            return calendar
        zone = calendar.spec.timezone
        if zone not in self._round_the_clock:
            self._round_the_clock[zone] = BusinessCalendar(CalendarSpec(
                timezone=zone, workdays=ALL_WEEK, hours=ROUND_THE_CLOCK_HOURS, country=None))
        return self._round_the_clock[zone]

    def around_the_clock(self, request: Request) -> bool:
        """Whether the request's clock runs round the clock: a P1 at a desk that works its
        P1s after hours (``after_hours_p1``)."""
        return request.priority == "P1" and \
            self.catalog.department(request.department).after_hours_p1

    def is_admin(self, person_id: str) -> bool:
        """Admins may do anything."""
        return person_id in self.policy.admins

    def is_staff(self, person_id: str, department: str) -> bool:
        """Members and leads of ``department`` (and admins) serve its requests."""
        if self.is_admin(person_id):
            return True
        return person_id in self.catalog.department(department).staff()

    def channel_locale(self, department: Department) -> str:
        """The language a department's channel is written in."""
        return normalize_locale(department.locale, self.policy.locale)

    def other_staff_locales(self, department: Department) -> tuple[str, ...]:
        """The languages a department's staff read besides its channel's (as the config says:
        staff are configured people), worked out once per department."""
        found = self._staff_locales.get(department.key)
        if found is None:
            channel = self.channel_locale(department)
            read = {normalize_locale(spec.locale if spec else None, self.policy.locale)
                    for spec in map(self.catalog.person_spec, department.staff())}
            found = self._staff_locales[department.key] = tuple(
                locale for locale in LOCALES if locale in read and locale != channel)
        return found
