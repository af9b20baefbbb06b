"""The ``root_update`` outbox row: rewrite a request's thread root to show its current state.

A thread reply queues one; the sender renders the request as it is when the row is sent, so
a retried (429) or late update never shows an older state than the one before it. Its target
is the root (``root:FIN-1``), not the channel: a root update waiting out a 429 never holds
the channel's posts back, and the updates of one root go in order."""

from __future__ import annotations

import logging

from sqlalchemy import Engine

from handlers.desk import Clock
from handlers.messages import LEFT_STATUS, Message
from storage import outbox
from storage.engine import transaction

log = logging.getLogger(__name__)
ROOT_UPDATE = "root_update"


def root_update(reply: Message, left: tuple[str, str] | None = None) -> Message:
    """The row that brings the root of ``reply``'s request up to date (Slack only). With
    ``left`` (channel id, ts): the root of a thread the request has left (a transfer), to
    show the reply's ``LEFT_STATUS`` and no buttons."""
    extra: dict[str, object] = {"via": "slack"}
    if left is not None:
        extra.update(left_channel=left[0], left_ts=left[1],
                     status=str(reply.extra.get(LEFT_STATUS) or ""))
    return Message(text="", target=f"root:{reply.request_ref}", locale=reply.locale,
                   request_ref=reply.request_ref, kind=ROOT_UPDATE, extra=extra)


def queue_root_update(engine: Engine, clock: Clock, reply: Message, request_id: int,
                      left: tuple[str, str] | None = None) -> bool:
    """Queue the root update for a thread reply just posted (once per reply row); False when
    the database would not take it."""
    source = reply.extra.get("outbox_id")
    key = f"{ROOT_UPDATE}:{source}" if source is not None else None
    try:
        with transaction(engine) as session:
            row = root_update(reply, left)
            outbox.enqueue(session, row.target, row.to_dict(), clock(), dedupe_key=key,
                           request_id=request_id)
    except Exception:  # noqa: BLE001 - the reply is out; the caller updates the root itself
        log.warning("could not queue the root update of %s", reply.request_ref, exc_info=True)
        return False
    return True
