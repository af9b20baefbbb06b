"""How long closed requests keep their words ([retention] in config): ages such as "3y",
"18m", "90d" or "12w", counted in calendar time from the moment a request closed."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

KINDS = ("details", "comments", "files", "rating_comments")
AGE_EXAMPLES = '"3y", "18m", "90d" or "12w" (years, months, days, weeks), or "never"'
_AGE = re.compile(r"^(\d+)\s*([ymwd])$")


@dataclass(frozen=True)
class Age:
    """A calendar age: whole months (a year is 12) and days (a week is 7)."""

    months: int = 0
    days: int = 0

    def before(self, moment: datetime) -> datetime:
        """``moment`` minus this age (the 31st of a shorter month is its last day)."""
        year, month = divmod(moment.year * 12 + moment.month - 1 - self.months, 12)
        day = min(moment.day, calendar.monthrange(year, month + 1)[1])
        return moment.replace(year=year, month=month + 1, day=day) - timedelta(days=self.days)


def parse_age(value: object) -> Age | None:
    """``"3y"`` → Age(36, 0); ``"never"`` → None (kept forever); ValueError if unreadable."""
    text = str(value).strip().lower()
    if text == "never":
        return None
    match = _AGE.match(text)
    if match is None or isinstance(value, bool) or int(match.group(1)) <= 0:
        raise ValueError(f"{value!r} is not an age")
    number, unit = int(match.group(1)), match.group(2)
    if unit in ("y", "m"):
        return Age(months=number * (12 if unit == "y" else 1))
    return Age(days=number * (7 if unit == "w" else 1))


@dataclass(frozen=True)
class RetentionPolicy:
    """Per kind of content, how long after closing it is kept (None: forever)."""

    details: Age | None = None
    comments: Age | None = None
    files: Age | None = None
    rating_comments: Age | None = None

    def ages(self) -> dict[str, Age]:
        """The kinds with an age, by name."""
        found = {kind: getattr(self, kind) for kind in KINDS}
        return {kind: age for kind, age in found.items() if age is not None}

    def cutoffs(self, now: datetime) -> dict[str, datetime]:
        """Per configured kind: requests closed at or before this moment lose it."""
        return {kind: age.before(now) for kind, age in self.ages().items()}
