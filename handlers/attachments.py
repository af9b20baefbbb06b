"""Files shared on a request: checked against ``[files]``, kept in the shared store, fetched
from their platform through the outbox when not in hand, listed in ``show``, and passed on to
the other side (the requester's files to the desk's thread, the desk's to the requester)."""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlmodel import Session

from handlers import confidential
from handlers.context import Ctx
from handlers.desk import Desk
from handlers.i18n import join, normalize_locale, t
from handlers.inbound import IncomingFile
from handlers.messages import Message
from storage import approvals, files, outbox, people, request_store
from storage.models import Attachment, Request

FETCH = "file_fetch"  # outbox kind: bring a file's bytes over from its platform
SHARED = "file"  # outbox kind: a stored file passed on (``extra["file"]`` is its id)
VALIDITY = {"wecom": timedelta(days=3)}  # WeCom's MediaId lives three days
GIVE_UP = timedelta(days=3)  # any other platform: a fetch failing this long is given up
GENERIC = "application/octet-stream"
MAX_NAME = 255
APPROVERS = "approvers"  # ``share_to`` of a file on a request awaiting approval
Reason = tuple[str, dict[str, object]]  # a text key and its parameters


def size_text(size: int | None) -> str:
    """``120 KB``, ``3.4 MB``, ``512 B`` (empty when unknown)."""
    if size is None:
        return ""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


def label(name: str, size: int | None) -> str:
    """``📎 invoice.jpg (120 KB)``."""
    shown = size_text(size)
    return f"📎 {name} ({shown})" if shown else f"📎 {name}"


def clean_name(name: str, mime: str) -> str:
    """A file name fit to show and store: no folders, no control characters, bounded."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".")
    if not base:
        base = "file" + (mimetypes.guess_extension(mime) or "")
    if len(base) > MAX_NAME:
        stem, dot, ext = base.rpartition(".")
        keep = ext[:16] if dot else ""
        base = (stem if dot else base)[:MAX_NAME - len(keep) - 1] + (f".{keep}" if keep else "")
    return base


def attach(ctx: Ctx, request: Request, incoming: Iterable[IncomingFile], *,
           internal: bool = False, in_thread: bool = False) -> list[str]:
    """Attach files the actor shared to ``request``; one line per file for their answer
    (attached, being fetched, or refused saying the limit). A refused file leaves nothing
    behind. ``internal``: shared with an internal note (the desk's only); ``in_thread``:
    shared in the desk's thread (the requester's is not posted back into it)."""
    return [_one(ctx, request, file, internal, in_thread) for file in incoming]


def refused(desk: Desk, file: IncomingFile) -> bool:
    """True when ``attach`` would refuse ``file`` (its type or its size, as known now)."""
    return _check(desk, file)[3] is not None


def sort_out(ctx: Ctx, incoming: Iterable[IncomingFile]) -> tuple[list[IncomingFile], list[str]]:
    """The files ``attach`` would take, and a line saying why for each it would refuse
    (for files kept to attach later: a refusal is said now, not when the request opens)."""
    taken: list[IncomingFile] = []
    lines: list[str] = []
    for file in incoming:
        if refused(ctx.desk, file):
            lines.append(refusal_text(ctx, file))
        else:
            taken.append(file)
    return taken, lines


def refusal_text(ctx: Ctx, file: IncomingFile) -> str:
    """Why ``file`` is refused, in the actor's language (the limit, what to send instead)."""
    why = _check(ctx.desk, file)[3]
    assert why is not None
    return ctx.say(why[0], **why[1])


def _check(desk: Desk, file: IncomingFile) -> tuple[str, str, int | None, Reason | None]:
    """The file's clean name, type and size, and why it is refused (None: taken). A file
    still to fetch whose type its platform did not say (a WeCom file without a title) is
    judged by its type once fetched (``fetched``)."""
    mime = (file.mime or GENERIC).split(";", 1)[0].strip().lower()
    name = clean_name(file.name, mime)
    size = len(file.data) if file.data is not None else file.size
    unknown = file.data is None and mime == GENERIC
    why = _refusal(desk, name, mime, size, check_type=not unknown)
    return name, mime, size, why


def _one(ctx: Ctx, request: Request, file: IncomingFile, internal: bool,
         in_thread: bool) -> str:
    assert request.id is not None
    name, mime, size, why = _check(ctx.desk, file)
    if why:
        return ctx.say(why[0], **why[1])
    platform = file.source.partition(":")[0]
    row = files.add(ctx.session, Attachment(
        request_id=request.id, author_id=ctx.actor.id, name=name, mime=mime, size=size,
        source=file.source[:300], state=files.FETCHING, internal=internal,
        share_to=_share_to(ctx, request, internal, in_thread), created_at=ctx.now,
        fetch_until=ctx.now + VALIDITY.get(platform, GIVE_UP)))
    request_store.add_event(ctx.session, request, ctx.actor.id, ctx.now,
                            files.FILE_EVENTS[1] if internal else files.FILE_EVENTS[0], note=name)
    if file.data is not None:
        _store(ctx, request, row, file.data)
        return ctx.say("file.attached", file=label(name, size), ref=request.ref)
    assert row.id is not None
    message = Message(text=name, target=f"file:{row.id}", request_ref=request.ref, kind=FETCH,
                      extra={"attachment": row.id, "via": platform})
    outbox.enqueue(ctx.session, message.target, message.to_dict(), ctx.now,
                   dedupe_key=f"file_fetch:{row.id}", request_id=request.id)
    ctx.queued += 1
    return ctx.say("file.fetching", file=label(name, size), ref=request.ref)


def _refusal(desk: Desk, name: str, mime: str, size: int | None, *,
             check_type: bool = True) -> Reason | None:
    """Why this file is not taken (its type, its size): a text key and its parameters;
    None when it is taken."""
    policy = desk.files
    if check_type and not policy.allows(mime):
        return "file.refused_type", {"name": name, "mime": mime,
                                     "types": ", ".join(policy.types)}
    if size is not None and size > policy.max_bytes:
        return "file.too_big", {"name": name, "size": size_text(size),
                                "limit": size_text(policy.max_bytes)}
    return None


def reason_text(locale: str, stored: str | None) -> str:
    """A stored failure reason (a text key and its parameters) in ``locale``."""
    try:
        key, params = json.loads(stored or "")
        return t(locale, str(key), **dict(params))
    except (ValueError, TypeError, KeyError):
        return stored or ""


def _share_to(ctx: Ctx, request: Request, internal: bool, in_thread: bool) -> str | None:
    """Who hears of the file: the desk (the requester's), its approvers (the requester's while
    it awaits approval), the requester (the desk's, an approver's), no one (an internal
    note's, or anyone else's)."""
    pending = request.state == "pending_approval"
    if internal:
        return None
    if ctx.actor.id == request.requester_id:
        return APPROVERS if pending else None if in_thread else f"dept:{request.department}"
    if ctx.desk.is_staff(ctx.actor.id, request.department) and not pending:
        return f"person:{request.requester_id}"
    if approvals.involves(ctx.session, request.id or 0, ctx.actor.id):
        return f"person:{request.requester_id}"
    return None


def _store(ctx: Ctx, request: Request, row: Attachment, data: bytes) -> None:
    files.put(ctx.session, row, data, ctx.now, ctx.desk.files.dir)
    if row.share_to is None:
        return
    author = ctx.name(row.author_id)

    def render(locale: str) -> Message:
        text = t(locale, "file.shared", file=label(row.name, row.size), who=author,
                 ref=request.ref)
        return Message(text=text, locale=locale, kind=SHARED, request_ref=request.ref,
                       extra={"file": row.id})

    kind, _, target = row.share_to.partition(":")
    if kind == APPROVERS:  # whom the request waits for when the file is in hand
        for person in approvals.current_approvers(ctx.session, request.id or 0):
            if person != row.author_id:
                ctx.notify_person(person, render, request)
    elif kind == "dept":
        holder = _holder(ctx, request, row)
        if holder is not None:  # first: the channel's notice then skips them
            ctx.notify_person(holder, render, request)
        ctx.notify_channel(target, render, request)
    else:
        ctx.notify_person(target, render, request)


def _holder(ctx: Ctx, request: Request, row: Attachment) -> str | None:
    """Who at the desk gets a confidential request's file in person, since its channel hears
    only that one was added: the request's assignee, when not the file's author."""
    assignee = request.assignee_id
    if assignee is None or assignee == row.author_id or not confidential.of(ctx.desk, request):
        return None
    return assignee if ctx.desk.is_staff(assignee, request.department) else None


def _author_ctx(desk: Desk, session: Session, row: Attachment, now: datetime) -> Ctx | None:
    actor = people.get(session, row.author_id)
    if actor is None:
        return None
    return Ctx(desk=desk, session=session, actor=actor, now=now,
               locale=normalize_locale(actor.locale, desk.policy.locale))


def fetched(desk: Desk, session: Session, attachment_id: int, data: bytes, now: datetime, *,
            name: str | None = None, mime: str | None = None,
            size: int | None = None) -> bool:
    """The bytes of a file being fetched arrived: check them against ``[files]``, keep them
    and pass the file on (or fail it, telling its author why). False when it was no longer
    being fetched (another try got it first). ``size``: what the platform said it weighs
    (``data`` may stop short past the limit)."""
    row = files.get(session, attachment_id)
    if row is None or row.state != files.FETCHING:
        return False
    request = session.get(Request, row.request_id)
    ctx = _author_ctx(desk, session, row, now)
    if request is None or ctx is None:
        return False
    if mime and row.mime == GENERIC:
        row.mime = mime.split(";", 1)[0].strip().lower()[:100]
    if name and row.name.startswith("file") and "." not in row.name:
        row.name = clean_name(name, row.mime)
    refused = _refusal(desk, row.name, row.mime, max(len(data), size or 0))
    if refused:
        failed(desk, session, attachment_id, refused, now)
        return False
    _store(ctx, request, row, data)
    return True


def failed(desk: Desk, session: Session, attachment_id: int, reason: Reason,
           now: datetime) -> bool:
    """A file could not be fetched (refused for good, its platform's validity passed, or
    over the limits): mark it failed with ``reason`` (a text key and its parameters, shown
    in each reader's language) and tell its author, once."""
    row = files.get(session, attachment_id)
    stored = json.dumps([reason[0], reason[1]], ensure_ascii=False)[:files.MAX_REASON]
    if row is None or not files.fail(session, attachment_id, stored):
        return False
    request = session.get(Request, row.request_id)
    ctx = _author_ctx(desk, session, row, now)
    if request is None or ctx is None:
        return True

    def render(locale: str) -> Message:
        return Message(text=t(locale, "file.failed", file=label(row.name, row.size),
                              ref=request.ref, reason=reason_text(locale, stored)),
                       locale=locale, kind="error",
                       request_ref=request.ref)

    ctx.notify_person(row.author_id, render, request,
                      dedupe_key=f"file_failed:{attachment_id}")
    return True


def listing(ctx: Ctx, request: Request) -> str | None:
    """``Files: 📎 invoice.jpg (120 KB), 📎 scan.pdf (fetching…)`` for ``show``; an internal
    note's files only for the desk. None when there are none."""
    assert request.id is not None
    staff = ctx.desk.is_staff(ctx.actor.id, request.department)
    shown = [_entry(ctx, row) for row in files.of_request(ctx.session, request.id)
             if staff or not row.internal]
    if not shown:
        return None
    return f"{ctx.say('field.files')}: {join(ctx.locale, shown)}"


def _entry(ctx: Ctx, row: Attachment) -> str:
    if row.state == files.FETCHING:
        return f"📎 {row.name} ({ctx.say('file.state.fetching')})"
    if row.state == files.FAILED:
        why = reason_text(ctx.locale, row.failed_reason)
        return f"📎 {row.name} ({ctx.say('file.state.failed', reason=why)})"
    if row.state == files.PURGED:
        return f"📎 {ctx.say('file.state.purged')}"
    return label(row.name, row.size)

