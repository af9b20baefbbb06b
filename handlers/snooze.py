"""`snooze ID 2h`: the desk postpones a request's reminders, within limits."""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta

from handlers import lifecycle as lc
from handlers.context import Ctx, Refusal
from handlers.grammar import Command
from handlers.messages import Message, Reply
from handlers.router import Router
from handlers.sla import format_business_duration, parse_duration


def snooze(ctx: Ctx, cmd: Command) -> Reply:
    """Postpone nudges (not escalations) for a while of the request's clock."""
    request = lc.load(ctx, cmd.ref)
    lc.require_staff(ctx, request, "snooze")
    lc.require_state(ctx, request, ("open", "acknowledged", "in_progress"), "snooze")
    calendar = ctx.desk.clock_for(request)
    day = calendar.daily_length()  # the request's clock's day: 24 h when round the clock
    limit = ctx.desk.service.nudges_for(request.department).snooze_max.in_days_of(day)
    limit_text = format_business_duration(limit, ctx.locale, day)
    try:
        length = snooze_length(cmd.text, day)
    except ValueError:
        raise Refusal("err.bad_snooze", ref=request.ref, limit=limit_text) from None
    if length > limit:
        raise Refusal("err.snooze_too_long", ref=request.ref, limit=limit_text)
    request.snoozed_until = calendar.add_business_time(ctx.now, length)
    lc.transition(ctx, request, None, "snoozed", note=cmd.text)
    text = ctx.say("reply.snoozed", ref=request.ref, until=ctx.local(request.snoozed_until))
    return Reply((Message(text=text, locale=ctx.locale, request_ref=request.ref),),
                 request_ref=request.ref)


# How long, as people say it besides "2h" and "30分钟": "1.5h", "0.5天", "半小时", "1个半小时",
# "1天半". A day is the request's clock's day, as in "1d".
_DECIMAL = re.compile(r"(\d*[.,]\d+)\s*(\D+)")
_HALF_UNITS = {"小时": "h", "钟头": "h", "天": "d", "工作日": "d"}
_UNIT = "|".join(_HALF_UNITS)
_HALF = re.compile(f"(?:(\\d+)个)?半个?({_UNIT})|(\\d+)个?({_UNIT})半")


def snooze_length(text: str, day: timedelta) -> timedelta:
    """The length of ``text`` ("2h", "30分钟", "1.5h", "半小时", "1天半"), to the minute;
    ValueError when it is none."""
    typed = unicodedata.normalize("NFKC", text).strip().lower()
    decimal, half = _DECIMAL.fullmatch(typed), _HALF.fullmatch(typed)
    if decimal:
        amount, unit = float(decimal.group(1).replace(",", ".")), decimal.group(2).strip()
    elif half:
        whole = half.group(1) or half.group(3) or "0"
        amount, unit = int(whole) + 0.5, _HALF_UNITS[half.group(2) or half.group(4)]
    else:
        return parse_duration(typed, day)
    minutes = round(parse_duration(f"1{unit}", day) / timedelta(minutes=1) * amount)
    if minutes <= 0:
        raise ValueError(f"no length in {text!r}")
    return timedelta(minutes=minutes)


def register(router: Router) -> None:
    """Wire the snooze command."""
    router.add("snooze", snooze)
