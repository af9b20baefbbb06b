"""Run the slash commands waiting in the inbox and answer each on its response_url.

A worker leases a batch of waiting rows, runs them (a few at a time; one person's commands
in the order they were typed), posts each answer to the command's response_url, and marks
the batch done. Every command claims its delivery key in its own transaction, so a row run a
second time (its worker died after the commit, and the lease ran out) changes nothing and
is not answered twice.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from slack_sdk.webhook import WebhookClient

from bot.adapters.slack.blocks import reply_payload
from bot.adapters.slack.dedupe import TTL_SECONDS, Delivery, SeenIds
from bot.adapters.slack.runtime import SlackDeps
from handlers.messages import Reply
from storage import inbox
from storage.engine import transaction

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=30)  # a row whose worker died runs again after this
BATCH = 32
THREADS = 2  # more only adds database sessions competing with the listeners for the CPU
ANSWER_TIMEOUT = 10
PRUNE_SECONDS = 60.0
KEEP_DONE = timedelta(seconds=TTL_SECONDS)  # a replay within Slack's window finds its row

Answer = Callable[[str, Reply], None]


def post_to_response_url(url: str, reply: Reply) -> None:
    """Show ``reply`` to the person who typed the command (ephemeral, a new message)."""
    text, blocks = reply_payload(reply)
    response = WebhookClient(url, timeout=ANSWER_TIMEOUT).send(
        text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
    if response.status_code != 200:
        log.warning("response_url answered %s: %s", response.status_code, response.body[:200])


class CommandWorker:
    """Leases, runs and answers inbox rows; ``run_waiting`` works until none is left."""

    def __init__(self, deps: SlackDeps, seen: SeenIds, answer: Answer = post_to_response_url,
                 threads: int = THREADS) -> None:
        self.deps = deps
        self.engine = inbox.engine_for(deps.app.desk.engine)  # commands use the desk's
        self.seen = seen
        self.answer = answer
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="crossdesk-slack-worker")
        self._pruned = 0.0

    def run_waiting(self, limit: int | None = None,
                    stop: Callable[[], bool] = lambda: False) -> int:
        """Run waiting rows, batch after batch, until none is left (or ``limit`` ran, or
        ``stop()`` says so before a batch)."""
        ran = 0
        while (limit is None or ran < limit) and not stop():
            with transaction(self.engine) as session:
                rows = [(row.id, row.key, dict(row.payload))
                        for row in inbox.lease(session, self.deps.app.clock(), LEASE, BATCH)]
            if not rows:
                break
            self._run_batch(rows)
            ran += len(rows)
        self._prune_now_and_then()
        return ran

    def close(self) -> None:
        """Let running commands finish, then release the threads."""
        self.pool.shutdown(wait=True)

    def _run_batch(self, rows: list[tuple[int | None, str, dict[str, Any]]]) -> None:
        by_person: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        for _id, key, payload in rows:
            by_person[str(payload.get("user_id"))].append((key, payload))
        chains = [self.pool.submit(self._run_in_order, chain) for chain in by_person.values()]
        for chain in chains:
            chain.result()
        with transaction(self.engine) as session:
            inbox.finish(session, [row_id for row_id, _k, _p in rows if row_id is not None],
                         self.deps.app.clock())

    def _run_in_order(self, chain: list[tuple[str, dict[str, Any]]]) -> None:
        for key, payload in chain:
            try:
                self.run_one(key, payload)
            except Exception:  # noqa: BLE001 - one bad row must not stop the others
                log.exception("slash command from the inbox failed: %s", key)

    def run_one(self, key: str, payload: dict[str, Any]) -> None:
        """Run one command (once, across replicas) and answer it."""
        reply = self.deps.run_as(str(payload["user_id"]), payload.get("user_name"),
                                 str(payload["text"]), once=Delivery(key, self.seen),
                                 slot_wait=None)
        if reply is None:
            return  # another delivery of it ran, and was answered, already
        url = str(payload.get("response_url") or "")
        if not url:
            log.warning("slash command %s has no response_url; its answer is not shown", key)
            return
        try:
            self.answer(url, reply)
        except Exception as exc:  # noqa: BLE001 - the change is stored; only the echo is lost
            log.warning("could not answer slash command %s: %s", key, exc)

    def _prune_now_and_then(self) -> None:
        now = time.monotonic()
        if now - self._pruned < PRUNE_SECONDS:
            return
        self._pruned = now
        try:
            with transaction(self.engine) as session:
                inbox.prune(session, self.deps.app.clock() - KEEP_DONE)
        except Exception:  # noqa: BLE001 - next time
            log.warning("could not prune the inbox", exc_info=True)
