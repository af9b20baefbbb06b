"""What every listener shares: the desk, the people map, the command threads, the after-ack pool.

A command runs before its ack (it takes milliseconds), and the ack carries the answer. It runs
in the platforms' command threads (``bot.adapters.command_threads``: "busy" when none is
free soon, "try again" after a bug), so that the listener can keep Slack's 3-second promise:
a command still running after ``ACK_BUDGET_SECONDS`` (a stuck database) is acked "working on
it", and its answer follows when it is done. What only shows something after the ack (a
click's answer, a modal, the Home tab) goes to ``later``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.adapters.command_threads import command_threads, run_within
from bot.adapters.slack.people import Actor, SlackPeople
from bot.runtime.app import DeskApp
from handlers.catalog import Catalog
from handlers.inbound import Inbound
from handlers.messages import Reply

log = logging.getLogger(__name__)
ACK_BUDGET_SECONDS = 2.5  # a command still running then is acked "working on it"
LATER_THREADS = 2

Late = Callable[[Reply], None]


@dataclass
class SlackDeps:
    """The desk and helpers the Bolt listeners call into."""

    app: DeskApp
    people: SlackPeople
    commands: ThreadPoolExecutor = field(default_factory=lambda: command_threads("slack"))
    work: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(
        LATER_THREADS, thread_name_prefix="crossdesk-slack-later"))

    @property
    def catalog(self) -> Catalog:
        """The service catalog."""
        return self.app.settings.catalog

    def today(self) -> date:
        """Today in the company's time zone (a date field's "today")."""
        return self.app.desk.policy.today(self.app.clock())

    def actor(self, user_id: str, user_name: str | None = None) -> Actor:
        """The person behind a Slack user (registered on first contact)."""
        return self.people.resolve(user_id, user_name)

    def later(self, job: Callable[[], None]) -> None:
        """Run ``job`` (display only: the change is stored already) after the ack; errors
        are logged, and after shutdown the job is dropped."""
        try:
            self.work.submit(_logged(job))
        except RuntimeError:  # shutting down
            log.warning("slack follow-up work dropped: shutting down")

    def run(self, user_id: str, user_name: str | None, text: str, key: str | None,
            late: Late, fields: Mapping[str, Any] | None = None) -> Reply | None:
        """Run ``text`` as the Slack user, once per delivery ``key``; the answer, or None
        when it is still running after the budget (``late`` gets the answer then).
        ``fields`` are further ``Inbound`` fields (a thread reply's ``thread_of``, …)."""
        deadline = time.monotonic() + ACK_BUDGET_SECONDS
        locale = self.people.locale_of(user_id)
        return run_within(self.commands,
                          lambda: self._run(user_id, user_name, text, key, dict(fields or {})),
                          text, locale, "slack", deadline, _answer_later(late))

    def _run(self, user_id: str, user_name: str | None, text: str, key: str | None,
             fields: dict[str, Any]) -> Reply:
        actor = self.actor(user_id, user_name)  # the database or Slack's users.info may fail
        return self.app.run(Inbound(platform="slack", person_id=actor.person_id, text=text,
                                    delivery_key=key, locale=actor.locale, **fields))


def _logged(job: Callable[[], None]) -> Callable[[], None]:
    def guarded() -> None:
        try:
            job()
        except Exception:
            log.exception("slack follow-up work failed")
    return guarded


def _answer_later(late: Late) -> Callable[[Future[Reply]], None]:
    """Ack a command still running with nothing: ``late`` gets its answer once it ends."""

    def deliver(done: Future[Reply]) -> None:
        if not done.cancelled() and done.exception() is None:
            _logged(lambda: late(done.result()))()

    def follow(running: Future[Reply]) -> None:
        log.warning("a Slack command took over %.1f s; its answer follows", ACK_BUDGET_SECONDS)
        running.add_done_callback(deliver)
    return follow
