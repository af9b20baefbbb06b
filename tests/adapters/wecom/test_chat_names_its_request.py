"""Through the real WeCom callback: words in the app chat that start with a request id go to
that request, the requester's to the desk's group chat, a desk member's to the requester,
with no card asking which request they are about."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from handlers.i18n import t
from storage.models import HeldMessage
from tests.adapters.wecom.conftest import FINANCE_CHAT, request, trail


def chat_texts(wecom) -> list[str]:
    return [b[b["msgtype"]]["content"] for b in wecom.api.delivered("appchat/send")
            if b.get("chatid") == FINANCE_CHAT]


def open_two(wecom) -> None:
    for what in ("出租车 86元", "酒店 300元"):
        wecom.say("lihua", f"提单 财务 借支 {what}")
        wecom.clock.set(wecom.clock() + timedelta(seconds=1))
    wecom.dispatch()


def test_the_requesters_words_naming_a_request_reach_its_desk(wecom):
    open_two(wecom)
    wecom.say("lihua", "FIN-1 确认一下进度")
    wecom.dispatch()
    assert not [c for c in wecom.cards_to("lihua") if c["task_id"].startswith("cd_x_")]
    with Session(wecom.app.desk.engine) as s:
        assert s.exec(select(HeldMessage)).all() == []
    assert ("dm_reply", "open", None, "henry") in trail(wecom.app, "FIN-1")
    assert any(text.endswith("FIN-1（出租车 86元）：确认一下进度") for text in chat_texts(wecom))
    assert t("zh-CN", "reply.commented", ref="FIN-1") in wecom.replies_to("lihua")


def test_a_desk_members_words_naming_a_request_reach_its_requester(wecom):
    open_two(wecom)
    wecom.say("zhangwei", "FIN-2 发票已收到")
    wecom.dispatch()
    assert any("FIN-2" in r and r.endswith("发票已收到") for r in wecom.replies_to("lihua"))
    assert request(wecom.app, "FIN-2").first_response_at is not None
    assert t("zh-CN", "reply.commented", ref="FIN-2") in wecom.replies_to("zhangwei")
