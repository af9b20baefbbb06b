"""Suggestions: ideas and complaints for a department, optionally anonymous."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from handlers.context import Ctx, Refusal
from handlers.desk import Policy
from handlers.grammar import Command
from handlers.i18n import normalize_locale, t
from handlers.messages import Message, Reply, person
from handlers.router import Router
from storage import outbox, people
from storage.models import Disclosure, Suggestion

REVEAL_KIND = "anonymous_senders"


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


def reply(ctx: Ctx, cmd: Command) -> Reply:
    """A lead answers a suggestion; the sender is told (anonymous senders too, by id only)."""
    assert cmd.number is not None
    row = ctx.session.get(Suggestion, cmd.number)
    mine = [d.key for d in ctx.desk.catalog.departments if ctx.actor.id in d.staff()]
    if row is None or not (row.department in mine or ctx.desk.is_admin(ctx.actor.id)):
        raise Refusal("err.suggestion_not_found", id=cmd.number)
    department = ctx.department(row.department)
    if ctx.actor.id not in department.leads and not ctx.desk.is_admin(ctx.actor.id):
        raise Refusal("err.suggestion_leads_only", id=row.id,
                      department=department.label(ctx.locale))
    # every reply is kept, in order (the author heard each); replied_by: the latest's lead
    row.reply = f"{row.reply}\n\n{cmd.text}" if row.reply else cmd.text
    row.replied_by = ctx.actor.id
    ctx.session.add(row)

    def render(locale: str) -> Message:
        text = t(locale, "note.suggestion_answer", id=row.id, text=row.text[:80],
                 department=department.label(locale), answer=cmd.text)
        return Message(text=text, locale=locale, kind="suggestion_answer")

    ctx.notify_person(row.author_id, render)
    text = ctx.say("reply.suggestion_answered", id=row.id)
    return Reply((Message(text=text, locale=ctx.locale),), queued=ctx.queued)


def record_reveal(session: Session, policy: Policy, actor: str, ids: Sequence[int],
                  now: datetime) -> Disclosure:
    """Record that ``actor`` was shown the senders of the anonymous suggestions ``ids``, and
    tell every other admin (who, when, which)."""
    row = Disclosure(actor_id=actor, kind=REVEAL_KIND, subject_ids=sorted(ids), created_at=now)
    session.add(row)
    session.flush()
    who = people.get(session, actor)
    when = now.astimezone(policy.tz).strftime("%Y-%m-%d %H:%M")
    listed = ", ".join(f"#{i}" for i in sorted(ids))
    for admin in policy.admins:
        if admin == actor:
            continue
        target = people.get(session, admin)
        locale = normalize_locale(target.locale if target else None, policy.locale)
        text = t(locale, "note.reveal_anonymous", who=who.name if who else actor, when=when,
                 n=len(ids), ids=listed or "—")
        message = Message(text=text, target=person(admin), locale=locale, kind="reveal_notice")
        outbox.enqueue(session, message.target, message.to_dict(), now,
                       dedupe_key=f"reveal:{row.id}:{admin}")
    return row


def register(router: Router) -> None:
    """Wire the suggestion commands."""
    router.add("suggest", suggest)
    router.add("suggest_reply", reply)
