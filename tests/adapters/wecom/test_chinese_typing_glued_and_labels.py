"""Chinese speakers in the WeCom app chat, as a tester drove it with real encrypted callbacks:
``评论FIN-1 …`` with no space is that comment (not one on the typist's own request, posted to
another desk), ``提单：财务 …`` opens a request (no "which request?" card), a typed button
label or a greeting gets a short answer instead of the 1.5 KB help."""

from __future__ import annotations

import json
from datetime import timedelta

from tests.adapters.wecom.conftest import request, trail

HELP = "crossdesk —— 向任何部门申请服务"


def later(wecom, seconds: int = 1) -> None:
    wecom.clock.set(wecom.clock() + timedelta(seconds=seconds))


def say(wecom, userid: str, text: str) -> list[str]:
    """``userid`` types ``text``; the texts (not cards) that reached them for it."""
    before = len(wecom.replies_to(userid))
    wecom.say(userid, text)
    wecom.dispatch()
    later(wecom)
    return wecom.replies_to(userid)[before:]


def robot_texts(wecom) -> list[str]:
    return [json.dumps(b, ensure_ascii=False) for b in wecom.api.delivered("webhook/send")]


def test_a_comment_glued_to_its_id_reaches_that_request_and_no_other_desk(wecom):
    say(wecom, "lihua", "提单 财务 报销 出租车 86元")
    say(wecom, "zhangwei", "提单 IT 电脑 键盘坏了")  # his own request, still open
    answer = say(wecom, "zhangwei", "评论FIN-1 发票请补一下")
    assert any("FIN-1" in text and "评论" in text for text in answer), answer
    assert not any("IT-1" in text for text in answer)
    assert not any("发票请补一下" in text for text in robot_texts(wecom)), "not to the IT robot"
    assert [k for k, *_ in trail(wecom.app, "IT-1")] == ["opened"]
    assert any("发票请补一下" in text for text in wecom.replies_to("lihua"))
    say(wecom, "zhangwei", "受理FIN-1")
    assert request(wecom.app, "FIN-1").state == "acknowledged"


def test_ti_dan_with_a_full_width_colon_opens_a_request(wecom):
    say(wecom, "lihua", "提单 财务 借支 差旅 500元")
    say(wecom, "lihua", "提单 财务 借支 展会 800元")
    cards = len(wecom.cards_to("lihua"))
    answer = say(wecom, "lihua", "提单：财务 报销 出租车 86元")
    assert any("FIN-3" in text for text in answer), answer
    assert request(wecom.app, "FIN-3").category == "reimbursement"
    new_cards = wecom.cards_to("lihua")[cards:]
    assert not any("这条消息是关于哪一" in json.dumps(c, ensure_ascii=False) for c in new_cards)


def test_a_typed_label_a_rating_without_an_id_and_a_greeting_get_short_answers(wecom):
    say(wecom, "lihua", "提单 财务 报销 出租车 86元")
    say(wecom, "zhangwei", "解决 FIN-1 已付款")
    (answer,) = say(wecom, "lihua", "确认已解决")
    assert "/request 确认 FIN-1" in answer and HELP not in answer
    assert len(answer.encode()) < 400
    assert request(wecom.app, "FIN-1").state == "resolved"
    say(wecom, "lihua", "确认 FIN-1")
    (answer,) = say(wecom, "lihua", "评分 5")
    assert "/request 评分 FIN-1 5" in answer
    (answer,) = say(wecom, "lihua", "你好")
    assert HELP not in answer and "没有看懂" not in answer and "/request" in answer
    assert len(answer.encode()) < 600
