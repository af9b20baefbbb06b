"""Open a request and move it through its lifecycle: ack, assign, wait, resolve, confirm …"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from sqlmodel import select

from handlers import approval, attachments, confidential, due_times, forms, negotiation, notices
from handlers import lifecycle as lc
from handlers.catalog import Category, Department
from handlers.context import Ctx, Refusal, names_list
from handlers.fields import ME_WORDS, Named, bare_name, people_named
from handlers.grammar import Command
from handlers.i18n import join
from handlers.messages import Message, Reply
from handlers.router import Router
from handlers.targets import first_text, resolution_text
from storage import approvals, people, request_store
from storage.models import Event, Request

TITLE_LIMIT = 80
TWIN_WINDOW = timedelta(minutes=10)  # the same words again within it: sent twice?


def _title(details: str, fallback: str) -> str:
    first = next((line.strip() for line in details.splitlines() if line.strip()), "")
    if not first:
        return fallback
    return first if len(first) <= TITLE_LIMIT else first[: TITLE_LIMIT - 1] + "…"


def _reply(ctx: Ctx, key: str, request: Request, **params: object) -> Reply:
    text = ctx.say(key, ref=request.ref, **params)
    message = Message(text=text, locale=ctx.locale, request_ref=request.ref)
    return Reply((message,), queued=ctx.queued, request_ref=request.ref)


def open_request(ctx: Ctx, cmd: Command, filled: forms.Filled | None = None) -> Reply:
    """Open a request to a department; its channel and the requester are told. A service
    with a form takes its typed values from the command (or ``filled``); with a required one
    missing nothing opens and the chat asks for it (``handlers.form_chat``)."""
    assert cmd.department and cmd.category
    dep = ctx.department(cmd.department)
    category = dep.category(cmd.category)
    assert category is not None
    filled = filled or forms.collect(ctx, category, cmd.text)
    if filled.missing:
        from handlers import form_chat  # it opens the request when the form is complete

        return form_chat.start(ctx, cmd, category, filled)
    priority = cmd.priority or category.priority
    if cmd.raise_priority and not cmd.priority:
        priority = lc.raise_one(priority)
    number = request_store.next_number(ctx.session, dep.key)
    homes = ctx.desk.catalog.departments_of(ctx.actor.id)
    request = request_store.build(
        ref=f"{dep.prefix}-{number}",
        number=number,
        origin_department=dep.key,
        department=dep.key,
        category=category.key,
        requester_id=ctx.actor.id,
        requester_department=homes[0].key if homes else None,
        priority=priority,
        state="open",
        title=_title(filled.details, category.label(ctx.locale_of(ctx.actor.id))),
        details=filled.details,
        created_at=ctx.now,
        updated_at=ctx.now,
        clock_started_at=ctx.now,
        next_sweep_at=ctx.now,
    )
    due_times.set_due_times(ctx, request, ctx.now)
    twin = request_store.twin(ctx.session, ctx.actor.id, dep.key, category.key,
                              filled.details, ctx.now - TWIN_WINDOW)
    request_store.insert_new(ctx.session, request)
    request_store.add_event(
        ctx.session, request, ctx.actor.id, ctx.now, "opened", to_state="open", note=cmd.text
    )
    said = forms.store(ctx, request, replace(filled, files=()))  # the typed values
    if filled.files:
        ctx.files = ()  # kept with the request: not attached again after the command
    if approval.start(ctx, request):  # after the form's values are stored: they set the steps
        return approval.opened_reply(ctx, request, [*_attach(ctx, request, filled), *said])
    in_chat = ctx.answers_in_chat_of(request.requester_id)  # the answer is the notice
    with ctx.batched():  # the channel's and the requester's notices: one INSERT
        notices.new_request(ctx, request)
        if not in_chat:
            notices.opened_to_requester(ctx, request)
    attached = [*_attach(ctx, request, filled), *said]  # after the root: in its thread
    text = ctx.say(
        "reply.opened",
        ref=request.ref,
        department=dep.label(ctx.locale),
        category=category.label(ctx.locale),
        priority=ctx.say(f"priority.{priority}"),
        first_due=due_times.due_text(ctx, request, request.first_response_due, ctx.locale),
        resolution_due=due_times.due_text(ctx, request, request.resolution_due, ctx.locale),
    )
    if twin is not None:  # a double send, or meant: the requester may cancel this one
        attached = [*attached, ctx.say("reply.opened_twin", twin=twin, ref=request.ref)]
    text = "\n".join([text, *attached])  # the form and instructions: in the notice
    message = (notices.opened(ctx, request, ctx.locale, text) if in_chat
               else Message(text=text, locale=ctx.locale, request_ref=request.ref))
    return Reply((message,), queued=ctx.queued, request_ref=request.ref,
                 request_id=request.id if in_chat else None)  # its card, greyed with the rest


def _attach(ctx: Ctx, request: Request, filled: forms.Filled) -> list[str]:
    """Attach the files given for the form's file fields; a line each for the answer. Called
    once the request's root is queued: the desk hears of a file in the request's thread."""
    return attachments.attach(ctx, request, filled.files) if filled.files else []


def ack(ctx: Ctx, cmd: Command) -> Reply:
    """A department member takes the request: the requester hears who has it."""
    request = lc.load(ctx, cmd.ref)
    lc.require_staff(ctx, request, "ack")
    lc.require_state(ctx, request, ("open",), "ack")
    lc.take_if_unassigned(ctx, request)
    lc.first_response(ctx, request)
    lc.transition(ctx, request, "acknowledged", "acknowledged")
    with ctx.batched():
        notices.to_requester(ctx, request, "note.acked", by=ctx.name(ctx.actor.id))
        notices.to_thread(ctx, request, "thread.acked", by=ctx.name(ctx.actor.id))
    return _reply(ctx, "reply.acked", request)


def assign(ctx: Ctx, cmd: Command) -> Reply:
    """Give the request to a member of the owning department (to its assignee again: said,
    nothing changed)."""
    request = lc.load(ctx, cmd.ref)
    lc.require_staff(ctx, request, "assign")
    lc.require_state(ctx, request, lc.OPEN_STATES, "assign")
    assert cmd.person is not None
    given = cmd.text or cmd.person  # the words after the id, when the grammar passes them
    dep = ctx.department(request.department)
    staff = dep.staff()
    found = people_called(ctx, given)
    if not found:
        raise Refusal("err.assign_unknown", person=given, ref=request.ref,
                      department=dep.label(ctx.locale),
                      members=names_list(ctx, staff, ctx.locale))
    members = tuple(p for p in found if p in staff)  # a shared name: the desk's one meant
    if not members:
        raise Refusal(
            "err.assign_not_member", department=dep.label(ctx.locale),
            person=ctx.name(found[0]) if len(found) == 1 else given.strip(),
            members=names_list(ctx, staff, ctx.locale),
        )
    who = one_person(ctx, given, members, lambda pid: ctx.say(
        "person.command.assign", ref=request.ref, who=pid))
    assert who is not None
    if who == request.assignee_id:  # again, by any name: nothing to change, no one to tell
        return _reply(ctx, "reply.assigned_same", request, who=ctx.name(who))
    request.assignee_id = who
    to_state = "in_progress" if request.state == "acknowledged" else None
    lc.transition(ctx, request, to_state, "assigned", note=who)
    with ctx.batched():
        if who != ctx.actor.id:
            notices.assigned_to_person(ctx, request, who)
        notices.to_requester(ctx, request, "note.assigned", who=ctx.name(who))
        notices.to_thread(ctx, request, "thread.assigned" if who != ctx.actor.id
                          else "thread.assigned_self", who=ctx.name(who),
                          by=ctx.name(ctx.actor.id))
    return _reply(ctx, "reply.assigned", request, who=ctx.name(who))


def people_called(ctx: Ctx, given: str) -> tuple[str, ...]:
    """The ids of those ``given`` names, as people name them on any platform: ``me``, their
    crossdesk id, a Slack id or WeCom userid, their name or its Chinese or English part
    (``fields.people_named``); several when the name is shared, none for nobody."""
    if bare_name(given) in ME_WORDS:
        return (ctx.actor.id,)
    found = people_named(given, (Named(p.id, p.name, p.slack_id, p.wecom_id)
                                 for p in people.named_like(ctx.session, bare_name(given))))
    if not found and len(given.split()) > 1:  # "bob please": the first word names them
        return people_called(ctx, given.split()[0])
    return found


def one_person(ctx: Ctx, given: str, found: tuple[str, ...],
               typed: Callable[[str], str]) -> str | None:
    """The one of ``found`` (None for none); with several, refused asking which, with the
    command ``typed`` makes of each one's id."""
    if len(found) > 1:
        raise Refusal("err.person_ambiguous", person=given.strip(),
                      choices="\n".join(_choice(ctx, pid, typed(pid)) for pid in found))
    return found[0] if found else None


def _choice(ctx: Ctx, person_id: str, command: str) -> str:
    """One line of a "which one?": the name, their departments, what to type."""
    where = [d.label(ctx.locale) for d in ctx.desk.catalog.departments_of(person_id)]
    if where:
        return ctx.say("person.choice_at", name=ctx.name(person_id),
                       departments=join(ctx.locale, where), command=command)
    return ctx.say("person.choice", name=ctx.name(person_id), command=command)


def wait(ctx: Ctx, cmd: Command) -> Reply:
    """Ask the requester a question; the resolution clock pauses until they answer."""
    request = lc.load(ctx, cmd.ref)
    lc.require_staff(ctx, request, "wait")
    lc.require_state(ctx, request, ("open", "acknowledged", "in_progress"), "wait")
    lc.first_response(ctx, request)
    lc.take_if_unassigned(ctx, request)
    negotiation.withdraw(ctx, request)  # a proposal's pause ends: the question's starts
    request.paused_at = ctx.now
    lc.transition(ctx, request, "waiting", "waiting", note=cmd.text)
    with ctx.batched():
        notices.question_to_requester(ctx, request, cmd.text)
        notices.to_thread(ctx, request, "thread.waiting", by=ctx.name(ctx.actor.id),
                          text=cmd.text)
    return _reply(ctx, "reply.waiting", request, requester=ctx.name(request.requester_id))


def resume(ctx: Ctx, cmd: Command) -> Reply:
    """End the wait (the desk, or the requester without an answer): the clock runs again,
    moved out by the time paused."""
    request = lc.load(ctx, cmd.ref)
    if ctx.actor.id != request.requester_id:
        lc.require_staff(ctx, request, "resume")
    lc.require_state(ctx, request, ("waiting",), "resume")
    _resume(ctx, request, None)
    return _reply(ctx, "reply.resumed", request)


def _resume(ctx: Ctx, request: Request, note: str | None, in_thread: bool = True) -> None:
    due_times.end_pause(ctx, request)
    lc.transition(ctx, request, "in_progress", "resumed", note=note)
    by = ctx.name(ctx.actor.id)
    if ctx.actor.id == request.requester_id:
        key = "note.resumed_by_requester" if note and note.strip() else "note.resumed_unanswered"
        notices.to_desk(ctx, request, key, by=by, text=note or "", channel=in_thread)
    else:
        with ctx.batched():
            notices.to_requester(ctx, request, "note.resumed", by=by)
            notices.to_thread(ctx, request, "thread.resumed", by=by)


def resolve(ctx: Ctx, cmd: Command) -> Reply:
    """Mark the work done with a note; the requester is asked to confirm or reopen."""
    request = lc.load(ctx, cmd.ref)
    lc.require_staff(ctx, request, "resolve")
    lc.require_state(ctx, request, lc.OPEN_STATES, "resolve")
    negotiation.withdraw(ctx, request)
    due_times.end_pause(ctx, request)
    lc.first_response(ctx, request)
    lc.take_if_unassigned(ctx, request)
    lc.settle_breach(ctx, request, "resolution", request.resolution_due)
    request.resolved_at = ctx.now
    request.resolution_note = cmd.text
    request.resolver_id = ctx.actor.id
    lc.transition(ctx, request, "resolved", "resolved", note=cmd.text)
    with ctx.batched():
        notices.resolved_to_requester(ctx, request)
        notices.to_thread(ctx, request, "thread.resolved", by=ctx.name(ctx.actor.id),
                          text=cmd.text)
    return _reply(ctx, "reply.resolved", request, requester=ctx.name(request.requester_id))


def confirm(ctx: Ctx, cmd: Command) -> Reply:
    """The requester confirms the solution: the request closes."""
    request = lc.load(ctx, cmd.ref)
    lc.require_requester(ctx, request, "confirm")
    lc.require_state(ctx, request, ("resolved",), "confirm")
    request.closed_at = ctx.now
    lc.transition(ctx, request, "closed", "confirmed")
    notices.to_desk(ctx, request, "note.confirmed", by=ctx.name(ctx.actor.id), text="")
    return _reply(ctx, "reply.confirmed", request)


def reopen(ctx: Ctx, cmd: Command) -> Reply:
    """The requester says it is not solved: back to in progress, with the reason and a
    fresh resolution target."""
    request = lc.load(ctx, cmd.ref)
    lc.require_requester(ctx, request, "reopen")
    if request.state == approval.REJECTED:  # with changes: the approval starts again
        return approval.reopen_rejected(ctx, request, cmd.text)
    lc.require_state(ctx, request, ("resolved", "closed"), "reopen")
    _refuse_values(ctx, request, cmd.text)
    lc.keep_targets(ctx, request)  # the cycle ending: a late resolution stays late
    request.resolved_at = None
    request.closed_at = None
    due_times.start_cycle(ctx, request)  # a fresh resolution target from now, not the old one
    lc.transition(ctx, request, "in_progress", "reopened", note=cmd.text)
    notices.to_desk(ctx, request, "note.reopened", by=ctx.name(ctx.actor.id), text=cmd.text)
    return _reply(ctx, "reply.reopened", request, resolution_due=due_times.due_text(
        ctx, request, request.resolution_due, ctx.locale))


def _refuse_values(ctx: Ctx, request: Request, text: str) -> None:
    """Refuse a reopen whose words give a form value (``amount=9000``, ``金额=9000``; a
    ``原因：…`` stays the reason): a reopen keeps the request's values, so say to reopen
    without it or to open a new request with it (only a rejected request's reopen changes
    values: ``approval.reopen_rejected``)."""
    from handlers.approval_values import form_of
    from handlers.fields import split_pairs, typed_pairs

    form = form_of(ctx, request)
    pairs = [p for p in typed_pairs(text, form)[0]
             if text[p.start + len(p.name):].lstrip(" \t\u3000")[:1] in "=＝"]
    if not pairs:
        return
    reason = split_pairs(text, form)[1] or ctx.say("slot.reason")
    raise Refusal("err.reopen_values", ref=request.ref,
                  values=join(ctx.locale, [f"`{text[p.start:p.end]}`" for p in pairs]),
                  reason=reason,
                  new=f"/request {request.department} {request.category} {text.strip()}")


def cancel(ctx: Ctx, cmd: Command) -> Reply:
    """The requester withdraws the request."""
    request = lc.load(ctx, cmd.ref)
    lc.require_requester(ctx, request, "cancel")
    lc.require_state(ctx, request, (*lc.OPEN_STATES, approval.PENDING), "cancel")
    negotiation.withdraw(ctx, request, settle=False)
    due_times.end_pause(ctx, request)  # a resolution paused until now was never missed
    request.closed_at = ctx.now
    was_pending = request.state == approval.PENDING
    lc.transition(ctx, request, "cancelled", "cancelled")
    if was_pending:  # the desk never had it: its approvers are told instead
        approval.withdrawn(ctx, request)
    else:
        notices.to_desk(ctx, request, "note.cancelled", by=ctx.name(ctx.actor.id), text="")
    return _reply(ctx, "reply.cancelled", request)


# How a comment came: the command, a reply in the desk's thread, a reply in the person's
# DM / app chat, or a desk member's internal note (never told to the requester).
COMMENT_KINDS = ("commented", "thread_reply", "dm_reply", "internal_note")
# Words of the desk that start with one of these stay inside the desk: an internal note,
# however they came (``comment ID // text``, a reply in the desk's thread or in the DM).
INTERNAL_MARKERS = ("//", "(internal)", "（内部）", "(内部)")


def is_internal(text: str) -> bool:
    """True when ``text`` starts with an internal-note marker."""
    return text.lstrip().lower().startswith(INTERNAL_MARKERS)


def without_marker(text: str) -> str:
    """The note without its internal marker."""
    body = text.lstrip()
    for marker in INTERNAL_MARKERS:
        if body.lower().startswith(marker):
            return body[len(marker):].strip()
    return body.strip()


def writes_note(ctx: Ctx, request: Request, text: str) -> bool:
    """Whether the actor's ``text`` on ``request`` is an internal note: it starts with a
    marker and the actor works the request's desk without being its requester (the
    requester's words, marker and all, go to the desk as a comment)."""
    return (is_internal(text) and ctx.actor.id != request.requester_id
            and ctx.desk.is_staff(ctx.actor.id, request.department))


def add_note(ctx: Ctx, request: Request, note: str, *, in_thread: bool = True) -> None:
    """The desk's internal note on ``request`` (marker taken off): kept in the history, shown
    to the desk, never told to the requester and no first response. ``in_thread=False`` when
    it was written in the desk's thread: not posted there again. Nothing to note is refused."""
    if not note.strip():
        raise Refusal("err.empty_note", ref=request.ref)
    lc.transition(ctx, request, None, "internal_note", note=note)
    if in_thread:
        notices.to_thread(ctx, request, "thread.internal_note", by=ctx.name(ctx.actor.id),
                          text=note)


def comment(ctx: Ctx, cmd: Command) -> Reply:
    """Add to the conversation; the other side hears it (a requester's answer resumes a wait).
    The desk's ``comment ID // text`` is an internal note (files shared with it too)."""
    request = lc.load(ctx, cmd.ref)
    if writes_note(ctx, request, cmd.text):
        files, ctx.files = ctx.files, ()  # the note's: kept inside the desk, not passed on
        note = without_marker(cmd.text) or " ".join(f"📎 {f.name}" for f in files)
        add_note(ctx, request, note)
        lines = attachments.attach(ctx, request, files, internal=True)
        reply = _reply(ctx, "conv.internal_noted", request)
        shown = replace(reply.messages[0], text="\n".join([reply.messages[0].text, *lines]))
        return replace(reply, messages=(shown,), queued=ctx.queued)
    add_comment(ctx, request, cmd.text)
    return _reply(ctx, "reply.commented", request)


def add_comment(ctx: Ctx, request: Request, text: str, kind: str = "commented", *,
                in_thread: bool = True, tell: bool = True) -> None:
    """The actor's comment on ``request``, recorded as ``kind``: a requester's goes to the
    desk (and resumes a wait), a desk member's to the requester (a first response).
    ``in_thread=False`` when it was written in the desk's thread: not posted there again;
    ``tell=False`` when only files were shared (the attachment store passes those on).
    Its approvers may comment too (``_approval_comment``), and its requester while it awaits
    approval."""
    is_requester = ctx.actor.id == request.requester_id
    staff = ctx.desk.is_staff(ctx.actor.id, request.department)
    approver = not is_requester and (not staff or request.state == "pending_approval") \
        and lc.is_approver(ctx, request)
    if not (is_requester or staff or approver):
        raise Refusal(
            "err.forbidden_comment", ref=request.ref, department=ctx.dept_label(request.department)
        )
    pending = ("pending_approval",) if is_requester or approver else ()
    lc.require_state(ctx, request, (*lc.OPEN_STATES, "resolved", "closed", *pending), "comment")
    by = ctx.name(ctx.actor.id)
    lc.transition(ctx, request, None, kind, note=text)
    if approver or (is_requester and request.state == "pending_approval"):
        if tell:
            _approval_comment(ctx, request, by, text, in_thread=in_thread)
    elif is_requester:
        if request.state == "waiting":
            _resume(ctx, request, text, in_thread)
        elif tell:
            notices.to_desk(ctx, request, "note.comment_from_requester", by=by, text=text,
                            channel=in_thread)
    else:
        lc.first_response(ctx, request)
        with ctx.batched():
            if tell:
                notices.comment_to_requester(ctx, request, text)
            if tell and in_thread:
                notices.to_thread(ctx, request, "thread.comment", by=by, text=text)


def _approval_comment(ctx: Ctx, request: Request, by: str, text: str, *,
                      in_thread: bool) -> None:
    """Words on a request awaiting approval go to whom it waits for (the desk cannot act on
    it yet) and, an approver's, to its requester; an approver's on an approved request go to
    the requester and the desk's thread."""
    with ctx.batched():
        if request.state == "pending_approval":
            waiting = approvals.current_approvers(ctx.session, request.id or 0)
            notices.to_people(ctx, request, [p for p in waiting if p != ctx.actor.id],
                              "note.comment_from_requester", by=by, text=text)
        elif in_thread:
            notices.to_thread(ctx, request, "thread.comment", by=by, text=text)
        notices.comment_to_requester(ctx, request, text)


def transfer(ctx: Ctx, cmd: Command) -> Reply:
    """Hand the request to another department: new owner and targets, history kept. Another
    service of its own department is a service change (``_within_desk``)."""
    request = lc.load(ctx, cmd.ref)
    assert cmd.department is not None
    old, left = request.department, request.category
    new = ctx.department(cmd.department)
    within = new.key == old
    if not (within and ctx.actor.id == request.requester_id):  # `service`'s rule, within
        lc.require_staff(ctx, request, "transfer")
    lc.require_state(ctx, request, lc.OPEN_STATES, "transfer")
    category = _transfer_service(ctx, request, new, cmd.category)
    if within:
        return _within_desk(ctx, request, new, category)
    forms.refuse_moving_into(ctx, request.ref, new.key, category)
    chosen = priority_chosen(ctx, request)
    # the old desk's targets end in its own clock (its priority's): a pause, then what is kept
    negotiation.withdraw(ctx, request, settle=False)
    negotiation.forget_agreement(request)  # the new desk's own targets
    due_times.end_pause(ctx, request)
    lc.keep_targets(ctx, request)  # the old desk's, before its targets give way to the new
    if not chosen:
        request.priority = category.priority
    request.department = new.key
    request.category = category.key
    request.assignee_id = None
    former_thread, request.thread_ref = request.thread_ref, None
    request.first_response_at = None
    request.snoozed_until = None
    due_times.start_stay(ctx, request)  # a new cycle: targets from now, keys of its own
    lc.transition(ctx, request, "open", "transferred",
                  note=lc.transfer_note(old, new.key, left, category.key))
    notices.transferred(ctx, request, old, former_thread)
    return _reply(ctx, "reply.transferred_service", request, department=new.label(ctx.locale),
                  service=category.label(ctx.locale),
                  priority=ctx.say(f"priority.{request.priority}"),
                  first_due=due_times.due_text(ctx, request, request.first_response_due,
                                               ctx.locale),
                  resolution_due=due_times.due_text(ctx, request, request.resolution_due,
                                                    ctx.locale))


def _within_desk(ctx: Ctx, request: Request, dep: Department, category: Category) -> Reply:
    """A transfer to another service of the request's own desk is ``/request service``: the
    same checks, targets counted from the request's start (a breach stays one), the same
    event and notices; the reply says it as the transfer that was asked for."""
    from handlers import intake  # `service` lives there; it imports this module

    intake.pick_service(ctx, Command("service", ref=request.ref, text=category.key))
    return _reply(ctx, "reply.transferred_service", request, department=dep.label(ctx.locale),
                  service=category.label(ctx.locale),
                  priority=ctx.say(f"priority.{request.priority}"),
                  first_due=first_text(ctx, request, ctx.locale),
                  resolution_due=resolution_text(ctx, request, ctx.locale))


def _transfer_service(ctx: Ctx, request: Request, dep: Department,
                      named: str | None) -> Category:
    """The service of ``dep`` a transfer moves ``request`` to: the one named, else the one
    with its service's key, else the department's only one. Refused when that leaves a
    choice, when it would make a confidential request public, or when nothing would move."""
    category = dep.category(named) if named else _implied_service(request, dep)
    if category is not None and (dep.key, category.key) == (request.department,
                                                            request.category):
        choices = _choices(ctx, request, dep)
        if not choices:
            raise Refusal("err.same_department", ref=request.ref,
                          department=dep.label(ctx.locale))
        raise Refusal("err.same_service", ref=request.ref, department=dep.label(ctx.locale),
                      service=category.label(ctx.locale), choices=choices)
    if not confidential.may_move_to(ctx.desk, request, category):
        choices = _choices(ctx, request, dep)
        key = "err.transfer_confidential" if choices else "err.transfer_confidential_none"
        raise Refusal(key, ref=request.ref, department=dep.label(ctx.locale), choices=choices)
    if category is None:
        raise Refusal("err.transfer_which_service", ref=request.ref,
                      department=dep.label(ctx.locale),
                      choices=_choices(ctx, request, dep))
    return category


def _implied_service(request: Request, dep: Department) -> Category | None:
    """The service a transfer naming none means: the same key there, or its only service."""
    same = dep.category(request.category)
    if same is not None:
        return same
    return dep.categories[0] if len(dep.categories) == 1 else None


def _choices(ctx: Ctx, request: Request, dep: Department) -> str:
    """Ready transfer commands, one a line, to the services of ``dep`` the request may move
    to: not its own, not one opened only as itself, a confidential one if it is."""
    return "\n".join(
        ctx.say("transfer.choice", ref=request.ref, department=dep.key, word=c.key,
                service=c.label(ctx.locale))
        for c in dep.categories
        if (dep.key, c.key) != (request.department, request.category)
        and not c.opened_only_as_itself() and confidential.may_move_to(ctx.desk, request, c))


def priority_chosen(ctx: Ctx, request: Request) -> bool:
    """Whether a person set or raised the priority (at opening or with `priority`), rather
    than it being the service's default: a transfer keeps a chosen priority only. When the
    service is gone its default is unknown: only a `priority` change counts as chosen."""
    current = ctx.department(request.department).category(request.category)
    if current is not None and request.priority != current.priority:
        return True
    stmt = select(Event.id).where(Event.request_id == request.id, Event.kind == "priority")
    return ctx.session.exec(stmt.limit(1)).first() is not None


def register(router: Router) -> None:
    """Wire the lifecycle commands."""
    router.add("open", open_request)
    router.add("ack", ack)
    router.add("assign", assign)
    router.add("wait", wait)
    router.add("resume", resume)
    router.add("resolve", resolve)
    router.add("confirm", confirm)
    router.add("reopen", reopen)
    router.add("cancel", cancel)
    router.add("comment", comment)
    router.add("transfer", transfer)
