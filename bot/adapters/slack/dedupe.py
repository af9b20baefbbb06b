"""Slack redelivers events (``X-Slack-Retry-Num``): run each event once, across replicas.

Commands, clicks and submissions pass their trigger id to the inbound path, which claims it
in the command's own transaction. So do messages and reactions (``CLAIMED_BY_LISTENER``):
their ``event_id`` is the delivery key of the comment or action they make, so a failed one
is run again by Slack's retry. Other events only show things (the Home tab): their
``event_id`` is claimed here, in a transaction of its own, and a repeat is answered 200
without running.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from sqlalchemy import Engine

from handlers.desk import Clock
from storage import deliveries
from storage.engine import transaction

log = logging.getLogger(__name__)
CLAIMED_BY_LISTENER = frozenset({"message", "reaction_added"})


def claim_event(engine: Engine, clock: Clock, event_id: str) -> bool:
    """Claim an event that only shows something; True the first time (and when the
    database cannot say: showing something twice beats not at all)."""
    try:
        with transaction(engine) as session:
            return deliveries.claim(session, f"slack-event:{event_id}", clock())
    except Exception:  # noqa: BLE001
        log.warning("could not claim Slack event %s; running it", event_id)
        return True


class EventOnce(Middleware):
    """A Bolt middleware: an event delivered before gets 200 and does not run again."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock

    def process(self, *, req: BoltRequest, resp: BoltResponse,
                next: Callable[[], BoltResponse]) -> BoltResponse | None:
        """Let an event through once (when the database cannot say, let it through)."""
        body = req.body if isinstance(req.body, dict) else {}
        event_id = body.get("event_id")
        if not event_id or (body.get("event") or {}).get("type") in CLAIMED_BY_LISTENER:
            return next()
        first = claim_event(self.engine, self.clock, str(event_id))
        return next() if first else BoltResponse(status=200, body="")
