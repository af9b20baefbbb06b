"""The Slack platform as ``crossdesk serve`` sees it: HTTP routes or Socket Mode, and a sender."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from concurrent.futures import Executor, ThreadPoolExecutor

from slack_bolt import App as BoltApp
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.adapters.command_threads import finish
from bot.adapters.platform import PlatformStartError
from bot.adapters.slack.bolt_app import build_bolt
from bot.adapters.slack.config import SlackConfig, load_config
from bot.adapters.slack.people import SlackPeople
from bot.adapters.slack.runtime import SlackDeps
from bot.adapters.slack.sender import SlackSender
from bot.adapters.wiring import platform_route
from bot.runtime.app import DeskApp
from bot.runtime.config import Settings
from bot.runtime.file_fetch import FileService
from bot.runtime.routing import PlatformRoute
from bot.runtime.server import read_limited
from storage.redact import scrub

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
SLACK_API = "https://slack.com/api/"
TIMEOUT = 10
DISPATCH_THREADS = 32  # Slack requests in Bolt at once (each waits up to 1 s for a command)
STOP_SECONDS = 10.0  # how long stop() lets requests and commands in flight finish
TOKEN_REFUSED = {"invalid_auth", "not_authed", "account_inactive", "token_revoked",
                 "token_expired", "not_allowed_token_type"}  # auth.test: the token is no good


class SlackPlatform:
    """One Slack workspace: the Bolt app, the outbox sender, and the chosen transport."""

    name = "slack"

    def __init__(self, bolt: BoltApp, sender: SlackSender, config: SlackConfig,
                 deps: SlackDeps) -> None:
        self.bolt = bolt
        self.sender = sender
        self.config = config
        self.deps = deps
        self._socket: SocketModeHandler | None = None
        self._dispatching = ThreadPoolExecutor(DISPATCH_THREADS, thread_name_prefix="slack-http")

    def routes(self) -> list[BaseRoute]:
        """``POST /slack/events`` in HTTP mode (commands, interactivity, options, events)."""
        if self.config.mode != "http":
            return []
        return [Route(EVENTS_PATH, self.handle_http, methods=["POST"])]

    async def handle_http(self, request: Request) -> Response:
        """One signed Slack request: Bolt checks it and the listener runs it and acks with
        the answer, in a thread of this platform's pool, off the event loop."""
        body = await read_limited(request)
        if body is None:
            return PlainTextResponse("request body too large", status_code=413)
        response = await asyncio.get_running_loop().run_in_executor(
            self._dispatching, self.bolt.dispatch, to_bolt_request(request, body))
        return to_starlette_response(response)

    def route(self) -> PlatformRoute:
        """The sender, reaching people with a Slack id and departments with a channel."""
        return platform_route(self.name, self.sender)

    def start(self) -> None:
        """Check the bot token (auth.test); in Socket Mode, connect in background threads
        (returns at once). A token Slack refuses is PlatformStartError saying what to fix."""
        self._check_bot_token()
        if self.config.mode != "socket":
            return
        handler = SocketModeHandler(self.bolt, app_token=self.config.app_token)
        try:
            handler.connect()
        except SlackApiError as exc:
            handler.close()  # its message-processing thread started with it
            raise PlatformStartError(
                f"Slack refused SLACK_APP_TOKEN ({exc.response.get('error')}): export the "
                "app-level token (xapp-…) with the connections:write scope, from Basic "
                "Information › App-Level Tokens, then start again") from None
        except BaseException:
            handler.close()
            raise
        self._socket = handler

    def _check_bot_token(self) -> None:
        """Stop at once on a bot token Slack refuses (else every command would be answered
        by Bolt's "installation no longer available" and every message refused); Slack out
        of reach only warns: messages wait in the outbox until it answers."""
        try:
            self.bolt.client.auth_test()
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "")
            if error in TOKEN_REFUSED:
                raise PlatformStartError(
                    f"Slack refused SLACK_BOT_TOKEN ({error}): export the Bot User OAuth "
                    "Token (xoxb-…) from OAuth & Permissions, then start again") from None
            log.warning("slack: auth.test answered %s; starting anyway", error)
        except (SlackClientError, OSError) as exc:
            log.warning("slack: could not check SLACK_BOT_TOKEN (%s); starting anyway: "
                        "messages wait in the outbox until Slack answers", scrub(str(exc)))

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """Close the Socket Mode connection (if any), let requests and commands in flight
        finish (within ``timeout`` seconds), drop display work not started, close the file
        client. The shared reader the lookups use is left to ``serve``."""
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        deadline = time.monotonic() + timeout
        finish(self._dispatching, deadline, "slack requests")
        executor = getattr(self.bolt.listener_runner, "listener_executor", None)
        if isinstance(executor, Executor):
            finish(executor, deadline, "slack listeners")
        finish(self.deps.commands, deadline, "slack commands")
        finish(self.deps.work, deadline, "slack follow-up work")
        self.sender.slack_files.close()


def build_slack(app: DeskApp, settings: Settings, client_base_url: str | None = None,
                environ: Mapping[str, str] | None = None, *, receive: bool = True
                ) -> SlackPlatform:
    """Wire Slack to the desk; secrets come only from the environment (SlackConfigError if not).
    Without ``receive`` only the sender is meant to be used, and only the bot token is needed."""
    config = load_config(settings, environ, receive=receive)
    base_url = client_base_url or SLACK_API
    client = WebClient(token=config.bot_token, base_url=base_url.rstrip("/") + "/",
                       timeout=TIMEOUT, retry_handlers=[])
    people = SlackPeople(app.desk.engine, client, app.clock, settings.policy.locale,
                         {p.slack: p.locale for p in settings.catalog.people
                          if p.slack and p.locale})
    deps = SlackDeps(app=app, people=people)
    sender = SlackSender(client, config, app.desk.engine, app.clock,
                         FileService(app.desk, app.clock))
    bolt = build_bolt(deps, client, config, sender.lookups)
    log.info("slack platform ready (%s mode)", config.mode)
    return SlackPlatform(bolt, sender, config, deps)
