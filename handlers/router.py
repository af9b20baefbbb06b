"""One place that maps command names to handler functions, and runs one delivery."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.exc import DataError, DBAPIError
from sqlmodel import Session

from handlers.approval_answers import APPROVAL_ANSWERS, approval_answered
from handlers.context import Ctx, Refusal
from handlers.desk import Desk
from handlers.excerpt import excerpts
from handlers.grammar import Command, Invalid, parse
from handlers.i18n import normalize_locale, t
from handlers.inbound import Inbound, Replayed
from handlers.messages import SETTLING, Message, Reply, person
from handlers.parse_errors import explain, suggestion
from handlers.proposal_answers import PROPOSAL_ANSWERS, proposal_answered
from handlers.text_input import clean_text
from storage import deliveries, outbox, people
from storage.engine import transaction

Handler = Callable[[Ctx, Command], Reply]
log = logging.getLogger(__name__)
HELP_COMMAND = "/request help"


class Router:
    """Command name → handler; ``register(router)`` functions fill it explicitly."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def add(self, name: str, handler: Handler) -> None:
        """Register ``handler`` for ``name`` (once)."""
        if name in self._handlers:
            raise ValueError(f"command {name!r} registered twice")
        self._handlers[name] = handler

    def get(self, name: str) -> Handler | None:
        """The handler for ``name``."""
        return self._handlers.get(name)

    def names(self) -> list[str]:
        """Registered command names."""
        return sorted(self._handlers)


def run(desk: Desk, router: Router, inbound: Inbound, now: datetime) -> Reply:
    """Run one delivery at ``now``: claim its key, make the change, write the Event and the
    Outbox rows (and the answer's, with ``answer_to``) in one transaction.

    A delivery claimed before is answered with its first answer (``repeat``) and changes
    nothing. The text is cleaned first (control characters, lone surrogates). When the
    database fails (unreachable, timed out, or refusing a value) everything is rolled back,
    the key included, so a retry runs it; the person gets a polite answer."""
    try:
        return _run(desk, router, replace(inbound, person_id=clean_text(inbound.person_id),
                                          text=clean_text(inbound.text)), now)
    except DBAPIError as exc:
        cause = (str(exc.orig).strip().splitlines() or [""])[0][:200]
        log.warning("a command by %r failed in the database and was rolled back: %s: %s",
                    inbound.person_id, type(exc.orig).__name__, cause)
        return not_run(normalize_locale(inbound.locale, desk.policy.locale),
                       "err.unstorable" if isinstance(exc, DataError) else "err.try_again")


def not_run(locale: str, key: str) -> Reply:
    """The answer when a command did not run at all (``err.busy``, ``err.try_again``, …):
    nothing was stored, the person may send it again."""
    return Reply((Message(text=t(locale, key), locale=locale, kind="error"),), ok=False)


class _Undo(Exception):
    """A handler refused in an attempt without savepoints: the delivery runs again, guarded."""


class _Seen(Exception):
    """The delivery's key was claimed before (or by a run still going, which has committed
    now): this attempt is rolled back whole, and the first answer is given."""


def _run(desk: Desk, router: Router, inbound: Inbound, now: datetime) -> Reply:
    """Run the delivery with no savepoint around its handler: most commands succeed, and a
    savepoint costs every command its statements and the ORM's nested transaction. A handler
    that refuses may have written first, so that attempt is rolled back whole (the key with
    it) and the delivery runs again guarded: each handler in a savepoint, a refusal rolls
    back only the command's own changes, as if the first attempt never was."""
    try:
        try:
            return _attempt(desk, router, inbound, now, guarded=False)
        except _Undo:
            return _attempt(desk, router, inbound, now, guarded=True)
    except _Seen:
        return _repeat(desk, inbound, now)


def _repeat(desk: Desk, inbound: Inbound, now: datetime) -> Reply:
    """The first answer to a delivery seen before (``repeat``): nothing runs again, and the
    request's nonce is used up all the same."""
    assert inbound.claim_key is not None
    with transaction(desk.engine) as session:
        if inbound.nonce is not None and not deliveries.claim_nonce(session, inbound.nonce, now):
            raise Replayed(inbound.nonce)
        stored = deliveries.answer_of(session, inbound.claim_key) or []
    shown = tuple(Message.from_dict(m) for m in stored)
    return Reply(shown, ok=all(m.kind != "error" for m in shown), repeat=True)


def _attempt(desk: Desk, router: Router, inbound: Inbound, now: datetime, *,
             guarded: bool) -> Reply:
    with transaction(desk.engine) as session:
        actor = people.get(session, inbound.person_id)
        if actor is None:
            actor = people.register(session, inbound.person_id, inbound.person_id, now,
                                    source=inbound.platform)
        locale = normalize_locale(actor.locale, desk.policy.locale)
        ctx = Ctx(desk=desk, session=session, actor=actor, now=now, locale=locale,
                  files=inbound.files, details=inbound.details, answer_to=inbound.answer_to)
        guard = _Guard(guarded)
        talk = _form(ctx, inbound, guard)  # an answer to the form being filled comes first
        if talk is None and not inbound.not_text:
            talk = _converse(ctx, inbound, guard)
        if talk is not None:
            reply = talk
        elif inbound.not_text:
            reply = _error(ctx, ctx.say("err.not_text", what=ctx.say(f"kind.{inbound.not_text}")))
        else:
            reply = _command(ctx, router, inbound.text, guard)
        if ctx.files and talk is None and not inbound.not_text:
            reply = _with_files(ctx, reply)
        chat = inbound.chat or inbound.conversation
        if chat and talk is None and reply.command is None and _not_a_command(ctx, inbound.text):
            reply = _with_help(ctx, router, reply, guard)
        if inbound.answer_to is not None:
            reply = replace(reply, answer_rows=_enqueue_answer(ctx, inbound, reply))
        _claim(session, inbound, reply, now)
        return reply


def _claim(session: Session, inbound: Inbound, reply: Reply, now: datetime) -> None:
    """Claim the delivery's nonce and key last, the key with its answer: one statement, not a
    claim before and an answer after. A delivery seen before rolls the attempt back (on
    PostgreSQL a run of it still going is waited for), so it never changes anything twice."""
    if inbound.nonce is not None and not deliveries.claim_nonce(session, inbound.nonce, now):
        raise Replayed(inbound.nonce)
    key = inbound.claim_key
    answer = [m.to_dict() for m in reply.messages]
    if key is not None and not deliveries.claim(session, key, now, answer=answer):
        raise _Seen(key)


@dataclass(frozen=True)
class _Guard:
    """How one attempt runs a handler: in a savepoint (``guarded``), or bare."""

    guarded: bool

    def savepoint(self, ctx: Ctx) -> AbstractContextManager[object]:
        """The savepoint a guarded attempt runs the handler in; nothing otherwise."""
        return ctx.session.begin_nested() if self.guarded else nullcontext()

    def refused(self, ctx: Ctx, refusal: Refusal, command: str) -> Reply:
        """A guarded attempt's answer to ``refusal`` (its savepoint rolled back); a bare
        attempt ends, for the delivery to run again guarded."""
        if not self.guarded:
            raise _Undo from refusal
        return replace(_error(ctx, ctx.say(refusal.key, **excerpts(refusal.params))),
                       command=command)


def _command(ctx: Ctx, router: Router, text: str, guard: _Guard) -> Reply:
    """Parse and run one line inside the open transaction (a refusal rolls back only the
    command's own changes)."""
    parsed = parse(text, ctx.desk.catalog)
    if isinstance(parsed, Invalid) and parsed.key == "need_ref" \
            and parsed.params.get("command") in (*PROPOSAL_ANSWERS, *APPROVAL_ANSWERS):
        found = proposal_answered(ctx, parsed) \
            if parsed.params["command"] in PROPOSAL_ANSWERS else approval_answered(ctx, parsed)
        if isinstance(found, str):
            return _error(ctx, found)
        parsed = found
    if isinstance(parsed, Invalid):
        return _error(ctx, explain(ctx, parsed))
    handler = router.get(parsed.name)
    if handler is None:
        return _error(ctx, ctx.say("err.not_a_command"))
    settling = parsed.name in SETTLING and parsed.ref is not None
    try:  # a settling command's notifications and its settle row: one INSERT
        with guard.savepoint(ctx), ctx.batched() if settling else nullcontext():
            reply = handler(ctx, parsed)
            if settling and reply.ok:
                reply = _settle(ctx, parsed, reply)
    except Refusal as refusal:
        return guard.refused(ctx, refusal, parsed.name)
    return replace(reply, command=parsed.name)


def _settle(ctx: Ctx, parsed: Command, reply: Reply) -> Reply:
    """The actor's buttons that their command made moot on its request go
    (``Ctx.settle_own``); the answer's own buttons are offered anew."""
    assert parsed.ref is not None
    for message in reply.messages:
        ctx.note_offered(person(ctx.actor.id), message)
    queued = ctx.queued
    ctx.settle_own(parsed.name, parsed.ref)
    return replace(reply, queued=reply.queued + ctx.queued - queued)


def _converse(ctx: Ctx, inbound: Inbound, guard: _Guard) -> Reply | None:
    """A thread reply, a DM reply or a plain chat message (``handlers.conversation``); None
    when the delivery is a command, or a plain message with no open request to go to."""
    from handlers import conversation  # it builds on the commands, which import this module

    if not conversation.applies(inbound, ctx):
        return None
    try:
        with guard.savepoint(ctx):
            reply = conversation.handle(ctx, inbound)
    except Refusal as refusal:
        return guard.refused(ctx, refusal, "comment")
    return replace(reply, command="comment") if reply is not None else None


def _form(ctx: Ctx, inbound: Inbound, guard: _Guard) -> Reply | None:
    """The answer to a question of the person's form in chat (``handlers.form_chat``); None
    when they have none, or typed a command."""
    from handlers import form_chat  # it opens requests, whose module imports this one

    if not form_chat.might_answer(inbound, ctx.desk.catalog):
        return None  # a typed command: no savepoint, no query
    try:
        with guard.savepoint(ctx):
            reply = form_chat.answer(ctx, inbound)
    except Refusal as refusal:
        return guard.refused(ctx, refusal, "form")
    return replace(reply, command="form") if reply is not None else None


def _with_files(ctx: Ctx, reply: Reply) -> Reply:
    """Files typed with a command (and not kept by the form it opened with) go with the
    request it opened or named."""
    from handlers import conversation

    return conversation.command_files(ctx, reply, ctx.files)


def _not_a_command(ctx: Ctx, text: str) -> bool:
    parsed = parse(text, ctx.desk.catalog)
    if isinstance(parsed, Invalid) and parsed.key == "mistyped_command":  # "受里 FIN-9"
        return not suggestion(ctx, parsed)
    return isinstance(parsed, Invalid) and parsed.key == "not_a_command"


def _with_help(ctx: Ctx, router: Router, reply: Reply, guard: _Guard) -> Reply:
    """A chat message that is no command: say so, then show the help, as one message."""
    shown = (*reply.messages, *_command(ctx, router, HELP_COMMAND, guard).messages)
    joined = "\n\n".join(m.text for m in shown)
    return replace(reply, messages=(Message(text=joined, locale=ctx.locale, kind="help"),))


def _enqueue_answer(ctx: Ctx, inbound: Inbound, reply: Reply) -> tuple[int, ...]:
    """Write the answer (and, on success, ``on_success``) to the outbox for ``via``."""
    assert inbound.answer_to is not None
    extra: dict[str, object] = {"answer": True, **({"via": inbound.via} if inbound.via else {})}
    shown = [replace(m, target=inbound.answer_to, extra={**m.extra, **extra})
             for m in reply.messages]
    if reply.ok:
        shown += [*inbound.on_success, *ctx.after_answer]
    return tuple(outbox.add_answer(ctx.session, m.target, m.to_dict(), ctx.now,
                                   request_id=reply.request_id
                                   if m.request_ref == reply.request_ref else None)
                 for m in shown)


def _error(ctx: Ctx, text: str) -> Reply:
    return Reply((Message(text=text, locale=ctx.locale, kind="error"),), ok=False)
