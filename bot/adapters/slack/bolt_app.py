"""The Bolt app: request checks, redelivery dedupe, and every listener registered in one place."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk import WebClient

from bot.adapters.slack import commands, conversations, home, interactions, reactions
from bot.adapters.slack.config import SlackConfig
from bot.adapters.slack.dedupe import EventOnce
from bot.adapters.slack.lookups import Lookups
from bot.adapters.slack.runtime import SlackDeps

log = logging.getLogger(__name__)
LISTENER_THREADS = 16


class _TokenInClient(logging.Filter):
    """Drops Bolt's "`token` will be unused" warning: Bolt reads SLACK_BOT_TOKEN whatever it
    is given, and warns when a client comes too; our client carries that very token, so the
    warning only puzzled whoever read the log at every start."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


_BOLT_LOG = logging.getLogger("slack_bolt.App")
if not any(isinstance(f, _TokenInClient) for f in _BOLT_LOG.filters):
    _BOLT_LOG.addFilter(_TokenInClient())


def build_bolt(deps: SlackDeps, client: WebClient, config: SlackConfig,
               lookups: Lookups) -> App:
    """A Bolt App wired to the desk (HTTP requests are signature-checked by Bolt);
    ``lookups`` are the sender's read-only queries (threads, names)."""
    bolt = App(
        name="crossdesk",
        client=client,
        signing_secret=config.signing_secret or "",
        token_verification_enabled=False,
        request_verification_enabled=config.mode == "http",
        # Listeners run the command, then ack (the answer rides in the ack), and leave only
        # display work to SlackDeps.later: Bolt answers when they return, so a 200 always
        # means "stored", and it need not poll every 10 ms for an ack from another thread.
        process_before_response=True,
        listener_executor=ThreadPoolExecutor(LISTENER_THREADS, thread_name_prefix="slack"),
    )
    bolt.use(EventOnce(deps.app.desk.engine, deps.app.clock))
    commands.register(bolt, deps)
    interactions.register(bolt, deps)
    home.register(bolt, deps)
    conversations.register(bolt, deps, lookups, config)
    reactions.register(bolt, deps, lookups, config)

    @bolt.error
    def on_error(error: Exception, body: dict[str, Any]) -> BoltResponse:
        """Log a failed listener; Slack sees a 500."""
        log.exception("slack listener failed (%s)", body.get("type"), exc_info=error)
        return BoltResponse(status=500, body="")

    return bolt
