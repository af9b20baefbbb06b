"""The target at the start of a proposal or a counter-proposal: a day (``2026-12-10``,
``12-10``, ``12月10日``, ``tomorrow``, ``明天``), optionally a time of day right after it
(``15:00``, ``3pm``, ``下午3点``, ``15点``; glued too: ``明天下午3点``, ``2026-12-10T15:00``) and
``前`` ("by"), or business time from now (``3d``, ``4h``, ``3个工作日``). What looks like a
date but cannot be read for sure (``下周三``, ``月底``, ``Dec 3``, ``10/12``) is refused with
what to type, never taken as the proposal's text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers import examples
from handlers.catalog import norm
from handlers.context import Ctx, Refusal
from handlers.fields import DAY_WORDS
from handlers.sla import BusinessCalendar, looks_like_work_time, parse_work_time
from storage.models import Request

ONE_US = timedelta(microseconds=1)
FURTHEST = timedelta(days=366)  # a target further away than a year is a typing slip
_WORDS = "|".join(sorted(map(re.escape, DAY_WORDS), key=len, reverse=True))
_DAY = (rf"(?:(?P<y>\d{{4}})[-/.年](?P<m>\d{{1,2}})[-/.月](?P<d>\d{{1,2}})[日号]?"
        rf"|(?P<m2>\d{{1,2}})(?:[-.]|月)(?P<d2>\d{{1,2}})[日号]?|(?P<word>{_WORDS}))")
_TIME = (r"(?:(?P<h>\d{1,2}):(?P<mi>\d{2})(?:\s?(?P<ap>am|pm))?|(?P<h2>\d{1,2})\s?(?P<ap2>am|pm)"
         r"|(?P<part>上午|早上|中午|下午|晚上)?(?P<h3>\d{1,2})[点點时時](?:(?P<mi3>\d{1,2})分?"
         r"|(?P<half>半))?)")
_BY = r"(?:之前|以前|前)?"
DAY_AT = re.compile(rf"{_DAY}(?:t|\s?)(?:{_TIME})?{_BY}")  # the first word, whole
TIME_AT = re.compile(rf"{_TIME}{_BY}")  # the word after a day, whole
TIME_LIKE = re.compile(r"^(?:上午|早上|中午|下午|晚上|\d{1,2}(?::\d|\s?[ap]m$|[点點时時]))")
SLASHED = re.compile(r"^\d{1,2}/\d{1,2}(?:/\d{2,4})?\b")  # 10/12: 10 Dec or 12 Oct?
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
MONTH = re.compile(rf"{_MONTH}\.?")
_ORDINAL = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE_WORDS = re.compile(
    r"^(?:周[一二三四五六日天末]|星期|礼拜|[上下本这]+个?(?:周|星期|礼拜|月)|月[底初中末]"
    r"|年[底初中末]|[今明后]年|大?[后前]天|今[晚早]|明[早晚]|[上中下]午|晚上|早上|节后|国庆"
    r"|春节|元旦|\d{1,2}(?:号|日|月|[点點时時]))")
_ENGLISH = re.compile(
    rf"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?|tonight|tmrw?"
    rf"|eo[dwmy]|january|february|september|october|november|december"  # not April, June
    rf"|{_MONTH}\.?{_ORDINAL}|{_ORDINAL}{_MONTH})")
_NEXT = re.compile(rf"week|month|year|weekend|{_ORDINAL}")
# a word that makes the next a date: next week, end of month, by Friday (the 2nd: no date)
_LEADS = {"next": _NEXT, "this": _NEXT, "end": re.compile("of"), "by": _NEXT,
          "before": _NEXT, "until": _NEXT, "till": _NEXT, "on": None, "the": None}
_PUNCT = ",，;；:：。.!！"


@dataclass(frozen=True)
class Read:
    """What the start of a proposal said: its target (None: none given) and the rest."""

    due: datetime | None
    text: str


def end_of_day(calendar: BusinessCalendar, day: date) -> datetime:
    """The last working moment on or before local ``day``: "by the 10th" is by the close of
    the 10th (of the working day before it, when the 10th is closed)."""
    midnight = datetime.combine(day + timedelta(days=1), time(), ZoneInfo(calendar.spec.timezone))
    return calendar.subtract_business_time(midnight, ONE_US) + ONE_US


def read(ctx: Ctx, request: Request, text: str, command: str, *, need_date: bool) -> Read:
    """The target and text of ``propose``/``counter``. Refused politely, nothing changed: a
    date or time that cannot be read for sure, one in the past, over a year away or outside
    the desk's hours, and no date where one is needed."""
    words = text.strip().split(None, 1)
    first = words[0].rstrip(_PUNCT) if words else ""
    rest = words[1] if len(words) > 1 else ""
    if norm(first) == "by" and DAY_AT.fullmatch(_second(rest)):  # by 2026-12-10
        return read(ctx, request, rest, command, need_date=need_date)
    calendar = ctx.desk.clock_for(request)
    if SLASHED.match(norm(first)):
        raise Refusal("err.neg_slashed", given=first, command=command, ref=request.ref,
                      **_examples(ctx))
    day_at = DAY_AT.fullmatch(norm(first)) if first else None
    due: datetime | None
    if day_at is not None:
        due, rest = _at_day(ctx, request, calendar, first, day_at, rest, command)
    else:
        due = _length(ctx, request, calendar, first)
        if due is None:
            if need_date or _looks_like_a_date(first, rest):
                raise Refusal("err.neg_bad_when", given=_given(first, rest), command=command,
                              ref=request.ref, **_examples(ctx))
            return Read(None, text.strip())
    if due <= ctx.now:
        raise Refusal("err.neg_past", given=first, when=ctx.local(due), command=command,
                      ref=request.ref)
    if due - ctx.now > FURTHEST:
        raise Refusal("err.neg_far", given=first, when=ctx.local(due), command=command,
                      ref=request.ref, **_examples(ctx))
    return Read(due, rest.strip())


def _at_day(ctx: Ctx, request: Request, calendar: BusinessCalendar, first: str,
            found: re.Match[str], rest: str, command: str) -> tuple[datetime, str]:
    """The day of ``found`` (by its close), or by the time of day glued to it or typed as
    the next word; the text after them."""
    day = _day(found, calendar.local_date(ctx.now))
    if day is None:  # 2026-13-40, 2-30
        raise Refusal("err.neg_bad_when", given=first, command=command, ref=request.ref,
                      **_examples(ctx))
    at: re.Match[str] | None = found if _has_time(found) else None
    given = first
    if at is None and rest:
        at, given, rest = _time_after(rest)
        if at is None and given:
            raise Refusal("err.neg_bad_time", given=given, command=command, ref=request.ref,
                          **_examples(ctx))
    if at is None:
        return end_of_day(calendar, day), rest
    clock = _clock(at)
    if clock is None:
        raise Refusal("err.neg_bad_time", given=given, command=command, ref=request.ref,
                      **_examples(ctx))
    return _within_hours(ctx, request, calendar, day, clock, command), rest


def _time_after(rest: str) -> tuple[re.Match[str] | None, str, str]:
    """A time of day as the word (or ``3 pm``: the two words) after the day, what was typed
    for it and the text after it. A word that only looks like a time (``下午``, ``3点多``):
    no match, with what was typed; no time: no match, nothing typed, all of ``rest``."""
    words = rest.split(None, 2)
    tries = [(1, words[0])]
    if len(words) > 1 and norm(words[1]).rstrip(_PUNCT) in ("am", "pm"):
        tries.insert(0, (2, f"{words[0]} {words[1]}"))
    for count, typed in tries:
        found = TIME_AT.fullmatch(norm(typed).rstrip(_PUNCT))
        if found is not None:
            after = rest.split(None, count)
            return found, typed.rstrip(_PUNCT), after[count] if len(after) > count else ""
    if TIME_LIKE.match(norm(words[0])):
        return None, words[0], rest
    return None, "", rest


def _has_time(found: re.Match[str]) -> bool:
    return any(found.group(g) for g in ("h", "h2", "h3"))


def _clock(found: re.Match[str]) -> time | None:
    """The time of day of a match of ``_TIME`` (None when it is none: 25:00, 13pm)."""
    if found.group("h"):
        hour, minute, half = int(found.group("h")), int(found.group("mi")), found.group("ap")
    elif found.group("h2"):
        hour, minute, half = int(found.group("h2")), 0, found.group("ap2")
    else:
        hour = int(found.group("h3"))
        minute = 30 if found.group("half") else int(found.group("mi3") or 0)
        part = found.group("part")
        if part in ("上午", "早上") and hour > 12:
            return None
        afternoon = part in ("下午", "晚上") or part == "中午" and hour < 11
        half = "pm" if afternoon and hour <= 12 else None
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _within_hours(ctx: Ctx, request: Request, calendar: BusinessCalendar, day: date,
                  clock: time, command: str) -> datetime:
    """``clock`` on ``day`` as a target: within the desk's working hours (their close too)."""
    moment = datetime.combine(day, clock, ZoneInfo(calendar.spec.timezone))
    if calendar.is_open(moment) or calendar.is_open(moment - ONE_US):
        return moment.astimezone(UTC)
    hours = ", ".join(f"{start:%H:%M}-{'24:00' if end == time.max else f'{end:%H:%M}'}"
                      for start, end in calendar.spec.hours)
    raise Refusal("err.neg_off_hours", when=f"{day.isoformat()} {clock:%H:%M}", hours=hours,
                  department=ctx.dept_label(request.department), command=command,
                  ref=request.ref, **{**_examples(ctx), "ex_date": day.isoformat()})  # its day


def _day(found: re.Match[str], today: date) -> date | None:
    """The day of a match of ``DAY_AT``; a month and day without a year is the nearest such
    day, as in a form (``1-5`` in December: next January; ``11-20`` on 30 Nov: past)."""
    if found.group("word"):  # today, tomorrow, 明天 … (yesterday: refused as past)
        return today + timedelta(days=DAY_WORDS[found.group("word")])
    month = int(found.group("m") or found.group("m2"))
    day_of = int(found.group("d") or found.group("d2"))
    years = (int(found.group("y")),) if found.group("y") else (
        today.year - 1, today.year, today.year + 1)
    days = [day for year in years if (day := _date(year, month, day_of)) is not None]
    return min(days, key=lambda day: abs(day - today)) if days else None


def _date(year: int, month: int, day_of: int) -> date | None:
    try:
        return date(year, month, day_of)
    except ValueError:
        return None


def _length(ctx: Ctx, request: Request, calendar: BusinessCalendar, word: str
            ) -> datetime | None:
    """Business time from now (3d, 4h, 3个工作日), or None."""
    if not any(c.isdigit() for c in word):
        return None
    try:
        length = parse_work_time(word)
    except ValueError:
        return None
    return calendar.add_business_time(ctx.now, length.on(calendar))


def _looks_like_a_date(first: str, rest: str) -> bool:
    """Whether the first word (or two) is meant as a date we cannot read for sure: a
    weekday, 月底, a month's name, ``2026-12-10T15``, ``0d``; a solution starting with other
    words (``2nd option: …``, ``next step …``) is none."""
    word = norm(first)
    second = _second(rest)
    if looks_like_work_time(word) or _DATE_WORDS.match(word) or _ENGLISH.fullmatch(word):
        return True
    if re.match(r"\d{1,4}\s?[-/.年月:]\s?\d|\d{1,2}\s?[ap]m$", word):
        return True
    if word.startswith(tuple(DAY_WORDS)):  # 明天下午, tomorrow's
        return True
    if re.fullmatch(_ORDINAL, word) and MONTH.fullmatch(second):  # 3 Dec, 2nd December
        return True
    if MONTH.fullmatch(word) and re.match(r"\d", second):  # Dec 3, May 10th
        return True
    if word in _LEADS and second:
        follows = _LEADS[word]
        return bool(follows and follows.fullmatch(second)) or _looks_like_a_date(second, "")
    return False


def _second(rest: str) -> str:
    return norm(rest.split(None, 1)[0]).rstrip(_PUNCT) if rest.strip() else ""


def _given(first: str, rest: str) -> str:
    """What a refusal quotes: the first word, or with the next (``Dec 3``, ``end of month``)."""
    words = [first, *rest.split(None, 2)]
    word = norm(first)
    if word == "end" and len(words) > 2:
        return " ".join(words[:3])
    if len(words) > 1 and (word in _LEADS or MONTH.fullmatch(word) or re.fullmatch(_ORDINAL,
                                                                                  word)):
        return " ".join(words[:2])
    return first


def _examples(ctx: Ctx) -> dict[str, str]:
    """``ex_date`` (2026-12-10) and ``ex_month_day`` as the reader writes it (12-10, 12月10日)."""
    shown = examples.day_to_come(ctx)
    if ctx.locale.startswith("zh"):
        month, day_of = (int(part) for part in shown["ex_month_day"].split("-"))
        shown["ex_month_day"] = f"{month}月{day_of}日"
    return shown
