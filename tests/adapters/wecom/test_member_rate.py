"""WeCom drops, without an error, every app message past 30 a minute (1000 an hour) to one
member (发送应用消息 › 频率限制). The stand-in does the same, so these tests see what a person
really gets: a long reply arrives whole, its card last, never beyond the limit; an answer
that finds the minute nearly full waits for room and then goes whole, in order."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import httpx
import pytest
from sqlmodel import Session

from bot.adapters.wecom import pacing, render
from bot.adapters.wecom.pacing import Slots
from bot.runtime.dispatch import DeliveryError
from handlers.i18n import t
from handlers.messages import Message
from storage import outbox, send_log
from storage.engine import transaction
from tests.adapters.wecom.conftest import FINANCE_CHAT, outbox_rows
from tests.adapters.wecom.fake_api import Call
from tests.conftest import local

PARAGRAPH = ("我们部门上周出差的报销材料已经整理完毕，包括高铁票、酒店发票、出租车票以及会议注册费"
             "收据，") * 90


def content(body: dict) -> str:
    return str(body[body["msgtype"]].get("content", "")) if body["msgtype"] in (
        "text", "markdown") else ""


def long_history(wecom) -> None:
    """FIN-1 with eight comments of 3,900 Chinese characters (12 kB each), one an hour
    (each told at once), then the next morning: every window is empty again."""
    wecom.clock.set(local("2026-11-16T09:00"))
    wecom.say("lihua", "提单 财务 咨询 差旅报销标准咨询")
    wecom.dispatch()
    for k in range(8):
        wecom.clock.set(local(f"2026-11-16T{10 + k}:00"))
        wecom.say("lihua", f"/request comment FIN-1 补充说明{k}：" + PARAGRAPH[:3900])
        wecom.dispatch()
    wecom.clock.set(local("2026-11-17T09:00"))
    wecom.dispatch()


# --- the stand-in


def test_the_stand_in_accepts_but_drops_what_exceeds_a_members_rate(fake_api):
    now = [local("2026-11-16T09:00")]
    fake_api.clock = lambda: now[0]
    url = f"{fake_api.base_url}message/send?access_token=TOKEN-1"

    def send(touser: str, n: int) -> dict:
        body = {"touser": touser, "agentid": 1, "msgtype": "text", "text": {"content": str(n)}}
        return httpx.post(url, json=body, timeout=10).json()

    answers = [send("bob", n) for n in range(31)]
    assert {a["errcode"] for a in answers} == {0}, "WeCom says nothing about the excess"
    assert [b["text"]["content"] for b in fake_api.received("bob")] == [str(n) for n in range(30)]
    assert [b["text"]["content"] for b in fake_api.dropped_for("bob")] == ["30"]
    assert send("BOB|carol", 31)["errcode"] == 0  # userids ignore case: bob is still full
    assert len(fake_api.received("carol")) == 1 and len(fake_api.received("bob")) == 30
    assert fake_api.calls[-1].ok, "it reached carol"
    now[0] += timedelta(seconds=61)
    assert send("bob", 32)["errcode"] == 0 and len(fake_api.received("bob")) == 31
    for minute in range(2, 40):  # 30 a minute: the hour's 1000th arrives, the 1001st not
        now[0] = local("2026-11-16T09:00") + timedelta(minutes=minute, seconds=2)
        for _ in range(30):  # (straight to the stand-in: a thousand HTTP calls are slow)
            body = {"touser": "dave", "agentid": 1, "msgtype": "text", "text": {"content": "."}}
            reply = fake_api.answer(Call("POST", "message/send", {"access_token": "TOKEN-1"},
                                         body))
            assert reply["errcode"] == 0
    assert len(fake_api.received("dave")) == 1000
    assert len(fake_api.dropped_for("dave")) == 38 * 30 - 1000


# --- a long reply


def test_a_long_show_reaches_the_person_whole_in_one_minute_with_its_card_last(wecom):
    long_history(wecom)
    before = len(wecom.api.received("lihua"))
    wecom.say("lihua", "/request show FIN-1")  # the answer, sent at once after the commit
    wecom.dispatch()
    got = wecom.api.received("lihua")[before:]
    assert wecom.api.dropped_for("lihua") == [], "WeCom dropped nothing: nothing was lost"
    assert all(r.delivered_at is not None for r in outbox_rows(wecom.app))
    assert len(got) <= pacing.LIMITS["user"][0][0], "one minute, within the limit"
    *texts, card = got
    assert card["msgtype"] == "template_card" and card["template_card"]["button_list"], \
        "the card with the buttons comes last"
    assert all(b["msgtype"] in ("text", "markdown") for b in texts)
    assert len(texts) <= render.MAX_PARTS
    shown = [content(b) for b in texts]
    assert not any("字：企业微信中一条回复最多分" in s for s in shown), "nothing cut blindly"
    earlier = t("zh-CN", "show.earlier", n=8, ref="FIN-1")  # opened, comments 0-6
    assert shown[0].startswith("FIN-1 · 差旅报销标准咨询"), "the request's head first"
    assert shown[0].endswith(f"处理记录：\n  {earlier}"), "… then what is left out, said"
    assert "".join(shown[1:]) == "  2026-11-16 17:00 李华 Henry Li 评论: 补充说明7：" + \
        PARAGRAPH[:3900], "… then the newest comment, whole"


def test_a_long_answer_that_finds_the_minute_nearly_full_waits_then_goes_whole(wecom):
    long_history(wecom)
    with transaction(wecom.app.desk.engine) as s:  # 25 notices to lihua this minute
        for n in range(25):
            outbox.enqueue(s, "person:henry",
                           Message(text=f"通知 {n}", target="person:henry").to_dict(),
                           wecom.clock())
    wecom.dispatch()
    before = len(wecom.api.received("lihua"))
    wecom.say("lihua", "/request show FIN-1")
    wecom.dispatch()
    assert wecom.api.received("lihua")[before:] == [], "no room for it whole: it waits"
    (waiting,) = [r for r in outbox_rows(wecom.app) if r.delivered_at is None]
    assert "pacing" in (waiting.last_error or "")
    wecom.clock.set(wecom.clock() + timedelta(seconds=61))
    wecom.dispatch()
    got = wecom.api.received("lihua")[before:]
    assert wecom.api.dropped_for("lihua") == []
    assert got[-1]["msgtype"] == "template_card", "whole, in order, the card last"
    assert content(got[0]).startswith("FIN-1 · ")
    assert content(got[-2]).endswith(PARAGRAPH[:3900][-30:]), "the newest comment, whole"
    assert any("补充说明7" in content(b) for b in got)
    assert all(r.delivered_at is not None for r in outbox_rows(wecom.app))


def test_every_long_message_fits_a_window_to_a_member_a_chat_and_a_robot(wecom):
    huge = "`x` " + "\n".join(f"第{n}行：" + "发票核对说明，" * 40 for n in range(300))  # 250 kB
    sender = wecom.platform.sender
    for target in ("person:henry", "dept:finance", "dept:it", "channel:service-office"):
        message = Message(text=huge, target=target, locale="zh-CN", request_ref="FIN-1",
                          extra={"image": "/nonexistent.png"})
        per_key = Counter(k for part in sender.plan(message) for k in part.pace_keys)
        assert per_key, target
        for key, count in per_key.items():
            limit = pacing.LIMITS[key.split(":")[0]][0][0]
            assert count <= limit, (target, key, count)
    sent = Message(text=huge, target="dept:finance", locale="zh-CN")
    sender.send(sent, None)
    chat = [b for b in wecom.api.delivered("appchat/send") if b["chatid"] == FINANCE_CHAT]
    assert len(chat) == render.MAX_PARTS and "此处省略" in content(chat[6])
    assert content(chat[0]).startswith("`x` 第0行")
    assert content(chat[-1]).endswith("第299行：" + "发票核对说明，" * 40), "and its end"


# --- pacing itself


@pytest.mark.parametrize("empty", [True, False])
def test_no_reservation_takes_more_than_a_window_even_an_empty_one(wecom, empty):
    engine, now = wecom.app.desk.engine, wecom.clock()
    if not empty:
        with transaction(engine) as s:
            send_log.add(s, ["user:bob"], now - timedelta(seconds=30))
    with transaction(engine) as s:
        refused = Slots(s, now).reserve(Counter({"user:bob": 30}))
    assert isinstance(refused, DeliveryError) and refused.permanent, \
        "30 sends never fit 29 a minute: refused and said so, not sent to be dropped"
    with Session(engine) as s:
        counted = send_log.counts_for(s, ["user:bob"], [now - timedelta(minutes=1)])
    assert counted["user:bob"] == [0 if empty else 1], "and no slot taken"
