"""What every listener shares: the desk, the people map, the work pool, the dispatcher's kick.

Listeners run the command first and ack after it (a command takes some 10–50 ms, well inside
Slack's 3-second budget): an acknowledged command is already stored, so a replica that dies
after answering loses nothing. A slash command's reply travels in the ack itself. A few
commands run at once (``COMMAND_SLOTS``; more would only queue on the database); one that
cannot start within ``SLOT_WAIT_SECONDS`` is not run but answered "try again", so that no
command is stored behind an ack Slack has stopped waiting for. What only shows a reply after
the ack (an ephemeral message or a modal after a click, the Home tab) goes to ``later``: a
small pool of its own, drained (within bounds) when the platform stops.

A slash command that is still running after ``ACK_BUDGET_SECONDS`` (a slow or hanging
database) is acked with "still working" so that Slack does not show its own timeout; its
answer then follows through the command's response_url (``answer_in_time``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

from bot.adapters.slack.dedupe import AlreadyRan, Delivery
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
ACK_BUDGET_SECONDS = 2.5  # a slash command still running then is acked "still working"
COMMAND_THREADS = 16  # threads that run slash commands (COMMAND_SLOTS of them at a time)


@dataclass
class SlackDeps:
    """The desk and helpers the Bolt listeners call into."""

    app: App
    people: SlackPeople
    kick: Callable[[], None]
    work: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(
        WORK_THREADS, thread_name_prefix="crossdesk-slack-work"))
    slots: FairSlots = field(default_factory=lambda: FairSlots(COMMAND_SLOTS))
    commands: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(
        COMMAND_THREADS, thread_name_prefix="crossdesk-slack-command"))

    def answer_in_time(self, job: Callable[[], Reply | None],
                       in_ack: Callable[[Reply | None], None],
                       still_working: Callable[[], None],
                       afterwards: Callable[[Reply], None]) -> None:
        """Run ``job`` and answer in the ack (``in_ack``) when it ends within
        ``ACK_BUDGET_SECONDS``; otherwise ack with ``still_working`` and hand the reply to
        ``afterwards`` when it comes. A ``None`` reply (run elsewhere already) is passed to
        ``in_ack`` (an empty ack), or dropped afterwards."""
        try:
            future = self.commands.submit(job)
        except RuntimeError:  # shutting down: run it here rather than drop it
            in_ack(job())
            return
        try:
            reply = future.result(timeout=ACK_BUDGET_SECONDS)
        except FutureTimeout:
            log.warning("a slash command is still running after %.1f s; acked as still working",
                        ACK_BUDGET_SECONDS)
            still_working()

            def follow_up(done: Future[Reply | None]) -> None:
                try:
                    late = done.result()
                    if late is not None:
                        afterwards(late)
                except Exception:
                    log.exception("could not send a slow command's answer")

            future.add_done_callback(follow_up)
            return
        in_ack(reply)

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

    def run(self, actor: Actor, text: str, once: Delivery | None = None) -> Reply | None:
        """Run one typed command as ``actor``; wake the dispatcher if it queued anything.

        With ``once`` (the delivery being answered), its key is claimed in the command's own
        transaction; None when another delivery of the same request ran it already."""
        if not self.slots.acquire(timeout=SLOT_WAIT_SECONDS):
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
               once: Delivery | None = None) -> Reply | None:
        """``run`` as the Slack user ``user_id`` (registered on first contact)."""
        try:
            actor = self.actor(user_id, user_name)
        except Exception:  # the database or Slack's users.info is away
            log.exception("could not tell who Slack user %s is", user_id)
            return self.try_again(self.app.settings.policy.locale)
        return self.run(actor, text, once)

    @staticmethod
    def try_again(locale: str) -> Reply:
        """The refusal shown when a command could not run."""
        message = Message(text=t(locale, "err.try_again"), locale=locale, kind="error")
        return Reply((message,), ok=False)
