"""The notifications a request's changes queue, each written in its reader's language."""

from __future__ import annotations

from collections.abc import Callable

from handlers import due_times, field_lines, instructions, thread_root
from handlers.context import Ctx, button
from handlers.details_text import below_title
from handlers.i18n import t
from handlers.messages import IN_THREAD, LEFT_STATUS, Button, Message
from storage.models import Request


def _fields(ctx: Ctx, request: Request, locale: str) -> tuple[tuple[str, str], ...]:
    dep = ctx.department(request.department)
    category = dep.category(request.category)
    return (
        (t(locale, "field.requester"), ctx.name(request.requester_id)),
        (t(locale, "field.category"), category.label(locale) if category else request.category),
        (t(locale, "field.priority"), t(locale, f"priority.{request.priority}")),
        (t(locale, "field.first_due"), due_times.due_text(ctx, request, request.first_response_due,
                                                   locale)),
        (t(locale, "field.resolution_due"), due_times.due_text(ctx, request, request.resolution_due,
                                                        locale)),
    )


def staff_buttons(request: Request, locale: str) -> tuple[Button, ...]:
    """Acknowledge / Assign to me, for the department's new-request message (the thread
    root's buttons as first posted)."""
    return thread_root.buttons(request.ref, request.state, request.assignee_id, locale,
                               first=True)


def new_request(ctx: Ctx, request: Request,
                more: Callable[[str], list[str]] | None = None) -> None:
    """Tell the owning department's channel: this message roots the request's thread (and
    the desk's leads, in person, of a P1 that arrives while the desk is closed). ``more``:
    lines under the title in a locale (what a reopen after a rejection changed)."""

    def render(locale: str) -> Message:
        text = t(
            locale, "note.new_request", ref=request.ref, title=request.title,
            requester=ctx.name(request.requester_id),
            home=_home(ctx, request, locale),
        )
        text = "\n".join([text, *(more(locale) if more else [])])
        details = below_title(request.title, request.details)
        form = field_lines.of_request(ctx.session, ctx.desk.catalog, request, locale)
        return Message(
            text=text + (f"\n{details}" if details else ""), locale=locale,
            fields=_fields(ctx, request, locale) + form, buttons=staff_buttons(request, locale),
            kind="new_request", thread_root=True, extra=field_lines.marker(form),
        )

    ctx.notify_channel(request.department, render, request)
    p1_after_hours(ctx, request)


def p1_after_hours(ctx: Ctx, request: Request) -> None:
    """A P1 whose clock runs round the clock (``Desk.around_the_clock``) arrived while its
    desk is closed: each lead (but the one who did it) hears it at once, once, in person,
    so that someone picks it up within its target."""
    desk = ctx.desk
    if not desk.around_the_clock(request) or desk.calendar_for(request.department).is_open(
            ctx.now):
        return

    def render(locale: str) -> Message:
        text = t(locale, "note.p1_after_hours", ref=request.ref, title=request.title,
                 department=ctx.dept_label(request.department, locale),
                 requester=ctx.name(request.requester_id),
                 first_due=due_times.due_text(ctx, request, request.first_response_due, locale))
        return Message(text=text, locale=locale, buttons=staff_buttons(request, locale),
                       kind="nudge")

    for lead in ctx.department(request.department).leads:
        if lead != ctx.actor.id:
            ctx.notify_person(lead, render, request, dedupe_key=(
                f"p1_after_hours:{request.id}:{request.department}:{lead}"))


def _home(ctx: Ctx, request: Request, locale: str) -> str:
    if request.requester_department is None:
        return ""
    return f" ({ctx.dept_label(request.requester_department, locale)})"


def opened_to_requester(ctx: Ctx, request: Request) -> None:
    """Confirm the new request to the requester, with a Cancel button."""

    def render(locale: str) -> Message:
        text = t(
            locale, "note.opened", ref=request.ref,
            department=ctx.dept_label(request.department, locale), title=request.title,
            first_due=due_times.due_text(ctx, request, request.first_response_due, locale),
        )
        return opened(ctx, request, locale, text)

    ctx.notify_person(request.requester_id, render, request)


def opened(ctx: Ctx, request: Request, locale: str, text: str) -> Message:
    """``text`` confirming a new request, with its form's values, the service's instructions
    and the requester's buttons (This answered my question, Cancel): the requester's notice,
    or the answer itself where the answer arrives in the requester's chat (WeCom)."""
    cancel = button(locale, "button.cancel", f"/request cancel {request.ref}", "cancel",
                    "danger")
    form = field_lines.of_request(ctx.session, ctx.desk.catalog, request, locale)
    text, answered = instructions.offer(ctx, request, locale, text)
    return Message(text=text, locale=locale, fields=form, buttons=(*answered, cancel),
                   kind="opened", request_ref=request.ref, extra=field_lines.marker(form))


def to_requester(ctx: Ctx, request: Request, key: str, **params: object) -> None:
    """A status change, told to the requester."""
    if request.requester_id == ctx.actor.id:
        return

    def render(locale: str) -> Message:
        text = t(locale, key, ref=request.ref, title=request.title, **params)
        return Message(text=text, locale=locale, kind="status")

    ctx.notify_person(request.requester_id, render, request)


def to_thread(ctx: Ctx, request: Request, key: str, **params: object) -> None:
    """A line in the request's thread in the department channel."""

    def render(locale: str) -> Message:
        text = t(locale, key, ref=request.ref, **params)
        return Message(text=text, locale=locale, kind="thread",
                       extra={"state": request.state, "assignee": request.assignee_id})

    ctx.notify_channel(request.department, render, request)


def to_desk(ctx: Ctx, request: Request, key: str, *, by: str, text: str,
            channel: bool = True) -> None:
    """Something the requester did: the assignee hears it, and the thread records it (unless
    ``channel`` is False: it was said in the thread)."""

    def render(locale: str) -> Message:
        body = t(locale, key, ref=request.ref, by=by, title=request.title, text=text)
        return Message(text=body, locale=locale, kind="from_requester")

    with ctx.batched():
        if request.assignee_id and request.assignee_id != ctx.actor.id:
            ctx.notify_person(request.assignee_id, render, request)
        if channel:
            ctx.notify_channel(request.department, render, request)


def to_people(ctx: Ctx, request: Request, person_ids: list[str], key: str, *, by: str,
              text: str) -> None:
    """Someone's words on the request, told to each of ``person_ids`` (its approvers)."""

    def render(locale: str) -> Message:
        body = t(locale, key, ref=request.ref, by=by, title=request.title, text=text)
        return Message(text=body, locale=locale, kind="comment")

    for person in person_ids:
        ctx.notify_person(person, render, request)


def assigned_to_person(ctx: Ctx, request: Request, who: str) -> None:
    """Tell a person they now own a request."""

    def render(locale: str) -> Message:
        text = t(locale, "note.assigned_to_you", ref=request.ref, title=request.title,
                 by=ctx.name(ctx.actor.id), requester=ctx.name(request.requester_id))
        buttons: tuple[Button, ...] = ()
        if request.state == "open":
            buttons = (button(locale, "button.ack", f"/request ack {request.ref}", "ack",
                              "primary"),)
        return Message(text=text, locale=locale, fields=_fields(ctx, request, locale),
                       buttons=buttons, kind="assigned")

    ctx.notify_person(who, render, request)


def question_to_requester(ctx: Ctx, request: Request, question: str) -> None:
    """The desk asks the requester something; the answer is a comment."""

    def render(locale: str) -> Message:
        text = t(locale, "note.question", ref=request.ref, title=request.title,
                 by=ctx.name(ctx.actor.id), text=question)
        return Message(text=text, locale=locale, kind="question")

    ctx.notify_person(request.requester_id, render, request)


def comment_to_requester(ctx: Ctx, request: Request, text: str) -> None:
    """A desk member's comment, told to the requester."""

    def render(locale: str) -> Message:
        body = t(locale, "note.comment_from_desk", ref=request.ref, title=request.title,
                 by=ctx.name(ctx.actor.id), text=text)
        return Message(text=body, locale=locale, kind="comment")

    if request.requester_id != ctx.actor.id:
        ctx.notify_person(request.requester_id, render, request)


def resolved_to_requester(ctx: Ctx, request: Request) -> None:
    """The work is done: the requester is asked to confirm or reopen."""

    def render(locale: str) -> Message:
        text = t(locale, "note.resolved", ref=request.ref, title=request.title,
                 by=ctx.name(ctx.actor.id), text=request.resolution_note or "")
        buttons = (
            button(locale, "button.confirm", f"/request confirm {request.ref}", "confirm",
                   "primary"),
            button(locale, "button.reopen", f"/request reopen {request.ref} <reason>", "reopen"),
        )
        return Message(text=text, locale=locale, buttons=buttons, kind="resolved")

    if request.requester_id != ctx.actor.id:
        ctx.notify_person(request.requester_id, render, request)


def transferred(ctx: Ctx, request: Request, old_department: str,
                former_thread: str | None = None) -> None:
    """The new department gets a fresh thread; the old one (in the thread the request left,
    ``former_thread``, when it had one) and the requester are told."""
    new_request(ctx, request)

    def render_old(locale: str) -> Message:
        department = ctx.dept_label(request.department, locale)
        text = t(locale, "thread.transferred", ref=request.ref, by=ctx.name(ctx.actor.id),
                 department=department)
        if not former_thread:
            return Message(text=text, locale=locale, kind="thread")
        left = t(locale, "thread.left_status", department=department)
        return Message(text=text, locale=locale, kind="thread", request_ref=request.ref,
                       extra={IN_THREAD: former_thread, LEFT_STATUS: left})

    ctx.notify_channel(old_department, render_old, None)
    loc = ctx.locale_of(request.requester_id)
    service = ctx.desk.catalog.department(request.department).category(request.category)
    to_requester(ctx, request, "note.transferred", by=ctx.name(ctx.actor.id),
                 department=ctx.dept_label(request.department, loc),
                 service=service.label(loc) if service else request.category,
                 priority=t(loc, f"priority.{request.priority}"),
                 first_due=due_times.due_text(ctx, request, request.first_response_due, loc),
                 resolution_due=due_times.due_text(ctx, request, request.resolution_due, loc))
