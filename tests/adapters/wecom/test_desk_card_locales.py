"""A desk's card goes to each member in person, so it speaks each member's language (W5):
one send per language among the members, each card greyed in its own words."""

from __future__ import annotations

from bot.adapters.wecom import cards
from handlers.messages import IN_LOCALES, Button, Message
from tests.adapters.wecom.conftest import WeCom


def card_of(wecom: WeCom, userid: str, ref: str) -> dict:
    return next(c for c in wecom.cards_to(userid)
                if any(f" {ref}" in b["key"] for b in c["button_list"])
                and any("ack" in b["key"] for b in c["button_list"]))


def test_the_it_desk_card_reaches_kevin_in_english_and_dave_in_chinese(wecom: WeCom) -> None:
    wecom.say("wangli", "/request it laptop my screen flickers when docked")
    wecom.dispatch()
    kevin, dave = card_of(wecom, "xukai", "IT-1"), card_of(wecom, "sunlei", "IT-1")
    assert [b["text"] for b in kevin["button_list"]] == ["Ack", "Assign me"]
    assert "▸ Acknowledge: /request ack IT-1" in kevin["sub_title_text"], kevin
    assert [b["text"] for b in dave["button_list"]] == ["受理", "指派给我"]
    assert "▸ 受理: /request 受理 IT-1" in dave["sub_title_text"]
    sends = [b for b in wecom.api.delivered("message/send")
             if b["msgtype"] == "template_card"
             and {"xukai", "sunlei"} & set(b["touser"].split("|"))]
    assert sorted(b["touser"] for b in sends) == ["sunlei", "xukai"], "one send per language"
    assert kevin["task_id"] != dave["task_id"]


def test_each_language_card_is_greyed_in_its_own_words(wecom: WeCom) -> None:
    wecom.say("wangli", "/request it laptop my screen flickers when docked")
    wecom.dispatch()
    kevin, dave = card_of(wecom, "xukai", "IT-1"), card_of(wecom, "sunlei", "IT-1")
    wecom.say("sunlei", "受理 IT-1")
    wecom.dispatch()
    greyed = {u["template_card"]["task_id"]: u["template_card"]["replace_text"]
              for u in wecom.api.delivered("message/update_template_card")}
    assert greyed.get(dave["task_id"]) == "✓ 孙磊 Dave Sun · 受理"
    assert greyed.get(kevin["task_id"]) == "✓ 孙磊 Dave Sun · Acknowledge"


def test_a_click_on_the_english_copy_greys_it_in_english(wecom: WeCom) -> None:
    wecom.say("wangli", "/request it laptop my screen flickers when docked")
    wecom.dispatch()
    kevin = card_of(wecom, "xukai", "IT-1")
    key = next(b["key"] for b in kevin["button_list"] if b["text"] == "Ack")
    wecom.click("xukai", key, kevin["task_id"], "rc-kevin")
    wecom.dispatch()
    (update,) = [u for u in wecom.api.delivered("message/update_template_card")
                 if u["template_card"]["task_id"] == kevin["task_id"]]
    assert update["template_card"]["replace_text"] == "✓ 徐凯 Kevin Xu · Acknowledge"
    assert [b["text"] for b in update["template_card"]["button_list"]] == ["Ack", "Assign me"]


def test_a_card_rendered_in_each_language_uses_that_rendering() -> None:
    """Where the message carries its rendering in another language (``IN_LOCALES``),
    a reader of that language gets all of it: title and text too."""
    en = Message(text="New request IT-1 from Alice", locale="en", buttons=(
        Button("Acknowledge", "/request ack IT-1", "ack"),))
    zh = Message(text="新请求 IT-1，来自 王丽", locale="zh-CN", target="dept:it", buttons=(
        Button("受理", "/request ack IT-1", "ack"),), extra={IN_LOCALES: {
            "en": en.to_dict()}})
    assert cards.for_reader(zh, "en").text == "New request IT-1 from Alice"
    assert cards.for_reader(zh, "en").target == "dept:it"
    assert cards.for_reader(zh, "zh-CN") is zh
    bare = Message(text="新请求 IT-1", locale="zh-CN", buttons=(
        Button("受理", "/request ack IT-1", "ack"), Button("提问…", "/request wait IT-1 <question>",
                                                       "wait")))
    assert [b.label for b in cards.for_reader(bare, "en").buttons] == [
        "Acknowledge", "Ask requester…"]


def test_a_label_naming_a_request_is_put_in_the_readers_words_too() -> None:
    nudge = Message(text="提醒：MKT-1 即将超时", locale="zh-CN", buttons=(
        Button("受理 MKT-1", "/request ack MKT-1", "ack"),))
    assert [b.label for b in cards.for_reader(nudge, "en").buttons] == ["Acknowledge MKT-1"]
