"""One story told on the console and again on WeCom: same states, same audit trail, because
both platforms hand the same text to the same handlers."""

from __future__ import annotations

from tests.adapters.wecom.conftest import request, trail

STORY = [  # (console id, WeCom userid, text with {ref})
    ("henry", "lihua", "/request 财务 报销 出租车 86元"),
    ("bob", "zhangwei", "/request 受理 {ref}"),
    ("bob", "zhangwei", "/request 等待 {ref} 请补充发票照片"),
    ("henry", "lihua", "/request 评论 {ref} 已上传"),
    ("bob", "zhangwei", "/request 解决 {ref} 已报销"),
]


def test_console_and_wecom_run_the_same_story_the_same_way(chat, wecom):
    for person, _userid, text in STORY:
        chat(f"{person}> {text.format(ref='FIN-1')}")
    chat("henry> /request 确认 FIN-1")

    states = []
    for _person, userid, text in STORY:
        wecom.say(userid, text.format(ref="FIN-2"))
        states.append(request(wecom.app, "FIN-2").state)
    wecom.dispatch()
    card = wecom.cards_to("lihua")[-1]
    confirm = next(b["key"] for b in card["button_list"] if b["text"] == "确认已解决")
    wecom.click("lihua", confirm, card["task_id"], "rc-confirm")

    assert states == ["open", "acknowledged", "waiting", "in_progress", "resolved"]
    console, on_wecom = request(wecom.app, "FIN-1"), request(wecom.app, "FIN-2")
    assert (console.state, console.assignee_id, console.resolver_id) == (
        on_wecom.state, on_wecom.assignee_id, on_wecom.resolver_id) == ("closed", "bob", "bob")
    assert trail(wecom.app, "FIN-1") == trail(wecom.app, "FIN-2")
    assert [kind for kind, *_ in trail(wecom.app, "FIN-2")] == [
        "opened", "acknowledged", "waiting", "commented", "resumed", "resolved", "confirmed"]
