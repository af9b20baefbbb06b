"""Grey a clicked template card's buttons for everyone it went to, saying who did what."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select
from wechatpy.exceptions import WeChatClientException

from bot.adapters.wecom import cards
from bot.adapters.wecom.client import WeComClient, delivery_errors
from bot.adapters.wecom.people import Directory
from bot.runtime.dispatch import DeliveryError
from handlers.i18n import LOCALES
from handlers.messages import Message, settled_here, settled_text
from storage import request_store, wecom_store
from storage.engine import transaction
from storage.models import Outbox

log = logging.getLogger(__name__)
CARD_UPDATE = "card_update"  # the kind of the outbox row that greys a clicked card


def grey_settled(client: WeComClient, directory: Directory, agent_id: int,
                 message: Message) -> None:
    """A ``settle`` row: grey the cards of its request that it settles (``settled_here``:
    sent to its person or the desks it reaches, offering one of its commands), showing its
    text in the card's own language (``✓ 周敏 已批准``, ``✓ 王丽 Alice Wang · 取消``: who, and
    the label of the button the command stands for, as a click shows it). Each is greyed
    once; a rate limit is retried through the outbox, where the cards not yet greyed are
    found again."""
    with Session(directory.reader) as session:
        sent = _open_cards(session, message.request_ref or "", directory.clock())
    for task_id, code, card in sent:
        if not settled_here(message, card.target, [b.command for b in card.buttons]):
            continue
        said = f"✓ {settled_text(message, card.buttons, card.locale)}"
        data = {"atall": 1, "agentid": agent_id, "response_code": code,
                "template_card": cards.card(card, task_id, replace_text=said)}
        _post_update(client, directory, task_id, data)


def _open_cards(session: Session, request_ref: str,
                now: datetime) -> list[tuple[str, str, Message]]:
    """The cards of a request whose buttons can still be greyed (``wecom_store.open_cards``)
    and their copies in other languages (``cards.in_locale``), each as its readers got it:
    (task id, response_code, card)."""
    out = [(task_id, code, Message.from_dict(payload))
           for task_id, code, payload in wecom_store.open_cards(session, request_ref, now)]
    request = request_store.by_ref(session, request_ref) if request_ref else None
    if request is None:
        return out
    sent = session.exec(select(Outbox).where(col(Outbox.request_id) == request.id,
                                             col(Outbox.platform_ref).is_not(None))
                        .order_by(col(Outbox.id)))
    for row in sent:
        assert row.platform_ref is not None
        for locale in LOCALES:
            task_id = cards.in_locale(row.platform_ref, locale)
            found = wecom_store.get_token(session, wecom_store.CARD_KEY + task_id, now)
            if found is not None:
                out.append((task_id, found[0],
                            cards.for_reader(Message.from_dict(dict(row.payload)), locale)))
    return out


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
    desk_task, locale = cards.split_task(task_id)  # a copy in another language: its desk's
    with Session(directory.reader) as session:
        payload = wecom_store.sent_payload(session, desk_task, cards.ref_of_task(desk_task))
    original = Message.from_dict(payload) if payload else None
    if original is not None and locale is not None:
        original = cards.for_reader(original, locale)
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
