"""WeCom has no threads: a desk member writes an internal note with ``评论 单号 （内部）…`` or
``评论 单号 // …`` in the app chat, through real encrypted callbacks. The note stays with the
desk (its group chat sees it), and the requester hears nothing. The help shown in the app
chat promises nothing that needs a thread."""

from __future__ import annotations

from datetime import timedelta

from handlers.i18n import t
from tests.adapters.wecom.conftest import FINANCE_CHAT, trail


def chat_texts(wecom) -> list[str]:
    return [b[b["msgtype"]]["content"] for b in wecom.api.delivered("appchat/send")
            if b.get("chatid") == FINANCE_CHAT]


def later(wecom, seconds: int = 1) -> None:
    wecom.clock.set(wecom.clock() + timedelta(seconds=seconds))


def test_a_desk_members_internal_note_never_reaches_the_requester(wecom):
    wecom.say("lihua", "提单 财务 借支 出租车 86元")
    later(wecom)
    wecom.dispatch()
    heard_before = len(wecom.replies_to("lihua"))
    for typed in ("评论 FIN-1 （内部）这张发票可能是假的", "评论 FIN-1 // 这张发票可能是假的"):
        wecom.say("zhangwei", typed)
        later(wecom)
        wecom.dispatch()
    assert not any("这张发票" in text for text in wecom.replies_to("lihua")[heard_before:]), \
        "the requester hears nothing of it"
    notes = [kind for kind, *_ in trail(wecom.app, "FIN-1") if kind == "internal_note"]
    assert len(notes) == 2
    assert wecom.replies_to("zhangwei")[-1] == t("zh-CN", "conv.internal_noted", ref="FIN-1")
    noted = "张伟 Bob Zhang（FIN-1 内部备注）：这张发票可能是假的"
    assert sum(noted in text for text in chat_texts(wecom)) == 2, \
        "the desk's group chat sees the notes, with the request's id"


def test_the_help_in_the_app_chat_promises_no_thread(wecom):
    wecom.say("lihua", "帮助")
    wecom.dispatch()
    (shown,) = [text for text in wecom.replies_to("lihua") if "crossdesk" in text]
    assert "`评论 单号 // 内容`" in shown, "how to write an internal note without a thread"
    for line in shown.splitlines():
        if "话题" in line:
            assert "Slack" in line, f"a thread is Slack's, not the app chat's: {line}"
