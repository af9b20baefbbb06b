"""What is sent of a message that takes several platform calls (a text then its chart, a file
after its notice), kept with its outbox row as each part goes out (``keep_progress``): the
row's next try, in this process or another, gets it with the message (``resumed``) and starts
after it, so a crash, a restart or another replica never sends a part twice."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from sqlalchemy import Engine

from handlers.messages import Message
from storage import outbox
from storage.engine import transaction

log = logging.getLogger(__name__)
PROGRESS = "progress"  # Message.extra: its row's ``Outbox.progress`` (read with ``resumed``)
OUTBOX_ID = "outbox_id"  # Message.extra: its row's id
SLOTS_TAKEN = "slots_taken"  # Message.extra: its pacing slots came with its lease
_MARKS = (OUTBOX_ID, SLOTS_TAKEN, PROGRESS)  # what the dispatcher adds: not the content


def resumed(message: Message, sender: str) -> dict[str, Any] | None:
    """What earlier tries of ``message``'s row sent (the note ``sender``, e.g. "wecom", kept
    with ``keep_progress``); None when nothing yet, or the note is about other content or
    another sender's (the row was routed elsewhere meanwhile)."""
    stored = message.extra.get(PROGRESS)
    if not isinstance(stored, dict) or stored.get("by") != sender \
            or stored.get("of") != _content_digest(message):
        return None
    note = stored.get("sent")
    return dict(note) if isinstance(note, dict) else None


def keep_progress(engine: Engine, message: Message, sender: str,
                  note: dict[str, Any]) -> None:
    """Store ``sender``'s ``note`` (JSON: what is sent of ``message`` so far) with its row, in a
    transaction of its own, as a part goes out: the row's next try, in any process, starts
    after it (``resumed``). The part is out whatever happens: a database that will not take
    the note is logged (only a failure later in this try would then send the part again)."""
    row_id = message.extra.get(OUTBOX_ID)
    if row_id is None:  # not an outbox row's message: no later try to tell
        return
    try:
        with transaction(engine) as session:
            outbox.record_progress(session, int(row_id),
                                   {"of": _content_digest(message), "by": sender,
                                    "sent": note})
    except Exception:  # noqa: BLE001 - the part is sent; the row must not fail for it
        log.warning("could not store the progress of outbox row %s", row_id, exc_info=True)


def _content_digest(message: Message) -> str:
    """Which content a progress note is about (the dispatcher's marks aside)."""
    shown = message.to_dict()
    shown["extra"] = {k: v for k, v in dict(shown.get("extra") or {}).items()
                      if k not in _MARKS}
    return hashlib.sha256(json.dumps(shown, sort_keys=True, default=str).encode()).hexdigest()
