"""Where the command worker runs, and its loop: ``WorkerThread`` runs it in a thread of this
process (tests); ``crossdesk serve`` runs it in a process of its own (``worker_process``).

Either way the worker is woken by the listeners after each stored batch, polls every
``POLL_SECONDS`` for rows another replica left, and on a graceful stop first runs what is
waiting.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

from sqlmodel import Session

from bot.adapters.slack.worker import CommandWorker
from storage import inbox
from storage.engine import reader_for

log = logging.getLogger(__name__)
POLL_SECONDS = 1.0
STOP_SECONDS = 20.0  # a graceful stop lets the worker run what is waiting for this long


class WorkerHost(Protocol):
    """What the Slack platform needs from wherever the worker runs."""

    def wake(self) -> None:
        """Commands were stored: run them."""

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """Run what is waiting (within ``timeout``), then stop."""


def work_until(stopping: Callable[[], bool], woken: Callable[[float], bool],
               worker: CommandWorker) -> None:
    """The worker's loop: run what waits whenever woken (or every ``POLL_SECONDS``); once
    ``stopping`` (checked between batches), run what is waiting one last time, for at most
    ``STOP_SECONDS``."""
    while not stopping():
        woken(POLL_SECONDS)
        try:
            worker.run_waiting(stop=stopping)
        except Exception:  # noqa: BLE001 - the database is away: the next round tries again
            log.exception("the command worker could not run the inbox")
            time.sleep(POLL_SECONDS)
    # bounded here too: a worker whose parent died has nobody else to stop it
    deadline = time.monotonic() + STOP_SECONDS
    with contextlib.suppress(Exception):
        worker.run_waiting(stop=lambda: time.monotonic() > deadline)
    worker.close()


class WorkerThread:
    """The worker in a thread of this process."""

    def __init__(self, worker: CommandWorker) -> None:
        self.worker = worker
        self._event = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._loop, daemon=True,
                                        name="crossdesk-slack-worker-loop")
        self._thread.start()

    def _loop(self) -> None:
        def woken(seconds: float) -> bool:
            hit = self._event.wait(seconds)
            self._event.clear()
            return hit

        work_until(lambda: self._stopping, woken, self.worker)

    def wake(self) -> None:
        self._event.set()

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        self._stopping = True
        self._event.set()
        self._thread.join(timeout)

    def settle(self, timeout: float = 10.0) -> None:
        """Wait until nothing waits in the inbox (tests: after a slash command)."""
        engine = reader_for(self.worker.engine)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with Session(engine) as session:
                if inbox.waiting_count(session) == 0:
                    return
            self._event.set()
            time.sleep(0.01)
        raise TimeoutError("slash commands still waiting in the inbox")
