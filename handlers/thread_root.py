"""A request's thread root in its desk's channel (in a help channel: the bot's answer under
the requester's message): the desk's buttons as first posted, and the line saying its state
and owner with the buttons that apply as the request goes on (Slack rewrites the root)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlmodel import Session

from handlers.actions import staff_actions
from handlers.catalog import Department
from handlers.excerpt import excerpt
from handlers.i18n import t
from handlers.messages import Button, Message
from storage import people, proposals, request_store
from storage.models import Request

MAX_SERVICE_BUTTONS = 10  # more services: the answer says how to type the pick
SERVICE_LABEL = 30
# A help thread's answer's ``extra``: the desk's services a request may move to, [key, label]
# in the answer's language (its buttons are worked out from them while the request is open).
SERVICES = "services"
FIRST = ("ack", "assign_me")  # the desk's buttons on a root as first posted


def pending_side(session: Session, request: Request) -> str | None:
    """Who the request's pending proposal waits for: "requester" (a desk proposal), "desk"
    (the requester's counter), or None."""
    if request.id is None or request.state not in request_store.OPEN_STATES:
        return None
    current = proposals.pending(session, request.id)
    return None if current is None else _waits_for(current.kind)


def pending_sides(session: Session, requests: Iterable[Request]) -> dict[int, str]:
    """``pending_side`` of many requests in one query: request id → "requester" or "desk",
    for those a proposal waits on."""
    ids = {r.id for r in requests if r.id is not None and r.state in request_store.OPEN_STATES}
    return {rid: _waits_for(kind) for rid, kind in proposals.pending_kinds(session, ids).items()}


def _waits_for(kind: str) -> str:
    """Whom a pending proposal of ``kind`` waits for: a desk's, the requester; a counter, the
    desk."""
    return "requester" if kind == "desk" else "desk"


def service_choices(dep: Department, locale: str) -> list[list[str]]:
    """The desk's services a request may move to, [key, label] (kept with a help thread's
    answer as ``extra[SERVICES]``)."""
    return [[c.key, excerpt(c.label(locale), SERVICE_LABEL)] for c in dep.categories
            if not c.opened_only_as_itself()]


def service_buttons(ref: str, current: str,
                    choices: Sequence[Sequence[str]]) -> tuple[Button, ...]:
    """One button per service of ``choices`` but the ``current`` one (the first
    ``MAX_SERVICE_BUTTONS``)."""
    return tuple(Button(label=label, command=f"/request service {ref} {key}", action="service")
                 for key, label in choices if key != current)[:MAX_SERVICE_BUTTONS]


def buttons(ref: str, state: str, assignee: str | None, locale: str, *,
            pending: str | None = None, services: tuple[Button, ...] = (),
            first: bool = False) -> tuple[Button, ...]:
    """The desk's buttons on a root: while the request is open, ``services`` (a help thread's
    answer); then, as first posted (``first``), Acknowledge / Assign to me, later all the
    state allows, with Accept / Propose… while the requester's counter waits for the desk
    (``pending``)."""
    desk = staff_actions(ref, state, assignee, locale, pending=pending)
    if first:
        desk = tuple(b for b in desk if b.action in FIRST)
    return (*services, *desk) if state in request_store.OPEN_STATES else desk


@dataclass(frozen=True)
class RootView:
    """What a root shows under its message as posted: the state line and the buttons."""

    status: str
    buttons: tuple[Button, ...]


def current(session: Session, ref: str, posted: Message, locale: str) -> RootView | None:
    """What the root of request ``ref`` shows now, in ``locale`` (``posted``: the root as
    posted, whose services it keeps offering while the request is open); None for no such
    request."""
    request = request_store.by_ref(session, ref)
    if request is None:
        return None
    owner = people.name_of(session, request.assignee_id) if request.assignee_id else "—"
    status = t(locale, "slack.status.line", state=t(locale, f"state.{request.state}"),
               owner=owner)
    kept = posted.extra.get(SERVICES)
    if kept is None:  # posted before the services were kept with it: its buttons say them
        kept = [[b.command.split()[-1], b.label] for b in posted.buttons
                if b.action == "service"]
    return RootView(status, buttons(
        request.ref, request.state, request.assignee_id, locale,
        pending=pending_side(session, request),
        services=service_buttons(request.ref, request.category, kept)))
