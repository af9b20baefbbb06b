"""Commands from chat run in a few threads, in arrival order, whichever platform sent them.

More threads would only queue on the database (SQLite has one writer). A command that has not
started within its platform's ``BUSY_WAIT_SECONDS`` is taken back and answered "busy" in the
person's language: it never runs, so nothing is stored, and sending it again works. A command
that fails with a bug, or arrives while they stop, is answered "try again" (``guarded``,
``run_within``), never left unanswered. At a stop, ``finish`` lets a platform's threads (these,
or its others) end within a deadline.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor, wait
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

from handlers.inbound import Replayed
from handlers.messages import Reply
from handlers.router import not_run

log = logging.getLogger(__name__)
COMMAND_THREADS = 4  # commands at once; more only queue on the database (SQLite: one writer)
# A command not started by then is refused: the platform's deadline, less the command's own
# time. Slack wants the ack within 3 s. WeCom waits 5 s for the 200, then sends the message
# again (answered as before): refusing there after 1 s told people in an ordinary burst to
# send again what would have been answered in under 2 s.
BUSY_WAIT_SECONDS = {"slack": 1.0, "wecom": 2.5}

R = TypeVar("R")


def command_threads(platform: str) -> ThreadPoolExecutor:
    """The threads a platform runs its commands in."""
    return ThreadPoolExecutor(COMMAND_THREADS, thread_name_prefix=f"crossdesk-{platform}-command")


def start(threads: Executor, job: Callable[[], R], locale: str, platform: str) -> Future[R] | Reply:
    """``job``'s future once it has started (or finished) within the platform's
    ``BUSY_WAIT_SECONDS``; else "busy" in ``locale``, and it never runs. RuntimeError when
    ``threads`` are shut down."""
    future = threads.submit(job)
    patience = BUSY_WAIT_SECONDS[platform]
    done, _ = wait([future], timeout=patience)
    if not done and future.cancel():  # still waiting for a thread: the desk is overloaded
        log.warning("a %s command waited %.1f s for a thread; refused", platform, patience)
        return not_run(locale, "err.busy")
    return future


def guarded(job: Callable[[], R], locale: str, what: str) -> Callable[[], R | Reply]:
    """``job``, answering "try again" in ``locale`` when it fails with a bug (logged, with
    ``what`` it was): its transaction rolled back, so nothing is stored and sending it again
    runs it. ``Replayed`` (a reused nonce) still raises, for the platform to refuse."""

    def run() -> R | Reply:
        try:
            return job()
        except Replayed:
            raise
        except Exception:  # a bug: say so instead of leaving the person unanswered
            log.exception("command failed: %r", what[:80])
            return not_run(locale, "err.try_again")
    return run


def run_within(threads: Executor, job: Callable[[], R], what: str, locale: str, platform: str,
               deadline: float, late: Callable[[Future[R | Reply]], R | Reply | None],
               begun: Callable[[Future[R | Reply]], None] | None = None) -> R | Reply | None:
    """``job``'s answer (``guarded``; ``what`` names it in the log), waited for in ``threads``
    until ``deadline`` (monotonic; 0.1 s at least): "busy" in ``locale`` when it could not
    start (``start``), "try again" while ``threads`` stop. ``begun`` is told of its future once
    it started; one still running at ``deadline`` is answered as ``late`` says."""
    try:
        future = start(threads, guarded(job, locale, what), locale, platform)
    except RuntimeError:  # shut down: serve is stopping
        return not_run(locale, "err.try_again")
    if not isinstance(future, Future):
        return future  # busy
    if begun is not None:
        begun(future)
    try:
        return future.result(timeout=max(0.1, deadline - time.monotonic()))
    except FutureTimeout:
        return late(future)


def finish(executor: Executor, deadline: float, what: str) -> None:
    """Shut ``executor`` down letting its running and queued jobs finish until ``deadline``
    (monotonic); after it, drop the jobs not started yet (running ones are never cancelled)."""
    waiter = threading.Thread(target=executor.shutdown, kwargs={"wait": True},
                              name=f"stop {what}", daemon=True)
    waiter.start()
    waiter.join(max(0.0, deadline - time.monotonic()))
    if waiter.is_alive():
        log.warning("%s still busy at shutdown; dropping what has not started", what)
        executor.shutdown(wait=False, cancel_futures=True)
