"""Slash commands ``/request`` and ``/suggest`` run as typed; a bare or vague one opens the form."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.adapters.slack.blocks import reply_payload
from bot.adapters.slack.dedupe import Delivery
from bot.adapters.slack.form import Form, new_request_view
from bot.adapters.slack.runtime import SlackDeps
from bot.adapters.slack.texts import say
from handlers.catalog import Catalog, norm
from handlers.grammar import SUBCOMMAND_WORDS, Invalid, parse
from handlers.messages import Reply

log = logging.getLogger(__name__)


def prefill(text: str, catalog: Catalog) -> Form | None:
    """The form to open for ``/request text``, or None when the text runs as typed."""
    if not text.strip():
        return Form()
    first = norm(text.split()[0]).lstrip("/")
    if first in SUBCOMMAND_WORDS:
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


def answer(ack: Ack, reply: Reply | None) -> None:
    """Ack with the reply: Slack shows the ack's body to the person who typed the command,
    ephemerally. None (a repeat another delivery answered) acks with nothing to show."""
    if reply is None:
        ack()
        return
    text, blocks = reply_payload(reply)
    ack(text=text, blocks=blocks, response_type="ephemeral")


def answer_in_time(deps: SlackDeps, ack: Ack, respond: Respond,
                   job: Callable[[], Reply | None]) -> None:
    """Run ``job`` and answer in the ack; a command still running when Slack's 3 s are nearly
    up is acked "still working", and its answer is posted to the response_url when it ends."""

    def still_working() -> None:
        ack(text=say(deps.app.settings.policy.locale, "still_working"),
            response_type="ephemeral")

    def afterwards(reply: Reply) -> None:
        text, blocks = reply_payload(reply)
        try:
            respond(text=text, blocks=blocks, response_type="ephemeral",
                    replace_original=False)
        except (SlackClientError, OSError) as exc:
            log.warning("could not send a slow command's answer: %s", exc)

    deps.answer_in_time(job, lambda reply: answer(ack, reply), still_working, afterwards)


def register(bolt: App, deps: SlackDeps) -> None:
    """Wire ``/request`` and ``/suggest``: run the command, then ack with its reply.

    The ack comes after the command is stored (a command takes some 10–50 ms, Slack waits
    3 s), so a 200 never hides a command that a dying replica had only queued."""

    @bolt.command("/request")
    def request_command(ack: Ack, body: dict[str, Any], client: WebClient,
                        context: BoltContext, respond: Respond) -> None:
        """Open the form, or run the command as typed and ack with the reply."""
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
        answer_in_time(deps, ack, respond, lambda: deps.run_as(
            body["user_id"], body.get("user_name"), f"/request {text}", once=delivery))

    @bolt.command("/suggest")
    def suggest_command(ack: Ack, body: dict[str, Any], context: BoltContext,
                        respond: Respond) -> None:
        """Send the suggestion, then ack with the reply."""
        text = f"/suggest {str(body.get('text') or '').strip()}"
        answer_in_time(deps, ack, respond, lambda: deps.run_as(
            body["user_id"], body.get("user_name"), text, once=context.get("delivery")))
