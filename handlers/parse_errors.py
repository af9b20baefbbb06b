"""Turn a grammar Invalid into a polite reply that says what to type instead."""

from __future__ import annotations

from handlers.context import Ctx
from handlers.excerpt import excerpts
from handlers.grammar import Invalid, word_for
from handlers.i18n import join


def _options(ctx: Ctx, options: list[str]) -> str:
    return join(ctx.locale, [f"`{o}`" for o in options])


def explain(ctx: Ctx, invalid: Invalid) -> str:
    """The reply for input the grammar could not read."""
    params = excerpts(invalid.params)  # a reply quotes at most an excerpt of the input
    key = invalid.key
    if key == "unknown_department":
        options = [
            ctx.department(k).label(ctx.locale) + f" ({k})"
            for k in params.get("suggestions", [])  # type: ignore[attr-defined]
        ]
        options += [f"/request {c}" for c in params.get("commands", [])]  # type: ignore[attr-defined]
        hint = ctx.say("hint.did_you_mean", options=join(ctx.locale, options)) if options else ""
        return ctx.say("err.unknown_department", word=params["word"], hint=hint)
    if key == "unknown_category":
        dep = ctx.department(str(params["department"]))
        names = [dep.category(str(k)) for k in params.get("suggestions", [])]  # type: ignore[attr-defined]
        hint_items = [c.label(ctx.locale) for c in names if c]
        hint = (
            ctx.say("hint.did_you_mean", options=join(ctx.locale, hint_items)) if hint_items else ""
        )
        services = "\n".join(
            f"• {c.label(ctx.locale)} — `/request {dep.key} {c.key} …`" for c in dep.categories
        )
        return ctx.say(
            "err.unknown_category", department=dep.label(ctx.locale), word=params["word"],
            hint=hint, services=services,
        )
    if key == "need_suggestion":
        return ctx.say("err.need_suggestion")
    if "command" in params:  # what to type, in the person's words (`/request 取消 <单号>`)
        params = {**params, "command": word_for(str(params["command"]), ctx.locale)}
    return ctx.say(f"err.{key}", **params)
