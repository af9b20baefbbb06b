"""Business calendar for SLA clocks: working hours, holidays and business durations."""

import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

__all__ = [
    "BusinessCalendar",
    "CalendarSpec",
    "WorkTime",
    "format_business_duration",
    "parse_duration",
    "parse_hours",
    "parse_work_time",
    "parse_workdays",
    "working_time",
]

Interval = tuple[time, time]
_Span = tuple[datetime, datetime]

_ONE_DAY = timedelta(days=1)
_ONE_US = timedelta(microseconds=1)
# Give up after this many consecutive calendar days without any working time.
_MAX_IDLE_DAYS = 3700

# ---------------------------------------------------------------------------
# Durations
# ---------------------------------------------------------------------------

_UNIT_WORDS: dict[str, tuple[str, ...]] = {
    "d": ("个工作日", "工作日", "days", "day", "天", "日", "d"),
    "h": ("个小时", "小时", "hours", "hour", "hrs", "hr", "时", "h"),
    "m": ("minutes", "minute", "分钟", "mins", "min", "分", "m"),
}
_UNIT_OF = {word: unit for unit, words in _UNIT_WORDS.items() for word in words}
_TOKEN = re.compile(
    r"\s*(?P<num>\d+)\s*(?P<unit>"
    + "|".join(re.escape(w) for w in sorted(_UNIT_OF, key=len, reverse=True))
    + r")?\s*"
)
_LENGTH_LIKE = re.compile(
    r"(?:\s*\d+\s*(?:" + "|".join(re.escape(w) for w in sorted(_UNIT_OF, key=len, reverse=True))
    + r"))+\s*$")
_UNIT_NAME = {"h": "hours", "m": "minutes"}
_EXAMPLES = "e.g. '30m', '4h', '1h30m', '3d', '30分钟', '4小时', '3个工作日'"


@dataclass(frozen=True)
class WorkTime:
    """A configured duration in whole working days plus time: a day is as long as the working
    day of the calendar it runs on (8 h in the office, 24 h on a round-the-clock desk)."""

    days: int = 0
    time: timedelta = timedelta(0)

    def on(self, calendar: "BusinessCalendar") -> timedelta:
        """Working time on ``calendar``."""
        return self.in_days_of(calendar.daily_length())

    def in_days_of(self, day: timedelta) -> timedelta:
        """Working time when a day is ``day`` long."""
        return day * self.days + self.time


def looks_like_work_time(text: str) -> bool:
    """Whether ``text`` is written as a length of business time (``3d``, ``1h30m``, ``0d``),
    whether or not it is a valid one."""
    return bool(_LENGTH_LIKE.match(text))


def parse_work_time(text: str) -> WorkTime:
    """Parse "1d", "2h30m" or "3个工作日" keeping the days apart (see ``WorkTime``)."""
    days, rest = _parse_parts(text)
    return WorkTime(days, rest)


def parse_duration(text: str, day_length: timedelta) -> timedelta:
    """Parse an SLA target such as "1h30m" or "3个工作日"; `d` counts `day_length` each."""
    if day_length <= timedelta(0):
        raise ValueError("day_length must be positive")
    days, rest = _parse_parts(text)
    return day_length * days + rest


def _parse_parts(text: str) -> tuple[int, timedelta]:
    """Whole days and the rest of a duration text; refuses empty, negative and zero."""
    norm = unicodedata.normalize("NFKC", text).strip().lower()
    if not norm:
        raise ValueError(f"empty duration: give a number and a unit, {_EXAMPLES}")
    if norm.startswith("-"):
        raise ValueError(f"duration {text!r} is negative: SLA targets must be positive")
    seen: set[str] = set()
    total = timedelta(0)
    days = 0
    pos = 0
    while pos < len(norm):
        m = _TOKEN.match(norm, pos)
        if m is None:
            raise ValueError(
                f"cannot read {text!r} at {norm[pos:]!r}: use whole numbers with units, {_EXAMPLES}"
            )
        if m.group("unit") is None:
            rest = norm[m.end() :]
            if rest[:1] in (".", ","):
                raise ValueError(f"use whole numbers in duration {text!r}: {_EXAMPLES}")
            what = f"unknown unit {rest.split()[0]!r}" if rest else "missing unit"
            raise ValueError(f"{what} in duration {text!r}: use d, h or m, {_EXAMPLES}")
        unit = _UNIT_OF[m.group("unit")]
        if unit in seen:
            raise ValueError(f"unit {unit!r} appears twice in duration {text!r}")
        seen.add(unit)
        n = int(m.group("num"))
        if unit == "d":
            days = n
        else:
            total += timedelta(**{_UNIT_NAME[unit]: n})
        pos = m.end()
    if days == 0 and total <= timedelta(0):
        raise ValueError(f"duration {text!r} is zero: SLA targets must be positive")
    return days, total


def format_business_duration(td: timedelta, locale: str, day: timedelta | None = None) -> str:
    """Render as "2h 10m" (en) or "2小时10分" (zh*), truncated to whole minutes; with ``day``
    (the working day's length) one day and more read "3 working days" / "3个工作日", or
    "3 days" / "3天" on a clock that never stops (a 24-hour day: a P1 after hours)."""
    sign = "-" if td < timedelta(0) else ""
    zh = locale.lower().replace("_", "-").startswith("zh")
    rest = abs(td)
    prefix = ""
    if day is not None and day > timedelta(0) and rest >= day:
        days, rest = divmod(rest, day)
        plural = "s" if days != 1 else ""
        if day >= timedelta(hours=24):
            prefix = f"{days}天" if zh else f"{days} day{plural}"
        else:
            prefix = f"{days}个工作日" if zh else f"{days} working day{plural}"
        if rest < timedelta(minutes=1):
            return sign + prefix
        prefix += "" if zh else " "
    minutes = int(rest.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if zh:
        h_unit, m_unit, sep = "小时", "分", ""
    else:
        h_unit, m_unit, sep = "h", "m", " "
    parts = []
    if hours:
        parts.append(f"{hours}{h_unit}")
    if minutes or not hours:
        parts.append(f"{minutes}{m_unit}")
    return sign + prefix + sep.join(parts)


def working_time(td: timedelta, locale: str, day: timedelta) -> str:
    """A configured wait as people read it: "3 working days" / "3个工作日" from one day up,
    else "7h 30m of working time" / "7小时30分工作时间"."""
    text = format_business_duration(td, locale, day)
    if td >= day:
        return text
    return text + ("工作时间" if locale.lower().startswith("zh") else " of working time")


# ---------------------------------------------------------------------------
# Calendar specification
# ---------------------------------------------------------------------------

_DAY_NAMES: dict[str, int] = {}
for _i, _name in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
):
    _DAY_NAMES[_name] = _DAY_NAMES[_name[:3]] = _i
_DAY_NAMES.update({"tues": 1, "thur": 3, "thurs": 3})
_TIME = re.compile(r"(\d{1,2}):(\d{2})")


def _fmt_time(t: time) -> str:
    return "24:00" if t == time.max else t.strftime("%H:%M")


def _fmt_interval(iv: Interval) -> str:
    return f"{_fmt_time(iv[0])}-{_fmt_time(iv[1])}"


def _check_hours(hours: tuple[Interval, ...]) -> None:
    if not hours:
        raise ValueError("working hours are empty: give at least one interval like '09:00-18:00'")
    prev: Interval | None = None
    for iv in hours:
        start, end = iv
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError(f"working hours must be wall-clock times without tzinfo: {iv!r}")
        if start == time.max:
            raise ValueError(f"interval {_fmt_interval(iv)} cannot start at 24:00")
        if end <= start:
            raise ValueError(f"interval {_fmt_interval(iv)} must end after it starts")
        if prev is not None and start < prev[1]:
            raise ValueError(
                f"intervals {_fmt_interval(prev)} and {_fmt_interval(iv)} overlap or are out of "
                "order: list them in increasing time without overlap"
            )
        prev = iv


def _parse_time(text: str, spec: str, *, end: bool) -> time:
    m = _TIME.fullmatch(text.strip())
    if m is None:
        raise ValueError(f"bad time {text.strip()!r} in {spec!r}: expected HH:MM")
    hh, mm = int(m.group(1)), int(m.group(2))
    if hh == 24 and mm == 0:
        if not end:
            raise ValueError(f"24:00 can only end an interval, in {spec!r}")
        return time.max
    if hh > 23 or mm > 59:
        raise ValueError(f"bad time {text.strip()!r} in {spec!r}: hours 00-24, minutes 00-59")
    return time(hh, mm)


def parse_hours(specs: Iterable[str] | str) -> tuple[Interval, ...]:
    """Parse ["09:00-12:00", "13:30-18:00"] (or one comma-separated string); 24:00 → time.max."""
    if isinstance(specs, str):
        specs = specs.split(",")
    result: list[Interval] = []
    for raw in specs:
        spec = unicodedata.normalize("NFKC", raw).strip()
        parts = re.split(r"\s*[-–—~]\s*", spec)
        if len(parts) != 2:
            raise ValueError(f"bad interval {raw!r}: expected 'HH:MM-HH:MM', e.g. '09:00-12:00'")
        result.append((_parse_time(parts[0], raw, end=False), _parse_time(parts[1], raw, end=True)))
    hours = tuple(result)
    _check_hours(hours)
    return hours


def parse_workdays(names: Iterable[str] | str) -> tuple[int, ...]:
    """Parse ["mon", "tue", ...] or ranges like "mon-fri" into sorted weekday numbers (0=Mon)."""
    if isinstance(names, str):
        names = names.split(",")
    days: set[int] = set()

    def day(word: str, raw: str) -> int:
        key = word.strip().lower()
        if key not in _DAY_NAMES:
            raise ValueError(f"unknown weekday {word.strip()!r} in {raw!r}: use mon, tue, ... sun")
        return _DAY_NAMES[key]

    for raw in names:
        ends = raw.split("-")
        if len(ends) == 1:
            days.add(day(ends[0], raw))
        elif len(ends) == 2:
            first, last = day(ends[0], raw), day(ends[1], raw)
            if last < first:
                raise ValueError(f"weekday range {raw!r} runs backwards: write e.g. 'mon-fri'")
            days.update(range(first, last + 1))
        else:
            raise ValueError(f"bad weekday range {raw!r}: write e.g. 'mon-fri'")
    if not days:
        raise ValueError("no workdays given: list at least one, e.g. ['mon-fri']")
    return tuple(sorted(days))


@dataclass(frozen=True)
class CalendarSpec:
    """Declarative business calendar; an `hours` end of time.max means 24:00 (end of day)."""

    timezone: str
    workdays: tuple[int, ...]
    hours: tuple[Interval, ...]
    country: str | None = None
    closed_dates: frozenset[date] = field(default_factory=frozenset)
    open_dates: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not self.timezone:
            raise ValueError("timezone is required, e.g. 'Asia/Shanghai'")
        days = tuple(sorted(set(self.workdays)))
        if not days:
            raise ValueError("workdays are empty: give at least one weekday (0=Mon .. 6=Sun)")
        if any(not isinstance(d, int) or not 0 <= d <= 6 for d in days):
            raise ValueError(f"workdays must be integers 0 (Mon) .. 6 (Sun), got {self.workdays!r}")
        object.__setattr__(self, "workdays", days)
        object.__setattr__(self, "hours", tuple(tuple(iv) for iv in self.hours))
        _check_hours(self.hours)
        object.__setattr__(self, "closed_dates", frozenset(self.closed_dates))
        object.__setattr__(self, "open_dates", frozenset(self.open_dates))
        both = self.closed_dates & self.open_dates
        if both:
            raise ValueError(f"dates both closed and open: {sorted(both)}")
        if self.country is not None:
            object.__setattr__(self, "country", self.country.upper())


# ---------------------------------------------------------------------------
# Business calendar
# ---------------------------------------------------------------------------


def _since_midnight(t: time) -> timedelta:
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


def _require_aware(t: datetime, name: str) -> None:
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {t.isoformat()}")


# Where a holiday is announced as a span of days off, weekend days in it included (the State
# Council's 春节 2026: "2月15日至23日放假调休"): a desk open on Saturdays is closed on those too.
SPAN_COUNTRIES = frozenset({"CN"})


def weekends_in_holiday_spans(holiday_dates: Collection[date],
                              make_up_days: Collection[date]) -> set[date]:
    """The Saturdays and Sundays (not make-up workdays) in a run of days off that holds a
    public holiday: the whole of each announced span, which the holidays package lists only
    by its weekdays (and by the holidays themselves)."""

    def off(d: date) -> bool:
        return d in holiday_dates or (d.weekday() >= 5 and d not in make_up_days)

    found: set[date] = set()
    for holiday in holiday_dates:
        for step in (timedelta(days=-1), timedelta(days=1)):
            d = holiday + step
            while off(d):
                if d not in holiday_dates:
                    found.add(d)
                d += step
    return found


class BusinessCalendar:
    """Working-time arithmetic for one CalendarSpec; results are aware UTC datetimes.

    Interval boundaries are wall times in the spec's timezone. A wall time that does not exist
    (spring-forward gap) maps to the transition instant, i.e. the first real instant whose wall
    time is not earlier; an ambiguous wall time (fall-back) maps to its first occurrence. So
    a 24x7 calendar counts real elapsed time (23h or 25h on DST days).
    """

    def __init__(self, spec: CalendarSpec) -> None:
        self.spec = spec
        try:
            self._tz = ZoneInfo(spec.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA timezone {spec.timezone!r}") from exc
        if spec.country is not None and spec.country not in holidays.list_supported_countries():
            raise ValueError(f"holidays has no calendar for country {spec.country!r}")
        self._workdays = frozenset(spec.workdays)
        self._offsets = tuple(
            (_since_midnight(s), _ONE_DAY if e == time.max else _since_midnight(e))
            for s, e in spec.hours
        )
        self._daily_length = sum((e - s for s, e in self._offsets), timedelta(0))
        self._years: dict[int, tuple[frozenset[date], frozenset[date]]] = {}
        self._days: dict[date, tuple[tuple[_Span, ...], timedelta]] = {}

    # -- days ---------------------------------------------------------------

    def _year(self, year: int) -> tuple[frozenset[date], frozenset[date]]:
        """(public holidays, make-up workdays) of one year, loaded once."""
        cached = self._years.get(year)
        if cached is None:
            if self.spec.country is None:
                cached = (frozenset(), frozenset())
            else:
                h = holidays.country_holidays(self.spec.country, years=(year - 1, year, year + 1))
                extra = frozenset(getattr(h, "weekend_workdays", ()))
                closed = set(h)
                if self.spec.country in SPAN_COUNTRIES:
                    closed |= weekends_in_holiday_spans(closed, extra)
                cached = (
                    frozenset(d for d in closed if d.year == year),
                    frozenset(d for d in extra if d.year == year),
                )
            self._years[year] = cached
        return cached

    def is_workday(self, d: date) -> bool:
        """Whether `d` has working hours (explicit dates > make-up days > holidays > weekdays)."""
        if d in self.spec.open_dates:
            return True
        if d in self.spec.closed_dates:
            return False
        closed, opened = self._year(d.year)
        if d in opened:
            return True
        if d in closed:
            return False
        return d.weekday() in self._workdays

    def daily_length(self) -> timedelta:
        """Nominal working time per day: the sum of the wall-clock intervals."""
        return self._daily_length

    def _wall_to_utc(self, wall: datetime) -> datetime:
        utc = wall.replace(tzinfo=self._tz).astimezone(UTC)
        if utc.astimezone(self._tz).replace(tzinfo=None) == wall:
            return utc
        # `wall` is in a gap: bisect for the first instant whose wall time is >= `wall`.
        lo = wall.replace(tzinfo=self._tz, fold=1).astimezone(UTC)
        hi = utc
        while hi - lo > _ONE_US:
            mid = lo + (hi - lo) // 2
            if mid.astimezone(self._tz).replace(tzinfo=None) >= wall:
                hi = mid
            else:
                lo = mid
        return hi

    def _day(self, d: date) -> tuple[tuple[_Span, ...], timedelta]:
        """Non-empty UTC working spans of local date `d` and their total, cached."""
        cached = self._days.get(d)
        if cached is None:
            spans: list[_Span] = []
            if self.is_workday(d):
                midnight = datetime.combine(d, time())
                for s, e in self._offsets:
                    start, end = self._wall_to_utc(midnight + s), self._wall_to_utc(midnight + e)
                    if end > start:
                        spans.append((start, end))
            total = sum((e - s for s, e in spans), timedelta(0))
            if len(self._days) > 50_000:
                self._days.clear()
            cached = self._days[d] = (tuple(spans), total)
        return cached

    def _local_date(self, t: datetime) -> date:
        return t.astimezone(self._tz).date()

    def local_date(self, t: datetime) -> date:
        """The calendar's local date of instant ``t``."""
        return self._local_date(t)

    # -- queries ------------------------------------------------------------

    def is_open(self, t: datetime) -> bool:
        """Whether aware instant `t` falls inside working hours."""
        _require_aware(t, "t")
        t = t.astimezone(UTC)
        d = self._local_date(t)
        for day in (d - _ONE_DAY, d, d + _ONE_DAY):
            for s, e in self._day(day)[0]:
                if s <= t < e:
                    return True
        return False

    def next_opening(self, t: datetime) -> datetime:
        """`t` (in UTC) if open, else the start of the next working interval."""
        _require_aware(t, "t")
        t = t.astimezone(UTC)
        d = self._local_date(t) - _ONE_DAY
        for _ in range(_MAX_IDLE_DAYS):
            for s, e in self._day(d)[0]:
                if e > t:
                    return max(s, t)
            d += _ONE_DAY
        raise ValueError(f"calendar has no working time within {_MAX_IDLE_DAYS} days of {t}")

    def day_opening_after(self, t: datetime) -> datetime:
        """The start of the first working day that opens after ``t`` (a day's first
        interval; 00:00 on a round-the-clock calendar)."""
        _require_aware(t, "t")
        t = t.astimezone(UTC)
        d = self._local_date(t)
        for _ in range(_MAX_IDLE_DAYS):
            spans = self._day(d)[0]
            if spans and spans[0][0] > t:
                return spans[0][0]
            d += _ONE_DAY
        raise ValueError(f"calendar has no working time within {_MAX_IDLE_DAYS} days of {t}")

    def add_business_time(self, start: datetime, duration: timedelta) -> datetime:
        """Instant (UTC) when `duration` of working time has elapsed from `start`.

        Work starting outside hours starts at the next opening; a zero duration returns `start`
        itself (as UTC). A result landing exactly on an interval end is that end.
        """
        _require_aware(start, "start")
        if duration < timedelta(0):
            raise ValueError(f"duration must not be negative, got {duration}")
        cur = start.astimezone(UTC)
        if not duration:
            return cur
        remaining = duration
        d = self._local_date(cur) - _ONE_DAY
        idle = 0
        while True:
            spans, total = self._day(d)
            if spans and spans[-1][1] > cur:
                idle = 0
                if cur <= spans[0][0] and remaining > total:
                    remaining -= total
                else:
                    for s, e in spans:
                        if e <= cur:
                            continue
                        s = max(s, cur)
                        if remaining <= e - s:
                            return s + remaining
                        remaining -= e - s
            else:
                idle += 1
                if idle > _MAX_IDLE_DAYS:
                    raise ValueError(f"calendar has no working time for {idle} days after {d}")
            d += _ONE_DAY

    def subtract_business_time(self, end: datetime, duration: timedelta) -> datetime:
        """The earliest instant (UTC) from which ``duration`` of working time runs to ``end``:
        the inverse of ``add_business_time`` (a start on an interval's start is the end of
        the interval before, as ``add_business_time`` would give it)."""
        _require_aware(end, "end")
        if duration < timedelta(0):
            raise ValueError(f"duration must not be negative, got {duration}")
        cur = end.astimezone(UTC)
        if not duration:
            return cur
        remaining = duration
        d = self._local_date(cur) + _ONE_DAY
        idle = 0
        while True:
            spans = self._day(d)[0]
            if spans and spans[0][0] < cur:
                idle = 0
                for s, e in reversed(spans):
                    if s >= cur:
                        continue
                    if not remaining:
                        return e  # landed on the later interval's start: this one's end
                    e = min(e, cur)
                    if remaining < e - s:
                        return e - remaining
                    remaining -= e - s
            else:
                idle += 1
                if idle > _MAX_IDLE_DAYS:
                    raise ValueError(f"calendar has no working time for {idle} days before {d}")
            d -= _ONE_DAY

    def business_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time within [a, b); negative when b < a."""
        _require_aware(a, "a")
        _require_aware(b, "b")
        # Compare in UTC: same-zone datetimes compare by wall time, ignoring `fold`.
        a, b = a.astimezone(UTC), b.astimezone(UTC)
        if b < a:
            return -self.business_time_between(b, a)
        total = timedelta(0)
        d, last = self._local_date(a) - _ONE_DAY, self._local_date(b) + _ONE_DAY
        while d <= last:
            spans, day_total = self._day(d)
            if spans:
                if a <= spans[0][0] and spans[-1][1] <= b:
                    total += day_total
                else:
                    for s, e in spans:
                        lo, hi = max(s, a), min(e, b)
                        if hi > lo:
                            total += hi - lo
            d += _ONE_DAY
        return total
