"""Suggestions: ideas and complaints for a department, optionally anonymous."""

from __future__ import annotations

from handlers.context import Ctx
from handlers.grammar import Command
from handlers.i18n import t
from handlers.messages import Message, Reply
from handlers.router import Router
from storage.models import Suggestion


def suggest(ctx: Ctx, cmd: Command) -> Reply:
    """Store a suggestion and tell the department's leads (without the name if anonymous)."""
    assert cmd.department is not None
    row = Suggestion(department=cmd.department, author_id=ctx.actor.id, anonymous=cmd.anonymous,
                     text=cmd.text, created_at=ctx.now)
    ctx.session.add(row)
    ctx.session.flush()
    author = None if cmd.anonymous else ctx.name(ctx.actor.id)

    def render(locale: str) -> Message:
        who = author or t(locale, "suggest.anonymous")
        text = t(locale, "note.suggestion", id=row.id, by=who,
                 department=ctx.dept_label(cmd.department or "", locale), text=cmd.text)
        return Message(text=text, locale=locale, kind="suggestion")

    for lead in ctx.department(cmd.department).leads:
        ctx.notify_person(lead, render)
    key = "reply.suggested_anon" if cmd.anonymous else "reply.suggested"
    text = ctx.say(key, department=ctx.dept_label(cmd.department), id=row.id)
    return Reply((Message(text=text, locale=ctx.locale),), queued=ctx.queued)


def register(router: Router) -> None:
    """Wire the suggestion command."""
    router.add("suggest", suggest)
