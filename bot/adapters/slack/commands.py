"""Slash commands ``/request`` and ``/suggest``: stored for the worker and acked; a bare or vague
one opens the form."""

from __future__ import annotations

import logging
from concurrent.futures import Future, wait
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.adapters.slack.dedupe import Delivery
from bot.adapters.slack.form import Form, new_request_view
from bot.adapters.slack.inbox import command_payload
from bot.adapters.slack.pending_ack import PENDING, WAIT_OUTSIDE, PendingStore
from bot.adapters.slack.runtime import ACK_BUDGET_SECONDS, SlackDeps
from handlers.catalog import Catalog, norm
from handlers.grammar import SUBCOMMAND_WORDS, Invalid, parse

log = logging.getLogger(__name__)


def names_a_service(words: list[str], catalog: Catalog) -> bool:
    """True for ``<department> <category> …`` spelled exactly (the usual command): it runs as
    typed, and the listener need not parse it before the ack."""
    if len(words) < 2 or any(catalog.find_department(" ".join(words[:n])) for n in (2, 3)):
        return False
    department = catalog.find_department(words[0])
    return department is not None and department.find_category(words[1]) is not None


def prefill(text: str, catalog: Catalog) -> Form | None:
    """The form to open for ``/request text``, or None when the text runs as typed."""
    if not text.strip():
        return Form()
    words = text.split()
    first = norm(words[0]).lstrip("/")
    if first in SUBCOMMAND_WORDS or names_a_service(words, catalog):
        return None
    parsed = parse(f"/request {text}", catalog)
    if isinstance(parsed, Invalid):
        if parsed.key == "unknown_department" and not parsed.params.get("commands"):
            guesses = list(parsed.params.get("suggestions") or [])  # type: ignore[call-overload]
            if len(guesses) == 1:
                rest = text.strip()[len(str(parsed.params["word"])):].strip()
                return Form(department=str(guesses[0]), details=rest)
            return Form(details=text.strip())
        if parsed.key == "unknown_category":
            word = str(parsed.params["word"])
            at = text.find(word)
            return Form(department=str(parsed.params["department"]),
                        details=text[at:].strip() if at >= 0 else "")
        return None
    if parsed.name == "catalog" and parsed.department:
        return Form(department=parsed.department)
    return None


def stored_then_acked(deps: SlackDeps, ack: Ack, respond: Respond, body: dict[str, Any],
                      text: str, context: BoltContext) -> None:
    """Store the command in the inbox and ack with nothing to show: the worker runs it and
    posts the answer to the response_url. A command the database would not take is acked
    "try again"; one not stored within ``ACK_BUDGET_SECONDS`` is acked "still working", and
    told to try again on the response_url if storing it fails after all.

    Over HTTP the server waits for the store on its event loop (``pending_ack``): this
    listener only hands the command over and returns its thread to the pool."""
    locale = deps.people.locale_of(str(body.get("user_id")), deps.app.settings.policy.locale)
    delivery: Delivery | None = context.get("delivery")
    if deps.inbox is None or delivery is None:  # the dedupe middleware gives every command one
        raise RuntimeError("slash commands need the inbox and a delivery (trigger) id")
    stored: Future[None]
    try:
        stored = deps.inbox.put(delivery.key, command_payload(body, text))
    except RuntimeError as exc:  # we are stopping: answered like a refused store
        stored = Future()
        stored.set_exception(exc)
    pending = PendingStore(stored, locale, delivery, respond)
    if context.get(WAIT_OUTSIDE):
        context[PENDING] = pending
        ack()
        return
    wait([stored], timeout=ACK_BUDGET_SECONDS)
    shown = pending.verdict(stored.done())
    if shown is None:
        ack()
    else:
        ack(text=shown, response_type="ephemeral")


def register(bolt: App, deps: SlackDeps) -> None:
    """Wire ``/request`` and ``/suggest``: open the form, or store the command and ack.

    The ack comes after the command is stored, so a 200 never hides a command that a dying
    replica had only held in memory."""

    @bolt.command("/request")
    def request_command(ack: Ack, body: dict[str, Any], client: WebClient,
                        context: BoltContext, respond: Respond) -> None:
        """Open the form, or store the command as typed and ack."""
        delivery: Delivery | None = context.get("delivery")
        text = str(body.get("text") or "").strip()
        form = prefill(text, deps.catalog)
        if form is not None:
            actor = deps.actor(body["user_id"], body.get("user_name"))
            try:
                client.views_open(trigger_id=body["trigger_id"],
                                  view=new_request_view(deps.catalog, actor.locale, form))
            except (SlackApiError, SlackClientError, OSError, KeyError) as exc:
                log.warning("could not open the request form: %s", exc)
            else:
                if delivery is not None:
                    delivery.claim()
                ack()
                return
        stored_then_acked(deps, ack, respond, body, f"/request {text}", context)

    @bolt.command("/suggest")
    def suggest_command(ack: Ack, body: dict[str, Any], context: BoltContext,
                        respond: Respond) -> None:
        """Store the suggestion and ack; the worker sends it and answers."""
        text = f"/suggest {str(body.get('text') or '').strip()}"
        stored_then_acked(deps, ack, respond, body, text, context)
