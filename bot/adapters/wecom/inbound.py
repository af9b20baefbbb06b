"""What a WeCom user typed or clicked, as one neutral shape, run through the shared handlers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session
from wechatpy.enterprise import parse_message

from bot.adapters.wecom import cards
from bot.adapters.wecom.client import delivery_errors
from bot.adapters.wecom.people import Directory
from bot.adapters.wecom.sender import WeComSender
from bot.app import App
from bot.dispatch import DeliveryError
from handlers.grammar import Invalid, parse
from handlers.messages import Message, person
from storage import outbox, wecom_store
from storage.engine import transaction

log = logging.getLogger(__name__)
HELP_COMMAND = "/request help"


@dataclass(frozen=True)
class Inbound:
    """A person typed ``text``, or clicked a card button that stands for ``command``."""

    userid: str
    text: str | None = None
    command: str | None = None
    event_key: str | None = None
    task_id: str | None = None
    response_code: str | None = None
    agent_id: int | None = None


def from_xml(xml: str) -> Inbound | None:
    """A text message or a template-card click; None for anything else (ignored)."""
    msg = parse_message(xml)
    data: dict[str, Any] = dict(msg._data)
    agent = str(data.get("AgentID") or "")
    agent_id = int(agent) if agent.isdigit() else None
    userid = str(data.get("FromUserName") or "")
    if not userid:
        return None
    if msg.type == "text":
        return Inbound(userid=userid, text=str(data.get("Content") or ""), agent_id=agent_id)
    if str(data.get("Event") or "").lower() == "template_card_event":
        key = str(data.get("EventKey") or "")
        return Inbound(
            userid=userid, command=cards.command_of_key(key), event_key=key,
            task_id=str(data.get("TaskId") or "") or None,
            response_code=str(data.get("ResponseCode") or "") or None, agent_id=agent_id,
        )
    return None


class Conversation:
    """Runs one Inbound as its person, answers them, updates the clicked card, wakes dispatch."""

    def __init__(self, app: App, directory: Directory, sender: WeComSender,
                 kick: Callable[[], None]) -> None:
        self.app = app
        self.directory = directory
        self.sender = sender
        self.kick = kick

    def run(self, inbound: Inbound) -> None:
        """Handle what was said or clicked; nothing here may escape into the worker."""
        try:
            actor = self.directory.actor_for(inbound.userid)
            if inbound.event_key is not None:
                self._click(actor, inbound)
            else:
                self._say(actor, inbound.text or "")
        finally:
            self.kick()

    def _say(self, actor: str, text: str) -> None:
        reply = self.app.handle(actor, text)
        messages = list(reply.messages)
        if not reply.ok and self._not_a_command(text):
            help_reply = self.app.handle(actor, HELP_COMMAND)
            first = messages[0] if messages else help_reply.messages[0]
            joined = "\n\n".join(m.text for m in (*messages, *help_reply.messages))
            messages = [Message(text=joined, locale=first.locale, kind="help")]
        self._answer(actor, messages)

    def _not_a_command(self, text: str) -> bool:
        parsed = parse(text, self.app.settings.catalog)
        return isinstance(parsed, Invalid) and parsed.key == "not_a_command"

    def _click(self, actor: str, inbound: Inbound) -> None:
        if inbound.command is None:
            log.warning("card click with an unknown key", extra={"key": inbound.event_key})
            return
        reply = self.app.handle(actor, inbound.command)
        if reply.ok and inbound.task_id and inbound.response_code:
            self._update_card(actor, inbound)
        self._answer(actor, list(reply.messages))

    def _update_card(self, actor: str, inbound: Inbound) -> None:
        """Grey the card's buttons for everyone it went to, showing who did what."""
        assert inbound.task_id and inbound.response_code and inbound.event_key
        with Session(self.directory.reader) as session:
            payload = wecom_store.sent_payload(session, inbound.task_id,
                                               cards.ref_of_task(inbound.task_id))
        original = Message.from_dict(payload) if payload else None
        button = cards.button_for(original, inbound.event_key) if original else None
        label = button.label if button else (inbound.command or "")
        result = f"✓ {self.directory.name_of(actor)} · {label}"
        data: dict[str, Any] = {"atall": 1, "agentid": self.sender.agent_id,
                                "response_code": inbound.response_code}
        if original is not None:
            data["template_card"] = cards.card(original, inbound.task_id, replace_text=result)
        else:
            data["button"] = {"replace_name": result}
        try:
            with delivery_errors("message/update_template_card"):
                self.sender.client.post("message/update_template_card", data=data)
        except DeliveryError as exc:
            log.warning("could not update the clicked card: %s", exc)

    def _answer(self, actor: str, messages: list[Message]) -> None:
        """Reply at once through the API; if WeCom refuses now, the outbox retries it."""
        for message in messages:
            addressed = Message.from_dict({**message.to_dict(), "target": person(actor),
                                           "extra": {**message.extra, "via": "wecom"}})
            try:
                self.sender.send(addressed, None)
            except DeliveryError as exc:
                log.info("reply deferred to the outbox: %s", exc)
                with transaction(self.app.desk.engine) as session:
                    outbox.enqueue(session, addressed.target, addressed.to_dict(),
                                   self.app.clock())
