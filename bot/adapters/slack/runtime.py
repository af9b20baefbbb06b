"""What every listener shares: the desk, the people map, the work pool, the dispatcher's kick.

Listeners ack first and hand the command to ``later``: a small pool of its own, so a burst of
slow commands never holds up Bolt's listener threads (and with them the next acks).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from bot.adapters.slack.people import Actor, SlackPeople
from bot.app import App
from handlers.catalog import Catalog
from handlers.i18n import t
from handlers.messages import Message, Reply

log = logging.getLogger(__name__)
WORK_THREADS = 2


@dataclass
class SlackDeps:
    """The desk and helpers the Bolt listeners call into."""

    app: App
    people: SlackPeople
    kick: Callable[[], None]
    work: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(
        WORK_THREADS, thread_name_prefix="crossdesk-slack-work"))

    def later(self, job: Callable[[], None]) -> None:
        """Run ``job`` after the ack, on the work pool (errors are logged)."""

        def guarded() -> None:
            try:
                job()
            except Exception:
                log.exception("slack work failed")

        self.work.submit(guarded)

    @property
    def catalog(self) -> Catalog:
        """The service catalog."""
        return self.app.settings.catalog

    def actor(self, user_id: str, user_name: str | None = None) -> Actor:
        """The person behind a Slack user (registered on first contact)."""
        return self.people.resolve(user_id, user_name)

    def run(self, actor: Actor, text: str) -> Reply:
        """Run one typed command as ``actor``; wake the dispatcher if it queued anything."""
        try:
            reply = self.app.handle(actor.person_id, text)
        except Exception:  # a bug or an outage: say so instead of staying silent
            log.exception("command failed: %r", text[:80])
            message = Message(text=t(actor.locale, "err.try_again"), locale=actor.locale,
                              kind="error")
            return Reply((message,), ok=False)
        if reply.queued:
            try:
                self.kick()
            except Exception:  # the outbox keeps the rows; the next tick delivers them
                log.exception("dispatcher kick failed")
        return reply
