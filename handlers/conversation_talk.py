"""Plain chat messages that are no words for a desk: a request's id typed alone (the answer to
"which one?"), small talk (thanks, a greeting, "ok", an emoji) and "solved". Each gets a short
answer and none is posted to a desk; a message with real content still goes to its request."""

from __future__ import annotations

import re
from datetime import timedelta

from handlers import intake
from handlers.catalog import norm
from handlers.command_words import word_for
from handlers.context import Ctx
from handlers.grammar import Command, Invalid, parse
from handlers.i18n import join_all
from handlers.messages import Message, Reply
from handlers.typing_glue import REF_START
from storage import request_store
from storage.models import Request

# How long after "which one?" an id typed alone still answers it.
ANSWER_WINDOW = timedelta(minutes=30)
# Words around an id typed alone that still make it a choice: "是IT-1", "就是 IT-1",
# "IT-1的", "it's IT-1", "IT-1 please".
_BEFORE = r"(?:就是|应该是|那就是|是|选|关于|it'?s|its|the|for|about|on)?"
_AFTER = r"(?:的|那个|这个|这一个|这条|吧|呀|啊|哦|哈|please|pls|one)?"
LONE_REF = re.compile(rf"^\s*{_BEFORE}\s*(?P<ref>{REF_START.pattern})\s*{_AFTER}"
                      r"\s*[\s,.;:!?，。：；、！？~～]*$", re.IGNORECASE)
LOOKED_AT = 50  # the person's newest requests looked at for "solved"


def lone_ref(text: str) -> str | None:
    """The request id a message is alone but for filler words (``是IT-1``, ``it-1的``)."""
    found = LONE_REF.match(text)
    return norm(found.group("ref")).upper() if found else None


def show(ctx: Ctx, ref: str) -> Reply:
    """An id typed alone with no question to answer: the request, as ``show`` gives it."""
    from handlers.views import show as show_request  # it builds on the router's commands

    return show_request(ctx, Command("show", ref=ref))


def brief(ctx: Ctx, text: str, rows: list[Request], total: int) -> Reply | None:
    """The short answer to small talk or "solved" from a person with ``total`` open requests
    (``rows`` the newest), not posted to any desk; None for a message with content, and for
    a greeting, thanks or "solved" from someone with none open (the help's own answer)."""
    parsed = parse(text, ctx.desk.catalog)
    said = parsed if isinstance(parsed, Invalid) else Invalid("")
    if said.key == "said_solved":
        return _solved(ctx, said, rows) if total else None
    if intake.is_request(text) or (said.key == "small_talk" and not total):
        return None
    lead = ctx.say("conv.small_talk.ok" if said.key != "small_talk" else
                   "conv.small_talk.thanks" if said.params.get("thanks") else
                   "conv.small_talk.hello")
    if not total:
        return _answer(ctx, ctx.say("conv.small_talk.none", lead=lead))
    if total == 1:
        return _answer(ctx, ctx.say("conv.small_talk.one", lead=lead, ref=rows[0].ref))
    return _answer(ctx, ctx.say("conv.small_talk.several", lead=lead, ref=rows[0].ref, n=total))


def _solved(ctx: Ctx, parsed: Invalid, rows: list[Request]) -> Reply:
    """"Solved" typed by a requester: with a resolved request the confirm command; with only
    open ones what withdraws them (``cancel``, and ``answered`` while the desk has not acted)."""
    from handlers.parse_errors import explain  # it builds on the router's commands

    mine, _ = request_store.of_requester(ctx.session, ctx.actor.id, 1, LOOKED_AT)
    if any(r.state == "resolved" for r in mine):
        return _answer(ctx, explain(ctx, parsed))
    lines = [f"• {_typed(ctx, 'cancel', r.ref)}"
             + (f" · {_typed(ctx, 'answered', r.ref)}{ctx.say('conv.solved_open.answered')}"
                if r.state == "open" and r.first_response_at is None else "")
             for r in rows]
    refs = join_all(ctx.locale, [r.ref for r in rows])  # "FIN-2 and FIN-1 are still open"
    return _answer(ctx, ctx.say("conv.solved_open", refs=refs, n=len(rows),
                                commands="\n".join(lines)))


def _typed(ctx: Ctx, command: str, ref: str) -> str:
    return f"`/request {word_for(command, ctx.locale)} {ref}`"


def _answer(ctx: Ctx, text: str) -> Reply:
    """An answer that changed nothing and reached no desk."""
    return Reply((Message(text=text, locale=ctx.locale, kind="conversation"),))
