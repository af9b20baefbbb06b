"""Grey a clicked template card's buttons for everyone it went to, saying who did what."""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import Session
from wechatpy.exceptions import WeChatClientException

from bot.adapters.wecom import cards
from bot.adapters.wecom.client import WeComClient, delivery_errors
from bot.adapters.wecom.people import Directory
from bot.runtime.dispatch import DeliveryError
from handlers.messages import Message, settled_here, settled_text
from storage import wecom_store
from storage.engine import transaction

log = logging.getLogger(__name__)
CARD_UPDATE = "card_update"  # the kind of the outbox row that greys a clicked card


def grey_settled(client: WeComClient, directory: Directory, agent_id: int,
                 message: Message) -> None:
    """A ``settle`` row: grey the cards of its request that it settles (``settled_here``:
    sent to its person or the desks it reaches, offering one of its commands), showing its
    text (``✓ 周敏 已批准``). Each is greyed once; a rate limit is retried through the
    outbox, where the cards not yet greyed are found again."""
    with Session(directory.reader) as session:
        sent = wecom_store.open_cards(session, message.request_ref or "", directory.clock())
    for task_id, code, payload in sent:
        card = Message.from_dict(payload)
        if not settled_here(message, card.target, [b.command for b in card.buttons]):
            continue
        said = f"✓ {settled_text(message, card.buttons)}"
        data = {"atall": 1, "agentid": agent_id, "response_code": code,
                "template_card": cards.card(card, task_id, replace_text=said)}
        _post_update(client, directory, task_id, data)


def _post_update(client: WeComClient, directory: Directory, task_id: str,
                 data: dict[str, Any]) -> None:
    """message/update_template_card, then the card's response_code is spent. A rate limit or
    the network raises (the outbox tries again); any other refusal is logged: the change
    itself is stored and told, only the card keeps its buttons."""
    try:
        with delivery_errors("message/update_template_card"):
            client.post("message/update_template_card", data=data)
    except DeliveryError as exc:
        if exc.retry_after is not None or not isinstance(exc.__cause__, WeChatClientException):
            raise
        log.warning("could not update the card: %s", exc)
    with transaction(directory.engine) as session:  # greyed (or never will be): done with it
        wecom_store.forget_card(session, task_id)


def update_clicked_card(client: WeComClient, directory: Directory, agent_id: int,
                        message: Message) -> None:
    """message/update_template_card for a ``card_update`` outbox row. A rate limit is retried
    through the outbox; any other refusal is logged (the click itself is stored and
    answered: only the card keeps its buttons)."""
    click: dict[str, Any] = message.extra["card_update"]
    task_id, event_key = str(click["task_id"]), str(click["event_key"])
    with Session(directory.reader) as session:
        payload = wecom_store.sent_payload(session, task_id, cards.ref_of_task(task_id))
    original = Message.from_dict(payload) if payload else None
    button = cards.button_for(original, event_key) if original else None
    label = button.label if button else message.text
    result = f"✓ {directory.name_of(message.target_id)} · {label}"
    data: dict[str, Any] = {"atall": 1, "agentid": agent_id,
                            "response_code": click["response_code"]}
    if original is not None:
        data["template_card"] = cards.card(original, task_id, replace_text=result)
    else:
        data["button"] = {"replace_name": result}
    _post_update(client, directory, task_id, data)
