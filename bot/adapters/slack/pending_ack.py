"""In HTTP mode, a slash command's ack waits for the inbox on the event loop, not in a thread.

The listener hands the command to the inbox writer and returns at once, leaving a
``PendingStore`` in the Bolt context; ``SlackPlatform.handle_http`` awaits it before it
answers Slack, so the 200 still means "stored". Waiting there costs no thread: the listener's
thread goes back to the pool while the write commits, and the writer's commit wakes the event
loop directly. What the ack then says is the same as in Socket Mode, where the listener waits
itself (``commands.stored_then_acked``): nothing when stored, "still working" after
``ACK_BUDGET_SECONDS`` (and "try again" on the response_url should storing fail after all),
"try again" when the database would not take it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from concurrent.futures import Future
from dataclasses import dataclass

from slack_bolt import BoltResponse, Respond
from slack_sdk.errors import SlackClientError

from bot.adapters.slack.dedupe import Delivery
from bot.adapters.slack.runtime import ACK_BUDGET_SECONDS
from bot.adapters.slack.texts import say
from handlers.i18n import t

log = logging.getLogger(__name__)
WAIT_OUTSIDE = "crossdesk_store_wait_outside"  # context flag: the server awaits the store
PENDING = "crossdesk_pending_store"            # context key: what it awaits


@dataclass
class PendingStore:
    """A slash command handed to the inbox writer, acked once its commit is known."""

    stored: Future[None]
    locale: str
    delivery: Delivery
    respond: Respond

    async def ack(self) -> BoltResponse | None:
        """Wait (without a thread) until the command is stored or ``ACK_BUDGET_SECONDS``
        passed; None when stored (Bolt's empty ack stands), else the ack saying what
        happened."""
        text = self.verdict(await settled(self.stored, ACK_BUDGET_SECONDS))
        return None if text is None else ephemeral(text)

    def verdict(self, known: bool) -> str | None:
        """What the ack shows once the wait is over (``known``: the store has finished):
        nothing when stored; "try again" when refused (the delivery may come again);
        "still working" when unknown yet, with "try again" to follow should it fail."""
        if not known:
            log.warning("a slash command is not stored after %.1f s; acked as still working",
                        ACK_BUDGET_SECONDS)
            self.stored.add_done_callback(
                lambda done: tell_if_lost(done, self.respond, self.locale))
            return say(self.locale, "still_working")
        error = self.stored.exception()
        if error is None:
            return None
        log.warning("could not store a slash command: %s", error)
        self.delivery.release()
        return t(self.locale, "err.try_again")


async def settled(future: Future[None], timeout: float) -> bool:
    """True once ``future`` (completed by another thread) is done; False after ``timeout``.

    ``future`` is never cancelled from here, even if the request is: the writer completes it
    whatever happens to the request that waits for it."""
    if future.done():
        return True
    loop = asyncio.get_running_loop()
    woken: asyncio.Future[None] = loop.create_future()

    def wake_loop(_done: Future[None]) -> None:
        with contextlib.suppress(RuntimeError):  # the loop closed: nobody waits any more
            loop.call_soon_threadsafe(set_once, woken)

    future.add_done_callback(wake_loop)
    await asyncio.wait({woken}, timeout=timeout)
    return future.done()


def set_once(woken: asyncio.Future[None]) -> None:
    if not woken.done():
        woken.set_result(None)


def ephemeral(text: str) -> BoltResponse:
    """An ack that shows ``text`` to the person who typed the command (as ``ack(text=…)``)."""
    return BoltResponse(status=200, body={"text": text, "response_type": "ephemeral"})


def tell_if_lost(done: Future[None], respond: Respond, locale: str) -> None:
    """After a "still working" ack: say "try again" if the command was not stored."""
    if done.exception() is None:
        return
    try:
        respond(text=t(locale, "err.try_again"), response_type="ephemeral",
                replace_original=False)
    except (SlackClientError, OSError) as exc:
        log.warning("could not tell that a slash command was lost: %s", exc)
