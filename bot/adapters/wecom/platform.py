"""WeCom wired together: client, token store, sender, and the callback route."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from sqlalchemy import Engine
from starlette.routing import BaseRoute
from wechatpy.enterprise.crypto import WeChatCrypto

from bot.adapters.command_threads import command_threads, finish, run_within
from bot.adapters.wecom.callback import callback_route
from bot.adapters.wecom.client import WeComClient
from bot.adapters.wecom.config import CLIENT_SECRETS, WeComConfig, load_config, load_secrets
from bot.adapters.wecom.crypto_guard import CallbackGuard
from bot.adapters.wecom.inbound import Callback, Conversation
from bot.adapters.wecom.pacing import RecipientPacer
from bot.adapters.wecom.people import Directory
from bot.adapters.wecom.sender import WeComSender
from bot.adapters.wecom.token_store import DatabaseStorage
from bot.adapters.wiring import platform_route
from bot.runtime.app import DeskApp
from bot.runtime.config import Settings
from bot.runtime.dispatch import Dispatcher
from bot.runtime.file_fetch import FileService
from bot.runtime.routing import PlatformRoute
from handlers.messages import Reply
from handlers.router import not_run
from storage.engine import reader_for

log = logging.getLogger(__name__)
STOP_SECONDS = 10.0  # how long stop() lets callbacks in flight and their answers finish
# WeCom waits 5 s for a callback's answer, then sends the message again: one still running
# after this long (a locked database) is answered "still working" (Slack's ack budget alike)
ANSWER_SECONDS = 4.0


def _left(started: float) -> float:
    """What is left of ``ANSWER_SECONDS`` since ``started`` (monotonic)."""
    return max(0.1, ANSWER_SECONDS - (time.monotonic() - started))


class WeComPlatform:
    """One WeCom app: its HTTP route and its outbox sender."""

    name = "wecom"

    def __init__(self, app: DeskApp, config: WeComConfig, api_base_url: str | None = None) -> None:
        secrets = config.secrets
        engine = app.desk.engine
        self.app = app
        self.config = config
        self.reader: Engine = reader_for(engine)
        self.storage = DatabaseStorage(engine, app.clock, self.reader)
        self.client = WeComClient(secrets.corp_id, secrets.secret, session=self.storage,
                                  api_base_url=api_base_url, agent_id=secrets.agent_id)
        self.directory = Directory(engine, self.reader, app.settings.catalog, self.client,
                                   app.clock)
        self.pacer = RecipientPacer(engine, app.clock)
        self.sender = WeComSender(
            self.client, secrets.agent_id, app.settings.catalog, self.directory, self.pacer,
            robots=config.robot_webhooks, chats=config.chats, admins=app.settings.policy.admins,
            files=FileService(app.desk, app.clock),
        )
        self.conversation = Conversation(app, self.directory)
        self.answers = Dispatcher(engine, lambda _m: self.sender, app.clock,
                                  policy=app.desk.policy)
        self.guard: CallbackGuard | None = None  # built to send only (tick): no callbacks
        if secrets.aes_key:
            crypto = WeChatCrypto(secrets.token, secrets.aes_key, secrets.corp_id)
            self.guard = CallbackGuard(crypto, engine, app.clock)
        self.commands = command_threads("wecom")
        self._delivering = 0
        self._idle = threading.Condition()
        self._lock = threading.Lock()
        self._runs: dict[str, Future[Reply | None]] = {}  # delivery key → its run still going
        self._late: set[Future[Reply | None]] = set()  # runs answered "still working"

    def receive(self, callback: Callback) -> Reply | None:
        """Run one callback and answer within WeCom's 5 s: its reply once committed; "busy"
        when it could not start soon (then it never runs), "try again" when it failed or serve
        is stopping (``command_threads.run_within``). One still running after
        ``ANSWER_SECONDS`` (a locked database) is answered "still working": it runs on, and
        once committed its answer rows go out at once (``_overdue``). A redelivery of a
        message still running waits for that run, never starts another."""
        started = time.monotonic()
        locale = self.directory.locale_of(callback.userid)
        key = callback.delivery_key
        with self._lock:
            run = self._runs.get(key)
        if run is not None:  # WeCom sent it again while the first run goes on
            return self._again(run, locale, started)
        reply = run_within(self.commands, lambda: self.conversation.run(callback),
                           callback.text or callback.event_key or key, locale, "wecom",
                           started + ANSWER_SECONDS, lambda going: self._overdue(going, locale),
                           begun=lambda going: self._track(key, going))
        if reply is not None and reply.answer_rows:
            with self._idle:
                self._delivering += 1
        return reply

    def _track(self, key: str, run: Future[Reply | None]) -> None:
        """A run started: a redelivery of its message waits for it until it ends."""
        with self._lock:
            self._runs[key] = run
        run.add_done_callback(lambda done: self._finished(key, done))

    def _overdue(self, run: Future[Reply | None], locale: str) -> Reply | None:
        """A run past ``ANSWER_SECONDS``: "still working" (its answer goes out when it ends),
        or its answer when it has just ended."""
        with self._lock:
            late = not run.done()
            if late:
                self._late.add(run)
        if not late:
            return run.result()
        log.warning("a WeCom callback took over %.1f s; its answer follows", ANSWER_SECONDS)
        return not_run(locale, "wecom.still_working")

    def _again(self, run: Future[Reply | None], locale: str, started: float) -> Reply:
        """A redelivery of a message still running: "still working" while it runs; once it
        ended, the repeat's empty answer (the first run's answer is on its way), or what the
        first run said when it stored nothing (send it again)."""
        try:
            first = run.result(timeout=_left(started))
        except FutureTimeout:
            return not_run(locale, "wecom.still_working")
        except Exception:  # noqa: BLE001 - the first run refused its callback (a replay)
            return not_run(locale, "err.try_again")
        if first is not None and not first.ok and not first.answer_rows:
            return first
        return Reply((), repeat=True)

    def _finished(self, key: str, run: Future[Reply | None]) -> None:
        """A run ended: a redelivery runs as usual again (a repeat once committed); the
        answer of a run whose callback was answered "still working" goes out now."""
        with self._lock:
            if self._runs.get(key) is run:
                del self._runs[key]
            late = run in self._late
            self._late.discard(run)
        if not late or run.cancelled() or run.exception() is not None:
            return
        reply = run.result()
        if reply is not None and reply.answer_rows:
            with self._idle:
                self._delivering += 1
            self.deliver(reply.answer_rows)

    def deliver(self, ids: Sequence[int]) -> None:
        """Send a callback's answer rows now (after its 200); what fails stays in the outbox
        for the dispatcher."""
        try:
            self.answers.deliver(ids)
        except Exception:  # noqa: BLE001 - the rows wait in the outbox
            log.exception("could not send an answer at once; the dispatcher will")
        finally:
            with self._idle:
                self._delivering -= 1
                self._idle.notify_all()

    def routes(self) -> list[BaseRoute]:
        """GET + POST /wecom/callback, for bot.runtime.server.build_server (none when built
        to send only)."""
        if self.guard is None:
            return []
        return [callback_route(self.guard, self.receive, self.deliver,
                               self.config.secrets.agent_id)]

    def route(self) -> PlatformRoute:
        """Who WeCom reaches: people with a WeCom userid, departments with a chat or members."""
        return platform_route(self.name, self.sender)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until the answers of accepted callbacks are sent (tests, shutdown)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._delivering <= 0, timeout)

    def start(self) -> None:
        """Nothing runs in the background: callbacks arrive over HTTP."""

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """Let running callbacks finish and their answers go out (within ``timeout`` seconds),
        then close connections. The shared reader is left to ``serve``, which owns the desk
        engine: Slack, the router and the metrics read through it too."""
        deadline = time.monotonic() + timeout
        finish(self.commands, deadline, "wecom commands")
        self.wait_idle(max(0.0, deadline - time.monotonic()))
        self.storage.close()
        self.sender.close()
        self.client.close()


def build_wecom(app: DeskApp, settings: Settings, api_base_url: str | None = None,
                environ: Mapping[str, str] | None = None, *, receive: bool = True
                ) -> WeComPlatform:
    """The WeCom platform for ``crossdesk serve`` (without ``receive``: its sender only, for
    ``crossdesk tick``); WeComConfigError names what is missing."""
    return WeComPlatform(app, load_config(settings, environ, receive=receive), api_base_url)


def client_from_env(app: DeskApp, api_base_url: str | None = None,
                    environ: Mapping[str, str] | None = None) -> WeComClient:
    """A client for `crossdesk sync wecom` (needs WECOM_CORP_ID and WECOM_SECRET only)."""
    secrets = load_secrets(environ, CLIENT_SECRETS)
    storage = DatabaseStorage(app.desk.engine, app.clock, reader_for(app.desk.engine))
    return WeComClient(secrets.corp_id, secrets.secret, session=storage,
                       api_base_url=api_base_url, agent_id=secrets.agent_id or None)
