"""Slack redelivers events (``X-Slack-Retry-Num``): run each event once, across replicas.

Commands, clicks and submissions pass their trigger id to the inbound path, which claims it
in the command's own transaction. Events only show things (the Home tab): their ``event_id``
is claimed here, in a transaction of its own, and a repeat is answered 200 without running.
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
        if not event_id:
            return next()
        try:
            with transaction(self.engine) as session:
                first = deliveries.claim(session, f"slack-event:{event_id}", self.clock())
        except Exception:  # noqa: BLE001 - showing something twice beats not at all
            log.warning("could not claim Slack event %s; running it", event_id)
            first = True
        return next() if first else BoltResponse(status=200, body="")
