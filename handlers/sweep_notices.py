"""The messages a sweep sends: batched nudges, reminders, auto-closes, thanks, rating prompts."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, select

from handlers import confidential
from handlers.context import Ctx
from handlers.i18n import join, t
from handlers.messages import Button, Message
from handlers.sla import format_business_duration, working_time
from handlers.sweep_rules import Rule, overdue, recipient_calendar
from storage import approvals
from storage.models import Event, Request

SEVERITY = {"warn": 0, "breach": 1, "repeat": 1, "escalate": 2}
MAX_BUTTONS = 5
MINUTE = timedelta(minutes=1)


def _dur(ctx: Ctx, request: Request, rule: Rule, locale: str) -> str:
    late = overdue(ctx.desk, request, rule.due, ctx.now)
    day = ctx.desk.clock_for(request).daily_length()
    return format_business_duration(abs(late), locale, day)


def _line(ctx: Ctx, request: Request, rule: Rule, locale: str) -> str:
    key = "nudge.line.warn" if rule.kind == "warn" else (
        "nudge.line.escalate" if rule.kind == "escalate" else "nudge.line.breach")
    if key != "nudge.line.warn" and overdue(ctx.desk, request, rule.due, ctx.now) < MINUTE:
        key = "nudge.line.due_now"  # never "overdue 0m"
    secret = confidential.of(ctx.desk, request)  # escalations leave the desk: the id only
    return t(
        locale, key, ref=request.ref, title=confidential.title(ctx.desk, request, locale),
        target=t(locale, f"target.{rule.target}"), time=_dur(ctx, request, rule, locale),
        owner=ctx.name(request.assignee_id) if request.assignee_id else t(locale, "nudge.nobody"),
        requester="—" if secret else ctx.name(request.requester_id), step=rule.step,
    )


def batched_nudge(ctx: Ctx, recipient: str, items: list[tuple[Request, Rule]]) -> None:
    """One message per recipient listing every due item, worst first; a lead's daily
    "still overdue" line joins it, without the requests the message already names."""
    nudges = _worst_first(ctx, [item for item in items if item[1].kind != "still_overdue"])
    named = {request.ref for request, _ in nudges}
    daily = _still_overdue(ctx, [item for item in items if item[1].kind == "still_overdue"
                                 and item[0].ref not in named])
    if not nudges and not daily:
        return

    covering = _covering(ctx, recipient, nudges + daily)

    def render(locale: str) -> Message:
        lines = _nudge_lines(ctx, recipient, nudges, locale) + _daily_lines(ctx, daily, locale)
        if covering:
            lines.insert(0, t(locale, "nudge.covering", who=join(locale, [
                t(locale, "nudge.covering.one", name=ctx.name(pid), until=last_day)
                for pid, last_day in covering])))
        return Message(text="\n".join(lines), locale=locale,
                       buttons=_buttons(ctx, recipient, nudges, locale),
                       kind="nudge",
                       extra={"refs": list(dict.fromkeys(r.ref for r, _ in nudges + daily))})

    kind, _, ident = recipient.partition(":")
    if kind == "dept":
        ctx.notify_channel(ident, render)
    else:
        ctx.notify_person(ident, render)


LEADS_RULES = ("escalate", "still_overdue")  # what reaches a lead (or manager) as such


def _covering(ctx: Ctx, recipient: str, items: list[tuple[Request, Rule]]
              ) -> list[tuple[str, str]]:
    """Whom a person's escalations come for, with their last day away, when they cover for
    someone (``away … delegate``) and the message holds what the leads are told; else none."""
    kind, _, ident = recipient.partition(":")
    if kind != "person" or not any(rule.kind in LEADS_RULES or rule.urgent
                                   for _, rule in items):
        return []
    tz = ctx.desk.policy.tz
    return [(away.person_id, (away.until.astimezone(tz) - timedelta(days=1)).date().isoformat())
            for away in approvals.covered_by(ctx.session, ident, ctx.now)]


def _worst_first(ctx: Ctx, items: list[tuple[Request, Rule]]) -> list[tuple[Request, Rule]]:
    """The most severe rule of each request, the most severe and most overdue first; and the
    other target's warning beside an overdue one (a first response overdue never hides that
    the resolution is due soon: claimed with it, the warning would never come again)."""
    worst: dict[str, tuple[Request, Rule]] = {}
    warned: dict[tuple[str, str], tuple[Request, Rule]] = {}
    for request, rule in items:
        seen = worst.get(request.ref)
        if seen is None or (SEVERITY[rule.kind], rule.target == "first") > (
                SEVERITY[seen[1].kind], seen[1].target == "first"):
            worst[request.ref] = (request, rule)
        if rule.kind == "warn":
            warned[(request.ref, rule.target)] = (request, rule)
    shown = list(worst.values()) + [
        (request, rule) for (ref, target), (request, rule) in warned.items()
        if worst[ref][1].target != target and worst[ref][1].kind != "warn"]
    return sorted(shown, key=lambda item: (
        -SEVERITY[item[1].kind], -overdue(ctx.desk, item[0], item[1].due, ctx.now)))


def _still_overdue(ctx: Ctx, items: list[tuple[Request, Rule]]) -> list[tuple[Request, Rule]]:
    """Each request's target furthest past due, the furthest first."""
    worst: dict[str, tuple[Request, Rule]] = {}
    for request, rule in items:
        late = overdue(ctx.desk, request, rule.due, ctx.now)
        seen = worst.get(request.ref)
        if seen is None or late > overdue(ctx.desk, request, seen[1].due, ctx.now):
            worst[request.ref] = (request, rule)
    return sorted(worst.values(),
                  key=lambda item: -overdue(ctx.desk, item[0], item[1].due, ctx.now))


def _nudge_lines(ctx: Ctx, recipient: str, nudges: list[tuple[Request, Rule]],
                 locale: str) -> list[str]:
    """The header and lines of the nudges (none: nothing)."""
    if not nudges:
        return []
    kind, _, ident = recipient.partition(":")
    n = len({request.ref for request, _ in nudges})  # requests, not lines
    header = (t(locale, "nudge.header.channel", n=n, department=ctx.dept_label(ident, locale))
              if kind == "dept" else t(locale, "nudge.header.person", n=n))
    return [header] + [_line(ctx, r, rule, locale) for r, rule in nudges]


def _daily_lines(ctx: Ctx, daily: list[tuple[Request, Rule]], locale: str) -> list[str]:
    """The "still overdue" header and lines (none: nothing)."""
    if not daily:
        return []
    return [t(locale, "nudge.header.still_overdue", n=len(daily))] + [
        _line(ctx, r, rule, locale) for r, rule in daily]


def _buttons(ctx: Ctx, recipient: str, nudges: list[tuple[Request, Rule]],
             locale: str) -> tuple[Button, ...]:
    """A button per nudged request the recipient may act on (``_action``), up to five."""
    buttons = [Button(label=f"{t(locale, f'button.{action}')} {request.ref}",
                      command=f"/request {action} {request.ref}", action=action)
               for request, rule in nudges
               if (action := _action(ctx, recipient, request, rule)) is not None]
    return tuple(dict.fromkeys(buttons))[:MAX_BUTTONS]  # one per request and action


def _action(ctx: Ctx, recipient: str, request: Request, rule: Rule) -> str | None:
    """At the desk (its channel, a member or lead): acknowledge an open request whose first
    response is nudged. Anyone else an escalation reached (a lead's manager) may not act at
    the desk: they see the details, of a request not confidential (its nudge: the id only)."""
    kind, _, ident = recipient.partition(":")
    if kind == "dept" or ctx.desk.is_staff(ident, request.department):
        return "ack" if request.state == "open" and rule.target == "first" else None
    return None if confidential.of(ctx.desk, request) else "show"


def _question(ctx: Ctx, request: Request) -> str:
    stmt = (select(Event.note).where(Event.request_id == request.id, Event.kind == "waiting")
            .order_by(col(Event.id).desc()).limit(1))
    return ctx.session.exec(stmt).first() or ""


def rating_buttons(request: Request, locale: str) -> tuple[Button, ...]:
    """1–5 stars, each a shortcut for `/request rate ID n`."""
    return tuple(
        Button(label=t(locale, "button.rate", stars=n), command=f"/request rate {request.ref} {n}",
               action=f"rate_{n}")
        for n in range(1, 6)
    )


def _tags(ctx: Ctx, locale: str) -> str:
    zh = locale == "zh-CN"
    return join(locale, [f"#{zh_name if zh else key}"
                         for key, _en, zh_name in ctx.desk.service.feedback.tags])


def single(ctx: Ctx, request: Request, rule: Rule, rated: bool = False) -> None:
    """A reminder to the requester, or thanks at either end of the work (the requester is
    asked for a rating unless ``rated`` already)."""
    helper = request.resolver_id or request.assignee_id

    def render(locale: str) -> Message:
        dep = ctx.dept_label(request.department, locale)
        if rule.kind == "remind_waiting":
            text = t(locale, "remind.waiting", department=dep, ref=request.ref,
                     title=request.title, question=_question(ctx, request))
            return Message(text=text, locale=locale, kind="reminder")
        if rule.kind == "thanks" and rated:
            text = t(locale, "thanks.requester_rated", department=dep, ref=request.ref,
                     title=request.title, helper=ctx.name(helper))
            return Message(text=text, locale=locale, kind="thanks")
        if rule.kind == "thanks":
            text = t(locale, "thanks.requester", department=dep, ref=request.ref,
                     title=request.title, helper=ctx.name(helper), tags=_tags(ctx, locale))
            return Message(text=text, locale=locale, kind="rating_prompt",
                           buttons=rating_buttons(request, locale))
        home = (ctx.dept_label(request.requester_department, locale)
                if request.requester_department else "")
        text = t(locale, "thanks.helper", helper=ctx.name(helper), ref=request.ref,
                 title=request.title, requester=ctx.name(request.requester_id),
                 home=f" ({home})" if home else "")
        return Message(text=text, locale=locale, kind="thanks")

    ctx.notify_person(rule.recipient.partition(":")[2], render, request)


def rating_reminder(ctx: Ctx, request: Request, rule: Rule) -> None:
    """One reminder to rate, with the stars again."""

    def render(locale: str) -> Message:
        text = t(locale, "rate.reminder", ref=request.ref, title=request.title,
                 department=ctx.dept_label(request.department, locale))
        return Message(text=text, locale=locale, kind="rating_prompt",
                       buttons=rating_buttons(request, locale))

    ctx.notify_person(request.requester_id, render, request)


def _when_open(ctx: Ctx, request: Request, rule: Rule) -> datetime:
    calendar = recipient_calendar(ctx.desk, request, rule.recipient)
    return calendar.next_opening(ctx.now)


def auto_closed(ctx: Ctx, request: Request, rule: Rule) -> None:
    """Tell the requester the request closed for lack of an answer, and how to reopen."""
    after = ctx.desk.service.nudges_for(request.department).auto_close_waiting.on(
        ctx.desk.calendar)
    _closed_automatically(ctx, request, rule, "auto.closed", after)


def auto_confirmed(ctx: Ctx, request: Request, rule: Rule) -> None:
    """Tell the requester an unconfirmed resolution is now closed, and how to reopen."""
    after = ctx.desk.service.nudges_for(request.department).auto_confirm.on(ctx.desk.calendar)
    _closed_automatically(ctx, request, rule, "auto.confirmed", after)


def _closed_automatically(ctx: Ctx, request: Request, rule: Rule, key: str,
                          after: timedelta) -> None:
    """The requester hears it (in their working hours, with Reopen); the thread records it."""

    def render(locale: str) -> Message:
        text = t(locale, key, ref=request.ref, title=request.title,
                 after=working_time(after, locale, ctx.desk.calendar.daily_length()))
        return Message(text=text, locale=locale, kind="status", buttons=(
            Button(label=t(locale, "button.reopen"),
                   command=f"/request reopen {request.ref} <reason>", action="reopen"),))

    ctx.notify_person(request.requester_id, render, request, due_at=_when_open(ctx, request, rule))
    _tell_owner(ctx, request, f"{key}_desk")


def _tell_owner(ctx: Ctx, request: Request, key: str) -> None:
    def render(locale: str) -> Message:
        return Message(text=t(locale, key, ref=request.ref), locale=locale, kind="thread")

    ctx.notify_channel(request.department, render, request)
