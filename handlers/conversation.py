"""The conversation around a request: replies in the desk's thread, replies in a person's DM
or app chat, internal notes, and plain messages held until their author picks a request.

Rules (``handle``): a reply in a request's desk thread by a desk member is a comment to the
requester (a first response) or, starting with an internal marker (``//``, ``(internal)``,
``（内部）``), an internal note the requester never sees; by the requester it is a comment to
the desk (not posted back into the thread: one resuming a wait marks the answer
``root_stale``); by anyone else it is only recorded. A reply about a request in the DM is
``/request comment REF text``. A plain message that starts with the id of a request its
author may comment on (its requester, its desk, its approvers) is a DM reply to it, the id
left out (the notices and the history name the request already); an id alone answers "which
one?" (``conversation_talk``). Small talk and "solved" get a short answer, posted nowhere.
Any other plain message goes to the author's one open request (one awaiting approval counts:
its approvers hear it); with several the bot asks which (the message is held in the database
until a button runs ``/request add REF N``); with none the caller shows the help. Words
longer than ``MAX_DETAILS`` are refused, nothing kept."""

from __future__ import annotations

import base64
from dataclasses import asdict, replace
from typing import Any

from handlers import attachments, intake, thread_root
from handlers import conversation_talk as talk
from handlers import lifecycle as lc
from handlers.catalog import norm
from handlers.command_words import REQUEST_PREFIXES, SUGGEST_PREFIXES, word_for
from handlers.context import Ctx, Refusal
from handlers.excerpt import excerpt
from handlers.grammar import MAX_DETAILS, REF_RE, Command, Invalid, ignores_words, parse
from handlers.inbound import Inbound, IncomingFile
from handlers.messages import Button, Message, Reply
from handlers.requests import INTERNAL_MARKERS as INTERNAL_MARKERS
from handlers.requests import add_comment, add_note, is_internal, without_marker, writes_note
from handlers.router import Router
from handlers.typing_glue import REF_START, REF_TRAIL
from storage import form_drafts, held, request_store
from storage.models import HeldMessage, Request

MAX_CHOICES = 6        # WeCom's card holds six buttons; Slack shows them in one row
CHOICE_LABEL = 40      # characters of "FIN-12 title" on a choice button
FILES_MARK = "📎"


def applies(inbound: Inbound, ctx: Ctx) -> bool:
    """True when ``inbound`` is part of a conversation rather than a command: it came in a
    thread, a DM thread or a plain chat, and is no command. In a thread only an explicit
    command (``/request …``, ``提单 …``, ``/ack FIN-1``) runs as one; in a plain chat any
    text that reads as a command does (``列表``, ``ack FIN-1``, ``受理FIN-1``). Small talk and
    "solved" are conversation too (answered briefly, never a comment in a plain chat); a
    button's label typed in a plain chat (``确认已解决``) is answered with its command."""
    from handlers.parse_errors import suggestion
    from handlers.typing_glue import starts_as_command  # "提单：财务 …" is explicit too

    if inbound.intake:
        return True  # a message in a help channel: a request, or small talk
    if not (inbound.thread_of or inbound.reply_about or inbound.conversation):
        return False
    text = inbound.text.strip()
    if not text:
        return bool(inbound.files)
    threaded = bool(inbound.thread_of or inbound.reply_about)
    if threaded and is_internal(text):
        return True
    parsed = parse(text, ctx.desk.catalog)
    if isinstance(parsed, Invalid) and parsed.key in ("not_a_command", "small_talk",
                                                      "said_solved"):
        return True  # "/tmp/x is there" too: no command of ours
    if isinstance(parsed, Invalid) and parsed.key == "mistyped_command":
        return threaded or not suggestion(ctx, parsed)  # "受里 FIN-1": its command suggested
    if isinstance(parsed, Invalid) and parsed.key == "typed_label":
        return threaded
    first = text.split()[0].lower()
    if first.startswith("/") or first in REQUEST_PREFIXES or first in SUGGEST_PREFIXES \
            or starts_as_command(text, ctx.desk.catalog):
        return False
    if threaded or ignores_words(text, ctx.desk.catalog):  # "mine is still broken": words
        return True
    return isinstance(parsed, Invalid) and " " in text  # a lone "ack" gets its hint


def handle(ctx: Ctx, inbound: Inbound) -> Reply | None:
    """Run one conversation message; None when a plain message has no open request to go to
    (the caller answers with the help). A shared file refused by ``[files]`` is left out
    and its refusal (the limit, what to send instead) is told to its sender."""
    if inbound.intake:
        return intake.handle(ctx, inbound)
    text = inbound.text.strip()
    files = tuple(f for f in inbound.files if not attachments.refused(ctx.desk, f))
    refusals = [attachments.refusal_text(ctx, f) for f in inbound.files if f not in files]
    if refusals and not text and not files:  # nothing left to say: no comment, no answer
        return Reply((Message(text="\n".join(refusals), locale=ctx.locale, kind="conversation",
                              extra={"refused_files": True}),))
    reply = _route(ctx, replace(inbound, files=files), text, files)
    if reply is None or not refusals or not reply.messages:
        return reply
    first = reply.messages[0]
    told = replace(first, text="\n".join([first.text, *refusals]),
                   extra={**first.extra, "refused_files": True})
    return replace(reply, messages=(told, *reply.messages[1:]))


def _route(ctx: Ctx, inbound: Inbound, text: str,
           files: tuple[IncomingFile, ...]) -> Reply | None:
    if inbound.thread_of:
        return thread_reply(ctx, inbound.thread_of, text, files, left=inbound.thread_left)
    if inbound.reply_about:
        return dm_reply(ctx, lc.load(ctx, inbound.reply_about), text, files)
    named = _noted_in_chat(ctx, text)
    if named is not None:  # "// FIN-1 text": the desk's note, not words on one's own request
        request, note = named
        return _note(ctx, request, note, files, in_thread=True)
    chosen = None if files else talk.lone_ref(text)
    if chosen is not None:  # "IT-1", "是IT-1": the answer to "which one?", else the request
        row = held.unanswered(ctx.session, ctx.actor.id, ctx.now - talk.ANSWER_WINDOW)
        return _add_held(ctx, row, chosen) if row is not None else talk.show(ctx, chosen)
    about = _named_in_chat(ctx, text)
    if about is not None and (about[1] or files):  # "FIN-1 确认一下进度": FIN-1's
        return dm_reply(ctx, about[0], about[1], files)
    rows, total = held.open_requests_of(ctx.session, ctx.actor.id, MAX_CHOICES)
    brief = None if files else talk.brief(ctx, text, rows, total)
    if brief is not None:  # "谢谢", "好的👍", "已解决": answered here, no desk pinged
        return brief
    if total == 0:
        return _keep(ctx, inbound) if files else None
    if total == 1:
        return dm_reply(ctx, lc.load(ctx, rows[0].ref), text, files)
    return _ask(ctx, inbound, rows, total)


def thread_reply(ctx: Ctx, ref: str, text: str, files: tuple[IncomingFile, ...], *,
                 left: bool = False) -> Reply:
    """A message in the request's desk thread (``left``: one it left when transferred, so
    what its requester says there is posted to the desk's thread now)."""
    request = request_store.by_ref(ctx.session, ref, lock=True)
    if request is None:
        raise Refusal("err.not_found", ref=ref)
    staff = ctx.desk.is_staff(ctx.actor.id, request.department)
    requester = ctx.actor.id == request.requester_id
    department = ctx.dept_label(request.department)
    if writes_note(ctx, request, text):  # written in the thread: not posted there again
        return _note(ctx, request, without_marker(text), files, in_thread=left)
    _within_limit(text)
    if not (staff or requester):
        lc.transition(ctx, request, None, "thread_reply", note=_body(text, files))
        return _said(ctx, request, "conv.recorded", _attach(ctx, request, files),
                     department=department, open=f"/request {request.department}")
    before = request.state
    add_comment(ctx, request, _body(text, files), "thread_reply", in_thread=left,
                tell=bool(text))
    lines = _attach(ctx, request, files)
    if requester:  # an answer to a wait resumes it, unsaid in this thread (the words are)
        reply = _said(ctx, request, "conv.to_desk", lines, department=department)
        return replace(reply, root_stale=request.state != before and not left)
    return _said(ctx, request, "conv.sent_to_requester", lines,
                 requester=ctx.name(request.requester_id))


def dm_reply(ctx: Ctx, request: Request, text: str, files: tuple[IncomingFile, ...]) -> Reply:
    """A message in the person's DM or app chat about ``request``: a comment, as typed with
    ``/request comment`` (the desk's, starting with an internal marker, an internal note that
    its thread shows the desk). A requester whom a proposal waits for is reminded how to
    accept it (words are no answer to it)."""
    if writes_note(ctx, request, text):
        return _note(ctx, request, without_marker(text), files, in_thread=True)
    _within_limit(text)
    add_comment(ctx, request, _body(text, files), "dm_reply", tell=bool(text))
    lines = _attach(ctx, request, files, in_thread=False)
    if ctx.actor.id == request.requester_id \
            and thread_root.pending_side(ctx.session, request) == "requester":
        lines.append(ctx.say("conv.proposal_waits", ref=request.ref,
                             command=f"/request {word_for('accept', ctx.locale)} {request.ref}"))
    return _said(ctx, request, "reply.commented", lines)


def _note(ctx: Ctx, request: Request, note: str, files: tuple[IncomingFile, ...], *,
          in_thread: bool) -> Reply:
    """The desk's internal note (``requests.writes_note``; ``note`` without its marker), its
    files the desk's only."""
    _within_limit(note)
    add_note(ctx, request, _body(note, files), in_thread=in_thread)
    return _said(ctx, request, "conv.internal_noted", _attach(ctx, request, files, internal=True))


def _noted_in_chat(ctx: Ctx, text: str) -> tuple[Request, str] | None:
    """A plain chat message (no thread to write in) that is a marker, a request id and a
    note (``// FIN-1 text``) by a member of that request's desk: the request and the note.
    None for anything else (the requester's own words go to their request, as typed)."""
    if not is_internal(text):
        return None
    words = without_marker(text).split(None, 1)
    if not words or not REF_RE.match(words[0]):
        return None
    request = request_store.by_ref(ctx.session, words[0].upper())
    if request is None or not writes_note(ctx, request, text):
        return None
    return lc.load(ctx, request.ref), words[1] if len(words) > 1 else ""


def _named_in_chat(ctx: Ctx, text: str) -> tuple[Request, str] | None:
    """A plain chat message that starts with a request id: the request and the words after
    the id. An id of a desk's that the actor may not see is refused as ``show`` refuses it
    (the same answer whether it exists or not); None for anything else (``AB-12 坏了``)."""
    found = REF_START.match(text)
    if found is None:
        return None
    ref = norm(found.group()).upper()
    request = request_store.by_ref(ctx.session, ref, lock=True)
    if request is None and ctx.desk.catalog.by_prefix(ref.split("-")[0]) is None:
        return None  # no desk's id: words
    if request is None or not (ctx.actor.id == request.requester_id
                               or ctx.desk.is_staff(ctx.actor.id, request.department)):
        request = lc.load(ctx, ref)  # not theirs to see: refused; seen: ``comment``'s answer
    return request, text[found.end():].lstrip(REF_TRAIL + " \t\n").strip()


def _ask(ctx: Ctx, inbound: Inbound, rows: list[Request], total: int) -> Reply:
    """Hold the message and ask which request it is about, one button per open request."""
    _within_limit(inbound.text.strip())
    row = held.hold(ctx.session, ctx.actor.id, inbound.platform, inbound.text.strip(),
                    [file_to_dict(f) for f in inbound.files], ctx.now)
    shown = excerpt(_body(row.text, inbound.files), 120)
    text = ctx.say("conv.choose", n=total, text=shown, held=row.id)
    if total > len(rows):
        text += "\n" + ctx.say("conv.choose.more", shown=len(rows), n=total)
    buttons = tuple(Button(label=excerpt(f"{r.ref} {r.title}", CHOICE_LABEL),
                           command=f"/request add {r.ref} {row.id}", action="add")
                    for r in rows)
    return Reply((Message(text=text, locale=ctx.locale, buttons=buttons, kind="choose_request",
                          extra={"held": row.id}),))


def _keep(ctx: Ctx, inbound: Inbound) -> Reply:
    """Files sent with no open request to go to: held (with the text) until their author
    opens one and adds them with ``/request add REF N``."""
    _within_limit(inbound.text.strip())
    row = held.hold(ctx.session, ctx.actor.id, inbound.platform, inbound.text.strip(),
                    [file_to_dict(f) for f in inbound.files], ctx.now)
    names = ", ".join(attachments.clean_name(f.name, f.mime) for f in inbound.files)
    text = ctx.say("conv.kept_files", files=excerpt(names, 120), held=row.id)
    return Reply((Message(text=text, locale=ctx.locale, kind="conversation",
                          extra={"held": row.id}),))


# Commands that a file typed with them (console ``[file x]``) goes with: to the request they
# open or name.
FILE_COMMANDS = frozenset({"open", "comment", "wait", "resume", "resolve", "reopen"})


def command_files(ctx: Ctx, reply: Reply, files: tuple[IncomingFile, ...]) -> Reply:
    """Files shared with a typed command: attached to the request the command opened or named
    (one line each in the answer); with a command that takes none, or one that failed, the
    answer says they were not kept and how to send them."""
    names = ", ".join(attachments.clean_name(f.name, f.mime) for f in files)
    request = (request_store.by_ref(ctx.session, reply.request_ref)
               if reply.ok and reply.request_ref and reply.command in FILE_COMMANDS else None)
    draft = (form_drafts.get(ctx.session, ctx.actor.id, lock=True)
             if reply.ok and reply.command == "open" and request is None else None)
    if draft is not None:  # the command started a form in chat: the files wait with it
        kept, lines = attachments.sort_out(ctx, files)
        draft.files = [*draft.files, *(file_to_dict(f) for f in kept)]
        form_drafts.save(ctx.session, draft)
        if kept:
            lines.append(ctx.say("form.file_kept", files=excerpt(", ".join(
                attachments.clean_name(f.name, f.mime) for f in kept), 120)))
    elif request is None:
        key = "conv.files_not_kept" if reply.ok else "conv.files_not_kept_failed"
        lines = [ctx.say(key, files=excerpt(names, 120))]
    else:
        lines = attachments.attach(ctx, request, files)
    if not reply.messages:
        return replace(reply, messages=(Message(text="\n".join(lines), locale=ctx.locale),))
    first = reply.messages[0]
    shown = replace(first, text="\n".join([first.text, *lines]))
    return replace(reply, messages=(shown, *reply.messages[1:]), queued=ctx.queued)


def add(ctx: Ctx, cmd: Command) -> Reply:
    """``/request add REF N``: the held message N (the actor's) becomes a comment on REF,
    once; a second click says where it went."""
    assert cmd.number is not None
    row = held.get(ctx.session, cmd.number, lock=True)
    if row is None or row.person_id != ctx.actor.id:
        raise Refusal("err.held_not_found", held=cmd.number)
    if row.attached_ref is not None:
        return _unchanged(ctx, row.attached_ref)
    assert cmd.ref is not None
    return _add_held(ctx, row, cmd.ref)


def _add_held(ctx: Ctx, row: HeldMessage, ref: str) -> Reply:
    """The held message ``row`` as a comment on ``ref``, once."""
    request = lc.load(ctx, ref)
    if not held.claim(ctx.session, row.id or 0, request.ref, ctx.now):
        return _unchanged(ctx, request.ref)
    files = tuple(file_of_dict(f) for f in row.files)
    return dm_reply(ctx, request, row.text, files)


def _within_limit(text: str) -> None:
    """Refuse words longer than a command's (``grammar.MAX_DETAILS``) before anything is
    kept or posted: the answer ``/request comment`` gives."""
    if len(text) > MAX_DETAILS:
        raise Refusal("err.too_long", length=len(text), limit=MAX_DETAILS)


def _body(text: str, files: tuple[IncomingFile, ...]) -> str:
    """What the comment says: the text, or with no text the files' names."""
    if text or not files:
        return text
    return f"{FILES_MARK} " + ", ".join(f.name for f in files)


def _attach(ctx: Ctx, request: Request, files: tuple[IncomingFile, ...], *,
            internal: bool = False, in_thread: bool = True) -> list[str]:
    """Hand shared files to the attachment store, once the request is known: one line per
    file for the answer."""
    if not files:
        return []
    return attachments.attach(ctx, request, files, internal=internal, in_thread=in_thread)


def _unchanged(ctx: Ctx, ref: str) -> Reply:
    """A second choice for a held message: where it went, as an answer that changed nothing
    (not ``ok``), so no platform marks the clicked choice as chosen."""
    return replace(_said(ctx, None, "conv.already_added", ref=ref), ok=False)


def _said(ctx: Ctx, request: Request | None, key: str, lines: list[str] | None = None,
          **params: object) -> Reply:
    ref = request.ref if request else None
    text = "\n".join([ctx.say(key, **({"ref": ref} if ref else {}), **params), *(lines or [])])
    return Reply((Message(text=text, locale=ctx.locale, request_ref=ref, kind="conversation"),),
                 queued=ctx.queued, request_ref=ref)


def file_to_dict(file: IncomingFile) -> dict[str, Any]:
    """A shared file as JSON for a held message (its bytes base64)."""
    data = asdict(file)
    data["data"] = base64.b64encode(file.data).decode() if file.data is not None else None
    return data


def file_of_dict(data: dict[str, Any]) -> IncomingFile:
    """A held file back as an ``IncomingFile``."""
    raw = data.get("data")
    return IncomingFile(name=str(data["name"]), mime=str(data["mime"]), size=data.get("size"),
                        source=str(data["source"]),
                        data=base64.b64decode(raw) if raw is not None else None)


def register(router: Router) -> None:
    """Wire ``add`` (a held message to a request)."""
    router.add("add", add)
