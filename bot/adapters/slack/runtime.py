"""What every listener shares: the desk, the people map, the work pool, the dispatcher's kick.

Slash commands are stored in the inbox and acked at once; a worker runs them and answers on
the response_url (``commands``, ``worker``). Buttons and modal submissions run their command
first and ack after it (a command takes some 10–50 ms, well inside Slack's 3-second budget),
so an acknowledged click is already stored. A few commands run at once (``COMMAND_SLOTS``;
more would only queue on the database); a click whose command cannot start within
``SLOT_WAIT_SECONDS`` is answered "try again", so that no change is stored behind an ack
Slack has stopped waiting for. What only shows a reply after the ack (an ephemeral message
or a modal after a click, the Home tab) goes to ``later``: a small pool of its own, drained
(within bounds) when the platform stops.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from bot.adapters.slack.dedupe import AlreadyRan, Delivery
from bot.adapters.slack.inbox import InboxWriter
from bot.adapters.slack.people import Actor, SlackPeople
from bot.adapters.slack.slots import FairSlots
from bot.app import App
from handlers.catalog import Catalog
from handlers.i18n import t
from handlers.messages import Message, Reply

log = logging.getLogger(__name__)
WORK_THREADS = 2
COMMAND_SLOTS = 4  # commands run at once; more only queue on the database (SQLite: one writer)
SLOT_WAIT_SECONDS = 2.0  # then "try again": an ack after Slack's 3 s must not hide a stored one
ACK_BUDGET_SECONDS = 2.5  # a slash command not stored by then is acked "still working"


@dataclass
class SlackDeps:
    """The desk and helpers the Bolt listeners call into."""

    app: App
    people: SlackPeople
    kick: Callable[[], None]
    work: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(
        WORK_THREADS, thread_name_prefix="crossdesk-slack-work"))
    slots: FairSlots = field(default_factory=lambda: FairSlots(COMMAND_SLOTS))
    inbox: InboxWriter | None = None  # where slash commands wait for the worker

    def later(self, job: Callable[[], None]) -> None:
        """Run ``job`` (display only: the change is stored already) after the ack, on the work
        pool; errors are logged, and after shutdown the job is dropped."""

        def guarded() -> None:
            try:
                job()
            except Exception:
                log.exception("slack work failed")

        try:
            self.work.submit(guarded)
        except RuntimeError:  # shutting down
            log.warning("slack follow-up work dropped: shutting down")

    @property
    def catalog(self) -> Catalog:
        """The service catalog."""
        return self.app.settings.catalog

    def actor(self, user_id: str, user_name: str | None = None) -> Actor:
        """The person behind a Slack user (registered on first contact)."""
        return self.people.resolve(user_id, user_name)

    def run(self, actor: Actor, text: str, once: Delivery | None = None,
            slot_wait: float | None = SLOT_WAIT_SECONDS) -> Reply | None:
        """Run one typed command as ``actor``; wake the dispatcher if it queued anything.

        With ``once`` (the delivery being answered), its key is claimed in the command's own
        transaction; None when another delivery of the same request ran it already. A command
        that finds no free slot within ``slot_wait`` seconds (None: no limit) is answered
        "try again"."""
        if not self.slots.acquire(timeout=slot_wait):
            log.warning("too many Slack commands at once; one was asked to try again")
            if once is not None:
                once.release()
            return self.try_again(actor.locale)
        try:
            if once is None:
                reply = self.app.handle(actor.person_id, text)
            else:
                with once.with_the_change():
                    reply = self.app.handle(actor.person_id, text)
        except AlreadyRan:
            log.info("slack delivery ran already elsewhere; not run again")
            return None
        except Exception:  # a bug or an outage: say so instead of staying silent
            log.exception("command failed: %r", text[:80])
            return self.try_again(actor.locale)
        finally:
            self.slots.release()
        if reply.queued:
            try:
                self.kick()
            except Exception:  # the outbox keeps the rows; the next tick delivers them
                log.exception("dispatcher kick failed")
        return reply

    def run_as(self, user_id: str, user_name: str | None, text: str,
               once: Delivery | None = None,
               slot_wait: float | None = SLOT_WAIT_SECONDS) -> Reply | None:
        """``run`` as the Slack user ``user_id`` (registered on first contact)."""
        try:
            actor = self.actor(user_id, user_name)
        except Exception:  # the database or Slack's users.info is away
            log.exception("could not tell who Slack user %s is", user_id)
            return self.try_again(self.app.settings.policy.locale)
        return self.run(actor, text, once, slot_wait)

    @staticmethod
    def try_again(locale: str) -> Reply:
        """The refusal shown when a command could not run."""
        message = Message(text=t(locale, "err.try_again"), locale=locale, kind="error")
        return Reply((message,), ok=False)
