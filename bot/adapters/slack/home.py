"""The App Home tab: ``handlers.home.home`` (my requests, my desks' queues overdue first, with
the buttons each may press) rendered as Block Kit."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.adapters.slack.blocks import actions_block, plain
from bot.adapters.slack.entities import cut_point, escape
from bot.adapters.slack.errors import SLACK_ERRORS
from bot.adapters.slack.people import Actor
from bot.adapters.slack.runtime import SlackDeps
from handlers.i18n import t
from handlers.inbound import Inbound
from handlers.messages import Message

log = logging.getLogger(__name__)
NEW_REQUEST_ACTION = "crossdesk_home_new_request"
MAX_BLOCKS = 100

Block = dict[str, Any]


def _text(block_text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn",
                                        "text": block_text[: cut_point(block_text, 3000)]}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn",
                                             "text": text[: cut_point(text, 3000)]}]}


def _blocks(message: Message, first_section: bool) -> list[Block]:
    """One message of the home view as blocks."""
    if message.kind == "home.section":
        title = _text(f"*{escape(message.text)}*")
        return [title] if first_section else [{"type": "divider"}, title]
    if message.kind == "home.item":
        line = _text(escape(message.text))
        block_id = f"{message.extra.get('section')}.{message.request_ref}"
        return [line, *actions_block(message.buttons, block_id)]
    return [_context(escape(message.text))]


def home_view(deps: SlackDeps, actor: Actor) -> Block:
    """The Home tab for ``actor``, within Slack's 100 blocks (a queue's tail gives way to the
    note that says how to see the rest)."""
    reply = deps.app.run(Inbound(platform="slack", person_id=actor.person_id,
                                 text="/request home"))
    blocks: list[Block] = [
        {"type": "header", "text": plain(t(actor.locale, "slack.home.title"), 150)},
        {"type": "actions", "elements": [{
            "type": "button", "action_id": NEW_REQUEST_ACTION, "style": "primary",
            "text": plain(t(actor.locale, "slack.button.new")), "value": "/request"}]},
    ]
    messages = list(reply.messages)
    for index, message in enumerate(messages):
        shown = _blocks(message, first_section=index == 0)
        room = MAX_BLOCKS - len(blocks)
        if message.kind == "home.item" and any(m.kind == "home.note"
                                               for m in messages[index + 1:index + 2]):
            room -= 1  # keep a place for the note after the list
        if len(shown) > room:
            if message.kind == "home.item":
                continue  # the note after this section says how to see the rest
            break
        blocks += shown
    return {"type": "home", "blocks": blocks}


def publish(client: WebClient, deps: SlackDeps, actor: Actor, user_id: str) -> None:
    """views.publish the Home tab (failures are logged; Slack shows the last one)."""
    try:
        client.views_publish(user_id=user_id, view=home_view(deps, actor))
    except SLACK_ERRORS as exc:
        log.warning("could not publish App Home for %s: %s", user_id, exc)


def register(bolt: App, deps: SlackDeps) -> None:
    """Publish the Home tab whenever someone opens it."""

    @bolt.event("app_home_opened")
    def home_opened(event: dict[str, Any], client: WebClient) -> None:
        """Publish the Home tab after the ack."""
        if event.get("tab", "home") != "home":
            return
        user_id = str(event["user"])
        deps.later(lambda: publish(client, deps, deps.actor(user_id), user_id))
