"""A chat form whose fields changed in the config while it waited: no answer is lost.

When the asked field left the config, the person answered the question they were shown, so
their text is kept as that field's raw value in the draft (the files' names when they sent only
files) and the files the desk takes go with the draft's other files. The request stores it as a
value whose field left the config (``handlers.field_lines`` shows it by its key), so the desk
reads it beside the form; should the field come back before the form is done, the text is read
as its answer. The person is told the form changed, then asked the next field, or shown the
request opened and how to add to it.

When a kept answer no longer fits its field (its type became a choice or a file, its choice
was removed, a limit changed), that field is asked again in the form's order, required or not,
quoting the answer and saying why (``misfit``); an optional one may be skipped. A ``file``
field's answer fits when it names the form's files (``names_files``): typed text is no file.
``skip`` answers no question: it leaves out the asked one, as for a field still there."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from typing import Any

from handlers import attachments
from handlers.catalog import Category
from handlers.context import Ctx
from handlers.conversation import file_to_dict
from handlers.excerpt import excerpt
from handlers.fields import SKIP_WORDS, FieldProblem, describe, typed
from handlers.i18n import join
from handlers.inbound import Inbound
from handlers.messages import Reply
from handlers.service_spec import FieldSpec
from storage.models import FormDraft

QUOTED = 120  # characters of the answer quoted back
UNNAMED = "answer"  # the key of an answer whose draft does not say what it asked


@dataclass(frozen=True)
class Kept:
    """What an answer to a removed question left with the draft: its text, the names of the
    files taken, and a line for each file refused."""

    text: str
    files: tuple[str, ...]
    refusals: tuple[str, ...]


def keep(ctx: Ctx, draft: FormDraft, inbound: Inbound) -> Kept:
    """Keep ``inbound``'s text under the asked field's key (``skip``: nothing, and the key's
    earlier answer goes) and its files with ``draft``."""
    text = inbound.text.strip()
    if typed(text, SKIP_WORDS):  # its Skip button: the question left out, not answered "skip"
        text = ""
        draft.values = {k: v for k, v in draft.values.items() if k != draft.asking}
    taken, refusals = attachments.sort_out(ctx, inbound.files)
    names = tuple(attachments.clean_name(f.name, f.mime) for f in taken)
    answer = text or ", ".join(names)
    if answer:
        draft.values = {**draft.values, draft.asking or UNNAMED: answer}
    draft.files = [*draft.files, *(file_to_dict(f) for f in taken)]
    return Kept(text=text, files=names, refusals=tuple(refusals))


def told(ctx: Ctx, reply: Reply, kept: Kept, service: str, department: str) -> Reply:
    """``reply`` (the next question, or the request opened) after saying that the form
    changed and where the answer went."""
    if not reply.messages:
        return reply
    first = reply.messages[0]
    gone = ctx.say("form.question_gone", service=service)
    quoted = excerpt(kept.text, QUOTED)
    ref = reply.request_ref
    if ref is not None:  # opened: the files' lines are in its text already
        after = ([ctx.say("form.answer_kept.opened", text=quoted, ref=ref,
                          department=department)] if kept.text else [])
        text = "\n".join([gone, *kept.refusals, first.text, *after])
    else:
        lines = [gone]
        if kept.text:
            lines.append(ctx.say("form.answer_kept", text=quoted, department=department))
        lines += kept.refusals
        if kept.files:
            lines.append(ctx.say("form.file_kept", files=join(ctx.locale, list(kept.files))))
        text = "\n".join(lines) + "\n\n" + first.text
    return replace(reply, messages=(replace(first, text=text), *reply.messages[1:]))


def first_to_ask(category: Category, missing: Collection[FieldSpec],
                 misfits: Collection[str]) -> FieldSpec | None:
    """The form's next question: the first field, in the form's order, still missing or
    whose kept answer no longer fits it (None: the form is complete)."""
    wanted = {spec.key for spec in missing} | set(misfits)
    return next((spec for spec in category.fields if spec.key in wanted), None)


def misfit(ctx: Ctx, category: Category, spec: FieldSpec, raw: str,
           problem: FieldProblem) -> str:
    """Why ``spec``, answered before, is asked again: the form changed and the kept answer
    ``raw`` no longer fits (quoted), then what the field takes now; or, a date before the
    one it may not precede (``not_before``), just that."""
    why = describe(problem, spec, catalog=ctx.desk.catalog, locale=ctx.locale,
                   today=ctx.desk.policy.today(ctx.now), reader=ctx.actor.id)
    if problem.key == "before":  # the answers disagree, not the form
        return why
    said = ctx.say("form.answer_misfit", service=category.label(ctx.locale),
                   field=spec.label(ctx.locale), text=excerpt(raw, QUOTED))
    return f"{said}\n{why}"


def names_files(value: str, files: Collection[Mapping[str, Any]]) -> bool:
    """Whether ``value``, kept for a ``file`` field, names files the form holds (one, or
    those of one answer as ``keep`` joins them), not text typed before it became a file field."""
    names = [attachments.clean_name(str(f["name"]), str(f["mime"])) for f in files]
    return any(", ".join(names[i:j]) == value
               for i in range(len(names)) for j in range(i + 1, len(names) + 1))
