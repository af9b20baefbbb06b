"""A person's overview (Slack's Home tab, WeCom's 主页 cards, ``/request home`` anywhere):
their own requests, those escalated to them from other desks, then each desk they serve,
overdue first, each with its buttons."""

from __future__ import annotations

from sqlalchemy import BindParameter, bindparam, exists, func
from sqlmodel import col, select

from handlers import confidential, feedback, views
from handlers.actions import requester_actions, staff_actions
from handlers.context import Ctx
from handlers.grammar import Command
from handlers.messages import Button, Message, Reply
from handlers.router import Router
from handlers.thread_root import pending_sides
from storage import request_store
from storage.models import NudgeClaim, Request

HOME_MINE = 8    # a person's own requests on their overview
HOME_QUEUE = 40  # each of their desks' queue on it
HOME_ESCALATED = 10  # the open requests escalated to them from desks they do not serve


def home(ctx: Ctx, cmd: Command) -> Reply:
    """The person's overview (Slack's Home tab; ``/request home`` anywhere): their requests
    with their buttons, then each desk they serve, overdue first, with the desk's buttons
    (with a proposal's answers where it waits for them: ``show``'s buttons).
    One message each: kind ``home.section``, ``home.item`` (its id, summary and overdue
    mark; ``request_ref``; ``extra`` says the section and whether it is overdue) or
    ``home.note``. Where the answer goes as messages (``answer_to``: WeCom), the lines
    between the cards are joined: a nearly empty overview is one message, not four."""
    mine, mine_total = request_store.of_requester(ctx.session, ctx.actor.id, 1, HOME_MINE)
    desks = ctx.desk.catalog.departments_of(ctx.actor.id)
    queues = [(d, *request_store.queue(ctx.session, [d.key], 1, HOME_QUEUE)) for d in desks]
    escalated = _escalated(ctx, [d.key for d in desks])
    ids = [r.assignee_id for r in mine] + [r.assignee_id for r in escalated]
    ids += [r.requester_id for r in escalated]
    for _dep, rows, _total in queues:
        ids += [r.requester_id for r in rows] + [r.assignee_id for r in rows]
    ctx.prefetch_names(ids)
    shown = [r for r in mine if r.state != "cancelled"]
    waits = pending_sides(ctx.session, shown + [r for _dep, rows, _total in queues
                                                for r in rows])
    final = feedback.rating_closed(ctx, shown)
    out = [_home(ctx, "home.section", ctx.say("home.mine"))]
    for r in shown:
        out.append(_home_item(ctx, r, "mine", requester_actions(
            r.ref, r.state, ctx.locale, pending=waits.get(r.id or 0), rate=r.id not in final)))
    if not shown:
        out.append(_home(ctx, "home.note", ctx.say("home.mine.empty")))
    elif mine_total > len(mine):
        out.append(_home(ctx, "home.note", ctx.say("home.more", shown=len(mine),
                                                   total=mine_total, command="/request list")))
    if escalated:  # they may look, not act at the desk (the escalation's own button)
        out.append(_home(ctx, "home.section", ctx.say("home.escalated")))
        out += [_home_item(ctx, r, "escalated", (Button(
            ctx.say("button.show"), f"/request show {r.ref}", action="show"),))
            for r in escalated]
    for dep, rows, total in queues:
        out.append(_home(ctx, "home.section", ctx.say("home.queue",
                                                      department=dep.label(ctx.locale))))
        out += [_home_item(ctx, r, "queue", staff_actions(
            r.ref, r.state, r.assignee_id, ctx.locale, ctx.actor.id,
            pending=waits.get(r.id or 0))) for r in views.overdue_first(ctx, rows)]
        if total == 0:
            out.append(_home(ctx, "home.note", ctx.say("home.queue.empty")))
        elif len(rows) < total:
            out.append(_home(ctx, "home.note", ctx.say(
                "home.more", shown=len(rows), total=total, command=f"/request queue {dep.key}")))
    return Reply(tuple(_joined(out) if ctx.answer_to is not None else out))


def _escalated(ctx: Ctx, own: list[str]) -> list[Request]:
    """The open requests an escalation reached the actor about (its sweep claim, keyed
    ``…:escalate:<target>:<level>:person:<id>``, names them: ``lifecycle.escalated_to``),
    overdue first, at most ``HOME_ESCALATED``; not those of the desks in ``own`` (their
    queues show them) nor confidential ones (an escalation leaves their desk: the id only).
    Driven by the open requests (literal states: the partial index ix_request_open_queue),
    each looked up in the claims by its id."""
    states: BindParameter[list[str]] = bindparam(
        "open_states", list(request_store.OPEN_STATES), expanding=True, literal_execute=True)
    claimed = exists().where(
        col(NudgeClaim.request_id) == Request.id,
        col(NudgeClaim.key).contains(":escalate:"),
        col(NudgeClaim.key).endswith(f":person:{ctx.actor.id}", autoescape=True))
    stmt = (select(Request)
            .where(col(Request.state).in_(states), col(Request.department).not_in(own),
                   claimed)
            .order_by(func.coalesce(Request.resolution_due, Request.created_at),
                      col(Request.id))
            .limit(HOME_ESCALATED * 2))  # room for the confidential ones left out
    rows = [r for r in ctx.session.exec(stmt) if not confidential.of(ctx.desk, r)]
    return views.overdue_first(ctx, rows)[:HOME_ESCALATED]


def _joined(messages: list[Message]) -> list[Message]:
    """The overview as few messages as it can be, where each is a message of its own (the
    WeCom app chat, where each counts against the person's 30 a minute): the lines between
    the cards (headings, notes, requests without buttons) as one message each run; the
    platform splits a long one at its size limit."""
    out: list[Message] = []
    for message in messages:
        last = out[-1] if out else None
        if message.buttons or last is None or last.buttons:
            out.append(message)
            continue
        gap = "\n\n" if message.kind == "home.section" else "\n"  # a blank line: a section
        out[-1] = Message(text=f"{last.text}{gap}{message.text}", locale=last.locale,
                          kind=last.kind, extra={**last.extra, "joined": True})
    return out


def _home(ctx: Ctx, kind: str, text: str) -> Message:
    return Message(text=text, locale=ctx.locale, kind=kind)


def _home_item(ctx: Ctx, request: Request, section: str,
               buttons: tuple[Button, ...]) -> Message:
    """``FIN-2 ⚠ overdue · [P1] title — state → owner · due``: one request of the overview
    (the mark up front, where a card cut short still shows it)."""
    overdue = views.overdue(ctx, request)
    summary = views.summary(ctx, request, with_requester=section != "mine")
    mark = f" ⚠ {ctx.say('home.overdue')} ·" if overdue else ""
    text = f"{request.ref}{mark} {summary}"
    return Message(text=text, locale=ctx.locale, kind="home.item", buttons=buttons,
                   request_ref=request.ref, extra={"section": section, "overdue": overdue})


def register(router: Router) -> None:
    """Wire ``/request home``."""
    router.add("home", home)
