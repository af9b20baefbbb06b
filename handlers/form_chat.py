"""A service's form filled in chat (WeCom, the console), one question at a time.

``/request 财务 报销 出租车`` without the required fields opens nothing: a ``FormDraft`` row
keeps what was given (it survives a restart) and the bot asks for the first missing field,
after the service's instructions. The person's next plain message answers it (before the
conversation path: it is no comment on another request); a wrong value is explained and
asked again; ``cancel``/``取消`` stops; ``answered``/``已解答`` says the instructions were
enough (a deflection); a file sent while a ``file`` field is asked fills it and is attached
when the request opens. While a form asks, only explicit commands (``/request …``, ``提单 …``)
and commands naming a request (``ack FIN-3``, ``取消 FIN-3``) run as commands. When nothing
is missing the request opens exactly as if typed whole, saying what the last answer left out
(a file refused). A form untouched for a day is dropped by the sweep, which tells its owner
once (what to type now, should its service have left the config meanwhile). Config changes
under a waiting form lose nothing: ``form_changes`` (a field removed, an answer that no longer
fits, a text kept for what became a ``file`` field: asked again, ``skip``/``跳过`` for an
optional one) and ``form_gone`` (the service or its department removed). ``skip`` is never
an answer: a required field asked is asked again."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlmodel import Session

from handlers import attachments, form_changes, form_gone
from handlers.catalog import Catalog, Category
from handlers.command_words import REQUEST_PREFIXES, SUGGEST_PREFIXES
from handlers.context import Ctx
from handlers.conversation import file_of_dict, file_to_dict
from handlers.desk import Desk
from handlers.fields import (
    ANSWERED_WORDS,
    CANCEL_WORDS,
    SKIP_WORDS,
    FieldProblem,
    describe,
    example,
    field_named,
    format_value,
    pairs_line,
    parse_value,
    to_raw,
    typed,
    with_defaults,
)
from handlers.forms import Filled, check_values, complete, earliest, out_of_order, today
from handlers.grammar import Command, parse
from handlers.i18n import join, normalize_locale, t
from handlers.inbound import Inbound, IncomingFile
from handlers.messages import Button, Message, Reply, person
from handlers.requests import open_request
from handlers.service_spec import FieldSpec
from handlers.typing_glue import starts_as_command
from storage import deflections, form_drafts, outbox, people
from storage.models import FormDraft
from storage.request_fields import FieldValue

EXPIRES = timedelta(days=1)
_NAMED = re.compile(r"([^=＝:：\n]+?)\s*[=＝:：]\s*(.*)", re.DOTALL)
MAX_CHOICE_BUTTONS = 5  # WeCom's card holds six buttons: the choices and "cancel"


def start(ctx: Ctx, cmd: Command, category: Category, filled: Filled) -> Reply:
    """Keep the half-filled form and ask its first missing field (nothing is opened); a form
    the person was filling is set aside (one at a time), saying how to start it again."""
    assert cmd.department
    earlier = form_drafts.get(ctx.session, ctx.actor.id, lock=True)
    parts = [] if earlier is None else [_set_aside(ctx, earlier)]  # before it is replaced
    draft = FormDraft(
        person_id=ctx.actor.id, department=cmd.department, category=category.key,
        values={k: to_raw(v) for k, v in filled.values.items()}, details=filled.details,
        asking=filled.missing[0].key, priority=cmd.priority,
        raise_priority=cmd.raise_priority, files=[], started_at=ctx.now,
        expires_at=ctx.now + EXPIRES)
    form_drafts.save(ctx.session, draft)
    dep = ctx.department(cmd.department)
    parts.append(ctx.say("form.start", service=category.label(ctx.locale),
                         department=dep.label(ctx.locale)))
    instructions = category.instructions_for(ctx.locale)
    buttons: tuple[Button, ...] = ()
    if instructions:
        parts.append(ctx.say("form.instructions_first", department=dep.label(ctx.locale),
                             text=instructions))
        buttons = (Button(ctx.say("form.button.answered"), ANSWERED_WORDS[0], "answered"),)
    return _asking(ctx, filled.missing[0], parts, buttons,
                   earliest=earliest(filled.missing[0], filled.values))


def _set_aside(ctx: Ctx, draft: FormDraft) -> str:
    """What the person is told of the form ``draft`` a new one replaces: its service, and the
    command that starts it again with what it held (files are sent again)."""
    dep = ctx.desk.catalog.department(draft.department)
    category = dep.category(draft.category)
    if category is None:  # its service left the config meanwhile: what to type now
        return form_gone.expired(ctx.desk.catalog, ctx.locale, draft)
    command = _restart(ctx.desk, ctx.locale, draft, category)
    return ctx.say("form.set_aside", service=category.label(ctx.locale), command=command)


def _restart(desk: Desk, locale: str, draft: FormDraft, category: Category) -> str:
    """The command that starts ``draft``'s form again with what it held: its details and the
    values typed in (not the files, sent again, nor the defaults it started with, which come
    again)."""
    files = {f.key for f in category.fields if f.type == "file"}
    defaults = {k: to_raw(v) for k, v in with_defaults(
        category, {}, requester=draft.person_id, catalog=desk.catalog, locale=locale,
        today=desk.policy.today(draft.started_at)).items()}
    typed_in = {k: v for k, v in draft.values.items()
                if k not in files and v and defaults.get(k) != v}
    dep = desk.catalog.department(draft.department).key
    return " ".join(w for w in (f"/request {dep} {category.key}", draft.details,
                                pairs_line(typed_in)) if w)


def _asking(ctx: Ctx, spec: FieldSpec, before: list[str],
            buttons: tuple[Button, ...] = (), earliest: date | None = None) -> Reply:
    """The question for ``spec`` (after ``before``), with a button per choice, Skip for an
    optional field (asked only when its kept answer no longer fits) and Cancel; a date's
    example is on or after ``earliest`` (the day it may not precede)."""
    locale = ctx.locale
    shown = example(spec, catalog=ctx.desk.catalog, locale=locale, today=today(ctx),
                    reader=ctx.actor.id, earliest=earliest)
    optional = spec.may_be_empty()
    if spec.type == "choice":
        question = ctx.say("form.ask.choice", field=spec.label(locale), choices=shown)
        offered = spec.choices[:MAX_CHOICE_BUTTONS - int(optional)]  # Skip takes a button
        buttons += tuple(Button(c.label(locale), f"{spec.key}={c.key}", "choose")
                         for c in offered)  # names its field
    elif spec.type == "file":
        question = ctx.say("form.ask.file", field=spec.label(locale), example=shown)
    else:
        question = ctx.say("form.ask", field=spec.label(locale), example=shown)
    if optional:
        question += "\n" + ctx.say("form.ask.skip")
        buttons += (Button(ctx.say("form.button.skip"), SKIP_WORDS[0], "skip"),)
    buttons += (Button(ctx.say("button.cancel"), CANCEL_WORDS[0], "cancel"),)
    text = "\n\n".join([*before, question])
    return Reply((Message(text=text, locale=locale, buttons=buttons, kind="form",
                          extra={"asking": spec.key}),), queued=ctx.queued)


def applies(inbound: Inbound) -> bool:
    """Whether ``inbound`` could answer a form: a message to the bot, not in a desk's thread
    or help channel, nor about a request's DM thread."""
    return not (inbound.not_text or inbound.thread_of or inbound.reply_about or inbound.intake)


def might_answer(inbound: Inbound, catalog: Catalog) -> bool:
    """Whether ``inbound`` could answer a form, judged without the database: a typed
    ``/request …`` (or ``提单 …``, ``提单：…``) always runs as a command."""
    return applies(inbound) and not _starts_as_command(inbound.text.strip(), catalog)


def _starts_as_command(text: str, catalog: Catalog) -> bool:
    first = text.split()[0].lower() if text.split() else ""
    if first.startswith("/") or first in REQUEST_PREFIXES or first in SUGGEST_PREFIXES:
        return True  # the usual case, without looking further
    return starts_as_command(text, catalog)  # glued as Chinese typists do: "提单：财务 …"


def _is_command(text: str, ctx: Ctx) -> bool:
    if _starts_as_command(text, ctx.desk.catalog):
        return True
    parsed = parse(text, ctx.desk.catalog)
    return isinstance(parsed, Command) and parsed.ref is not None


def answer(ctx: Ctx, inbound: Inbound) -> Reply | None:
    """The person's message as the answer to their form's question; None when they have no
    form, or the message is a command (it runs as one)."""
    if not might_answer(inbound, ctx.desk.catalog):
        return None
    draft = form_drafts.get(ctx.session, ctx.actor.id, lock=True)
    if draft is None:
        return None
    text = inbound.text.strip()
    if text and _is_command(text, ctx):
        return None
    category = ctx.department(draft.department).category(draft.category)
    service = category.label(ctx.locale) if category else draft.category
    if draft.expires_at <= ctx.now:
        form_drafts.drop(ctx.session, ctx.actor.id)
        return Reply((Message(text=_expired(ctx.desk, ctx.locale, draft),
                              locale=ctx.locale, kind="form"),), queued=ctx.queued)
    if typed(text, CANCEL_WORDS):
        form_drafts.drop(ctx.session, ctx.actor.id)
        return _said(ctx, "form.cancelled", service=service)
    if typed(text, ANSWERED_WORDS):
        form_drafts.drop(ctx.session, ctx.actor.id)
        deflections.record(ctx.session, draft.department, draft.category, ctx.actor.id, ctx.now)
        return _said(ctx, "form.answered", service=service)
    if category is None:  # the service or its department left the config: nothing is lost
        return form_gone.answer(ctx, draft, inbound)
    spec = category.field(draft.asking or "")
    if spec is None:  # the question asked left the form: its answer is kept, the form goes on
        named = _named_field(category, text)  # a button of an earlier question's card
        if named is not None:
            return _take(ctx, draft, category, named[0], inbound)
        kept = form_changes.keep(ctx, draft, inbound)
        return form_changes.told(ctx, _next(ctx, draft, category, []), kept, service,
                                 ctx.department(draft.department).label(ctx.locale))
    return _take(ctx, draft, category, spec, inbound)


def _take(ctx: Ctx, draft: FormDraft, category: Category, spec: FieldSpec,
          inbound: Inbound) -> Reply:
    """Store the answer to ``spec`` (or, typed ``field=value``, to the field it names: a
    change of an earlier answer) and ask the next field, or open the request. A file sent
    meanwhile fills the form's first empty ``file`` field (a voice message none)."""
    text = inbound.text.strip()
    taken, before = attachments.sort_out(ctx, inbound.files)
    kept = [file_to_dict(f) for f in taken]
    values = dict(draft.values)
    if spec.type == "file" and taken:
        values[spec.key] = attachments.clean_name(taken[0].name, taken[0].mime)
    elif inbound.files and not text:
        if taken:
            before.append(_file_fills(ctx, category, values, taken) or _kept(ctx, taken))
    elif typed(text, SKIP_WORDS) and spec.may_be_empty():
        values.pop(spec.key, None)  # quoted back when it was asked again: not lost
        before.append(ctx.say("form.skipped", field=spec.label(ctx.locale)))
    elif typed(text, SKIP_WORDS):  # a control word, never the value of a required field
        draft.files = [*draft.files, *kept]
        form_drafts.save(ctx.session, draft)
        before.append(ctx.say("form.skip_required", field=spec.label(ctx.locale)))
        return _asking(ctx, spec, before, earliest=_floor(ctx, category, spec, values))
    else:
        answered, text = _named_field(category, text) or (spec, text)
        got = _read(ctx, category, answered, text, values)
        if isinstance(got, FieldProblem):
            draft.files = [*draft.files, *kept]
            form_drafts.save(ctx.session, draft)
            before.append(describe(got, answered, catalog=ctx.desk.catalog, locale=ctx.locale,
                                   today=today(ctx), reader=ctx.actor.id,
                                   earliest=_floor(ctx, category, answered, values)))
            return _asking(ctx, spec, before, earliest=_floor(ctx, category, spec, values))
        values[answered.key] = to_raw(got)
        if answered is not spec:  # an earlier answer changed: said, then the question again
            before.append(ctx.say("form.changed", field=answered.label(ctx.locale),
                                  value=format_value(answered, got, catalog=ctx.desk.catalog,
                                                     locale=ctx.locale)))
        filled = _file_fills(ctx, category, values, taken)  # a file with a caption
        if filled:
            before.append(filled)
    draft.values = values
    draft.files = [*draft.files, *kept]
    return _next(ctx, draft, category, before)


def _read(ctx: Ctx, category: Category, spec: FieldSpec, text: str,
          values: dict[str, str]) -> FieldValue | FieldProblem:
    """``text`` as ``spec``'s answer, refused too when it precedes the day it may not
    (``not_before``): never kept, so a later change of that day cannot make it count."""
    got = parse_value(spec, text, catalog=ctx.desk.catalog, locale=ctx.locale,
                      today=today(ctx), me=ctx.actor.id)
    floor = _floor(ctx, category, spec, values)
    if isinstance(got, FieldProblem) or floor is None or spec.not_before is None:
        return got
    other = FieldValue(spec.not_before, "date", day=floor)
    return out_of_order(category, {spec.key: got, spec.not_before: other}).get(spec.key, got)


def _file_fills(ctx: Ctx, category: Category, values: dict[str, str],
                taken: list[IncomingFile]) -> str | None:
    """Put the first of ``taken`` (no voice message) in the form's first empty ``file``
    field, in ``values``, and say so (None: no field to fill, or no file for one)."""
    empty = next((f for f in category.fields if f.type == "file" and not values.get(f.key)),
                 None)
    fitting = next((f for f in taken if not f.mime.startswith("audio/")), None)
    if empty is None or fitting is None:
        return None
    name = attachments.clean_name(fitting.name, fitting.mime)
    values[empty.key] = name
    return ctx.say("form.file_fills", files=name, field=empty.label(ctx.locale)) + (
        "" if len(taken) == 1 else " " + _kept(ctx, [f for f in taken if f is not fitting]))


def _kept(ctx: Ctx, taken: list[IncomingFile]) -> str:
    return ctx.say("form.file_kept", files=join(
        ctx.locale, [attachments.clean_name(f.name, f.mime) for f in taken]))


def _floor(ctx: Ctx, category: Category, spec: FieldSpec, raw: dict[str, str]) -> date | None:
    """The day ``spec`` may not precede, from the form's kept answers (``raw``)."""
    other = category.field(spec.not_before) if spec.not_before else None
    given = raw.get(other.key) if other is not None else None
    if other is None or not given:
        return None
    got = parse_value(other, given, catalog=ctx.desk.catalog, locale=ctx.locale,
                      today=today(ctx))
    return got.day if isinstance(got, FieldValue) else None


def _next(ctx: Ctx, draft: FormDraft, category: Category, before: list[str]) -> Reply:
    """Ask the form's next unanswered field (or one whose answer no longer fits it, saying
    why), or open the request once none is left, with ``before`` in its confirmation."""
    draft.expires_at = ctx.now + EXPIRES
    values, misfits = _parsed(ctx, category, draft)
    filled = complete(ctx, category, values, draft.details,
                      tuple(file_of_dict(f) for f in draft.files))
    ask = form_changes.first_to_ask(category, filled.missing, misfits)
    if ask is not None:
        draft.asking = ask.key
        form_drafts.save(ctx.session, draft)
        if ask.key in misfits:
            before = [*before, form_changes.misfit(ctx, category, ask, draft.values[ask.key],
                                                   misfits[ask.key])]
        return _asking(ctx, ask, before, earliest=earliest(ask, values))
    form_drafts.drop(ctx.session, ctx.actor.id)
    cmd = Command("open", department=draft.department, category=draft.category,
                  text=draft.details, priority=draft.priority,
                  raise_priority=draft.raise_priority)
    return open_request(ctx, cmd, replace(filled, said=tuple(before)))


def _named_field(category: Category, text: str) -> tuple[FieldSpec, str] | None:
    """``name=value`` (or ``name：value``) naming one of the form's fields by key, name or
    alias: the answer to that field, whichever question is asked now. So a choice button
    of an earlier question's card, clicked later, changes what it chose, and
    ``开始日期=11-26`` a first day given before, never the current answer."""
    named = _NAMED.match(text)
    spec = field_named(category, named.group(1)) if named else None
    return (spec, named.group(2).strip()) if spec is not None and named else None


def _parsed(ctx: Ctx, category: Category,
            draft: FormDraft) -> tuple[dict[str, FieldValue], dict[str, FieldProblem]]:
    """The kept answers read back (one whose field left the config is kept as text, shown by
    its key), and why each that no longer fits its field does not (it is asked again; so is
    a ``file`` field whose kept answer names none of the form's files: text typed before)."""
    raw = draft.values
    known = {spec.key for spec in category.fields}
    out = {key: FieldValue(key, "text", text=str(value)) for key, value in raw.items()
           if key not in known and value}
    answers = {spec.key: raw[spec.key] for spec in category.fields
               if raw.get(spec.key) and spec.type != "file"}
    checked, misfits = check_values(category, answers, catalog=ctx.desk.catalog,
                                    locale=ctx.locale, today=today(ctx))
    for spec in category.fields:
        value = raw.get(spec.key)
        if value and spec.type == "file":
            if form_changes.names_files(value, draft.files):
                out[spec.key] = FieldValue(spec.key, "file", text=value)
            else:  # text kept before the field became a file field
                misfits[spec.key] = FieldProblem("file")
        elif spec.key in checked:
            out[spec.key] = checked[spec.key]
    return out, misfits


def _expired(desk: Desk, locale: str, draft: FormDraft) -> str:
    """What the owner of ``draft``, dropped unfinished, is told: the line to start again with
    what it held (as when it is set aside), or, its service or department having left the
    config, what to type now (``form_gone``)."""
    dep = desk.catalog.department(draft.department)
    category = dep.category(draft.category)
    if category is None:
        return form_gone.expired(desk.catalog, locale, draft)
    return t(locale, "form.expired", service=category.label(locale),
             command=_restart(desk, locale, draft, category))


def _said(ctx: Ctx, key: str, **params: object) -> Reply:
    return Reply((Message(text=ctx.say(key, **params), locale=ctx.locale, kind="form"),),
                 queued=ctx.queued)


def expire(desk: Desk, session: Session, now: datetime) -> int:
    """Drop forms untouched for a day, telling each owner once; how many went."""
    gone = form_drafts.expired(session, now)
    for draft in gone:
        row = people.get(session, draft.person_id)
        locale = normalize_locale(row.locale if row else None, desk.policy.locale)
        message = Message(text=_expired(desk, locale, draft),
                          target=person(draft.person_id), locale=locale,
                          kind="form")
        outbox.enqueue(session, message.target, message.to_dict(), now,
                       dedupe_key=f"form_expired:{draft.person_id}:{int(draft.started_at.timestamp())}")
        form_drafts.drop(session, draft.person_id)
    return len(gone)

