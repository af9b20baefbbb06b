"""Intake channels: a new top-level message in a desk's help channel (``intake_channel``)
becomes a request to that desk, opened with its ``intake_service`` (else its first service)
and answered in the message's thread (in the requester's language first, when the desk's is
another) with the id, the due times and a button per service;
``/request service REF SERVICE`` picks another service of the same desk. Greetings, thanks,
"ok" and a lone emoji, with or without people mentioned, are no requests: nothing is stored
and nothing is said."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from handlers import attachments, confidential, due_times, forms, notices, thread_root
from handlers import lifecycle as lc
from handlers.catalog import Catalog, Category, Department
from handlers.context import Ctx, Refusal
from handlers.excerpt import excerpt
from handlers.grammar import Command
from handlers.i18n import t
from handlers.inbound import Inbound, IncomingFile
from handlers.messages import Message, Reply
from handlers.requests import TITLE_LIMIT, priority_chosen
from handlers.router import Router
from handlers.targets import first_text, resolution_text, retarget
from storage import request_store
from storage.models import Request

# Words that alone make no request (any mix of them: "hi all", "ok thanks", "谢谢大家").
SMALL_TALK = frozenset(("hi", "hello", "hey", "hiya", "yo", "morning", "afternoon", "evening",
    "good", "all", "everyone", "everybody", "team", "folks", "guys", "there", "thanks",
    "thank", "you", "thx", "ty", "tks", "cheers", "ok", "okay", "k", "kk", "cool", "great",
    "nice", "got", "it", "noted", "bye", "a", "lot", "much", "so", "very", "sure", "np",
    "welcome", "again"))
SMALL_TALK_ZH = ("大家好", "你们好", "您好", "你好", "谢谢", "多谢", "感谢", "辛苦了", "辛苦",
                 "好的", "收到", "明白", "知道了", "在吗", "哈喽", "大家", "早上好", "早安", "晚安",
                 "嗯", "好", "哈", "啦", "了", "啊", "呀", "哦", "喔", "的", "们", "您", "你")
SHORTCODE_RE = re.compile(r":[a-z0-9_+\-']+:")
INTAKE_ANSWER = "intake"  # the kind of the answer under a help-channel message


def is_request(text: str, files: tuple[IncomingFile, ...] = (),
               mentions: tuple[str, ...] = ()) -> bool:
    """False for small talk: greetings, thanks, "ok", emoji only (and nothing at all). A
    mention is no content: each of ``mentions`` (``@Bob Zhang``) and any ``@word``."""
    if files:
        return True
    for mention in sorted(mentions, key=len, reverse=True):  # "@Bob Zhang" before "@Bob"
        text = text.replace(mention, " ")
    folded = SHORTCODE_RE.sub(" ", unicodedata.normalize("NFKC", text).casefold())
    words = [w for w in folded.split() if not w.startswith("@")]  # a mention is no content
    kept = "".join(ch if unicodedata.category(ch)[0] in "LN" else " " for ch in " ".join(words))
    return any(not _small_talk(word) for word in kept.split())


def _small_talk(word: str) -> bool:
    if word in SMALL_TALK:
        return True
    if not all("\u4e00" <= ch <= "\u9fff" for ch in word):
        return False
    for phrase in SMALL_TALK_ZH:  # longest first, so "你好" goes before "你"
        word = word.replace(phrase, "")
    return not word


def department_of(catalog: Catalog, name: str) -> Department | None:
    """The desk whose intake channel is ``name`` (or whose key or name it is)."""
    bare = name.strip().lstrip("#")
    for dep in catalog.departments:
        if dep.intake_channel and dep.intake_channel.lstrip("#") == bare:
            return dep
    found = catalog.find_department(bare)
    return found if isinstance(found, Department) else None


def opening_service(dep: Department) -> Category:
    """The service an intake request opens with: ``intake_service``, else the first."""
    return (dep.category(dep.intake_service) if dep.intake_service else None) \
        or dep.categories[0]


def handle(ctx: Ctx, inbound: Inbound) -> Reply:
    """A new message in a desk's intake channel: a request to that desk (answered in its
    thread), or nothing at all for small talk."""
    assert inbound.intake is not None
    if not is_request(inbound.text, inbound.files, inbound.mentions):
        return Reply(())
    dep = department_of(ctx.desk.catalog, inbound.intake)
    if dep is None or dep.gone or not dep.categories:
        raise Refusal("err.intake_unknown", channel=inbound.intake)
    taken = tuple(f for f in inbound.files if not attachments.refused(ctx.desk, f))
    refusals = [attachments.refusal_text(ctx, f) for f in inbound.files if f not in taken]
    text = inbound.text.strip() or " ".join(f"📎 {f.name}" for f in taken)
    if not text:  # only refused files: nothing to open
        return _refused(ctx, refusals)
    request = _open(ctx, dep, opening_service(dep), text, inbound.intake_ref)
    attachments.attach(ctx, request, taken, in_thread=True)  # in the thread already
    _answer_in_thread(ctx, request, dep)
    notices.p1_after_hours(ctx, request)  # a P1 at night: the leads hear it at once
    return replace(_refused(ctx, refusals), queued=ctx.queued, request_ref=request.ref)


def _refused(ctx: Ctx, refusals: list[str]) -> Reply:
    """The answer to the sender alone: why shared files were not taken (none: nothing)."""
    if not refusals:
        return Reply(())
    return Reply((Message(text="\n".join(refusals), locale=ctx.locale, kind="conversation",
                          extra={"refused_files": True}),))


def _open(ctx: Ctx, dep: Department, service: Category, text: str,
          thread: str | None) -> Request:
    """The request row, its due times and its ``opened`` event; its thread is the message's."""
    number = request_store.next_number(ctx.session, dep.key)
    homes = ctx.desk.catalog.departments_of(ctx.actor.id)
    first = next((line.strip() for line in text.splitlines() if line.strip()), service.name)
    request = request_store.build(
        ref=f"{dep.prefix}-{number}", number=number, origin_department=dep.key,
        department=dep.key, category=service.key, requester_id=ctx.actor.id,
        requester_department=homes[0].key if homes else None, priority=service.priority,
        state="open", title=excerpt(first, TITLE_LIMIT), details=text, created_at=ctx.now,
        updated_at=ctx.now, clock_started_at=ctx.now, next_sweep_at=ctx.now,
        thread_ref=thread[:200] if thread else None)
    due_times.set_due_times(ctx, request, ctx.now)
    request_store.insert_new(ctx.session, request)
    request_store.add_event(ctx.session, request, ctx.actor.id, ctx.now, "opened",
                            to_state="open", note=text)
    return request


def _answer_in_thread(ctx: Ctx, request: Request, dep: Department) -> None:
    """The bot's answer under the message: id, service, due times, the services to pick
    from and the desk's first buttons (Acknowledge, Assign to me). The thread is the
    requester's too: one who reads another language than the desk's reads it first in
    theirs, then the desk's words follow."""
    asked = ctx.locale_of(request.requester_id)

    def render(locale: str) -> Message:
        choices = thread_root.service_choices(dep, locale)
        text = _answer_text(ctx, request, dep, locale)
        if asked != locale:
            text = _answer_text(ctx, request, dep, asked) + "\n\n" + text
        buttons = thread_root.buttons(
            request.ref, request.state, request.assignee_id, locale, first=True,
            services=thread_root.service_buttons(request.ref, request.category, choices))
        return Message(text=text, locale=locale, buttons=buttons, kind=INTAKE_ANSWER,
                       extra={thread_root.SERVICES: choices})

    ctx.notify_channel(dep.key, render, request)


def _answer_text(ctx: Ctx, request: Request, dep: Department, locale: str) -> str:
    """The answer's words in ``locale``: what was opened, its due times, how to pick another
    service."""
    service = dep.category(request.category)
    text = t(locale, "intake.opened", ref=request.ref, requester=ctx.name(request.requester_id),
             department=dep.label(locale),
             service=service.label(locale) if service else request.category,
             first_due=first_text(ctx, request, locale),
             resolution_due=resolution_text(ctx, request, locale))
    others = [key for key, _label in thread_root.service_choices(dep, locale)
              if key != request.category]
    if others:
        text += "\n" + t(locale, "intake.pick", ref=request.ref, example=others[0])
    return text


def pick_service(ctx: Ctx, cmd: Command) -> Reply:
    """``/request service REF SERVICE``: the requester or the desk picks another service of
    the same desk; its priority (unless a person chose one) and targets apply, counted
    from the start of the request's cycle."""
    request = lc.load(ctx, cmd.ref)
    if ctx.actor.id != request.requester_id:
        lc.require_staff(ctx, request, "service")
    lc.require_state(ctx, request, lc.OPEN_STATES, "service")
    dep = ctx.department(request.department)
    wanted = dep.find_category(cmd.text)
    if wanted is None:
        raise Refusal("err.unknown_service", ref=request.ref, word=cmd.text,
                      services=", ".join(c.key for c in dep.categories))
    forms.refuse_moving_into(ctx, request.ref, dep.key, wanted)
    if wanted.key != request.category and not confidential.may_move_to(ctx.desk, request, wanted):
        _refuse_making_public(ctx, request, dep)
    if wanted.key == request.category:
        return _said(ctx, request, "reply.service_same", service=wanted.label(ctx.locale))
    old = request.category
    priority = request.priority if priority_chosen(ctx, request) else wanted.priority
    retarget(ctx, request, priority=priority, category=wanted.key)
    lc.transition(ctx, request, None, "service_changed", note=f"{old} → {wanted.key}")
    by = ctx.name(ctx.actor.id)
    channel = ctx.desk.channel_locale(dep)
    notices.to_thread(ctx, request, "thread.service", by=by, service=wanted.label(channel),
                      first_due=first_text(ctx, request, channel),
                      resolution_due=resolution_text(ctx, request, channel))
    notices.to_requester(ctx, request, "note.service", by=by,
                         service=wanted.label(ctx.locale_of(request.requester_id)))
    return _said(ctx, request, "reply.service", service=wanted.label(ctx.locale),
                 first_due=first_text(ctx, request, ctx.locale),
                 resolution_due=resolution_text(ctx, request, ctx.locale))


def _refuse_making_public(ctx: Ctx, request: Request, dep: Department) -> None:
    """A confidential request stays confidential: refused, naming the desk's other
    confidential services as ready commands (or that it has none)."""
    choices = "\n".join(
        ctx.say("service.choice", ref=request.ref, word=c.key, service=c.label(ctx.locale))
        for c in dep.categories if c.key != request.category and c.confidential)
    key = "err.service_confidential" if choices else "err.service_confidential_none"
    raise Refusal(key, ref=request.ref, department=dep.label(ctx.locale), choices=choices)


def _said(ctx: Ctx, request: Request, key: str, **params: object) -> Reply:
    text = ctx.say(key, ref=request.ref, **params)
    return Reply((Message(text=text, locale=ctx.locale, request_ref=request.ref),),
                 queued=ctx.queued, request_ref=request.ref)


def register(router: Router) -> None:
    """Wire ``service`` (pick a request's service within its desk)."""
    router.add("service", pick_service)

