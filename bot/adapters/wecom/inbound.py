"""A decrypted WeCom callback → one neutral ``Inbound`` for the desk, answered in the outbox."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from wechatpy.enterprise import parse_message

from bot.adapters.wecom import cards
from bot.adapters.wecom.card_update import CARD_UPDATE
from bot.adapters.wecom.people import Directory
from bot.runtime.app import DeskApp
from handlers.inbound import Inbound
from handlers.messages import Message, Reply, person

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Callback:
    """What one callback says: ``userid`` typed ``text``, or clicked the card button
    ``event_key``. ``delivery_key`` is the same for WeCom's redeliveries of it: the
    ``MsgId`` of a message, ``FromUserName`` + ``CreateTime`` + ``EventKey`` of an event."""

    userid: str
    delivery_key: str
    corp_id: str = ""
    text: str | None = None
    event_key: str | None = None
    task_id: str | None = None
    response_code: str | None = None
    agent_id: int | None = None


def from_xml(xml: str) -> Callback | None:
    """A text message or a template-card click; None for anything else (ignored)."""
    msg = parse_message(xml)
    data: dict[str, Any] = dict(msg._data)
    agent = str(data.get("AgentID") or "")
    agent_id = int(agent) if agent.isdigit() else None
    userid = str(data.get("FromUserName") or "")
    if not userid:
        return None
    corp_id = str(data.get("ToUserName") or "")
    created = str(data.get("CreateTime") or "")
    if msg.type == "text":
        key = str(data.get("MsgId") or f"{userid}:{created}:text")
        return Callback(userid=userid, delivery_key=key, corp_id=corp_id,
                        text=str(data.get("Content") or ""), agent_id=agent_id)
    if str(data.get("Event") or "").lower() == "template_card_event":
        event_key = str(data.get("EventKey") or "")
        return Callback(
            userid=userid, delivery_key=f"{userid}:{created}:{event_key}", corp_id=corp_id,
            event_key=event_key, task_id=str(data.get("TaskId") or "") or None,
            response_code=str(data.get("ResponseCode") or "") or None, agent_id=agent_id,
        )
    return None


def card_update(actor: str, callback: Callback, command: str) -> Message:
    """The outbox row that greys the clicked card's buttons, saying who did what."""
    return Message(text=command, target=person(actor), kind=CARD_UPDATE, extra={
        "via": "wecom", CARD_UPDATE: {"task_id": callback.task_id,
                                      "response_code": callback.response_code,
                                      "event_key": callback.event_key}})


class Conversation:
    """Runs one callback as its person through the desk; the answer goes to the outbox."""

    def __init__(self, app: DeskApp, directory: Directory) -> None:
        self.app = app
        self.directory = directory

    def run(self, callback: Callback) -> Reply | None:
        """The desk's reply (its answer rows written in the same transaction); None for a
        click on a button this desk never sent."""
        actor = self.directory.actor_for(callback.userid)
        answer_to = person(actor)
        if callback.event_key is None:
            return self.app.run(Inbound(
                platform="wecom", person_id=actor, text=callback.text or "",
                delivery_key=callback.delivery_key, answer_to=answer_to, via="wecom",
                chat=True))
        command = cards.command_of_key(callback.event_key)
        if command is None:
            log.warning("card click with an unknown key", extra={"key": callback.event_key})
            return None
        greyed = ((card_update(actor, callback, command),)
                  if callback.task_id and callback.response_code else ())
        return self.app.run(Inbound(
            platform="wecom", person_id=actor, text=command,
            delivery_key=callback.delivery_key, answer_to=answer_to, via="wecom",
            on_success=greyed))
