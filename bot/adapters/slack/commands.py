"""Slash commands ``/request`` and ``/suggest``: run, then acked with the answer; a bare or vague
one opens the form."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.adapters.slack.blocks import reply_bodies, send_bodies, send_reply
from bot.adapters.slack.errors import logged
from bot.adapters.slack.form import new_request_view
from bot.adapters.slack.form_values import shown_by
from bot.adapters.slack.lookups import Lookups
from bot.adapters.slack.readable import NameOf, readable
from bot.adapters.slack.runtime import SlackDeps
from handlers.drafts import draft_for, prefilled
from handlers.i18n import t
from handlers.messages import Reply
from storage import people

POSTS = 5  # Slack takes at most five posts on a command's response_url (within 30 minutes)


def answered(deps: SlackDeps, ack: Ack, respond: Respond, body: dict[str, Any],
             text: str) -> None:
    """Run the command, then ack with its answer (ephemeral); an answer over one message's
    50 blocks continues on the response_url after the ack. One still running after the
    budget is acked "working on it"; its answer follows on the response_url."""
    where = {"response_type": "ephemeral", "replace_original": False}

    def late(reply: Reply) -> None:
        send_reply(respond, reply, most=POSTS, **where)

    user_id = str(body.get("user_id"))
    reply = deps.run(user_id, body.get("user_name"), text, body.get("trigger_id"), late)
    if reply is None:
        locale = deps.people.locale_of(user_id)
        ack(text=t(locale, "slack.still_working"), response_type="ephemeral")
        return
    (first, blocks), *rest = reply_bodies(reply, 1 + POSTS)
    ack(text=first, blocks=blocks, response_type="ephemeral")
    if rest:  # off the listener: Bolt sends the ack as it returns, a post takes a round trip
        deps.later(lambda: send_bodies(respond, rest, **where))


def names(deps: SlackDeps) -> NameOf:
    """A mentioned Slack user's name when they are one of our people (a mention then reads
    as their name, which the desk resolves: ``assign IT-1 <@U0KEVIN>``); None otherwise."""

    def name(user_id: str) -> str | None:  # only for a text with a mention: most have none
        try:
            known = Lookups(deps.app.desk.engine).read(people.by_platform_id, "slack", user_id)
        except SQLAlchemyError:  # the command itself says what went wrong
            return None
        return known.name if known is not None else None

    return name


def register(bolt: App, deps: SlackDeps) -> None:
    """Wire ``/request`` and ``/suggest``: open the form, or run the command and ack with the
    answer (a 200 means the change is stored)."""

    @bolt.command("/request")
    def request_command(ack: Ack, body: dict[str, Any], client: WebClient,
                        respond: Respond) -> None:
        """Open the form, or run the command as typed."""
        text = readable(str(body.get("text") or ""), names(deps)).strip()
        draft = draft_for(text, deps.catalog)
        if draft is not None:
            actor = deps.actor(body["user_id"], body.get("user_name"))
            form = prefilled(draft, deps.catalog, requester=actor.person_id,
                             locale=actor.locale, today=deps.today(),
                             show=shown_by(deps.people.slack_id_of))
            with logged("open the request form"):  # if not, the command runs as typed
                client.views_open(trigger_id=body.get("trigger_id"),
                                  view=new_request_view(deps.catalog, actor.locale, form))
                ack()
                return
        answered(deps, ack, respond, body, f"/request {text}")

    @bolt.command("/suggest")
    def suggest_command(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        """Send the suggestion and ack with the answer."""
        text = readable(str(body.get("text") or ""), names(deps)).strip()
        answered(deps, ack, respond, body, f"/suggest {text}")
