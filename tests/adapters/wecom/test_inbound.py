"""The WeCom callback on the one inbound path: what got a 200 is committed, a redelivery of
it (WeCom resends after 5 s without an answer, with a new nonce) runs once, and what could
not be stored is answered in the callback's own encrypted reply, with nothing stored."""

from __future__ import annotations

import threading
from datetime import timedelta

import httpx
import pytest
import xmltodict
from sqlmodel import Session, select

from bot.adapters import command_threads
from handlers.i18n import t
from storage.models import Request
from tests.adapters.wecom.conftest import AGENT_ID, CORP_ID, WeCom, click_xml, counts


def text_with_id(userid: str, content: str, ts: int, msg_id: int) -> str:
    """A text message callback body with a chosen MsgId."""
    return (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
            f"<FromUserName><![CDATA[{userid}]]></FromUserName><CreateTime>{ts}</CreateTime>"
            f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content>"
            f"<MsgId>{msg_id}</MsgId><AgentID>{AGENT_ID}</AgentID></xml>")


def refs(wecom: WeCom) -> list[str]:
    with Session(wecom.app.desk.engine) as session:
        return [r.ref for r in session.exec(select(Request))]


def passive_text(wecom: WeCom, response_text: str) -> str:
    """Decrypt the reply WeCom gets in the callback's response body."""
    envelope = xmltodict.parse(response_text)["xml"]
    plain = wecom.crypto.decrypt_message(response_text, envelope["MsgSignature"],
                                         envelope["TimeStamp"], envelope["Nonce"])
    return str(xmltodict.parse(plain)["xml"]["Content"])


def test_a_200_means_stored(wecom: WeCom) -> None:
    ts = int(wecom.clock().timestamp())
    response = wecom.post(text_with_id("lihua", "提单 财务 报销 出租车 86元", ts, 7001),
                          wait=False)
    assert response.status_code == 200 and response.text == ""
    assert refs(wecom) == ["FIN-1"], "committed before the 200, read at once"
    assert wecom.platform.wait_idle(10)
    assert any(r.startswith("已提交 FIN-1") for r in wecom.replies_to("lihua"))


def test_a_redelivered_message_runs_once_and_is_answered_once(wecom: WeCom) -> None:
    ts = int(wecom.clock().timestamp())
    body = text_with_id("lihua", "提单 财务 报销 出租车 86元", ts, 7002)
    first = wecom.post(body, nonce="first01")
    again = wecom.post(body, nonce="second2")  # WeCom's retry: same MsgId, new nonce
    assert (first.status_code, again.status_code) == (200, 200) and again.text == ""
    assert refs(wecom) == ["FIN-1"]
    assert len([r for r in wecom.replies_to("lihua") if "FIN-1" in r]) == 1


def test_a_redelivered_click_runs_once(wecom: WeCom) -> None:
    wecom.say("lihua", "提单 财务 报销 出租车 86元")
    wecom.dispatch()
    card = next(c for c in wecom.cards_to("zhangwei") if "FIN-1" in c["main_title"]["title"])
    key = next(b["key"] for b in card["button_list"] if b["text"] == "受理")
    ts = int(wecom.clock().timestamp())
    body = click_xml("zhangwei", key, card["task_id"], "code-1", ts)
    wecom.post(body, nonce="click01")
    before = counts(wecom.app)
    wecom.post(body, nonce="click02")
    assert counts(wecom.app) == {**before, "SeenNonce": before["SeenNonce"] + 1}
    assert len(wecom.api.delivered("message/update_template_card")) == 1, "greyed once"


def hold_every_command_thread(wecom: WeCom) -> threading.Event:
    """Take every command thread with other work until the returned event is set."""
    release = threading.Event()
    for _ in range(command_threads.COMMAND_THREADS):
        wecom.platform.commands.submit(release.wait, 10)
    return release


def post_while_busy(wecom: WeCom, monkeypatch: pytest.MonkeyPatch, body: str,
                    nonce: str) -> httpx.Response:
    """Post ``body`` while every command thread is busy with other messages."""
    monkeypatch.setitem(command_threads.BUSY_WAIT_SECONDS, "wecom", 0.2)
    release = hold_every_command_thread(wecom)
    try:
        return wecom.post(body, nonce=nonce)
    finally:
        release.set()


def test_a_busy_desk_says_so_in_the_reply_and_stores_nothing(
        wecom: WeCom, monkeypatch: pytest.MonkeyPatch) -> None:
    ts = int(wecom.clock().timestamp())
    body = text_with_id("lihua", "提单 财务 报销 出租车 86元", ts, 7003)
    response = post_while_busy(wecom, monkeypatch, body, "busy001")
    assert response.status_code == 200
    assert "繁忙" in passive_text(wecom, response.text)
    assert refs(wecom) == []
    retried = wecom.post(body, nonce="busy002")  # the same message again runs now
    assert retried.text == "" and refs(wecom) == ["FIN-1"]


def test_busy_is_said_in_the_persons_own_language(
        wecom: WeCom, monkeypatch: pytest.MonkeyPatch) -> None:
    ts = int(wecom.clock().timestamp())
    body = text_with_id("wangli", "/request list", ts, 7007)  # configured: English
    said = passive_text(wecom, post_while_busy(wecom, monkeypatch, body, "busyen1").text)
    assert said == ("Sorry, the desk is very busy right now. Nothing was changed; please send "
                    "it again in a few seconds.")


def test_a_database_away_while_finding_the_sender_is_a_polite_try_again(wecom: WeCom) -> None:
    engine = wecom.app.desk.engine
    ts = int(wecom.clock().timestamp())
    body = text_with_id("newbie", "提单 财务 报销 出租车 86元", ts, 7008)  # not met yet
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE person RENAME TO person_away")
    try:
        response = wecom.post(body, nonce="away001")
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql("ALTER TABLE person_away RENAME TO person")
    assert response.status_code == 200
    assert passive_text(wecom, response.text) == \
        "抱歉，暂时无法保存（数据库繁忙或不可用）。未做任何更改，请稍后再试。"
    assert refs(wecom) == []
    again = wecom.post(body, nonce="away002")  # the same message once the database is back
    assert (again.status_code, again.text) == (200, "") and refs(wecom) == ["FIN-1"]


def test_a_message_that_waits_past_slacks_patience_still_runs_on_wecom(wecom: WeCom) -> None:
    """WeCom waits 5 s for the 200: a message that found every command thread taken for
    longer than Slack may wait (1 s) still runs and is answered, not refused as busy."""
    assert command_threads.BUSY_WAIT_SECONDS["slack"] < 1.3 < \
        command_threads.BUSY_WAIT_SECONDS["wecom"]
    release = hold_every_command_thread(wecom)
    threading.Timer(1.3, release.set).start()  # a burst's commands end after 1.3 s
    ts = int(wecom.clock().timestamp())
    response = wecom.post(text_with_id("lihua", "提单 财务 报销 出租车 86元", ts, 7006),
                          nonce="slow001")
    assert response.status_code == 200 and response.text == ""  # no passive "busy"
    assert refs(wecom) == ["FIN-1"]
    assert any(r.startswith("已提交 FIN-1") for r in wecom.replies_to("lihua"))


def test_a_database_that_refuses_is_answered_try_again_in_the_reply(wecom: WeCom) -> None:
    engine = wecom.app.desk.engine
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE delivery RENAME TO delivery_away")
    ts = int(wecom.clock().timestamp())
    body = text_with_id("lihua", "提单 财务 报销 出租车 86元", ts, 7004)
    try:
        response = wecom.post(body, nonce="down001")
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql("ALTER TABLE delivery_away RENAME TO delivery")
    assert response.status_code == 200 and "稍后再试" in passive_text(wecom, response.text)
    assert refs(wecom) == []
    assert wecom.post(body, nonce="down002").text == "" and refs(wecom) == ["FIN-1"]


def test_a_refusing_database_is_answered_in_the_persons_own_language(wecom: WeCom) -> None:
    """The desk writes Chinese; Wang Li reads English (the config says so): the try-again
    answer, given without the database, is in English."""
    engine = wecom.app.desk.engine
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE delivery RENAME TO delivery_away")
    ts = int(wecom.clock().timestamp())
    try:
        response = wecom.post(text_with_id("wangli", "/request list", ts, 7009), nonce="down003")
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql("ALTER TABLE delivery_away RENAME TO delivery")
    assert passive_text(wecom, response.text) == t("en", "err.try_again")


def test_an_answer_whose_process_died_is_sent_by_the_dispatcher(wecom: WeCom) -> None:
    """The callback committed its answer, then the process died before sending it: the
    dispatcher leaves a fresh answer to the callback's own path, then sends it itself."""
    from bot.adapters.wecom.inbound import Callback

    reply = wecom.platform.receive(Callback(userid="lihua", delivery_key="7100",
                                            corp_id=CORP_ID, text="提单 财务 报销 出租车 86元"))
    assert reply is not None and reply.answer_rows  # stored; never handed to deliver()
    wecom.dispatch()
    assert not any(r.startswith("已提交 FIN-1") for r in wecom.replies_to("lihua")), \
        "not yet: its path has it"
    wecom.clock.set(wecom.clock() + timedelta(seconds=11))
    wecom.dispatch()
    assert len([r for r in wecom.replies_to("lihua") if r.startswith("已提交 FIN-1")]) == 1


def test_a_callback_refused_as_busy_used_up_no_nonce_so_the_same_one_runs_once(
        wecom: WeCom, monkeypatch: pytest.MonkeyPatch) -> None:
    """The nonce is claimed with the command: a callback that stored nothing claimed nothing,
    and the very same callback again (nonce and all) runs once, then is a replay."""
    ts = int(wecom.clock().timestamp())
    body = text_with_id("lihua", "提单 财务 报销 出租车 86元", ts, 7005)
    busy = post_while_busy(wecom, monkeypatch, body, "same001")
    assert "繁忙" in passive_text(wecom, busy.text) and refs(wecom) == []
    again = wecom.post(body, nonce="same001")
    assert (again.status_code, again.text) == (200, "") and refs(wecom) == ["FIN-1"]
    assert wecom.post(body, nonce="same001").status_code == 403
    assert refs(wecom) == ["FIN-1"]
