"""A sent card's response_code is kept in the transaction that marks its row delivered, also
when serve meters the sender: a typed command then greys the card's buttons."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.runtime.dispatch import Dispatcher
from bot.runtime.metrics import Metrics
from storage.models import PlatformToken
from tests.adapters.wecom.conftest import WeCom


def card_codes(wecom: WeCom) -> list[str]:
    with Session(wecom.app.desk.engine) as s:
        return [t.key for t in s.exec(select(PlatformToken)) if t.key.startswith("wecom-card:")]


def test_a_card_sent_through_serves_metered_sender_is_greyed_by_a_typed_command(
        wecom: WeCom) -> None:
    metered = Metrics(wecom.app.desk.engine, wecom.clock).metered("wecom", wecom.platform.sender)
    wecom.say("lihua", "提单 财务 报销 出租车 86元")
    Dispatcher(wecom.app.desk.engine, lambda _m: metered, wecom.clock).run_once()
    card = next(c for c in wecom.cards_to("zhangwei") if "FIN-1" in c["main_title"]["title"])
    assert f"wecom-card:{card['task_id']}" in card_codes(wecom)
    wecom.say("zhangwei", "/request ack FIN-1")
    wecom.dispatch()
    greyed = [u for u in wecom.api.delivered("message/update_template_card")
              if u["template_card"]["task_id"] == card["task_id"]]
    assert len(greyed) == 1
    assert f"wecom-card:{card['task_id']}" not in card_codes(wecom), "a code works once"
