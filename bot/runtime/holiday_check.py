"""Holiday data running out: a year the desk counts in (this one, and next year from October)
has public holidays in the `holidays` package but no make-up workdays, in a country that moves
workdays onto weekends (China publishes them late in the year before)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import holidays

from bot.runtime.config import Settings
from handlers.sla import CalendarSpec

# From this day on, next year is checked too: the State Council's notice comes out in
# October to December, and before it nothing can be done about next year.
NEXT_YEAR_FROM = (10, 1)
# A country moves workdays if the package knows make-up workdays in one of these years before.
LOOK_BACK = 10


@dataclass(frozen=True)
class HolidayGap:
    """A calendar whose country moves workdays onto weekends, with none known for ``year``."""

    key: str  # the config key of the calendar: "calendar" or "departments[i]"
    country: str
    year: int

    def __str__(self) -> str:
        y, what = self.year, "make-up workdays" + (" (调休)" if self.country == "CN" else "")
        return (f"{self.key}.country: the holidays package has {self.country}'s public holidays "
                f"for {y} but no {what} yet, so due times in {y} are guessed from weekends "
                f"and public holidays alone; from the official notice for {y}, list its "
                f"make-up workdays in [calendar] open_dates and its extra days off in "
                f"closed_dates, e.g. open_dates = [\"{y}-02-20\"] (any {y} day in open_dates "
                f"ends this warning), or upgrade holidays once a release has them")

    def short(self) -> str:
        """E.g. ``CN 2027`` (for /healthz)."""
        return f"{self.country} {self.year}"


@lru_cache(maxsize=256)
def _known(country: str, year: int) -> tuple[int, int]:
    """(public holidays, make-up workdays) the package knows for ``year``."""
    found = holidays.country_holidays(country, years=year)
    extra = getattr(found, "weekend_workdays", ())
    return (sum(1 for d in found if d.year == year), sum(1 for d in extra if d.year == year))


def _missing(country: str, year: int) -> bool:
    """The package has ``country``'s holidays for ``year`` but none of its make-up workdays,
    though it knows some in a recent year before."""
    try:
        holidays_, workdays = _known(country, year)
        moves = any(_known(country, y)[1] for y in range(year - 1, year - 1 - LOOK_BACK, -1))
    except NotImplementedError:
        return False
    return bool(holidays_) and not workdays and moves


def years_checked(today: date) -> tuple[int, ...]:
    """This year, and next year from ``NEXT_YEAR_FROM`` on."""
    if (today.month, today.day) >= NEXT_YEAR_FROM:
        return (today.year, today.year + 1)
    return (today.year,)


def _calendars(settings: Settings) -> Iterator[tuple[str, CalendarSpec]]:
    """(config key, calendar): the company's first, then each department's own."""
    yield "calendar", settings.calendar_spec
    index = {d.key: i for i, d in enumerate(settings.catalog.departments)}
    for k, spec in settings.department_specs.items():
        yield f"departments[{index.get(k, k)}]", spec


def holiday_gaps(settings: Settings, today: date) -> list[HolidayGap]:
    """Each (country, year) checked whose make-up workdays are missing, once, at the first
    calendar lacking them; a year is supplied by a day of it in the calendar's
    ``open_dates`` (or, for a department of the company's country, in the company's)."""
    company = settings.calendar_spec
    gaps: list[HolidayGap] = []
    for key, spec in _calendars(settings):
        listed = {d.year for d in spec.open_dates}
        if spec.country == company.country:
            listed |= {d.year for d in company.open_dates}
        for year in years_checked(today):
            reported = any((g.country, g.year) == (spec.country, year) for g in gaps)
            if spec.country and year not in listed and not reported \
                    and _missing(spec.country, year):
                gaps.append(HolidayGap(key, spec.country, year))
    return gaps
