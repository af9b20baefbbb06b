"""Read-only commands: help, catalog, my list, department queue, show one request."""

from __future__ import annotations

from handlers import (
    approval_view,
    attachments,
    due_times,
    examples,
    feedback,
    field_lines,
    history,
    negotiation_view,
    orphans,
    retention,
)
from handlers import lifecycle as lc
from handlers.actions import request_actions
from handlers.context import Ctx, Refusal
from handlers.details_text import below_title
from handlers.grammar import Command
from handlers.messages import Button, Message, Reply
from handlers.router import Router
from handlers.targets import first_text, resolution_text
from handlers.thread_root import pending_side
from storage import form_drafts, request_store
from storage.models import Request


def _one(ctx: Ctx, text: str, buttons: tuple[Button, ...] = (), **kw: object) -> Reply:
    return Reply((Message(text=text, locale=ctx.locale, buttons=buttons, **kw),))  # type: ignore[arg-type]


def help_(ctx: Ctx, cmd: Command) -> Reply:
    """How to use the bot."""
    ex_ref = ctx.desk.examples.ref(examples.own_desk(ctx))  # their desk's ids, else the first
    return _one(ctx, ctx.say("help.text", ex_ref=ex_ref, **examples.day_to_come(ctx)),
                kind="help")


def catalog(ctx: Ctx, cmd: Command) -> Reply:
    """All departments and their services, or one department's catalog with targets."""
    from handlers.sla import format_business_duration

    deps = ctx.desk.catalog.departments
    if cmd.department is None:
        lines = [ctx.say("catalog.title")]
        for dep in deps:
            services = "、" if ctx.locale == "zh-CN" else ", "
            names = services.join(c.label(ctx.locale) for c in dep.categories)
            lines.append(f"• {dep.label(ctx.locale)} (`{dep.key}`, {dep.prefix}): {names}")
        lines.append(ctx.say("catalog.how", example=ctx.desk.examples.request_line(ctx.locale)))
        return _one(ctx, "\n".join(lines), kind="catalog")
    dep = ctx.department(cmd.department)
    day = ctx.desk.calendar_for(dep.key).daily_length()
    lines = [ctx.say("catalog.department", department=dep.label(ctx.locale))]
    for cat in dep.categories:
        lines.append(
            ctx.say(
                "catalog.line", name=cat.label(ctx.locale), cat=cat.key, dep=dep.key,
                priority=cat.priority,
                first=format_business_duration(cat.first_response, ctx.locale, day),
                resolution=format_business_duration(cat.resolution, ctx.locale, day),
            )
        )
    return _one(ctx, "\n".join(lines), kind="catalog")


def _line(ctx: Ctx, request: Request, with_requester: bool) -> str:
    return f"• {request.ref} {summary(ctx, request, with_requester)}"


def summary(ctx: Ctx, request: Request, with_requester: bool) -> str:
    """``[P3] title — state → owner · requester · due``: one request in a list; the due time
    is the next one it is measured by (``due_times.next_due``: a first response still owed,
    else the resolution; none while its clock stands)."""
    state = ctx.say(f"state.{request.state}")
    due = due_times.next_due_text(ctx, request, ctx.locale)
    due = f" · {due}" if due else ""
    who = f" · {ctx.name(request.requester_id)}" if with_requester else ""
    owner = f" → {ctx.name(request.assignee_id)}" if request.assignee_id else ""
    return f"[{request.priority}] {request.title} — {state}{owner}{who}{due}"


def overdue(ctx: Ctx, request: Request) -> bool:
    """Whether the request missed the target it is measured by: a first response still owed,
    or its resolution (``due_times.next_due``)."""
    found = due_times.next_due(request)
    return found is not None and found[1] < ctx.now


def overdue_first(ctx: Ctx, rows: list[Request]) -> list[Request]:
    """``rows`` with the overdue ones first, longest overdue first; the others as they came
    (the store orders a queue by resolution due, which a missed first response precedes)."""
    late = sorted((found[1], i) for i, r in enumerate(rows)
                  if (found := due_times.next_due(r)) is not None and found[1] < ctx.now)
    first = [i for _due, i in late]
    return [rows[i] for i in first] + [r for i, r in enumerate(rows) if i not in first]


def _page_count(ctx: Ctx, total: int) -> int:
    return max(1, -(-total // ctx.desk.policy.page_size))


def _pages(ctx: Ctx, page: int, total: int) -> str:
    """"Page 1 of 3 (25 in all)", and how to see more unless this is the last page."""
    pages = _page_count(ctx, total)
    key = "list.page" if page < pages else "list.page_last"
    return ctx.say(key, page=page, pages=pages, total=total)


def _within_pages(ctx: Ctx, page: int, total: int, command: str) -> None:
    """Refuse a page past the last one, saying how many there are and what to type."""
    pages = _page_count(ctx, total)
    if total and page > pages:
        raise Refusal("err.page_past_end", page=page, pages=pages, total=total,
                      command=f"{command} {pages}")


def my_list(ctx: Ctx, cmd: Command) -> Reply:
    """The requests the actor opened, open ones first; on the first page, the form they left
    unfinished in chat, if any."""
    page = cmd.number or 1
    rows, total = request_store.of_requester(
        ctx.session, ctx.actor.id, page, ctx.desk.policy.page_size
    )
    form = _unfinished_form(ctx) if page == 1 else []
    if total == 0:
        return _one(ctx, "\n".join([ctx.say("list.empty"), *form]))
    _within_pages(ctx, page, total, "/request list")
    ctx.prefetch_names([r.assignee_id for r in rows])
    lines = [ctx.say("list.title")] + [_line(ctx, r, False) for r in rows]
    lines.append(_pages(ctx, page, total))
    return _one(ctx, "\n".join([*lines, *form]), kind="list")


def _unfinished_form(ctx: Ctx) -> list[str]:
    """The actor's form being filled in chat, not yet expired: its service and department,
    and what to type to go on (the field it asks) or to drop it."""
    draft = form_drafts.get(ctx.session, ctx.actor.id)
    if draft is None or draft.expires_at <= ctx.now:
        return []
    dep = ctx.department(draft.department)  # a stand-in when it left the config
    category = dep.category(draft.category)
    spec = category.field(draft.asking or "") if category else None
    where = {"service": category.label(ctx.locale) if category else draft.category,
             "department": dep.label(ctx.locale)}
    if spec is None:  # its service or the question asked left the config
        return [ctx.say("list.form.reply", **where)]
    return [ctx.say("list.form", field=spec.label(ctx.locale), **where)]


def queue(ctx: Ctx, cmd: Command) -> Reply:
    """A department's open requests, most urgent first (paginated)."""
    if cmd.department is not None:
        if not ctx.desk.is_staff(ctx.actor.id, cmd.department):
            raise Refusal("err.not_member_queue", department=ctx.dept_label(cmd.department))
        keys = [cmd.department]
    else:
        keys = [d.key for d in ctx.desk.catalog.departments_of(ctx.actor.id)]
        if not keys:
            if ctx.desk.is_admin(ctx.actor.id):
                keys = [d.key for d in ctx.desk.catalog.departments]
            else:
                raise Refusal("err.no_department")
    page = cmd.number or 1
    rows, total = request_store.queue(ctx.session, keys, page, ctx.desk.policy.page_size)
    label = ctx.say("list.sep").join(ctx.dept_label(k) for k in keys)
    gone = _orphans(ctx) if cmd.department is None and page == 1 else []
    gone = (approval_view.coming_lines(ctx, keys) if page == 1 else []) + gone
    if total == 0 and not gone:
        return _one(ctx, ctx.say("queue.empty", department=label))
    _within_pages(ctx, page, total,
                  "/request queue" + (f" {cmd.department}" if cmd.department else ""))
    ctx.prefetch_names([r.assignee_id for r in rows] + [r.requester_id for r in rows])
    lines = [ctx.say("queue.title", department=label) if total
             else ctx.say("queue.empty", department=label)]
    lines += [_line(ctx, r, True) for r in overdue_first(ctx, rows)]
    if total:
        lines.append(_pages(ctx, page, total))
    lines += gone
    return _one(ctx, "\n".join(lines), kind="queue")


def _orphans(ctx: Ctx) -> list[str]:
    """For admins: the open requests whose desk or service left the config."""
    if not ctx.desk.is_admin(ctx.actor.id):
        return []
    rows = orphans.open_orphans(ctx.session, ctx.desk.catalog)
    if not rows:
        return []
    ctx.prefetch_names([r.assignee_id for r in rows] + [r.requester_id for r in rows])
    return [ctx.say("queue.orphans", n=len(rows))] + [
        f"• {r.ref} ({r.department}/{r.category}) {summary(ctx, r, True)}" for r in rows]


def show(ctx: Ctx, cmd: Command) -> Reply:
    """One request with its targets and full history, in local time; a platform with little
    room shows its latest events (``handlers.history.within``)."""
    request = lc.load(ctx, cmd.ref)
    loc = ctx.locale
    dep = ctx.department(request.department)
    category = dep.category(request.category)
    fields = (
        (ctx.say("field.state"), ctx.say(f"state.{request.state}")),
        (ctx.say("field.department"), ctx.say("desk.gone", department=dep.key) if dep.gone
         else dep.label(loc)),
        (ctx.say("field.category"), category.label(loc) if category
         else ctx.say("service.gone", service=request.category)),
        (ctx.say("field.priority"), ctx.say(f"priority.{request.priority}")),
        (ctx.say("field.requester"), ctx.name(request.requester_id)),
        (ctx.say("field.assignee"), ctx.name(request.assignee_id)),
        (ctx.say("field.opened"), ctx.local(request.created_at)),
        (ctx.say("field.first_due"), first_text(ctx, request, loc)),
        (ctx.say("field.resolution_due"), resolution_text(ctx, request, loc)),
    )
    lines = [f"{request.ref} · {request.title}"]
    details = below_title(request.title, request.details)
    if details:
        lines.append(details)
    if retention.details_removed(request):
        lines.append(ctx.say("show.purged"))
    lines += [f"{k}: {v}" for k, v in fields]
    lines += [f"{k}: {v}" for k, v in field_lines.of_request(ctx.session, ctx.desk.catalog,
                                                              request, loc)]
    if request.resolution_note:
        lines.append(f"{ctx.say('field.resolution')}: {request.resolution_note}")
    lines += approval_view.steps_lines(ctx, request)
    lines += negotiation_view.lines(ctx, request)
    attached = attachments.listing(ctx, request)
    if attached:
        lines.append(attached)
    lines.append(ctx.say("show.history"))
    shown = Message(text="\n".join(lines), locale=loc, buttons=_actions(ctx, request),
                    kind="show", request_ref=request.ref)
    return Reply((history.ending(shown, history.event_lines(ctx, request)),))


def _actions(ctx: Ctx, request: Request) -> tuple[Button, ...]:
    requester = ctx.actor.id == request.requester_id
    return request_actions(request.ref, request.state, request.assignee_id, ctx.locale,
                           viewer=ctx.actor.id,
                           staff=ctx.desk.is_staff(ctx.actor.id, request.department),
                           requester=requester,
                           pending=pending_side(ctx.session, request),
                           rate=requester and not feedback.rating_closed(ctx, [request]))


def register(router: Router) -> None:
    """Wire the read-only commands."""
    router.add("help", help_)
    router.add("catalog", catalog)
    router.add("list", my_list)
    router.add("queue", queue)
    router.add("show", show)
