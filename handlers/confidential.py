"""Confidential services (e.g. an HR complaint): only the requester, the desk and the admins
see the details; channels, escalations and digests get the id and counts only."""

from __future__ import annotations

from dataclasses import replace

from handlers.catalog import Category
from handlers.desk import Desk
from handlers.i18n import join_all, t
from handlers.messages import Message
from storage.models import Request

KEEP_KINDS = ("new_request",)  # a new one's root keeps its buttons (ack, assign to me)
FILE = "file"  # extra key of a message passing a stored file on (``attachments.SHARED``)
FILE_ADDED = "file_added"  # what such a message becomes for a channel: a notice, no file


def is_confidential(desk: Desk, department: str, category: str) -> bool:
    """Whether this department's service is marked ``confidential = true``; a service no
    longer in the config may have been, so it is kept private too (when in doubt)."""
    found = desk.catalog.department(department).category(category)
    return found is None or found.confidential


def of(desk: Desk, request: Request) -> bool:
    """Whether ``request`` is for a confidential service."""
    return is_confidential(desk, request.department, request.category)


def may_move_to(desk: Desk, request: Request, target: Category | None) -> bool:
    """Whether ``request`` may move to the service ``target`` (None: not yet chosen) and stay
    as private as it is: one for a confidential service only to another confidential one.
    An orphan's former service is unknown: its desk or an admin moves it where it belongs."""
    current = desk.catalog.department(request.department).category(request.category)
    if current is None or not current.confidential:
        return True
    return target is not None and target.confidential


def may_open(desk: Desk, person_id: str, request: Request) -> bool:
    """The requester, the desk now serving it (members and leads) and the admins."""
    return person_id == request.requester_id or desk.is_staff(person_id, request.department)


def who_may_open(desk: Desk, request: Request, locale: str) -> str:
    """"the requester, HR's staff and the admins", in ``locale``."""
    return join_all(locale, [t(locale, "confidential.requester"),
                         t(locale, "confidential.staff",
                               department=desk.catalog.department(request.department)
                               .label(locale)),
                             t(locale, "confidential.admins")])


def for_channel(desk: Desk, request: Request, message: Message) -> Message:
    """What a channel may hear of a confidential request: its id, and who may open it. A file
    passed on stays out: the channel hears that one was added, and the message is no longer
    a file's (no sender looks for one)."""
    shares_file = FILE in message.extra
    key = "confidential.file" if shares_file else \
        "confidential.new" if message.kind in KEEP_KINDS else "confidential.update"
    text = t(message.locale or "zh-CN", key, ref=request.ref,
             who=who_may_open(desk, request, message.locale or "zh-CN"))
    buttons = message.buttons if message.kind in KEEP_KINDS else ()
    return replace(message, text=text, title=None, fields=(), buttons=buttons,
                   kind=FILE_ADDED if shares_file else message.kind, extra={
                       k: v for k, v in message.extra.items() if k in ("state", "assignee")})


def title(desk: Desk, request: Request, locale: str) -> str:
    """The request's title, or "(confidential)" for a confidential one."""
    return t(locale, "confidential.title") if of(desk, request) else request.title
