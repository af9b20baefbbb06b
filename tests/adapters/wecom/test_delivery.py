"""Sending through the outbox: rate limits reschedule, pacing per member, nothing dropped or
sent twice; one access token shared through the database; long texts split safely."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot.adapters.wecom.client import WeComClient
from bot.adapters.wecom.render import MARKDOWN_LIMIT, TEXT_LIMIT, byte_len
from bot.adapters.wecom.token_store import DatabaseStorage
from bot.runtime.dispatch import DeliveryError, Dispatcher
from bot.runtime.routing import SenderRouter
from handlers.messages import TOLD, Message
from handlers.negotiation_notices import desk_buttons
from storage import outbox
from storage.engine import reader_for, transaction
from storage.models import PlatformToken
from tests.adapters.wecom.conftest import ADMIN_CHAT, CORP_ID, FINANCE_CHAT, outbox_rows


def queue(wecom, message: Message, times: int = 1) -> None:
    with transaction(wecom.app.desk.engine) as s:
        for _ in range(times):
            outbox.enqueue(s, message.target, message.to_dict(), wecom.clock())


def test_45009_reschedules_and_the_message_is_delivered_once(wecom):
    wecom.say("lihua", "提单 财务 报销 出租车 86元")
    wecom.api.fail("message/send", 45009, errmsg="api freq out of limit")
    first = wecom.dispatch()  # the requester's confirmation was the answer: only the desk's
    assert (first.delivered, first.failed) == (0, 1)
    failed = next(r for r in outbox_rows(wecom.app) if r.delivered_at is None)
    assert failed.target == "dept:finance" and "45009" in (failed.last_error or "")
    assert failed.due_at == wecom.clock() + timedelta(seconds=60)
    assert wecom.dispatch().delivered == 0, "not due yet"
    wecom.clock.set(wecom.clock() + timedelta(seconds=61))
    assert wecom.dispatch().delivered == 1
    assert all(r.delivered_at is not None for r in outbox_rows(wecom.app))
    chats = wecom.api.delivered("appchat/send")
    assert [c["chatid"] for c in chats] == [FINANCE_CHAT], "the group chat part is not resent"
    cards = [b["touser"] for b in wecom.api.delivered("message/send")
             if b["msgtype"] == "template_card" and b["touser"] != "lihua"]
    assert cards == ["liufang|zhangwei"]


@pytest.mark.parametrize("errcode", [45033, -1, 60020])
def test_other_refusals_are_retried_later_not_dropped(wecom, errcode):
    queue(wecom, Message(text="你好", target="person:bob"))
    wecom.api.fail("message/send", errcode)
    assert wecom.dispatch().failed == 1
    wecom.clock.set(wecom.clock() + timedelta(hours=1))
    assert wecom.dispatch().delivered == 1
    assert [b["text"]["content"] for b in wecom.api.delivered("message/send")] == ["你好"]


def test_network_error_is_a_delivery_error(wecom):
    wecom.api.stop()
    with pytest.raises(DeliveryError, match="network error"):
        wecom.platform.sender.send(Message(text="hi", target="person:bob"), None)


def test_pacing_keeps_each_member_under_30_a_minute_and_drops_nothing(wecom):
    queue(wecom, Message(text="提醒", target="person:bob"), times=31)
    stats = wecom.dispatch()
    assert (stats.delivered, stats.failed) == (29, 1)
    waiting = [r for r in outbox_rows(wecom.app) if r.delivered_at is None]
    assert "pacing" in (waiting[0].last_error or "")
    # the row behind it is not tried in this pass: it waits for the slot after the pace
    assert waiting[1].attempts == 0 and waiting[1].due_at >= waiting[0].due_at
    assert wecom.dispatch().delivered == 0, "nothing is looked at again before its time"
    wecom.clock.set(wecom.clock() + timedelta(seconds=61))
    assert wecom.dispatch().delivered == 2
    assert len(wecom.api.delivered("message/send")) == 31


def test_one_batch_paces_each_member_by_their_own_recent_sends(wecom):
    """The lease counts every member's sends of the last minute at once: each keeps their
    own count (one at the limit waits; the others in the same batch go)."""
    queue(wecom, Message(text="早", target="person:bob"), times=25)
    assert wecom.dispatch().delivered == 25
    wecom.clock.set(wecom.clock() + timedelta(seconds=20))
    for who in ("bob", "carol", "bob", "dave", "bob", "carol", "bob", "bob"):
        queue(wecom, Message(text=f"给 {who}", target=f"person:{who}"))
    stats = wecom.dispatch()
    sent = [b["text"]["content"][2:] for b in wecom.api.delivered("message/send")][25:]
    assert sent == ["bob", "carol", "bob", "dave", "bob", "carol", "bob"], "bob's 30th waits"
    assert (stats.delivered, stats.failed) == (7, 1)
    wecom.clock.set(wecom.clock() + timedelta(seconds=41))
    assert wecom.dispatch().delivered == 1


def test_pacing_raises_with_the_wait(wecom):
    sender = wecom.platform.sender
    for _ in range(29):
        sender.send(Message(text="x", target="person:carol"), None)
    with pytest.raises(DeliveryError) as caught:
        sender.send(Message(text="x", target="person:carol"), None)
    assert caught.value.retry_after == pytest.approx(60)
    sender.send(Message(text="x", target="person:bob"), None)  # others are not held up


def test_token_is_fetched_once_and_shared_across_clients_through_the_database(wecom):
    engine = wecom.app.desk.engine
    clients = []
    for _ in range(2):  # e.g. two replicas, or before and after a restart
        store = DatabaseStorage(engine, wecom.clock, reader_for(engine))
        client = WeComClient(CORP_ID, "s3cret", session=store, api_base_url=wecom.api.base_url)
        clients.append(client)
        client.user.get("newbie")
        store.flush()
    try:
        assert len(wecom.api.to("gettoken")) == 1
        tokens = {c.query["access_token"] for c in wecom.api.to("user/get")}
        assert len(tokens) == 1
        with Session(engine) as s:
            assert s.exec(select(PlatformToken)).one().value in tokens
    finally:
        for client in clients:
            client.close()


def test_expired_token_is_fetched_again(wecom):
    engine = wecom.app.desk.engine
    store = DatabaseStorage(engine, wecom.clock, reader_for(engine))
    client = WeComClient(CORP_ID, "s3cret", session=store, api_base_url=wecom.api.base_url)
    try:
        client.user.get("newbie")
        store.flush()
        wecom.clock.set(wecom.clock() + timedelta(hours=2))
        fresh = WeComClient(CORP_ID, "s3cret", session=store, api_base_url=wecom.api.base_url)
        fresh.user.get("newbie")
        fresh._http.close()
        assert len(wecom.api.to("gettoken")) == 2
    finally:
        client.close()


def test_long_comment_is_split_within_byte_limits_without_breaking_characters(wecom):
    wecom.say("lihua", "提单 财务 报销 出租车 86元")
    long_text = ("发票金额核对无误。" * 300 + "🙂 end")[:3990]
    wecom.say("zhangwei", f"评论 FIN-1 {long_text}")
    wecom.dispatch()
    parts = [b for b in wecom.api.delivered("message/send")
             if b.get("touser") == "lihua" and b["msgtype"] in ("text", "markdown")
             and "发票" in b[b["msgtype"]]["content"]]
    assert len(parts) >= 2
    for body in parts:
        limit = MARKDOWN_LIMIT if body["msgtype"] == "markdown" else TEXT_LIMIT
        assert byte_len(body[body["msgtype"]]["content"]) <= limit
    joined = "".join(b[b["msgtype"]]["content"] for b in parts)
    assert long_text in joined, "nothing lost, no character cut in half"


def test_it_department_reaches_its_group_robot_and_its_members(wecom):
    wecom.say("wangli", "/request it laptop screen flickers")
    wecom.dispatch()
    (robot,) = wecom.api.delivered("webhook/send")
    assert "IT-1" in robot["markdown"]["content"]
    assert wecom.cards_to("sunlei") and wecom.cards_to("xukai")
    (call,) = wecom.api.to("webhook/send")
    assert call.query["key"] == "robot-it"


def test_dispatch_through_the_shared_router(wecom):
    """bot.runtime.routing.SenderRouter picks WeCom for people with a WeCom id (its reads must
    not wait for the dispatcher's SQLite write lock: hence the reader engine)."""
    wecom.say("lihua", "提单 财务 报销 出租车 86元")
    reader = reader_for(wecom.app.desk.engine)
    router = SenderRouter(engine=reader, catalog=wecom.app.settings.catalog,
                    routes=[wecom.platform.route()], fallback=wecom.platform.sender)
    try:
        stats = Dispatcher(wecom.app.desk.engine, router, wecom.clock).run_once()
    finally:
        reader.dispose()
    assert (stats.delivered, stats.failed) == (1, 0)  # the desk's; the requester's was the answer
    assert wecom.api.delivered("appchat/send") and wecom.cards_to("zhangwei")


def test_named_channels_go_to_their_group_chat_else_to_the_admins(wecom):
    sender = wecom.platform.sender
    sender.send(Message(text="本周服务评分", target="channel:service-office"), None)
    (chat,) = wecom.api.delivered("appchat/send")
    assert (chat["chatid"], chat["text"]["content"]) == (ADMIN_CHAT, "本周服务评分")
    sender.send(Message(text="scorecard", target="channel:elsewhere"), None)
    assert wecom.replies_to("root") == ["scorecard"]


def test_route_reaches_people_with_a_wecom_id_and_departments_on_wecom(wecom):
    route = wecom.platform.route()
    assert route.name == "wecom"
    assert route.reaches_person(None, "zhangwei") and not route.reaches_person("U0X", None)
    assert route.reaches_department("finance") and route.reaches_department("it")


def test_a_real_wecom_host_is_refused_by_the_no_network_fixture():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(RuntimeError, match="tried to reach the network"):
            sock.connect(("qyapi.weixin.qq.com", 443))
    finally:
        sock.close()
    client = WeComClient(CORP_ID, "s3cret")
    assert client.API_BASE_URL == "https://qyapi.weixin.qq.com/cgi-bin/"
    try:
        with pytest.raises(Exception) as caught:
            client.fetch_access_token()
        assert "tried to reach the network" in repr(caught.value) or isinstance(
            caught.value, OSError)
    finally:
        client.close()


def test_a_desk_with_no_group_chat_tells_each_member_once(wecom):
    """HR has no group chat nor robot: its messages go to each member's app chat. Whoever
    heard it already (the assignee, told in person; the one who did it, in the answer) gets
    no second copy; the other members get it once."""
    wecom.say("lihua", "提单 人事 培训 下周的安全培训报名")
    wecom.dispatch()
    before = len(wecom.api.delivered("message/send"))
    wecom.say("linna", "受理 HR-1")
    wecom.dispatch()
    ack = [b for b in wecom.api.delivered("message/send")[before:]
           if b["msgtype"] != "template_card"]
    to = {b["touser"]: b[b["msgtype"]]["content"] for b in ack}
    assert to.get("linna", "").startswith("您已受理 HR-1"), "the answer, and only that"
    assert [b["touser"] for b in ack].count("linna") == 1
    assert "hetao" in to and "受理" in to["hetao"], "the other member hears it once"
    wecom.say("lihua", "我下周三有空")
    wecom.dispatch()
    linna = [r for r in wecom.replies_to("linna") if "我下周三有空" in r]
    hetao = [r for r in wecom.replies_to("hetao") if "我下周三有空" in r]
    assert len(linna) == 1 and len(hetao) == 1, (linna, hetao)


def test_a_card_every_member_heard_in_person_still_reaches_the_desks_group_chat(wecom):
    """The chat gets the text; the members, told with its buttons already, no card."""
    card = Message(text="FIN-1 有新的反提议", target="dept:finance", request_ref="FIN-1",
                   buttons=desk_buttons("FIN-1", "zh-CN"), extra={TOLD: ["bob", "carol"]})
    queue(wecom, card)
    assert wecom.dispatch().delivered == 1
    assert [c["chatid"] for c in wecom.api.delivered("appchat/send")] == [FINANCE_CHAT]
    assert wecom.api.delivered("message/send") == []
