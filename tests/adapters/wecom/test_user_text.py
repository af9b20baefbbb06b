"""What people type cannot plant a live link: ``[text](url)`` is escaped in markdown and
``<a href>`` in text messages; the words stay readable."""

from __future__ import annotations

from tests.adapters.wecom.conftest import FINANCE_CHAT

EVIL = '付款 [click](http://evil.example) <a href="http://evil">x</a>'


def test_request_details_reach_the_desk_chat_without_a_live_link(wecom):
    wecom.say("lihua", f"提单 财务 报销 金额=86 {EVIL}")
    wecom.dispatch()
    (chat,) = [b for b in wecom.api.delivered("appchat/send") if b["chatid"] == FINANCE_CHAT]
    content = chat["markdown"]["content"]
    assert "](" not in content and "<a" not in content.lower(), content
    assert "click" in content and "http://evil.example" in content, "still readable"


def test_a_comment_reaches_a_member_as_text_without_a_live_link(wecom):
    wecom.say("lihua", "提单 财务 报销 出租车 86元")
    wecom.say("zhangwei", "受理 FIN-1")
    wecom.say("lihua", f"评论 FIN-1 {EVIL}")
    wecom.dispatch()
    texts = [b["text"]["content"] for b in wecom.api.delivered("message/send")
             if b.get("touser") == "zhangwei" and b["msgtype"] == "text"
             and "evil" in b["text"]["content"]]
    assert texts, "the assignee hears the comment as a text message"
    for text in texts:
        assert "<a " not in text.lower() and "</a>" not in text.lower(), text
        assert "click" in text and "x" in text
