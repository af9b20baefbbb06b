"""`crossdesk serve`: adapters, scheduler, dispatcher and the HTTP server in one process.

It starts only on a database at this code's schema head: behind it (migrations to apply) or
ahead of it (a rollback) it refuses, saying what to run, unless asked to ``upgrade`` first."""

from __future__ import annotations

import fcntl
import logging
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

import uvicorn
from sqlalchemy import Engine, text
from sqlmodel import Session
from starlette.routing import BaseRoute

from bot.adapters.platform import Platform, PlatformStartError
from bot.runtime import app as app_mod
from bot.runtime.clock import SystemClock
from bot.runtime.config import Settings
from bot.runtime.dispatch import DeliveryError, Dispatcher
from bot.runtime.holiday_check import holiday_gaps
from bot.runtime.metrics import Metrics
from bot.runtime.routing import SenderRouter
from bot.runtime.scheduler import Scheduler, reschedule_if_config_changed
from bot.runtime.schema import UPGRADE, SchemaMismatch, require_head
from bot.runtime.schema import report as schema_report
from bot.runtime.serve_options import ServeOptions, resolve
from bot.runtime.server import build_server
from bot.runtime.version import crossdesk_version
from handlers.delivery import UNREACHABLE
from handlers.messages import SETTLE, Message
from storage import migrate, outbox, redact
from storage.engine import make_engine, reader_for

log = logging.getLogger("crossdesk.serve")
LABELS = {"slack": "Slack", "wecom": "WeCom"}


class ServeError(Exception):
    """serve cannot start; the message says why and what to do."""


class Unreachable:
    """The sender for targets no enabled platform reaches: a settle (nothing to grey there) is
    done; any other message is refused for good, with the config change that would reach it
    (the dispatcher marks the row failed and tells the admins, as for a platform's refusal)."""

    def send(self, message: Message, thread_ref: str | None) -> str | None:
        if message.kind == SETTLE:
            return None
        raise DeliveryError(unreachable_reason(message.target), permanent=True,
                            code=UNREACHABLE)



def unreachable_reason(target: str) -> str:
    """Why no platform reaches ``target``, and what to add to the config."""
    kind = target.split(":", 1)[0]
    if kind == "person":
        fix = "add their slack or wecom id under [[people]]"
    elif kind == "dept":
        fix = "give the department a slack_channel or wecom_chat under [[departments]]"
    else:
        fix = "enable Slack or WeCom with a [slack] or [wecom] table"
    return f"no enabled platform reaches {target}: {fix} in the config"


@dataclass
class Runtime:
    """Everything serve started, so it can be stopped in order."""

    app: app_mod.DeskApp
    scheduler: Scheduler
    platforms: list[Platform]
    lock: IO[str] | None = None
    metrics: Metrics | None = None

    @property
    def routes(self) -> list[BaseRoute]:
        """Every platform's HTTP routes."""
        return [route for platform in self.platforms for route in platform.routes()]

    def health(self) -> tuple[bool, dict[str, Any]]:
        """Database reachable, scheduler alive, age of the oldest undelivered message, and the
        messages platforms refused for good (reported; they do not make the process unhealthy)."""
        detail: dict[str, Any] = {"scheduler": self.scheduler.alive()}
        settings = self.app.settings
        today = self.app.clock().astimezone(settings.policy.tz).date()
        # e.g. ["CN 2027"]: add that year's make-up workdays to [calendar] open_dates
        detail["holidays_missing"] = [g.short() for g in holiday_gaps(settings, today)]
        try:
            with Session(reader_for(self.app.desk.engine)) as session:
                session.execute(text("SELECT 1"))
                oldest = outbox.oldest_pending(session)
                refused = outbox.refusals(session)
                schema = schema_report(session.connection())
            detail["database"] = True
            detail["schema"] = schema  # reported; a newer replica's upgrade keeps this one up
            detail["version"] = crossdesk_version()
            age = (self.app.clock() - oldest) if oldest else timedelta(0)
            detail["outbox_oldest_seconds"] = int(age.total_seconds())
            detail["outbox_refused"] = refused.count
            if refused.count:
                detail["outbox_refused_newest"] = {
                    "reason": refused.newest_reason, "target": refused.newest_target,
                    "error": refused.newest_error,
                    "at": refused.newest_at.isoformat() if refused.newest_at else None}
        except Exception as exc:  # noqa: BLE001 - reported as unhealthy
            detail["database"] = False
            detail["error"] = type(exc).__name__
        return bool(detail["database"] and detail["scheduler"]), detail

    def stop(self) -> None:
        """Stop taking work, finish deliveries, stop the scheduler, release the shared read
        engine (once: every platform, the router and the metrics read through it) and the
        lock."""
        for platform in reversed(self.platforms):
            try:
                platform.stop()
            except Exception:  # noqa: BLE001 - the others still stop
                log.exception("%s did not stop cleanly", platform.name)
        self.scheduler.shutdown()
        with suppress(Exception):
            self.scheduler.dispatcher.run_once(max_batches=5)
        reader = reader_for(self.app.desk.engine)
        if reader is not self.app.desk.engine:  # SQLite's own read engine; else the desk's
            reader.dispose()
        if self.lock is not None:
            self.lock.close()


def sqlite_lock(url: str) -> IO[str] | None:
    """One serving process per SQLite file: hold an exclusive lock next to it."""
    if not url.startswith("sqlite"):
        return None
    path = Path(url.split("///", 1)[-1]).resolve()
    try:
        handle = open(f"{path}.serve.lock", "a+", encoding="utf-8")  # noqa: SIM115
    except FileNotFoundError:  # no such folder: no database, no other serve on it
        return None  # opening the database fails next, and says so as every command does
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


def start(settings: Settings, upgrade: bool = False, command: str = UPGRADE) -> Runtime:
    """Check (or with ``upgrade``, bring) the schema to head; build the app and every enabled
    platform; start them and the scheduler. ``command`` is the upgrade a refusal names."""
    lock = sqlite_lock(settings.database_url)
    try:
        engine = schema_at_head(settings.database_url, upgrade, command)
    except BaseException:
        if lock is not None:
            lock.close()
        raise
    clock = SystemClock()
    app = app_mod.build(settings, clock, engine=engine, upgrade=False)
    reschedule_if_config_changed(app, clock())  # before the first sweep
    platforms = enabled_platforms(app, settings)
    announce(settings, platforms)
    metrics = Metrics(app.desk.engine, clock)
    app.metrics = metrics
    routes = [replace(p.route(), sender=metrics.metered(p.name, p.route().sender))
              for p in platforms]
    router = SenderRouter(engine=app.desk.engine, catalog=settings.catalog, routes=routes,
                    fallback=metrics.metered("none", Unreachable()))
    dispatcher = Dispatcher(app.desk.engine, router, clock, policy=app.desk.policy)
    server = settings.section("server")
    scheduler = Scheduler(app, dispatcher, sweep_seconds=int(server.get("sweep_seconds", 60)),
                          dispatch_seconds=int(server.get("dispatch_seconds", 5)),
                          on_sweep=metrics.sweep_seconds.observe)
    app.wake_dispatcher = scheduler.kick
    started: list[Platform] = []
    try:
        for platform in platforms:
            platform.start()
            started.append(platform)
    except Exception as exc:
        for done in reversed(started):
            with suppress(Exception):
                done.stop()
        if isinstance(exc, PlatformStartError):  # e.g. a token the platform refused
            raise ServeError(str(exc)) from None
        if isinstance(exc, OSError):  # e.g. Slack's Socket Mode: nothing answered
            label = LABELS.get(platform.name, platform.name)
            reason = redact.scrub(f"{type(exc).__name__}: {exc}")
            raise ServeError(f"could not reach {label} ({reason}): check the network, the proxy "
                             f"(HTTPS_PROXY) and [{platform.name}] api_base_url, then start "
                             "again") from None
        raise
    scheduler.start()  # warns of missing holiday data now, then once a day
    return Runtime(app=app, scheduler=scheduler, platforms=platforms, lock=lock,
                   metrics=metrics)


def announce(settings: Settings, platforms: list[Platform]) -> None:
    """Log which config serve runs with and its platforms; warn when none is enabled, as then
    nothing reaches chat."""
    path = settings.path.resolve()
    sample = " (the sample company: `crossdesk init` writes a config.toml of your own)" \
        if path.name == "config.example.toml" else ""
    names = ", ".join(LABELS.get(p.name, p.name) for p in platforms) or "none"
    log.info("config %s%s; platforms: %s", path, sample, names)
    if not platforms:
        log.warning("no chat platform is enabled in %s: nothing will be sent to chat (each "
                    "message is logged and counted as failed in /healthz outbox_refused); "
                    "add a [slack] or [wecom] table to that file to enable one", path)


def schema_at_head(url: str, upgrade: bool, command: str = UPGRADE) -> Engine:
    """An engine on a database at this code's head; ServeError saying what to run when it is
    behind (and ``upgrade`` is off) or ahead."""
    engine = make_engine(url)
    try:
        if upgrade and migrate.schema_state(engine).status == "behind":
            log.info("upgrading the database schema to %s", migrate.head_revision())
            migrate.upgrade(engine)
        require_head(engine, command)
    except SchemaMismatch as exc:
        engine.dispose()
        also = " (or start serve with --upgrade)" if exc.state.status == "behind" else ""
        raise ServeError(f"{exc}{also}") from None
    except BaseException:
        engine.dispose()
        raise
    return engine


def enabled_platforms(app: app_mod.DeskApp, settings: Settings, *, receive: bool = True
                      ) -> list[Platform]:
    """Slack and WeCom, each when its config table enables it (ServeError names what is
    missing); ``api_base_url`` points a platform at a proxy or a test stand-in. Without
    ``receive`` they are built to send only, and need only the secrets that sending does."""
    from bot.adapters.slack import SlackConfigError, slack_enabled
    from bot.adapters.wecom import WeComConfigError, enabled

    platforms: list[Platform] = []
    try:
        if slack_enabled(settings):
            from bot.adapters.slack.platform import build_slack  # Bolt only when Slack is on

            base = settings.section("slack").get("api_base_url")
            platforms.append(build_slack(app, settings, client_base_url=base, receive=receive))
        if enabled(settings):
            base = settings.section("wecom").get("api_base_url")
            from bot.adapters.wecom.platform import build_wecom  # wechatpy only when on

            platforms.append(build_wecom(app, settings, api_base_url=base, receive=receive))
    except (SlackConfigError, WeComConfigError) as exc:
        raise ServeError(str(exc)) from None
    return platforms


def run(settings: Settings, options: ServeOptions | None = None, command: str = UPGRADE
        ) -> None:
    """Serve until SIGINT/SIGTERM, then shut down in order within a bounded time."""
    options = options or resolve(settings)
    runtime = start(settings, upgrade=options.upgrade, command=command)
    http = build_server(runtime.routes, health=runtime.health,
                        metrics=runtime.metrics.body if runtime.metrics else None)
    config = uvicorn.Config(http, host=options.host, port=options.port, log_config=None,
                            access_log=options.access_log, timeout_graceful_shutdown=10)
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
