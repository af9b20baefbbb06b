"""A chat form whose asked field left the config while it waited: the answer is kept, not lost.

The person answered the question they were shown, so their text is kept as that field's raw
value in the draft (the files' names when they sent only files) and the files the desk takes
go with the draft's other files. The request stores it as a value whose field left the config
(``handlers.field_lines`` shows it by its key), so the desk reads it beside the form; should the
field come back before the form is done, the text is read as its answer. The person is told the
form changed, then asked the next field, or shown the request opened and how to add to it."""

from __future__ import annotations

from dataclasses import dataclass, replace

from handlers import attachments
from handlers.context import Ctx
from handlers.conversation import file_to_dict
from handlers.excerpt import excerpt
from handlers.i18n import join
from handlers.inbound import Inbound
from handlers.messages import Reply
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
    """Keep ``inbound``'s text under the asked field's key and its files with ``draft``."""
    text = inbound.text.strip()
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
