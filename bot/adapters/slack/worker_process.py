"""The command worker in a process of its own, as ``crossdesk serve`` runs it.

Running commands in a child process means they never hold the interpreter lock the HTTP
listeners need to ack: Slack's acks stay fast under load. The child builds its own desk from
the same config and database, runs at a lower CPU priority, wakes the parent's dispatcher
when a command queued a notification, dies with its parent, and is started again if it dies.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing as mp
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.adapters.slack.worker_host import POLL_SECONDS, STOP_SECONDS, work_until
from handlers.messages import Reply

log = logging.getLogger(__name__)
RESTART_SECONDS = 5.0
WORKER_NICE = 10  # the child yields the CPU to the listeners that ack (and to the dispatcher)
PR_SET_PDEATHSIG = 1
Observe = Callable[[str, bool, float], None]  # command, ok, seconds: the parent's metrics


class WorkerProcess:
    """The worker in a child process (``crossdesk serve``), started again if it dies.

    Parent and child talk through two pipes and signals only (no shared locks, which a child
    killed at the wrong moment would leave held): the parent writes a byte to wake the child
    and sends SIGTERM to stop it; the child writes news back: ``("kick",)`` after a command
    queued notifications, ``("observed", command, ok, seconds)`` for the parent's /metrics.
    Each start gets new pipes."""

    def __init__(self, config_path: Path, database_url: str, api_base_url: str | None,
                 kick: Callable[[], None], observe: Observe | None = None) -> None:
        self._context = mp.get_context("spawn")
        self._settings = (os.getpid(), str(config_path), database_url, api_base_url,
                          log_format())
        self._kick = kick
        self._observe = observe
        self._stopping = False
        self._lock = threading.Lock()
        self._start()
        self._relay = threading.Thread(target=self._relay_news, daemon=True,
                                       name="crossdesk-slack-worker-news")
        self._relay.start()

    def _start(self) -> None:
        wake_read, wake_write = self._context.Pipe(duplex=False)
        news_read, news_write = self._context.Pipe(duplex=False)
        os.set_blocking(wake_write.fileno(), False)  # a full pipe is a pending wake already
        process = self._context.Process(target=child_main, name="crossdesk-slack-worker",
                                        daemon=False,
                                        args=(*self._settings, wake_read, news_write))
        process.start()
        wake_read.close()
        news_write.close()
        self.process, self._wake, self._news = process, wake_write, news_read
        self._started_at = time.monotonic()

    def _restart_if_dead(self) -> None:
        """A worker that died (not stopped) is started again, at most every RESTART_SECONDS:
        the commands it held run again once their lease runs out."""
        with self._lock:
            if self._stopping or self.process.is_alive():
                return
            if time.monotonic() - self._started_at < RESTART_SECONDS:
                return
            log.error("the command worker exited (%s); starting it again",
                      self.process.exitcode)
            self._wake.close()
            self._news.close()
            self._start()

    def _relay_news(self) -> None:
        while not (self._stopping and not self.process.is_alive()):
            self._restart_if_dead()
            news_from = self._news
            try:
                if not news_from.poll(POLL_SECONDS):
                    continue
                news = news_from.recv()
            except (EOFError, OSError):  # the child is gone: restart (or stop) next round
                time.sleep(min(POLL_SECONDS, 0.2))
                continue
            try:
                if news[0] == "kick":
                    self._kick()
                elif news[0] == "observed" and self._observe is not None:
                    self._observe(*news[1:])
            except Exception:  # noqa: BLE001 - news is best effort
                log.exception("could not relay the command worker's news")

    def wake(self) -> None:
        # a full pipe is a wake pending already; a closed one, a child being restarted (it
        # looks at the inbox as it starts)
        with contextlib.suppress(OSError):
            self._wake.send_bytes(b"w")

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        with self._lock:
            self._stopping = True
        if self.process.is_alive():
            self.process.terminate()  # SIGTERM: the child runs what is waiting, then exits
        self.process.join(timeout)
        if self.process.is_alive():
            log.warning("the command worker did not stop within %.0f s; killing it", timeout)
            self.process.kill()
            self.process.join(5)
        self._relay.join(POLL_SECONDS * 2)


class NewsToParent:
    """In the child: report handled commands (``App.metrics``) and kicks to the parent."""

    def __init__(self, news: Any) -> None:
        self.news = news
        self._lock = threading.Lock()  # worker threads share the pipe

    def send(self, item: tuple[Any, ...]) -> None:
        with self._lock, contextlib.suppress(OSError):
            self.news.send(item)

    def observe_reply(self, reply: Reply, seconds: float) -> None:
        self.send(("observed", reply.command or "unknown", reply.ok, seconds))

    def kick(self) -> None:
        self.send(("kick",))


def die_with_parent() -> None:
    """Ask Linux to send SIGTERM when the parent dies (a SIGKILLed serve leaves no worker)."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def log_format() -> str:
    """"json" when this process logs JSON lines (``crossdesk serve --log-format json``)."""
    from bot.logs import JsonFormatter

    handlers = logging.getLogger().handlers
    return "json" if any(isinstance(h.formatter, JsonFormatter) for h in handlers) else "text"


def child_main(parent: int, config_path: str, database_url: str, api_base_url: str | None,
               fmt: str, wake: Any, news: Any) -> None:
    """The child process: build the desk and the worker, and work until SIGTERM (or until
    ``parent``, the serving process, is gone: even before this process got here)."""
    from bot import app as app_mod
    from bot import config as config_mod
    from bot import logs
    from bot.adapters.slack.platform import build_worker
    from bot.clock import SystemClock
    from bot.heap import freeze_heap

    die_with_parent()
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICE)
    signalled: list[int] = []

    def on_signal(signum: int, _frame: object) -> None:
        signalled.append(signum)  # no locks here: the loop looks at least once a second

    signal.signal(signal.SIGTERM, on_signal)
    # Ctrl-C in a terminal reaches the whole group: the parent stops this process (SIGTERM)
    # once its listeners have stored what they took
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logs.setup(fmt)
    settings = config_mod.load(Path(config_path), database_url)
    app = app_mod.build(settings, SystemClock(), upgrade=False)
    to_parent = NewsToParent(news)
    app.metrics = to_parent
    worker = build_worker(app, settings, to_parent.kick, client_base_url=api_base_url)
    freeze_heap()

    def should_stop() -> bool:
        return bool(signalled) or os.getppid() != parent

    def woken(seconds: float) -> bool:
        try:
            hit = bool(wake.poll(seconds))
            while wake.poll(0):
                wake.recv_bytes()
        except (EOFError, OSError):  # the parent is gone
            signalled.append(0)
            return False
        return hit

    log.info("slack command worker started (pid %s)", os.getpid())
    work_until(should_stop, woken, worker)
    app.desk.engine.dispose()
