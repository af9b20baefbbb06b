"""`crossdesk serve`: adapters, scheduler, dispatcher and the HTTP server in one process."""

from __future__ import annotations

import fcntl
import logging
import os
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

import uvicorn
from sqlalchemy import Engine, text
from sqlmodel import Session
from starlette.routing import BaseRoute

from bot import app as app_mod
from bot.clock import SystemClock
from bot.config import Settings
from bot.dispatch import Dispatcher
from bot.metrics import Metrics, inbox_lag_seconds
from bot.routing import PlatformRoute, Router
from bot.scheduler import Scheduler
from bot.server import build_server
from handlers.messages import Message
from storage import inbox, outbox
from storage.engine import reader_for

log = logging.getLogger("crossdesk.serve")


class ServeError(Exception):
    """serve cannot start; the message says why and what to do."""


class LogSender:
    """For targets no enabled platform reaches: log the message and mark it delivered."""

    def send(self, message: Message, thread_ref: str | None) -> str | None:
        log.warning("no platform reaches %s; message %s not sent",
                    message.target, message.extra.get("outbox_id"))
        return None


@dataclass
class Runtime:
    """Everything serve started, so it can be stopped in order."""

    app: app_mod.App
    scheduler: Scheduler
    routes: list[BaseRoute]
    stoppers: list[Callable[[], None]] = field(default_factory=list)
    lock: IO[str] | None = None
    metrics: Metrics | None = None
    inbox: Engine | None = None  # where Slack's slash commands wait for the command worker

    def health(self) -> tuple[bool, dict[str, Any]]:
        """Database reachable, scheduler alive, age of the oldest undelivered message (and
        with Slack, of the oldest slash command not yet run)."""
        detail: dict[str, Any] = {"scheduler": self.scheduler.alive()}
        try:
            with Session(reader_for(self.app.desk.engine)) as session:
                session.execute(text("SELECT 1"))
                oldest = outbox.oldest_pending(session)
            detail["database"] = True
            age = (self.app.clock() - oldest) if oldest else timedelta(0)
            detail["outbox_oldest_seconds"] = int(age.total_seconds())
            if self.inbox is not None:
                lag = inbox_lag_seconds(self.inbox, self.app.clock())
                detail["slack_commands_oldest_seconds"] = int(lag)
        except Exception as exc:  # noqa: BLE001 - reported as unhealthy
            detail["database"] = False
            detail["error"] = type(exc).__name__
        return bool(detail["database"] and detail["scheduler"]), detail

    def stop(self) -> None:
        """Stop taking work, finish deliveries, stop the scheduler, release the lock."""
        for stop in reversed(self.stoppers):
            with suppress(Exception):
                stop()
        self.scheduler.shutdown()
        with suppress(Exception):
            self.scheduler.dispatcher.run_once(max_batches=5)
        if self.lock is not None:
            self.lock.close()


def sqlite_lock(url: str) -> IO[str] | None:
    """One serving process per SQLite file: hold an exclusive lock next to it."""
    if not url.startswith("sqlite"):
        return None
    path = Path(url.split("///", 1)[-1]).resolve()
    handle = open(f"{path}.serve.lock", "a+", encoding="utf-8")  # noqa: SIM115
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise ServeError(
            f"another crossdesk serve is already using {path}. SQLite serves one process; "
            "stop the other one, or use PostgreSQL for several replicas."
        ) from None
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def start(settings: Settings, environ: dict[str, str] | None = None) -> Runtime:
    """Build the app and every enabled platform; start the scheduler."""
    lock = sqlite_lock(settings.database_url)
    clock = SystemClock()
    app = app_mod.build(settings, clock)
    kick_target: list[Callable[[], None]] = []

    def kick() -> None:
        for wake in kick_target:
            wake()

    routes: list[BaseRoute] = []
    platform_routes: list[PlatformRoute] = []
    stoppers: list[Callable[[], None]] = []
    slack = _add_slack(app, settings, kick, routes, platform_routes, stoppers)
    _add_wecom(app, settings, kick, routes, platform_routes, stoppers)
    metrics = Metrics(app.desk.engine, clock)
    waiting = inbox.engine_for(app.desk.engine) if slack else None
    if waiting is not None:
        metrics.watch_inbox(waiting)
    app.metrics = metrics
    metered = [replace(r, sender=metrics.metered(r.name, r.sender)) for r in platform_routes]
    router = Router(engine=app.desk.engine, catalog=settings.catalog, routes=metered,
                    fallback=metrics.metered("none", LogSender()))
    dispatcher = Dispatcher(app.desk.engine, router, clock)
    server = settings.section("server")
    scheduler = Scheduler(app, dispatcher, sweep_seconds=int(server.get("sweep_seconds", 60)),
                          dispatch_seconds=int(server.get("dispatch_seconds", 5)),
                          on_sweep=metrics.sweep_seconds.observe)
    kick_target.append(scheduler.kick)
    scheduler.start()
    return Runtime(app=app, scheduler=scheduler, routes=routes, stoppers=stoppers, lock=lock,
                   metrics=metrics, inbox=waiting)


def _add_slack(app: app_mod.App, settings: Settings, kick: Callable[[], None],
               routes: list[BaseRoute], platform_routes: list[PlatformRoute],
               stoppers: list[Callable[[], None]]) -> bool:
    """Slack's routes, sender and stopper when Slack is enabled; whether it is."""
    from bot.adapters.slack import SlackConfigError, build_slack, slack_enabled

    if not slack_enabled(settings):
        return False
    try:
        base = settings.section("slack").get("api_base_url")  # a proxy, or a test stand-in
        slack = build_slack(app, settings, kick=kick, client_base_url=base, worker="process")
    except SlackConfigError as exc:
        raise ServeError(str(exc)) from None
    routes.extend(slack.routes())
    platform_routes.append(slack.route())
    if slack.config.mode == "socket":
        slack.start_socket_mode()
    stoppers.append(slack.stop)
    return True


def _add_wecom(app: app_mod.App, settings: Settings, kick: Callable[[], None],
               routes: list[BaseRoute], platform_routes: list[PlatformRoute],
               stoppers: list[Callable[[], None]]) -> None:
    from bot.adapters.wecom import WeComConfigError, build_wecom, enabled

    if not enabled(settings):
        return
    try:
        base = settings.section("wecom").get("api_base_url")
        wecom = build_wecom(app, settings, kick=kick, api_base_url=base)
    except WeComConfigError as exc:
        raise ServeError(str(exc)) from None
    routes.extend(wecom.routes())
    platform_routes.append(wecom.route())
    stoppers.append(wecom.close)


def run(settings: Settings) -> None:
    """Serve until SIGINT/SIGTERM, then shut down in order within a bounded time."""
    runtime = start(settings)
    server_cfg = settings.section("server")
    http = build_server(runtime.routes, health=runtime.health,
                        metrics=runtime.metrics.body if runtime.metrics else None)
    config = uvicorn.Config(http, host=str(server_cfg.get("host", "127.0.0.1")),
                            port=int(server_cfg.get("port", 8080)), log_config=None,
                            timeout_graceful_shutdown=10)
    server = _Server(config)
    try:
        server.run()
    finally:
        runtime.stop()


class _Server(uvicorn.Server):
    """uvicorn, but SIGTERM/SIGINT end a graceful shutdown with exit status 0."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGTERM,
                                                                     signal.SIGINT)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _stop(self, signum: int, _frame: object) -> None:
        log.info("signal %s: finishing in-flight work, then stopping", signum)
        self.should_exit = True
