"""A decrypted WeCom callback → one neutral ``Inbound`` for the desk, answered in the outbox."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from wechatpy.enterprise import parse_message

from bot.adapters.wecom import cards
from bot.adapters.wecom import files as wecom_files
from bot.adapters.wecom.card_update import CARD_UPDATE
from bot.adapters.wecom.people import Directory
from bot.runtime.app import DeskApp
from handlers.inbound import Inbound, IncomingFile
from handlers.messages import Message, Reply, person

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Callback:
    """What one callback says: ``userid`` typed ``text``, or clicked the card button
    ``event_key``. ``delivery_key`` is the same for WeCom's redeliveries of it: the
    ``MsgId`` of a message, ``FromUserName`` + ``CreateTime`` + ``EventKey`` of an event.
    ``nonce`` is the callback's, claimed with the command it runs."""

    userid: str
    delivery_key: str
    corp_id: str = ""
    text: str | None = None
    event_key: str | None = None
    task_id: str | None = None
    response_code: str | None = None
    agent_id: int | None = None
    not_text: str | None = None
    file: IncomingFile | None = None
    nonce: str | None = None


NOT_TEXT = ("location",)  # answered with what to type


def from_xml(xml: str) -> Callback | None:
    """A text message, a template-card click, an image, voice, video or file (its MediaId,
    fetched later), or a location (answered with what to type); None for anything else."""
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
    kind = str(data.get("MsgType") or "").lower()  # wechatpy does not know "file"
    if kind == "link":  # a shared web page: its title and address, as if typed
        key = str(data.get("MsgId") or f"{userid}:{created}:link")
        words = (str(data.get(k) or "").strip() for k in ("Title", "Url"))
        return Callback(userid=userid, delivery_key=key, corp_id=corp_id,
                        text="\n".join(w for w in words if w), agent_id=agent_id)
    shared = wecom_files.incoming(kind, data)
    if shared is not None:  # image, voice, video, file: fetched with media/get
        key = str(data.get("MsgId") or f"{userid}:{created}:{kind}")
        return Callback(userid=userid, delivery_key=key, corp_id=corp_id, agent_id=agent_id,
                        file=shared)
    if kind in NOT_TEXT or kind in wecom_files.MEDIA_KINDS:
        key = str(data.get("MsgId") or f"{userid}:{created}:{kind}")
        return Callback(userid=userid, delivery_key=key, corp_id=corp_id, agent_id=agent_id,
                        not_text=kind)
    if str(data.get("Event") or "").lower() == "template_card_event":
        event_key = str(data.get("EventKey") or "")
        return Callback(
            userid=userid, delivery_key=f"{userid}:{created}:{event_key}", corp_id=corp_id,
            event_key=event_key, task_id=str(data.get("TaskId") or "") or None,
            response_code=str(data.get("ResponseCode") or "") or None, agent_id=agent_id,
        )
    return None


def card_update(actor: str, task_id: str | None, response_code: str | None, event_key: str,
                label: str) -> Message:
    """The outbox row that greys a card's buttons, saying who did what (``label``, when the
    card has no button for ``event_key``)."""
    return Message(text=label, target=person(actor), kind=CARD_UPDATE, extra={
        "via": "wecom", CARD_UPDATE: {"task_id": task_id, "response_code": response_code,
                                      "event_key": event_key}})


class Conversation:
    """Runs one callback as its person through the desk; the answer goes to the outbox."""

    def __init__(self, app: DeskApp, directory: Directory) -> None:
        self.app = app
        self.directory = directory

    def run(self, callback: Callback) -> Reply | None:
        """The desk's reply (its answer rows written in the same transaction); None for a
        click on a button this desk never sent (its nonce unclaimed). ``Replayed`` when the
        callback's nonce was used before. Anything else it raises (the database or WeCom's
        user/get away, a bug) the platform answers "try again" (``command_threads.guarded``)."""
        actor = self.directory.actor_for(callback.userid)
        answer_to, locale = person(actor), self.directory.locale_of(callback.userid)
        if callback.file is not None:  # goes to the person's open request, like words
            return self.app.run(Inbound(
                platform="wecom", person_id=actor, text="", files=(callback.file,),
                delivery_key=callback.delivery_key, nonce=callback.nonce, answer_to=answer_to,
                locale=locale, via="wecom", chat=True, conversation=True))
        if callback.not_text is not None:
            return self.app.run(Inbound(
                platform="wecom", person_id=actor, text="", not_text=callback.not_text,
                delivery_key=callback.delivery_key, nonce=callback.nonce, answer_to=answer_to,
                locale=locale, via="wecom"))
        if callback.event_key is None:
            return self.app.run(Inbound(  # plain words go to the person's open request
                platform="wecom", person_id=actor, text=callback.text or "",
                delivery_key=callback.delivery_key, nonce=callback.nonce, answer_to=answer_to,
                locale=locale, via="wecom", chat=True, conversation=True))
        command = cards.command_of_key(callback.event_key)
        if command is None:
            log.warning("card click with an unknown key", extra={"key": callback.event_key})
            return None
        # the clicked card is greyed with the click's own code; the command's settle row
        # greys the other cards it made moot (``handlers.context.Ctx.settle_own``)
        greyed = ((card_update(actor, callback.task_id, callback.response_code,
                               callback.event_key, command),)
                  if callback.task_id and callback.response_code else ())
        return self.app.run(Inbound(
            platform="wecom", person_id=actor, text=command,
            delivery_key=callback.delivery_key, nonce=callback.nonce, answer_to=answer_to,
            locale=locale, via="wecom", on_success=greyed))
