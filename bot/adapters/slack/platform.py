"""The Slack platform as ``crossdesk serve`` sees it: HTTP routes or Socket Mode, and a sender."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import timedelta

from slack_bolt import App as BoltApp
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk import WebClient
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.adapters.slack.bolt_app import build_bolt
from bot.adapters.slack.config import SlackConfig, SlackConfigError, load_config
from bot.adapters.slack.dedupe import TTL_SECONDS, SeenIds
from bot.adapters.slack.people import SlackPeople
from bot.adapters.slack.runtime import SlackDeps
from bot.adapters.slack.sender import SlackSender
from bot.app import App
from bot.config import Settings
from bot.routing import PlatformRoute
from bot.server import read_limited
from storage.engine import transaction
from storage.wecom_store import claim_nonce

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
SLACK_API = "https://slack.com/api/"
TIMEOUT = 10


class SlackPlatform:
    """One Slack workspace: the Bolt app, the outbox sender, and the chosen transport."""

    def __init__(self, bolt: BoltApp, sender: SlackSender, config: SlackConfig,
                 deps: SlackDeps) -> None:
        self.bolt = bolt
        self.sender = sender
        self.config = config
        self.deps = deps
        self._socket: SocketModeHandler | None = None

    def routes(self) -> list[Route]:
        """``POST /slack/events`` in HTTP mode (commands, interactivity, options, events)."""
        if self.config.mode != "http":
            return []
        return [Route(EVENTS_PATH, self.handle_http, methods=["POST"])]

    async def handle_http(self, request: Request) -> Response:
        """One signed Slack request: Bolt checks it and acks; the work runs off the event loop."""
        body = await read_limited(request)
        if body is None:
            return PlainTextResponse("request body too large", status_code=413)
        response = await run_in_threadpool(self.bolt.dispatch, to_bolt_request(request, body))
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

    def stop(self) -> None:
        """Close the Socket Mode connection (if any) and the listener threads."""
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        executor = getattr(self.bolt.listener_runner, "listener_executor", None)
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
        self.deps.work.shutdown(wait=True, cancel_futures=True)
        self.sender.lookups.close()


def shared_claim(app: App) -> Callable[[str], bool]:
    """Claim a delivery id in the database, so a retry that reaches another replica is seen."""

    def claim(key: str) -> bool:
        try:
            with transaction(app.desk.engine) as session:
                return claim_nonce(session, f"slack:{key}", app.clock(),
                                   timedelta(seconds=TTL_SECONDS))
        except Exception:  # noqa: BLE001 - database down: this replica's memory decides
            log.warning("delivery dedupe unavailable; relying on this process's memory")
            return True

    return claim


def slack_enabled(settings: Settings) -> bool:
    """True when the config has a ``[slack]`` table without ``enabled = false``."""
    return "slack" in settings.raw and bool(settings.section("slack").get("enabled", True))


def build_slack(app: App, settings: Settings, kick: Callable[[], None],
                client_base_url: str | None = None,
                environ: Mapping[str, str] | None = None) -> SlackPlatform:
    """Wire Slack to the desk; secrets come only from the environment (SlackConfigError if not)."""
    config = load_config(settings, environ)
    base_url = client_base_url or SLACK_API
    client = WebClient(token=config.bot_token, base_url=base_url.rstrip("/") + "/",
                       timeout=TIMEOUT, retry_handlers=[])
    people = SlackPeople(app.desk.engine, client, app.clock, settings.policy.locale)
    deps = SlackDeps(app=app, people=people, kick=kick)
    bolt = build_bolt(deps, client, config, SeenIds(shared=shared_claim(app)))
    sender = SlackSender(client, config, app.desk.engine, app.clock)
    log.info("slack platform ready (%s mode)", config.mode)
    return SlackPlatform(bolt, sender, config, deps)
