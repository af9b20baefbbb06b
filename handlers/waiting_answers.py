"""A command that answers what waits for the person (a proposal, an approval) typed without
its request id: it runs on the one waiting; with several, the commands to type; with none,
that none waits (``proposal_answers``, ``approval_answers``)."""

from __future__ import annotations

from collections.abc import Callable

from handlers.command_words import word_for
from handlers.context import Ctx
from handlers.excerpt import excerpt
from handlers.grammar import Command, Invalid, parse
from handlers.i18n import join
from handlers.parse_errors import REF_LIKE
from handlers.slots import placeholder

LISTED = 5  # requests named when several wait


def answered(ctx: Ctx, invalid: Invalid, waiting: Callable[[], list[str]],
             slots: tuple[str, ...], several: str,
             none: Callable[[str], str]) -> Command | Invalid | str:
    """The command typed without its id (``invalid``), on the one request ``waiting`` gives,
    what was typed kept; else ``several`` (a text key) with the commands to type, or
    ``none(given)``. A word meant as the id (``accept FIN1``) keeps the usual hint."""
    command, given = str(invalid.params["command"]), str(invalid.params.get("given", ""))
    words = given.split()
    if words and REF_LIKE.match(words[0]):
        return invalid
    refs = waiting()
    if len(refs) == 1:
        return parse(f"/request {command} {refs[0]} {given}".strip(), ctx.desk.catalog)
    if refs:
        commands = "\n".join(f"• `{typed(ctx, command, ref, given, slots)}`"
                             for ref in refs[:LISTED])
        return ctx.say(several, refs=join(ctx.locale, refs[:LISTED]), commands=commands)
    return none(given)


def typed(ctx: Ctx, command: str, ref: str, given: str, slots: tuple[str, ...]) -> str:
    """How the actor types ``command`` on ``ref``: what they typed kept after the id, else
    the words its button asks for (``/request 反提议 FIN-1 <日期> [说明]``)."""
    after = f" {excerpt(given.splitlines()[0], 60)}" if given.strip() else "".join(
        f" {placeholder(name, ctx.locale, command)}" for name in slots)
    return f"/request {word_for(command, ctx.locale)} {ref}{after}"
