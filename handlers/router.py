"""One place that maps command names to handler functions, and runs a chat line."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from sqlalchemy.exc import DataError, DBAPIError

from handlers.context import Ctx, Refusal
from handlers.desk import Desk
from handlers.grammar import Command, Invalid, parse
from handlers.i18n import normalize_locale, t
from handlers.messages import Message, Reply
from handlers.parse_errors import explain
from handlers.text_input import clean_text
from storage import people
from storage.engine import transaction

Handler = Callable[[Ctx, Command], Reply]
log = logging.getLogger(__name__)


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


def handle(desk: Desk, router: Router, actor_id: str, text: str, now: datetime) -> Reply:
    """Run one chat line for ``actor_id`` at ``now``; all changes commit together or not at all.

    The text is cleaned first (control characters, lone surrogates). When the database fails
    (unreachable, timed out, or refusing a value) the transaction is rolled back and the
    person gets a polite answer instead of an exception."""
    try:
        return _handle(desk, router, clean_text(actor_id), clean_text(text), now)
    except DBAPIError as exc:
        cause = (str(exc.orig).strip().splitlines() or [""])[0][:200]
        log.warning("a command by %r failed in the database and was rolled back: %s: %s",
                    actor_id, type(exc.orig).__name__, cause)
        locale = desk.policy.locale
        key = "err.unstorable" if isinstance(exc, DataError) else "err.try_again"
        message = Message(text=t(locale, key), locale=locale, kind="error")
        return Reply((message,), ok=False)


def _handle(desk: Desk, router: Router, actor_id: str, text: str, now: datetime) -> Reply:
    with transaction(desk.engine) as session:
        actor = people.get(session, actor_id)
        if actor is None:
            actor = people.register(session, actor_id, actor_id, now, source="chat")
        locale = normalize_locale(actor.locale, desk.policy.locale)
        ctx = Ctx(desk=desk, session=session, actor=actor, now=now, locale=locale)
        parsed = parse(text, desk.catalog)
        if isinstance(parsed, Invalid):
            return _error(ctx, explain(ctx, parsed))
        handler = router.get(parsed.name)
        if handler is None:
            return _error(ctx, ctx.say("err.not_a_command"))
        try:
            with session.begin_nested():
                reply = handler(ctx, parsed)
        except Refusal as refusal:
            return replace(_error(ctx, ctx.say(refusal.key, **refusal.params)),
                           command=parsed.name)
        return replace(reply, command=parsed.name)


def _error(ctx: Ctx, text: str) -> Reply:
    return Reply((Message(text=text, locale=ctx.locale, kind="error"),), ok=False)
