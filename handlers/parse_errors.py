"""Turn a grammar Invalid into a polite reply that says what to type instead."""

from __future__ import annotations

import re
import unicodedata

from handlers import examples
from handlers.command_words import word_for
from handlers.context import Ctx
from handlers.excerpt import excerpt, excerpts
from handlers.grammar import REF_ONLY, Invalid
from handlers.i18n import join
from handlers.lifecycle import can_see
from handlers.slots import placeholder
from storage import request_store
from storage.models import Request
from storage.request_store import OPEN_STATES


def _options(ctx: Ctx, options: list[str]) -> str:
    return join(ctx.locale, [f"`{o}`" for o in options])


def explain(ctx: Ctx, invalid: Invalid) -> str:
    """The reply for input the grammar could not read."""
    params = excerpts(invalid.params)  # a reply quotes at most an excerpt of the input
    key = invalid.key
    if key in ("unknown_department", "mistyped_command"):
        suggested = suggestion(ctx, invalid)
        if suggested:
            return ctx.say("err.mistyped_command", word=params["word"], commands=suggested)
        if key == "mistyped_command":
            return ctx.say("err.not_a_command")
        return _unknown_department(ctx, params)
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
    if key in ("need_ref", "typed_label", "said_solved"):
        return _which_request(ctx, invalid)
    if key == "small_talk":
        return _small_talk(ctx, bool(invalid.params.get("thanks")))
    if key == "need_text":  # the words the command takes, as its button asks for them
        params = {**params, "text": _words_of(ctx, str(params["command"]))}
    if "command" in params:  # what to type, in the person's words (`/request 取消 <单号>`)
        params = {**params, "command": word_for(str(params["command"]), ctx.locale)}
    return ctx.say(f"err.{key}", **_examples(ctx, key), **params)


def _examples(ctx: Ctx, key: str) -> dict[str, str]:
    """The company's example words a hint shows (a day to come, a colleague)."""
    if key == "need_away":
        return examples.away(ctx)
    if key in ("need_propose", "need_counter"):
        return examples.day_to_come(ctx)
    return {}


def _unknown_department(ctx: Ctx, params: dict[str, object]) -> str:
    """No such department: the departments close to the word, and apart from them a command
    close to it (``finace`` → Finance; ``ackk`` → the command `/request ack`)."""
    options = [ctx.department(k).label(ctx.locale) + f" ({k})"
               for k in params.get("suggestions", [])]  # type: ignore[attr-defined]
    typed = _typed_locale(str(params["word"]))
    commands = [f"`/request {word_for(c, typed)}`"
                for c in params.get("commands", [])]  # type: ignore[attr-defined]
    hint = ctx.say("hint.did_you_mean", options=join(ctx.locale, options)) if options else ""
    if commands:
        hint += ctx.say("hint.or_command" if options else "hint.did_you_mean_command",
                        commands=join(ctx.locale, commands))
    return ctx.say("err.unknown_department", word=params["word"], hint=hint)


def _typed_locale(word: str) -> str:
    """The language ``word`` was typed in, for a suggested command's word (``受里`` → 受理,
    ``akc`` → ack, whatever the person's language)."""
    return "en" if word.isascii() else "zh-CN"


# Commands only the request's desk runs, and those only its requester runs: of the commands a
# mistyped word may be, the ones that fit the person on that request (``解绝 FIN-1``: the
# desk's 解决, not the requester's 拒绝).
DESK_ONLY = frozenset({"ack", "assign", "wait", "resolve", "transfer", "priority", "snooze",
                       "service", "propose"})
REQUESTER_ONLY = frozenset({"confirm", "reopen", "cancel", "rate", "answered", "decline",
                            "counter"})


def suggestion(ctx: Ctx, invalid: Invalid) -> str:
    """For a command word mistyped before a request id the person can see (``受里 FIN-1``),
    the command it may be, as they would type it (``/request 受理 FIN-1``, what came after
    the id kept); "" for any other input."""
    commands = [str(c) for c in invalid.params.get("ref_commands", [])]  # type: ignore[attr-defined]
    ref = str(invalid.params.get("ref", ""))
    request = request_store.by_ref(ctx.session, ref) if commands and ref else None
    if request is None or not can_see(ctx, request):
        return ""
    fit = [c for c in commands if _fits(ctx, request, c)]
    typed = _typed_locale(str(invalid.params["word"]))
    given = str(invalid.params.get("given", ""))
    return join(ctx.locale, [
        f"`/request {word_for(c, typed)} {request.ref}{_tail(ctx, c, given, typed=False)}`"
        for c in fit or commands])


def _fits(ctx: Ctx, request: Request, command: str) -> bool:
    """Whether the actor may run ``command`` on ``request`` as its desk or its requester."""
    if command in DESK_ONLY:
        return ctx.desk.is_staff(ctx.actor.id, request.department)
    if command in REQUESTER_ONLY:
        return ctx.actor.id == request.requester_id
    return True


# The requester's requests a command fits, by state (an empty tuple: any of them), so that a
# hint names the one request it fits ("`/request 评分 FIN-1 5`").
FITS: dict[str, tuple[str, ...]] = {
    "confirm": ("resolved",), "reopen": ("resolved", "closed"),
    "cancel": (*OPEN_STATES, "pending_approval"), "comment": (*OPEN_STATES, "resolved"),
    "resume": ("waiting",), "answered": ("open",), "rate": ("closed",), "show": (),
}
LOOKED_AT = 50   # the person's newest requests looked at (open ones first)
LISTED = 5       # requests named in a hint
TAIL = 60        # characters of what was typed that a suggested command keeps
TEXT_AFTER = {"comment", "wait", "resolve", "reopen", "reject", "decline"}
# the slot of a command's button that holds those words (``handlers.actions``, ``notices``)
TEXT_SLOT = {"wait": "question", "resolve": "note", "reopen": "reason", "reject": "reason",
             "decline": "why"}
# A word typed where the id belongs that was meant as one: "FIN3", "#3", "3", "FIN-", "-3"
# (not "P1", "2h", "me": what the command takes after the id).
REF_LIKE = re.compile(r"^(?:[#＃]?\d+|[-－]\d+|[A-Za-z]{2,6}\d+|[A-Za-z]{1,6}[-－][0-9A-Za-z]*)$")
KEEPS_NUMBER = {"rate", "add"}  # "评分 5", "加入 7": the number is no id


def _which_request(ctx: Ctx, invalid: Invalid) -> str:
    """A command typed without its id, or a button's label typed: the command to type, with
    what was typed kept after the id, and the id itself when exactly one of the person's
    requests fits (else the ones that fit)."""
    command = str(invalid.params["command"])
    tail = _tail(ctx, command, str(invalid.params.get("given", "")),
                 typed=invalid.key == "need_ref")
    fitting, theirs = _fitting(ctx, command)
    word = word_for(command, ctx.locale)
    refs = (ctx.say("hint.fitting_refs", refs=join(ctx.locale, fitting[:LISTED]))
            if len(fitting) > 1 else "")
    only = fitting[0] if len(fitting) == 1 else None
    typed = f"/request {word} {only or ctx.say('hint.ref_placeholder')}{tail}"
    if invalid.key == "need_ref":
        meant = _meant_ref(ctx, command, str(invalid.params.get("given", "")))
        if meant:
            return meant
        if only:
            return ctx.say("err.need_ref.one", ref=only, command=typed)
        ex_ref = fitting[0] if fitting else \
            ctx.desk.examples.ref(theirs or examples.own_desk(ctx))
        return ctx.say("err.need_ref", command=word, rest=tail, refs=refs, ex_ref=ex_ref)
    label = excerpt(str(invalid.params.get("label", "")).strip(), 40)
    if invalid.key == "said_solved":
        return ctx.say("err.said_solved", command=typed, refs=refs,
                       button=ctx.say("button.confirm"))
    return ctx.say("err.typed_label", label=label, command=typed, refs=refs)


# An id typed without its hyphen: "fin1", "FIN1", "fin 1", "ＦＩＮ１" (folded by NFKC).
MISSING_HYPHEN = re.compile(r"([A-Za-z]{2,4}) ?(\d{1,9})")


def _meant_ref(ctx: Ctx, command: str, given: str) -> str:
    """For an id typed without its hyphen (``ack fin1``), "did you mean FIN-1?" with the
    command to type, when that request is one the person may run ``command`` on; else ""."""
    words = given.split("\n")[0].split()
    for size in (1, 2):  # "fin1", "fin 1"
        typed = " ".join(words[:size])
        found = MISSING_HYPHEN.fullmatch(unicodedata.normalize("NFKC", typed))
        if found:
            break
    else:
        return ""
    request = request_store.by_ref(ctx.session, f"{found.group(1)}-{int(found.group(2))}")
    if request is None or not can_see(ctx, request) or not _fits(ctx, request, command):
        return ""
    tail = _tail(ctx, command, " ".join(words[size:]), typed=False)
    return ctx.say("err.meant_ref", typed=typed, ref=request.ref,
                   command=f"/request {word_for(command, ctx.locale)} {request.ref}{tail}")


def _tail(ctx: Ctx, command: str, given: str, *, typed: bool) -> str:
    """What a suggested command keeps after the id: what was ``typed`` (its first line, a
    word meant as the id left out) or a label's own ("me"), else a placeholder for what the
    command needs ("<1-5>")."""
    if command in REF_ONLY:
        return ""  # they take nothing after the id
    words = given.split("\n")[0].replace("`", "").split()
    if typed and words and REF_LIKE.match(words[0]) \
            and not (command in KEEPS_NUMBER and words[0].isdigit()):
        words = words[1:]
    kept = excerpt(" ".join(words), TAIL)
    if not kept and command == "rate":
        kept = "<1-5>"
    elif not kept and command in TEXT_AFTER:
        kept = _words_of(ctx, command)
    return f" {kept}" if kept else ""


def _words_of(ctx: Ctx, command: str) -> str:
    """The placeholder for the words ``command`` takes after the id, the one its button's
    box shows (``<问题>`` for wait, ``<原因>`` for reopen), else ``<内容>``."""
    slot = TEXT_SLOT.get(command)
    return placeholder(slot, ctx.locale, command) if slot else ctx.say("hint.text_placeholder")


def _fitting(ctx: Ctx, command: str) -> tuple[list[str], str | None]:
    """The ids of the person's own requests that ``command`` fits now, newest first, and
    the department of the first of their requests looked at (None: none looked at)."""
    states = FITS.get(command)
    if states is None:
        return [], None
    rows, _ = request_store.of_requester(ctx.session, ctx.actor.id, 1, LOOKED_AT)
    theirs = rows[0].department if rows else None
    fit = [r for r in rows if not states or r.state in states]
    if command == "answered":
        fit = [r for r in fit if r.first_response_at is None]
    if command == "rate":
        from handlers.feedback import rating_closed  # it registers with the router

        final = rating_closed(ctx, fit)
        fit = [r for r in fit if r.id not in final and r.resolver_id != ctx.actor.id]
    return [r.ref for r in fit], theirs


def _small_talk(ctx: Ctx, thanks: bool) -> str:
    """A short answer to a greeting or to thanks, with how to start."""
    if thanks:
        return ctx.say("reply.thanks")
    example = "/request"
    for dep in ctx.desk.catalog.departments:
        if dep.categories:
            example = (f"/request {dep.label(ctx.locale)} "
                       f"{dep.categories[0].label(ctx.locale)} …")
            break
    return ctx.say("reply.hello", example=example)

