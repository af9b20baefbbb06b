"""Reactions: an emoji on a request's thread root runs the desk's action (``[slack] reactions``,
by default 👀 acknowledge, ✅ resolve, which asks for the note), and 🎫 on any message offers
the request form from it, like the message shortcut.

A reaction carries no trigger id, so what needs a modal is offered as a button, to the
reactor alone (an ephemeral message; the bot is in the channel, or no event came). The
permissions are the command's: a refused reaction gets an ephemeral word and changes nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.adapters.slack.blocks import plain, reply_payload
from bot.adapters.slack.config import SlackConfig
from bot.adapters.slack.conversations import desk_thread
from bot.adapters.slack.dedupe import claim_event
from bot.adapters.slack.errors import SLACK_ERRORS
from bot.adapters.slack.interactions import message_details, message_text, open_form
from bot.adapters.slack.lookups import Lookups
from bot.adapters.slack.runtime import SlackDeps
from bot.adapters.slack.settled import message_at
from handlers.actions import staff_command
from handlers.drafts import Draft
from handlers.i18n import t
from handlers.inbound import Inbound
from handlers.messages import Reply
from handlers.offer import offer
from handlers.slots import slots

log = logging.getLogger(__name__)
FORM_ACTION = "crossdesk_form_from_message"  # its value: the form's details
FORM_AT_ACTION = "crossdesk_form_from_message_at"  # its value: "<channel> <ts>", read on click
VALUE_LIMIT = 2000  # a button's value


class Reactions:
    """Turns ``reaction_added`` events into desk actions and form offers."""

    def __init__(self, deps: SlackDeps, lookups: Lookups, config: SlackConfig) -> None:
        self.deps = deps
        self.lookups = lookups
        self.config = config

    def handle(self, event: dict[str, Any], event_id: str | None, client: WebClient,
               bot_user: str | None) -> None:
        """One reaction someone added (the bot's own and those on files are ignored)."""
        item = event.get("item") or {}
        user = str(event.get("user") or "")
        if not user or user == bot_user or item.get("type") != "message":
            return
        name = str(event.get("reaction") or "").split("::")[0]  # without a skin tone
        channel, ts = str(item.get("channel") or ""), str(item.get("ts") or "")
        if name == self.config.form_reaction:
            if event_id is None or claim_event(self.deps.app.desk.engine, self.deps.app.clock,
                                               event_id):
                self.deps.later(lambda: self.offer_form(client, user, channel, ts))
            return
        action = self.config.reactions.get(name)
        if action is None:
            return
        info = desk_thread(self.lookups, self.config, channel, ts)
        if info is not None:
            self.act(client, user, channel, info.ref, action, event_id)

    def act(self, client: WebClient, user: str, channel: str, ref: str, action: str,
            event_id: str | None) -> None:
        """Run the action as the reactor, or offer its button when it needs text."""
        def refused(reply: Reply) -> None:
            if not reply.ok and not reply.repeat:
                self._ephemeral(client, channel, user, reply)

        command = staff_command(action, ref)
        if not slots(command):
            reply = self.deps.run(user, None, command, event_id, late=refused)
            if reply is not None:
                self.deps.later(lambda: refused(reply))
            return
        if event_id is not None and not claim_event(self.deps.app.desk.engine,
                                                    self.deps.app.clock, event_id):
            return
        self.deps.later(lambda: self.ask(client, user, channel, ref, action))

    def ask(self, client: WebClient, user: str, channel: str, ref: str, action: str) -> None:
        """Show the reactor ``handlers.offer``'s answer: the request's own button for
        ``action`` (it opens the modal for the text), or why nothing changed."""
        person = self.deps.actor(user).person_id
        offered = offer(lambda text: self.deps.app.run(Inbound(
            platform="slack", text=text, person_id=person)), ref, action,
            self.deps.people.locale_of(user))
        self._ephemeral(client, channel, user, offered)

    def offer_form(self, client: WebClient, user: str, channel: str, ts: str) -> None:
        """Offer the reactor a button that opens the request form from the message: the
        button holds the form's details, or, for a message longer than a button's value
        holds, where the message is (read again, whole, when it is clicked)."""
        locale = self.deps.actor(user).locale
        details = self.details_of(client, channel, ts)
        action, value = ((FORM_ACTION, details) if len(details) <= VALUE_LIMIT
                         else (FORM_AT_ACTION, f"{channel} {ts}"))
        button = {"type": "button", "action_id": action, "style": "primary",
                  "text": plain(t(locale, "slack.reaction.form.button")), "value": value}
        prompt = t(locale, "slack.reaction.form")
        blocks: list[dict[str, Any]] = [
            {"type": "section", "text": {"type": "plain_text", "text": prompt}},
            {"type": "actions", "elements": [button]}]
        try:
            client.chat_postEphemeral(channel=channel, user=user, text=prompt, blocks=blocks)
        except SLACK_ERRORS as exc:
            log.warning("could not offer the form to %s: %s", user, exc)

    def details_of(self, client: WebClient, channel: str, ts: str) -> str:
        """What a form made from the message at ``ts`` starts with: its text as people read
        it (top level, else in a thread), then a link back to it."""
        return message_details(client, channel, ts, self._text_of(client, channel, ts))

    def _text_of(self, client: WebClient, channel: str, ts: str) -> str:
        """The reacted message's text as people read it (top level, else in a thread)."""
        try:
            found = message_at(client, channel, ts)
        except SLACK_ERRORS as exc:
            log.info("could not read the reacted message: %s", exc)
            return ""
        return message_text(self.deps, client, found) if found else ""

    @staticmethod
    def _ephemeral(client: WebClient, channel: str, user: str, reply: Reply) -> None:
        text, blocks = reply_payload(reply)
        try:
            client.chat_postEphemeral(channel=channel, user=user, text=text, blocks=blocks)
        except SLACK_ERRORS as exc:
            log.warning("could not answer the reaction of %s: %s", user, exc)


def register(bolt: App, deps: SlackDeps, lookups: Lookups, config: SlackConfig) -> None:
    """Wire ``reaction_added`` and the form button a 🎫 offers."""
    reactions = Reactions(deps, lookups, config)

    @bolt.event("reaction_added")
    def on_reaction(body: dict[str, Any], event: dict[str, Any], client: WebClient,
                    context: BoltContext) -> None:
        """An emoji someone put on a message."""
        reactions.handle(event, body.get("event_id"), client, context.bot_user_id)

    @bolt.action(FORM_ACTION)
    def form_button(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """Open the request form with the message's text and link."""
        ack()
        actor = deps.actor(body["user"]["id"])
        details = str(body["actions"][0].get("value") or "")
        open_form(client, deps, body["trigger_id"], actor.locale, Draft(details=details))

    @bolt.action(FORM_AT_ACTION)
    def form_at_button(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """Open the request form with a long message's whole text and link (read now)."""
        ack()
        actor = deps.actor(body["user"]["id"])
        channel, _, ts = str(body["actions"][0].get("value") or "").partition(" ")
        details = reactions.details_of(client, channel, ts)
        open_form(client, deps, body["trigger_id"], actor.locale, Draft(details=details))
