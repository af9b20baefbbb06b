"""Tests for the business calendar behind SLA clocks."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.sla import (
    BusinessCalendar,
    CalendarSpec,
    format_business_duration,
    parse_duration,
    parse_hours,
    parse_work_time,
    parse_workdays,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
SANTIAGO = ZoneInfo("America/Santiago")
H = timedelta(hours=1)
M = timedelta(minutes=1)
US = timedelta(microseconds=1)
MON_FRI = parse_workdays(["mon-fri"])
ALL_WEEK = parse_workdays(["mon-sun"])


def cn_spec(**overrides: object) -> CalendarSpec:
    kwargs: dict[str, object] = {
        "timezone": "Asia/Shanghai",
        "workdays": MON_FRI,
        "hours": parse_hours(["09:00-12:00", "13:30-18:00"]),
        "country": "CN",
    }
    kwargs.update(overrides)
    return CalendarSpec(**kwargs)  # type: ignore[arg-type]


CN = BusinessCalendar(cn_spec())
BERLIN_OFFICE = BusinessCalendar(
    CalendarSpec("Europe/Berlin", MON_FRI, parse_hours(["09:00-17:00"]), "DE")
)
BERLIN_24X7 = BusinessCalendar(
    CalendarSpec("Europe/Berlin", ALL_WEEK, parse_hours(["00:00-24:00"]))
)
# Intervals touching the 02:00-03:00 spring-forward gap and the repeated fall-back hour.
BERLIN_NIGHT = BusinessCalendar(
    CalendarSpec(
        "Europe/Berlin",
        ALL_WEEK,
        parse_hours(["01:00-02:15", "02:30-02:45", "03:00-03:30", "22:00-24:00"]),
    )
)
# Chile switches at midnight: spring forward skips 00:00-01:00, fall back repeats 23:00-24:00.
SANTIAGO_EDGES = BusinessCalendar(
    CalendarSpec("America/Santiago", ALL_WEEK, parse_hours(["00:00-00:30", "23:15-24:00"]))
)


def sh(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, us, tzinfo=SHANGHAI)


def berlin(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=BERLIN)


# --- China: lunch, nights, weekends, holidays, make-up days ------------------------------


def test_cn_holiday_table_is_applied() -> None:
    assert not CN.is_workday(date(2026, 9, 25))  # Mid-Autumn Festival (Friday)
    assert not CN.is_workday(date(2026, 10, 1))  # National Day
    assert not CN.is_workday(date(2026, 10, 7))  # day off swapped from Saturday 10-10
    assert CN.is_workday(date(2026, 10, 10))  # make-up Saturday
    assert CN.is_workday(date(2026, 9, 20))  # make-up Sunday
    assert not CN.is_workday(date(2026, 9, 19))  # ordinary Saturday
    assert CN.is_workday(date(2026, 10, 8))  # ordinary Thursday


def test_national_day_week_is_skipped() -> None:
    # Wed 09-30 17:30 + 4h: 30m until 18:00; 10-01..10-07 are closed (10-04 is a Sunday);
    # Thu 10-08: 09:00-12:00 gives 3h, lunch, then the last 30m from 13:30 -> 14:00.
    due = CN.add_business_time(sh(2026, 9, 30, 17, 30), 4 * H)
    assert due == sh(2026, 10, 8, 14, 0)
    assert due.tzinfo is UTC


def test_lunch_break_is_excluded() -> None:
    # Tue 11:00 + 2h: 1h to 12:00, lunch until 13:30, 1h more -> 14:30.
    assert CN.add_business_time(sh(2026, 9, 15, 11, 0), 2 * H) == sh(2026, 9, 15, 14, 30)


def test_request_opened_at_night_starts_at_next_opening() -> None:
    assert CN.add_business_time(sh(2026, 9, 15, 20, 0), H) == sh(2026, 9, 16, 10, 0)
    assert CN.next_opening(sh(2026, 9, 15, 20, 0)) == sh(2026, 9, 16, 9, 0)


def test_weekend_is_skipped() -> None:
    # Fri 09-11 17:00 + 2h: 1h on Friday, Sat/Sun closed, 1h on Monday from 09:00.
    assert CN.add_business_time(sh(2026, 9, 11, 17, 0), 2 * H) == sh(2026, 9, 14, 10, 0)


def test_make_up_saturday_is_counted() -> None:
    # Fri 10-09 17:00 + 2h: 1h on Friday, then Saturday 10-10 is a working day.
    assert CN.add_business_time(sh(2026, 10, 9, 17, 0), 2 * H) == sh(2026, 10, 10, 10, 0)


def test_make_up_sunday_is_counted() -> None:
    # Fri 09-18 17:00 + 2h: Saturday 09-19 closed, Sunday 09-20 is a make-up workday.
    assert CN.add_business_time(sh(2026, 9, 18, 17, 0), 2 * H) == sh(2026, 9, 20, 10, 0)


def test_mid_autumn_friday_is_skipped() -> None:
    # Thu 09-24 17:00 + 2h: Friday 09-25 is a holiday, then the weekend -> Monday 10:00.
    assert CN.add_business_time(sh(2026, 9, 24, 17, 0), 2 * H) == sh(2026, 9, 28, 10, 0)


def test_a_desk_open_on_saturdays_is_closed_on_the_saturdays_of_a_holiday_span() -> None:
    # The State Council's 2026 notice: 春节 2月15日至23日, 端午 6月19日至21日, 国庆 10月1日至7日,
    # 元旦 1月1日至3日 are days off, weekend days in them included; 2-14 and 2-28 are worked.
    mon_sat = BusinessCalendar(cn_spec(workdays=parse_workdays(["mon-sat"])))
    for day in (date(2026, 1, 3), date(2026, 2, 21), date(2026, 6, 20), date(2026, 9, 26)):
        assert not mon_sat.is_workday(day), day
    for day in (date(2026, 2, 14), date(2026, 2, 28), date(2026, 3, 7), date(2026, 10, 10)):
        assert mon_sat.is_workday(day), day
    # Fri 2026-02-13 17:00 + 3h: 1h Friday, Saturday 02-14 (make-up) 2h -> 02-14 11:00
    assert mon_sat.add_business_time(sh(2026, 2, 13, 17, 0), 3 * H) == sh(2026, 2, 14, 11, 0)
    # Thu 02-19 (holiday) 10:00 + 2h: nothing until Tuesday 02-24
    assert mon_sat.add_business_time(sh(2026, 2, 19, 10, 0), 2 * H) == sh(2026, 2, 24, 11, 0)
    # a span reaching back over the new year: 2027-01-01 (Fri) to 01-03
    assert not mon_sat.is_workday(date(2027, 1, 2))


def test_explicit_dates_override_weekdays_and_holidays() -> None:
    cal = BusinessCalendar(
        cn_spec(closed_dates=frozenset({date(2026, 9, 16)}), open_dates={date(2026, 10, 1)})
    )
    assert not cal.is_workday(date(2026, 9, 16))
    assert cal.is_workday(date(2026, 10, 1))
    assert cal.add_business_time(sh(2026, 9, 15, 17, 0), 2 * H) == sh(2026, 9, 17, 10, 0)
    assert cal.add_business_time(sh(2026, 9, 30, 17, 30), H) == sh(2026, 10, 1, 9, 30)


def test_is_open_and_next_opening_around_lunch() -> None:
    assert CN.is_open(sh(2026, 9, 15, 9, 0))
    assert CN.is_open(sh(2026, 9, 15, 11, 59, 59))
    assert not CN.is_open(sh(2026, 9, 15, 12, 0))
    assert not CN.is_open(sh(2026, 9, 15, 8, 59))
    assert not CN.is_open(sh(2026, 10, 1, 10, 0))
    assert CN.is_open(datetime(2026, 9, 15, 2, 0, tzinfo=UTC))  # 10:00 in Shanghai
    assert CN.next_opening(sh(2026, 9, 15, 12, 0)) == sh(2026, 9, 15, 13, 30)
    assert CN.next_opening(sh(2026, 9, 15, 10, 17)) == sh(2026, 9, 15, 10, 17)
    assert CN.next_opening(sh(2026, 9, 30, 18, 0)) == sh(2026, 10, 8, 9, 0)


def test_zero_duration_returns_start_even_when_closed() -> None:
    start = sh(2026, 10, 3, 3, 0)
    assert CN.add_business_time(start, timedelta(0)) == start


def test_business_time_between() -> None:
    assert CN.business_time_between(sh(2026, 9, 15, 11, 0), sh(2026, 9, 15, 14, 30)) == 2 * H
    # A whole ordinary week: 5 days x 7h30m.
    week = CN.business_time_between(sh(2026, 9, 7, 0, 0), sh(2026, 9, 14, 0, 0))
    assert week == 5 * CN.daily_length() == 37 * H + 30 * M
    # The National Day week plus the make-up Saturday: only 10-08, 10-09 and 10-10 count.
    assert CN.business_time_between(sh(2026, 10, 1), sh(2026, 10, 11)) == 3 * (7 * H + 30 * M)
    assert CN.business_time_between(sh(2026, 9, 15, 14, 30), sh(2026, 9, 15, 11, 0)) == -2 * H


def test_naive_datetimes_and_negative_durations_are_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        CN.add_business_time(datetime(2026, 9, 15, 10, 0), H)
    with pytest.raises(ValueError, match="timezone-aware"):
        CN.is_open(datetime(2026, 9, 15, 10, 0))
    with pytest.raises(ValueError, match="negative"):
        CN.add_business_time(sh(2026, 9, 15, 10, 0), -H)


def test_very_long_spans_round_trip() -> None:
    start = sh(2025, 1, 6, 9, 0)
    ten_years = 2500 * CN.daily_length()
    due = CN.add_business_time(start, ten_years)
    assert CN.business_time_between(start, due) == ten_years


# --- DST -------------------------------------------------------------------------------


def test_berlin_spring_forward_weekend() -> None:
    # Fri 03-27 16:00 CET + 2h: 1h Friday, DST starts Sunday 03-29, Monday 09:00-10:00 CEST.
    due = BERLIN_OFFICE.add_business_time(berlin(2026, 3, 27, 16, 0), 2 * H)
    assert due == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    assert due == berlin(2026, 3, 30, 10, 0)


def test_berlin_fall_back_weekend() -> None:
    # Fri 10-23 16:00 CEST + 2h: DST ends Sunday 10-25, Monday 10:00 CET = 09:00 UTC.
    due = BERLIN_OFFICE.add_business_time(berlin(2026, 10, 23, 16, 0), 2 * H)
    assert due == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)


def test_berlin_public_holiday_closed() -> None:
    # Thu 2026-12-24 16:00 + 2h: Christmas Day and Boxing Day closed (DE), then the weekend.
    due = BERLIN_OFFICE.add_business_time(berlin(2026, 12, 24, 16, 0), 2 * H)
    assert due == berlin(2026, 12, 28, 10, 0)


def test_24x7_counts_real_elapsed_time_across_dst() -> None:
    # Sat 12:00 CET + 24h of business time = Sun 13:00 CEST: one wall-clock hour vanished.
    due = BERLIN_24X7.add_business_time(berlin(2026, 3, 28, 12, 0), 24 * H)
    assert due == datetime(2026, 3, 29, 11, 0, tzinfo=UTC) == berlin(2026, 3, 29, 13, 0)
    two_days = BERLIN_24X7.business_time_between
    assert two_days(berlin(2026, 3, 28), berlin(2026, 3, 30)) == 47 * H
    assert two_days(berlin(2026, 10, 24), berlin(2026, 10, 26)) == 49 * H
    assert BERLIN_24X7.daily_length() == 24 * H


def test_wall_time_in_spring_forward_gap_maps_to_the_transition() -> None:
    # On 03-29 wall times 02:00-03:00 do not exist: 01:00-02:15 ends at the jump (03:00 CEST),
    # 02:30-02:45 is empty and 03:00-03:30 CEST follows: 1h + 30m, no overlap or double count.
    day = (berlin(2026, 3, 29, 0, 0), berlin(2026, 3, 29, 12, 0))
    assert BERLIN_NIGHT.business_time_between(*day) == H + 30 * M
    assert BERLIN_NIGHT.add_business_time(berlin(2026, 3, 29, 1, 30), 45 * M) == berlin(
        2026, 3, 29, 3, 15
    )


# --- 24x7 desk -------------------------------------------------------------------------


def test_24x7_desk_with_24_00_end() -> None:
    hours = parse_hours(["00:00-24:00"])
    assert hours == ((time(0, 0), time.max),)
    desk = BusinessCalendar(CalendarSpec("Asia/Shanghai", ALL_WEEK, hours))
    assert desk.daily_length() == 24 * H
    assert desk.is_open(sh(2026, 10, 1, 23, 59, 59, 999999))
    assert desk.is_open(sh(2026, 10, 2, 0, 0))
    assert desk.add_business_time(sh(2026, 10, 3, 23, 50), 30 * M) == sh(2026, 10, 4, 0, 20)
    assert desk.add_business_time(sh(2026, 10, 1, 8), 72 * H) == sh(2026, 10, 4, 8)
    assert desk.business_time_between(sh(2026, 10, 1), sh(2026, 10, 8)) == 7 * 24 * H


# --- properties ------------------------------------------------------------------------

CALENDARS = {
    "cn": CN,
    "berlin": BERLIN_OFFICE,
    "berlin-24x7": BERLIN_24X7,
    "berlin-night": BERLIN_NIGHT,
    "santiago-edges": SANTIAGO_EDGES,
}
starts = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2027, 12, 31),
    timezones=st.sampled_from([UTC, SHANGHAI, BERLIN, SANTIAGO]),
)
durations = st.one_of(
    st.integers(0, 10 * 24 * 60).map(lambda n: n * M),  # 0 .. 10 business days of 24h
    st.integers(0, 10 * 24 * 3600 * 10**6).map(lambda n: n * US),
)
calendars = st.sampled_from(sorted(CALENDARS))


def _instant(t: datetime) -> datetime:
    """Real instant: same-zone datetimes otherwise compare by wall time, ignoring fold."""
    return t.astimezone(UTC)


def _cap(cal: BusinessCalendar, d: timedelta) -> timedelta:
    return min(d, 10 * cal.daily_length())


@settings(deadline=None, max_examples=300)
@given(name=calendars, start=starts, raw=durations)
def test_between_inverts_add(name: str, start: datetime, raw: timedelta) -> None:
    cal = CALENDARS[name]
    d = _cap(cal, raw)
    due = cal.add_business_time(start, d)
    assert due >= start
    assert cal.business_time_between(start, due) == d


@settings(deadline=None, max_examples=300)
@given(name=calendars, a=starts, b=starts, raw=durations)
def test_add_is_monotonic_in_start(name: str, a: datetime, b: datetime, raw: timedelta) -> None:
    cal = CALENDARS[name]
    d = _cap(cal, raw)
    early, late = sorted([a, b], key=_instant)
    assert cal.add_business_time(early, d) <= cal.add_business_time(late, d)


@settings(deadline=None, max_examples=300)
@given(name=calendars, start=starts, raw=durations)
def test_due_time_is_open_or_an_interval_end(name: str, start: datetime, raw: timedelta) -> None:
    cal = CALENDARS[name]
    d = _cap(cal, raw)
    due = cal.add_business_time(start, d)
    if d:
        # The last microsecond before the due time was working time: the due time is either
        # inside working hours or exactly where an interval ends.
        assert cal.is_open(due - US)
        assert cal.is_open(due) or cal.next_opening(due) > due
    else:
        # Subtract rather than compare: == is always False across zones for fold/gap times.
        assert due - start == timedelta(0)


@settings(deadline=None, max_examples=200)
@given(name=calendars, a=starts, b=starts)
def test_between_is_antisymmetric_and_additive(name: str, a: datetime, b: datetime) -> None:
    cal = CALENDARS[name]
    assert cal.business_time_between(a, b) == -cal.business_time_between(b, a)
    lo, hi = sorted([_instant(a), _instant(b)])
    mid = lo + (hi - lo) / 3
    assert cal.business_time_between(lo, hi) == (
        cal.business_time_between(lo, mid) + cal.business_time_between(mid, hi)
    )


@settings(deadline=None, max_examples=200)
@given(name=calendars, t=starts)
def test_next_opening_is_open_and_nothing_open_before_it(name: str, t: datetime) -> None:
    cal = CALENDARS[name]
    nxt = cal.next_opening(t)
    assert nxt >= t
    assert cal.is_open(nxt)
    assert cal.business_time_between(t, nxt) == timedelta(0)


# --- parsing and formatting ------------------------------------------------------------

DAY = 7 * H + 30 * M


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", 30 * M),
        ("4h", 4 * H),
        ("3d", 3 * DAY),
        ("1h30m", 90 * M),
        ("1d4h", DAY + 4 * H),
        ("  1H 30M ", 90 * M),
        ("2 days", 2 * DAY),
        ("30分钟", 30 * M),
        ("4小时", 4 * H),
        ("3天", 3 * DAY),
        ("3个工作日", 3 * DAY),
        ("1小时30分钟", 90 * M),
        ("１小时", H),  # full-width digit from a Chinese IME
    ],
)
def test_parse_duration_accepts(text: str, expected: timedelta) -> None:
    assert parse_duration(text, DAY) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("4x", "unknown unit 'x'"),
        ("", "empty"),
        ("   ", "empty"),
        ("0h", "zero"),
        ("0d0h0m", "zero"),
        ("-4h", "negative"),
        ("4", "missing unit"),
        ("1.5h", "whole numbers"),
        ("h", "cannot read"),
        ("1h2h", "twice"),
    ],
)
def test_parse_duration_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_duration(text, DAY)


def test_parse_duration_day_length_follows_the_calendar() -> None:
    assert parse_duration("1d", CN.daily_length()) == 7 * H + 30 * M
    assert parse_duration("1d", BERLIN_24X7.daily_length()) == 24 * H


@pytest.mark.parametrize(
    ("td", "en", "zh"),
    [
        (timedelta(0), "0m", "0分"),
        (2 * H + 10 * M, "2h 10m", "2小时10分"),
        (3 * H, "3h", "3小时"),
        (45 * M, "45m", "45分"),
        (75 * H + 5 * M, "75h 5m", "75小时5分"),
        (59 * timedelta(seconds=1), "0m", "0分"),
        (10 * M + 59 * timedelta(seconds=1), "10m", "10分"),
        (-(H + 30 * M), "-1h 30m", "-1小时30分"),
    ],
)
def test_format_business_duration(td: timedelta, en: str, zh: str) -> None:
    assert format_business_duration(td, "en") == en
    assert format_business_duration(td, "zh-CN") == zh


def test_parse_hours_and_workdays() -> None:
    assert parse_hours(["09:00-12:00", " 13:30 - 18:00 "]) == (
        (time(9), time(12)),
        (time(13, 30), time(18)),
    )
    assert parse_hours("9:00-12:00,13:30-18:00") == ((time(9), time(12)), (time(13, 30), time(18)))
    assert parse_workdays(["mon", "Tue", "WEDNESDAY", "thu", "fri"]) == (0, 1, 2, 3, 4)
    assert parse_workdays(["sat", "mon-wed"]) == (0, 1, 2, 5)


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        (["09:00-12:00", "11:00-13:00"], "overlap"),
        (["13:30-18:00", "09:00-12:00"], "out of order"),
        (["12:00-09:00"], "must end after"),
        (["25:00-26:00"], "bad time"),
        (["09:60-10:00"], "bad time"),
        (["nine-five"], "bad time"),
        (["24:00-24:00"], "24:00"),
        (["09:00"], "HH:MM-HH:MM"),
        ([], "empty"),
    ],
)
def test_parse_hours_rejects(hours: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_hours(hours)


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (["mon", "funday"], "unknown weekday 'funday'"),
        (["fri-mon"], "backwards"),
        ([], "no workdays"),
    ],
)
def test_parse_workdays_rejects(days: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_workdays(days)


def test_spec_and_calendar_validation() -> None:
    with pytest.raises(ValueError, match="0 \\(Mon\\) .. 6 \\(Sun\\)"):
        cn_spec(workdays=(0, 7))
    with pytest.raises(ValueError, match="both closed and open"):
        cn_spec(
            closed_dates=frozenset({date(2026, 1, 5)}), open_dates=frozenset({date(2026, 1, 5)})
        )
    with pytest.raises(ValueError, match="overlap"):
        cn_spec(hours=((time(9), time(12)), (time(11), time(13))))
    with pytest.raises(ValueError, match="timezone"):
        BusinessCalendar(cn_spec(timezone="Mars/Olympus"))
    with pytest.raises(ValueError, match="country"):
        BusinessCalendar(cn_spec(country="XX"))


# --- counting back from a due time; working days people read --------------------------------

def test_subtract_business_time_is_the_inverse_of_add():
    due = datetime(2026, 11, 23, 14, 30, tzinfo=SHANGHAI)
    # a 4h target warned at 75%: an hour before 14:30 is the end of the morning, as adding
    # 3h to 09:00 gives it
    assert CN.subtract_business_time(due, H) == datetime(2026, 11, 23, 4, 0, tzinfo=UTC)
    assert CN.subtract_business_time(due, 30 * M) == due - 30 * M
    # over the weekend: Monday 09:30 minus 1h is Friday 17:30
    monday = datetime(2026, 11, 30, 9, 30, tzinfo=SHANGHAI)
    assert CN.subtract_business_time(monday, H) == datetime(2026, 11, 27, 17, 30, tzinfo=SHANGHAI)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=60 * 24 * 30), st.integers(min_value=1, max_value=4000))
def test_add_after_subtract_comes_back(minutes, length):
    start = CN.add_business_time(datetime(2026, 11, 2, tzinfo=SHANGHAI), minutes * M)
    end = CN.add_business_time(start, length * M)
    assert CN.add_business_time(CN.subtract_business_time(end, length * M), length * M) == end


def test_durations_from_one_working_day_up_read_in_days():
    day = 7 * H + 30 * M
    assert format_business_duration(3 * day, "zh-CN", day) == "3个工作日"
    assert format_business_duration(3 * day, "en", day) == "3 working days"
    assert format_business_duration(day + 2 * H, "en", day) == "1 working day 2h"
    assert format_business_duration(2 * H, "zh-CN", day) == "2小时"
    assert parse_work_time("1d").in_days_of(24 * H) == 24 * H
    assert parse_work_time("2d 3h").on(CN) == 2 * CN.daily_length() + 3 * H


def test_durations_on_a_clock_that_never_stops_read_in_days_of_the_calendar():
    """A P1 round the clock: 58 hours late over a weekend is not "2 working days"."""
    day = 24 * H
    assert format_business_duration(58 * H, "zh-CN", day) == "2天10小时"
    assert format_business_duration(58 * H, "en", day) == "2 days 10h"
    assert format_business_duration(day, "en", day) == "1 day"
