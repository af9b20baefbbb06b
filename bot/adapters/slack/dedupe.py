"""Slack redelivers, and a signed request can be replayed: run each delivery once, across replicas.

A delivery is known by its event id, else its trigger id. ``DedupeMiddleware`` answers a repeat
200 without running it: one this process saw (memory), or one any replica claimed (the
database, through ``Claims``). A retry (``X-Slack-Retry-Num``) is no repeat by itself: the first
delivery may never have reached a replica, and then the retry must run.

Where the claim is written depends on what the delivery does:

* Slash commands are stored in the inbox under their key (a repeat stored already is a no-op
  there), so the middleware asks only this process's memory about them; the worker that runs
  one passes a ``Delivery`` to ``SlackDeps.run`` like the listeners below.
* Buttons and modal submissions may change the desk. Their listeners pass the
  ``Delivery`` to ``SlackDeps.run``, which claims the key in the command's own transaction
  (``Delivery.with_the_change``): the claim and the change commit together or not at all. A
  replica that dies mid-command leaves neither, so a retry runs the command; one that dies after
  the commit leaves both, so a retry is answered without running it again. Listeners of these
  deliveries that only show something (a form, a modal) call ``Delivery.claim``.
* Everything else (events, shortcuts) only shows things: claimed up front, in its own transaction.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from sqlalchemy import event
from sqlalchemy.orm import Session

TTL_SECONDS = 600.0  # Slack's signature window is 300 s: an older request is refused anyway
MAX_KEYS = 50_000
MAX_KEY_CHARS = 100  # the database column holds 128 with the "slack:" prefix
CLAIMED_BY_THE_LISTENER = frozenset({"block_actions", "view_submission"})  # and slash commands


class Claims(Protocol):
    """Delivery keys claimed by any replica (the database)."""

    def seen(self, key: str) -> bool:
        """True when ``key`` was claimed already."""

    def claim(self, key: str) -> bool:
        """Claim ``key`` in a transaction of its own; False when it was claimed already."""

    def claim_in(self, session: Session, key: str) -> bool:
        """Claim ``key`` in ``session``'s transaction; False when it was claimed already."""


class AlreadyRan(Exception):
    """Another delivery of the same request committed first: this one's change is rolled back."""


def storage_key(key: str) -> str:
    """``key`` as stored: ``slack:`` and the key, hashed when too long for the column."""
    if len(key) > MAX_KEY_CHARS:
        key = "sha256:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return f"slack:{key}"


class SeenIds:
    """Delivery keys seen in the last ``ttl`` seconds: this process's memory, then ``shared``."""

    def __init__(self, ttl: float = TTL_SECONDS, max_keys: int = MAX_KEYS,
                 now: Callable[[], float] = time.monotonic,
                 shared: Claims | None = None) -> None:
        self.shared = shared
        self.ttl = ttl
        self.max_keys = max_keys
        self.now = now
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, key: str) -> bool:
        """Note ``key`` in memory; False when this process saw it within the TTL."""
        now = self.now()
        with self._lock:
            while self._seen:
                _oldest, at = next(iter(self._seen.items()))
                if now - at < self.ttl and len(self._seen) < self.max_keys:
                    break
                self._seen.popitem(last=False)
            if key in self._seen:
                return False
            self._seen[key] = now
        return True

    def forget(self, key: str) -> None:
        """Drop ``key`` from memory (its delivery did not get through: a retry may run it)."""
        with self._lock:
            self._seen.pop(key, None)

    def first_time(self, key: str) -> bool:
        """Record and claim ``key`` now; True unless this process or any replica had it."""
        if not self.remember(key):
            return False
        return self.shared.claim(key) if self.shared else True

    def unseen(self, key: str) -> bool:
        """Record ``key`` in memory; True unless this process or any replica had it. The
        claim itself is left to the listener (``Delivery``)."""
        if not self.remember(key):
            return False
        return self.shared is None or not self.shared.seen(key)


_ACTIVE = threading.local()  # the Delivery whose command runs in this thread, if any


class Delivery:
    """One delivery a listener runs; claim it once, up front or with the command's change."""

    def __init__(self, key: str, seen: SeenIds, claimed: bool = False) -> None:
        self.key = key
        self.seen = seen
        self.claimed = claimed
        self._session: Session | None = None

    def claim(self) -> bool:
        """Claim in a transaction of its own (for what only shows something); idempotent."""
        if not self.claimed:
            self.claimed = self.seen.shared.claim(self.key) if self.seen.shared else True
        return self.claimed

    def release(self) -> None:
        """Forget an unclaimed delivery that did not run: a retry to this process may run it."""
        if not self.claimed:
            self.seen.forget(self.key)

    @contextmanager
    def with_the_change(self) -> Iterator[Delivery]:
        """Claim the key in the transaction that commits inside this block (the command's).

        The claim is written just before that commit; if another replica committed the same
        key first, the commit raises ``AlreadyRan`` and the command's change is rolled back.
        A command that never commits (a database error) leaves the key unclaimed and forgotten
        by this process, so a retry can run it. Only one transaction may commit in the block:
        ``handlers.router.handle`` runs a command in exactly one.
        """
        if self.claimed or self.seen.shared is None:
            yield self
            return
        previous = getattr(_ACTIVE, "delivery", None)
        _ACTIVE.delivery = self
        try:
            yield self
        finally:
            _ACTIVE.delivery = previous
            self._session = None
            self.release()


@event.listens_for(Session, "before_commit")
def _claim_before_commit(session: Session) -> None:
    """Write the active delivery's claim last in the outermost transaction that commits."""
    delivery: Delivery | None = getattr(_ACTIVE, "delivery", None)
    if delivery is None or delivery._session is not None or session.in_nested_transaction():
        return
    assert delivery.seen.shared is not None
    delivery._session = session
    session.flush()  # every change first: then the claim is the last thing this one waits for
    if not delivery.seen.shared.claim_in(session, delivery.key):
        raise AlreadyRan(delivery.key)


@event.listens_for(Session, "after_commit")
def _claimed_after_commit(session: Session) -> None:
    delivery: Delivery | None = getattr(_ACTIVE, "delivery", None)
    if (delivery is not None and delivery._session is session
            and not session.in_nested_transaction()):
        delivery.claimed = True


def delivery_key(body: dict[str, Any]) -> str | None:
    """What identifies one delivery: the event id, else the interaction's trigger id."""
    key = body.get("event_id") or body.get("trigger_id")
    return str(key) if key else None


def claimed_by_the_listener(body: dict[str, Any]) -> bool:
    """True for deliveries that may run a command: their listener claims them."""
    return bool(body.get("command")) or body.get("type") in CLAIMED_BY_THE_LISTENER


class DedupeMiddleware(Middleware):
    """A Bolt middleware: a repeat gets 200 without running; the rest get a ``Delivery`` in
    ``context["delivery"]``. (A ``Middleware`` subclass: Bolt calls it directly, without
    building a keyword argument for every name a listener could ask for.)"""

    def __init__(self, seen: SeenIds) -> None:
        self.seen = seen

    def process(self, *, req: BoltRequest, resp: BoltResponse,
                next: Callable[[], BoltResponse]) -> BoltResponse | None:
        """Let a delivery through once."""
        seen = self.seen
        body = req.body if isinstance(req.body, dict) else {}
        key = delivery_key(body)
        if key is None:
            return next()
        if body.get("command"):
            # Stored in the inbox under its key: a repeat stored already is a no-op there,
            # and the worker claims the key with the command. Only this process's memory
            # is asked here, so that the ack costs no read.
            if not seen.remember(key):
                return BoltResponse(status=200, body="")
            req.context["delivery"] = Delivery(key, seen)
        elif claimed_by_the_listener(body):
            if not seen.unseen(key):
                return BoltResponse(status=200, body="")
            req.context["delivery"] = Delivery(key, seen)
        else:
            if not seen.first_time(key):
                return BoltResponse(status=200, body="")
            req.context["delivery"] = Delivery(key, seen, claimed=True)
        return next()
