"""The Slack platform as ``crossdesk serve`` sees it: HTTP routes or Socket Mode, and a sender."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, ThreadPoolExecutor
from datetime import timedelta

from slack_bolt import App as BoltApp
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk import WebClient
from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.adapters.slack.bolt_app import build_bolt
from bot.adapters.slack.config import SlackConfig, SlackConfigError, load_config
from bot.adapters.slack.dedupe import TTL_SECONDS, SeenIds, storage_key
from bot.adapters.slack.inbox import InboxWriter
from bot.adapters.slack.pending_ack import PENDING, WAIT_OUTSIDE, PendingStore
from bot.adapters.slack.people import SlackPeople
from bot.adapters.slack.runtime import SlackDeps
from bot.adapters.slack.sender import SlackSender
from bot.adapters.slack.worker import CommandWorker
from bot.adapters.slack.worker_host import WorkerHost, WorkerThread
from bot.adapters.slack.worker_process import WorkerProcess
from bot.app import App
from bot.config import Settings
from bot.metrics import Metrics
from bot.routing import PlatformRoute
from bot.server import read_limited
from storage import inbox
from storage.engine import reader_for, transaction
from storage.models import SeenNonce
from storage.wecom_store import claim_nonce, nonce_seen

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
SLACK_API = "https://slack.com/api/"
TIMEOUT = 10
DISPATCH_THREADS = 32  # Slack requests in Bolt at once (a click may wait up to 2 s for a slot)
STOP_SECONDS = 10.0  # how long stop() lets queued follow-up work (replies to clicks) finish


class SlackPlatform:
    """One Slack workspace: the Bolt app, the outbox sender, and the chosen transport."""

    def __init__(self, bolt: BoltApp, sender: SlackSender, config: SlackConfig,
                 deps: SlackDeps, worker: WorkerHost) -> None:
        self.bolt = bolt
        self.sender = sender
        self.config = config
        self.deps = deps
        self.worker = worker
        self._socket: SocketModeHandler | None = None
        self._dispatching = ThreadPoolExecutor(DISPATCH_THREADS, thread_name_prefix="slack-http")

    def routes(self) -> list[Route]:
        """``POST /slack/events`` in HTTP mode (commands, interactivity, options, events)."""
        if self.config.mode != "http":
            return []
        return [Route(EVENTS_PATH, self.handle_http, methods=["POST"])]

    async def handle_http(self, request: Request) -> Response:
        """One signed Slack request: Bolt checks it, the listener runs it and acks (the reply
        in the response); all of it in a thread of this platform's pool, off the event loop
        (a plain executor: cheaper per request than Starlette's thread helper). A slash
        command's listener only hands it to the inbox: its ack waits here for the commit,
        threadless."""
        body = await read_limited(request)
        if body is None:
            return PlainTextResponse("request body too large", status_code=413)
        bolt_request = to_bolt_request(request, body)
        bolt_request.context[WAIT_OUTSIDE] = True
        response = await asyncio.get_running_loop().run_in_executor(
            self._dispatching, self.bolt.dispatch, bolt_request)
        pending: PendingStore | None = bolt_request.context.get(PENDING)
        if pending is not None and response.status == 200:
            response = await pending.ack() or response
        return to_starlette_response(response)

    def route(self) -> PlatformRoute:
        """The sender, reaching people with a Slack id and departments with a channel."""
        return PlatformRoute(
            name="slack", sender=self.sender,
            reaches_person=lambda slack_id, _wecom_id: bool(slack_id),
            reaches_department=self.sender.reaches_department,
        )

    def start_socket_mode(self) -> None:
        """Connect over Socket Mode in background threads (returns at once)."""
        if not self.config.app_token:
            raise SlackConfigError("SLACK_APP_TOKEN is not set: Socket Mode needs an app-level "
                                   "token (xapp-…) with connections:write")
        handler = SocketModeHandler(self.bolt, app_token=self.config.app_token)
        try:
            handler.connect()
        except BaseException:
            handler.close()  # its message-processing thread started with it
            raise
        self._socket = handler

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """Close the Socket Mode connection (if any), let running listeners finish, store
        what they handed the inbox, let the worker run what is waiting, and let queued
        follow-up work finish (within ``timeout`` seconds, the worker within its own), then
        close the lookups.

        Commands are stored before they are acked, so the follow-up queue holds only what
        shows a reply (ephemeral messages, modals, the Home tab); what is still queued at the
        deadline is dropped rather than holding up the shutdown. Slash commands still waiting
        in the inbox then stay there for the next worker, of this replica or another."""
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        deadline = time.monotonic() + timeout
        finish(self._dispatching, deadline, "slack requests")
        executor = getattr(self.bolt.listener_runner, "listener_executor", None)
        if isinstance(executor, Executor):
            finish(executor, deadline, "slack listeners")
        if self.deps.inbox is not None:
            self.deps.inbox.close(max(0.0, deadline - time.monotonic()))
        self.worker.stop()
        finish(self.deps.work, deadline, "slack follow-up work")
        self.sender.lookups.close()


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


class DatabaseClaims:
    """Delivery keys claimed in the ``seen_nonce`` table, shared by every replica."""

    PRUNE_SECONDS = 60.0

    def __init__(self, app: App, keep: timedelta = timedelta(seconds=TTL_SECONDS)) -> None:
        self.app = app
        self.keep = keep
        self._pruned = 0.0
        self._pruning = threading.Lock()

    def seen(self, key: str) -> bool:
        """True when any replica claimed ``key``; False when the database cannot say."""
        self._prune_now_and_then()
        try:
            with Session(reader_for(self.app.desk.engine)) as session:
                return nonce_seen(session, storage_key(key))
        except Exception:  # noqa: BLE001 - database down: this replica's memory decides
            log.warning("delivery dedupe unavailable; relying on this process's memory")
            return False

    def claim(self, key: str) -> bool:
        """Claim ``key`` in its own transaction (pruning old claims); True when the database
        is away (this replica's memory decides then)."""
        try:
            with transaction(self.app.desk.engine) as session:
                return claim_nonce(session, storage_key(key), self.app.clock(), self.keep)
        except Exception:  # noqa: BLE001 - database down: this replica's memory decides
            log.warning("delivery dedupe unavailable; relying on this process's memory")
            return True

    def claim_in(self, session: OrmSession, key: str) -> bool:
        """Claim ``key`` in the caller's transaction (no pruning there: it would hold locks
        on rows other replicas prune too, until that transaction ends)."""
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = insert(SeenNonce).values(nonce=storage_key(key), seen_at=self.app.clock())
        returning = stmt.on_conflict_do_nothing().returning(col(SeenNonce.nonce))
        return session.execute(returning).scalar_one_or_none() is not None

    def _prune_now_and_then(self) -> None:
        """Delete expired Slack claims, at most once a minute, in a transaction of its own."""
        now = time.monotonic()
        if now - self._pruned < self.PRUNE_SECONDS or not self._pruning.acquire(blocking=False):
            return
        try:
            self._pruned = now
            cutoff = self.app.clock() - self.keep
            with transaction(self.app.desk.engine) as session:
                session.execute(delete(SeenNonce).where(col(SeenNonce.nonce).startswith("slack:"),
                                                        col(SeenNonce.seen_at) < cutoff))
        except Exception:  # noqa: BLE001 - the next minute tries again
            log.warning("could not prune old Slack delivery claims", exc_info=True)
        finally:
            self._pruning.release()


def slack_enabled(settings: Settings) -> bool:
    """True when the config has a ``[slack]`` table without ``enabled = false``."""
    return "slack" in settings.raw and bool(settings.section("slack").get("enabled", True))


def build_deps(app: App, settings: Settings, kick: Callable[[], None],
               client_base_url: str | None = None,
               environ: Mapping[str, str] | None = None, transport: bool = True,
               ) -> tuple[SlackConfig, WebClient, SlackDeps]:
    """The config, Web API client and listener helpers (SlackConfigError without secrets)."""
    config = load_config(settings, environ, transport)
    base_url = client_base_url or SLACK_API
    client = WebClient(token=config.bot_token, base_url=base_url.rstrip("/") + "/",
                       timeout=TIMEOUT, retry_handlers=[])
    people = SlackPeople(app.desk.engine, client, app.clock, settings.policy.locale,
                         {p.slack: p.locale for p in settings.catalog.people
                          if p.slack and p.locale})
    return config, client, SlackDeps(app=app, people=people, kick=kick)


def build_worker(app: App, settings: Settings, kick: Callable[[], None],
                 client_base_url: str | None = None,
                 environ: Mapping[str, str] | None = None) -> CommandWorker:
    """The command worker on its own desk (the worker process builds it this way)."""
    _config, _client, deps = build_deps(app, settings, kick, client_base_url, environ,
                                        transport=False)
    return CommandWorker(deps, SeenIds(shared=DatabaseClaims(app)))


def build_slack(app: App, settings: Settings, kick: Callable[[], None],
                client_base_url: str | None = None,
                environ: Mapping[str, str] | None = None,
                worker: str = "thread") -> SlackPlatform:
    """Wire Slack to the desk; secrets come only from the environment (SlackConfigError if not).

    ``worker`` says where slash commands run: ``"thread"`` (here) or ``"process"`` (a child
    process, as ``crossdesk serve`` does: see ``worker_host``)."""
    config, client, deps = build_deps(app, settings, kick, client_base_url, environ)
    seen = SeenIds(shared=DatabaseClaims(app))
    host: WorkerHost
    if worker == "process":
        def observe(command: str, ok: bool, seconds: float) -> None:
            if isinstance(app.metrics, Metrics):  # serve sets it after building Slack
                app.metrics.observe(command, ok, seconds)

        host = WorkerProcess(settings.path, app.desk.engine.url.render_as_string(
            hide_password=False), client_base_url, kick, observe)
    else:  # its own memory of deliveries, as the worker process has
        host = WorkerThread(CommandWorker(deps, SeenIds(shared=DatabaseClaims(app))))
    deps.inbox = InboxWriter(inbox.engine_for(app.desk.engine), app.clock, host.wake)
    bolt = build_bolt(deps, client, config, seen)
    sender = SlackSender(client, config, app.desk.engine, app.clock)
    log.info("slack platform ready (%s mode, commands run in a %s)", config.mode, worker)
    return SlackPlatform(bolt, sender, config, deps, host)
