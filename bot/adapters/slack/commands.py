"""Slash commands ``/request`` and ``/suggest``: run, then acked with the answer; a bare or vague
one opens the form."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.adapters.slack.blocks import reply_payload
from bot.adapters.slack.form import Form, new_request_view
from bot.adapters.slack.runtime import SlackDeps
from handlers.catalog import Catalog, norm
from handlers.grammar import SUBCOMMAND_WORDS, Invalid, parse
from handlers.i18n import t
from handlers.messages import Reply

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


def answered(deps: SlackDeps, ack: Ack, respond: Respond, body: dict[str, Any],
             text: str) -> None:
    """Run the command, then ack with its answer (ephemeral). One still running after the
    budget is acked "working on it"; its answer follows on the response_url."""

    def late(reply: Reply) -> None:
        shown, blocks = reply_payload(reply)
        respond(text=shown, blocks=blocks, response_type="ephemeral", replace_original=False)

    user_id = str(body.get("user_id"))
    reply = deps.run(user_id, body.get("user_name"), text, body.get("trigger_id"), late)
    if reply is None:
        locale = deps.people.locale_of(user_id, deps.app.settings.policy.locale)
        ack(text=t(locale, "slack.still_working"), response_type="ephemeral")
        return
    shown, blocks = reply_payload(reply)
    ack(text=shown, blocks=blocks, response_type="ephemeral")


def register(bolt: App, deps: SlackDeps) -> None:
    """Wire ``/request`` and ``/suggest``: open the form, or run the command and ack with the
    answer (a 200 means the change is stored)."""

    @bolt.command("/request")
    def request_command(ack: Ack, body: dict[str, Any], client: WebClient,
                        respond: Respond) -> None:
        """Open the form, or run the command as typed."""
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
                ack()
                return
        answered(deps, ack, respond, body, f"/request {text}")

    @bolt.command("/suggest")
    def suggest_command(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        """Send the suggestion and ack with the answer."""
        answered(deps, ack, respond, body, f"/suggest {str(body.get('text') or '').strip()}")
