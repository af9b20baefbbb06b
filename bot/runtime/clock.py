"""Clocks: the system clock for serving, a settable one for the console and tests."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


class SystemClock:
    """The real time, in UTC."""

    def __call__(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that stands still until told to move (time travel for demos and tests)."""

    def __init__(self, start: datetime) -> None:
        self.current = start.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.current

    def set(self, moment: datetime) -> None:
        """Jump to ``moment`` (aware)."""
        self.current = moment.astimezone(UTC)


YEARS = range(1970, 3000)  # a travelled-to time: due dates years later must still exist
MOMENT_HELP = "an ISO time such as 2026-11-23T09:00 (a year from 1970 to 2999)"


def parse_moment(text: str, timezone: str) -> datetime | None:
    """An ISO time typed to travel to (``@now``, ``--now``), local to ``timezone`` unless it
    says otherwise; None when it is not one, or so far off that dates after it cannot be
    written (``9999-12-31``)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.year not in YEARS:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(timezone))
