"""Slack redelivers: run each event, command, click or submission once, across replicas."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse

TTL_SECONDS = 600.0
MAX_KEYS = 50_000


class SeenIds:
    """Ids seen in the last ``ttl`` seconds (in memory; one replica's view)."""

    def __init__(self, ttl: float = TTL_SECONDS, max_keys: int = MAX_KEYS,
                 now: Callable[[], float] = time.monotonic,
                 shared: Callable[[str], bool] | None = None) -> None:
        self.shared = shared  # a cross-replica claim (the database), consulted after memory
        self.ttl = ttl
        self.max_keys = max_keys
        self.now = now
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, key: str, shared: bool = True) -> bool:
        """Record ``key``; True unless it was already seen within the TTL (by any replica when
        ``shared``: Slack retries only events, so only they need the database)."""
        now = self.now()
        with self._lock:
            while self._seen:
                oldest, at = next(iter(self._seen.items()))
                if now - at < self.ttl and len(self._seen) < self.max_keys:
                    break
                self._seen.popitem(last=False)
            if key in self._seen:
                return False
            self._seen[key] = now
        return self.shared(key) if self.shared and shared else True


def delivery_key(body: dict[str, Any]) -> str | None:
    """What identifies one delivery: the event id, else the interaction's trigger id."""
    key = body.get("event_id") or body.get("trigger_id")
    return str(key) if key else None


def dedupe_middleware(seen: SeenIds) -> Callable[..., BoltResponse]:
    """A Bolt middleware: repeats, and retried non-events, get 200 without running again."""

    def middleware(request: BoltRequest, next: Callable[[], BoltResponse]) -> BoltResponse:
        """Let a delivery through once."""
        body = request.body if isinstance(request.body, dict) else {}
        key = delivery_key(body)
        if key is not None and not seen.first_time(key, shared=bool(body.get("event_id"))):
            return BoltResponse(status=200, body="")
        retried = request.headers.get("x-slack-retry-num")
        if retried and body.get("type") != "event_callback":
            return BoltResponse(status=200, body="")
        return next()

    return middleware
