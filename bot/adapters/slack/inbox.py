"""Slash commands into the inbox before the ack: batched writes, one commit for many commands.

A slash command is acked as soon as it is stored (Slack then shows nothing until the answer
arrives on the command's response_url); a worker runs it. Storing costs the listener no
transaction of its own: ``InboxWriter`` writes whatever arrived while its previous commit ran
in one transaction ("group commit"), so under a burst fifty commands cost one commit, and a
lone command waits only for its own.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from sqlalchemy import Engine

from handlers.desk import Clock
from storage import inbox

log = logging.getLogger(__name__)
MAX_BATCH = 500


def command_payload(body: dict[str, Any], text: str) -> dict[str, Any]:
    """What the worker needs from a slash command's body to run and answer it."""
    return {"user_id": str(body.get("user_id") or ""), "user_name": body.get("user_name"),
            "text": text, "response_url": str(body.get("response_url") or ""),
            "channel_id": body.get("channel_id")}


class InboxWriter:
    """Stores ``(key, payload)`` items in batches in a thread of its own; ``put`` hands back a
    future that completes when the item's batch is committed (or raised)."""

    def __init__(self, engine: Engine, clock: Clock, stored: Callable[[], None]) -> None:
        self.engine = engine
        self.clock = clock
        self.stored = stored  # called after each commit: wakes the worker
        self._waiting: list[tuple[str, dict[str, Any], Future[None]]] = []
        self._ready = threading.Condition()
        self._closing = False
        self._thread = threading.Thread(target=self._write_forever, daemon=True,
                                        name="crossdesk-inbox-writer")
        self._thread.start()

    def put(self, key: str, payload: dict[str, Any]) -> Future[None]:
        """Queue an item for the next commit; RuntimeError once closing."""
        done: Future[None] = Future()
        with self._ready:
            if self._closing:
                raise RuntimeError("the inbox writer is closed")
            self._waiting.append((key, payload, done))
            self._ready.notify()
        return done

    def close(self, timeout: float = 10.0) -> None:
        """Write what is queued, then stop (within ``timeout`` seconds)."""
        with self._ready:
            self._closing = True
            self._ready.notify()
        self._thread.join(timeout)

    def _write_forever(self) -> None:
        while True:
            with self._ready:
                while not self._waiting and not self._closing:
                    self._ready.wait()
                if not self._waiting:
                    return
                batch = self._waiting[:MAX_BATCH]
                del self._waiting[:MAX_BATCH]
            self._write(batch)

    def _write(self, batch: list[tuple[str, dict[str, Any], Future[None]]]) -> None:
        try:
            with self.engine.begin() as connection:
                inbox.add_many(connection, [(key, payload) for key, payload, _ in batch],
                               self.clock())
        except Exception as exc:  # noqa: BLE001 - every waiting listener hears of it
            log.warning("could not store %d slash command(s): %s", len(batch), exc)
            for _key, _payload, done in batch:
                done.set_exception(exc)
            return
        for _key, _payload, done in batch:
            done.set_result(None)
        try:
            self.stored()
        except Exception:  # noqa: BLE001 - the worker polls anyway
            log.exception("could not wake the command worker")
