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
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.adapters.command_threads import command_threads, guarded, start
from bot.adapters.slack.people import Actor, SlackPeople
from bot.runtime.app import DeskApp
from handlers.catalog import Catalog
from handlers.inbound import Inbound
from handlers.messages import Reply
from handlers.router import not_run

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
        started = time.monotonic()
        locale = self.people.locale_of(user_id)
        job = guarded(lambda: self._run(user_id, user_name, text, key, dict(fields or {})),
                      locale, text)
        try:
            future = start(self.commands, job, locale, "slack")
        except RuntimeError:  # stopping
            return not_run(locale, "err.try_again")
        if not isinstance(future, Future):
            return future  # busy
        budget = max(0.1, ACK_BUDGET_SECONDS - (time.monotonic() - started))
        try:
            return future.result(timeout=budget)
        except FutureTimeout:
            log.warning("a Slack command took over %.1f s; its answer follows", budget)
            future.add_done_callback(_when_done(late))
            return None

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


def _when_done(late: Late) -> Callable[[Future[Reply]], None]:
    def deliver(done: Future[Reply]) -> None:
        if not done.cancelled() and done.exception() is None:
            _logged(lambda: late(done.result()))()
    return deliver
