"""A location is answered politely in the sender's language with what the desk reads
(pictures, voice, video and files are attached: tests/adapters/wecom/test_files.py); a shared
link is read as its title and address; a typed command greys the cards it makes obsolete."""

from __future__ import annotations

import uuid

import pytest

from tests.adapters.wecom.conftest import AGENT_ID, CORP_ID

SHAPES = {  # the callback XML of each kind, as in wechatpy's tests and WeCom's docs
    "image": "<PicUrl><![CDATA[http://p.qpic.cn/x]]></PicUrl><MediaId><![CDATA[m1]]></MediaId>",
    "voice": "<MediaId><![CDATA[m2]]></MediaId><Format><![CDATA[amr]]></Format>",
    "video": "<MediaId><![CDATA[m3]]></MediaId><ThumbMediaId><![CDATA[t3]]></ThumbMediaId>",
    "file": "<MediaId><![CDATA[m4]]></MediaId><Title><![CDATA[发票.pdf]]></Title>",
    "location": "<Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y>"
                "<Scale>20</Scale><Label><![CDATA[广州市海珠区]]></Label>",
    "link": "<Title><![CDATA[VPN 连不上的报错]]></Title><Description><![CDATA[截图]]></Description>"
            "<Url><![CDATA[https://wiki.acme.example/vpn-error]]></Url>"
            "<PicUrl><![CDATA[http://p.qpic.cn/y]]></PicUrl>",
}


def media_xml(userid: str, kind: str, ts: int) -> str:
    return (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
            f"<FromUserName><![CDATA[{userid}]]></FromUserName><CreateTime>{ts}</CreateTime>"
            f"<MsgType><![CDATA[{kind}]]></MsgType>{SHAPES[kind]}"
            f"<MsgId>{uuid.uuid4().int % 10**18}</MsgId><AgentID>{AGENT_ID}</AgentID></xml>")


@pytest.mark.parametrize("kind,word", [("location", "位置")])
def test_non_text_is_answered_in_chinese_with_what_to_type(wecom, kind, word):
    response = wecom.post(media_xml("lihua", kind, int(wecom.clock().timestamp())))
    assert response.status_code == 200
    (reply,) = wecom.replies_to("lihua")
    assert word in reply and "文字" in reply and "/request" in reply


def test_non_text_is_answered_in_english_to_an_english_reader(wecom):
    wecom.post(media_xml("wangli", "location", int(wecom.clock().timestamp())))  # alice: en
    (reply,) = wecom.replies_to("wangli")
    assert "a location" in reply and "typed text" in reply


def test_a_typed_command_greys_the_card_it_answers(wecom):
    wecom.say("lihua", "提单 财务 报销 出租车 86元")
    wecom.dispatch()
    (card,) = [c for c in wecom.cards_to("zhangwei") if "FIN-1" in c["main_title"]["title"]]
    sent = next(c for c in wecom.api.to("message/send") if c.body
                and c.body.get("template_card", {}).get("task_id") == card["task_id"])
    wecom.say("zhangwei", "受理 FIN-1")  # typed, not clicked
    (update,) = wecom.api.delivered("message/update_template_card")
    assert update["response_code"] == f"rc-{wecom.api.calls.index(sent) + 1}"
    assert update["template_card"]["task_id"] == card["task_id"]
    assert update["template_card"]["replace_text"].endswith("· 受理")
    wecom.say("zhangwei", "/request resolve FIN-1 已付款")
    assert len(wecom.api.delivered("message/update_template_card")) == 1, "a code works once"


def test_a_failed_typed_command_greys_nothing(wecom):
    wecom.say("lihua", "提单 财务 报销 出租车 86元")
    wecom.dispatch()
    wecom.say("lihua", "受理 FIN-1")  # the requester may not acknowledge
    assert not wecom.api.delivered("message/update_template_card")


def test_a_shared_link_is_read_as_its_title_and_address(wecom):
    wecom.say("lihua", "提单 财务 报销 出租车 86元")
    wecom.dispatch()
    response = wecom.post(media_xml("lihua", "link", int(wecom.clock().timestamp())))
    assert response.status_code == 200
    wecom.dispatch()
    assert wecom.replies_to("lihua")[-1] == "已在 FIN-1 添加评论。", "not silence"
    wecom.say("zhangwei", "/request show FIN-1")
    wecom.dispatch()
    shown = wecom.replies_to("zhangwei")[-1]
    assert "在私聊中回复: VPN 连不上的报错\nhttps://wiki.acme.example/vpn-error" in shown
