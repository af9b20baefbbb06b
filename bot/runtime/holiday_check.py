"""Holiday data running out: next year has public holidays but the package has no make-up
workdays for it yet (China publishes them late in the year)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import holidays

from bot.runtime.config import Settings
from handlers.sla import CalendarSpec


@dataclass(frozen=True)
class HolidayGap:
    """A calendar whose country moves workdays onto weekends, with none known for ``year``."""

    key: str  # the config key of the calendar: "calendar" or "departments[i]"
    country: str
    year: int

    def __str__(self) -> str:
        return (f"{self.key}.country: the holidays package has {self.country}'s public holidays "
                f"for {self.year} but no make-up workdays yet; until it catches up, list them "
                f"in [calendar] open_dates (and extra days off in closed_dates), e.g. "
                f"open_dates = [\"{self.year}-02-20\"], from the official notice")

    def short(self) -> str:
        """E.g. ``CN 2027`` (for /healthz)."""
        return f"{self.country} {self.year}"


@lru_cache(maxsize=32)
def _known(country: str, year: int) -> tuple[int, int]:
    """(public holidays, make-up workdays) the package knows for ``year``."""
    found = holidays.country_holidays(country, years=year)
    extra = getattr(found, "weekend_workdays", ())
    return (sum(1 for d in found if d.year == year), sum(1 for d in extra if d.year == year))


def holiday_gaps(settings: Settings, today: date) -> list[HolidayGap]:
    """Calendars whose country had make-up workdays this year, has public holidays next year,
    but none for it (and the config lists no ``open_dates`` in that year)."""
    specs: list[tuple[str, CalendarSpec]] = [("calendar", settings.calendar_spec)]
    index = {d.key: i for i, d in enumerate(settings.catalog.departments)}
    specs += [(f"departments[{index.get(k, k)}]", s) for k, s in settings.department_specs.items()]
    year = today.year + 1
    gaps: list[HolidayGap] = []
    seen: set[tuple[str, frozenset[date]]] = set()
    for key, spec in specs:
        if not spec.country or (spec.country, spec.open_dates) in seen:
            continue
        seen.add((spec.country, spec.open_dates))
        if any(d.year == year for d in spec.open_dates):
            continue
        try:
            this_year, next_year = _known(spec.country, today.year), _known(spec.country, year)
        except NotImplementedError:
            continue
        if this_year[1] and next_year[0] and not next_year[1]:
            gaps.append(HolidayGap(key, spec.country, year))
    return gaps
