"""Plain words in the WeCom app chat join the conversation: with one open request they are a
comment on it (posted to the desk's group chat, resuming a wait); with several the bot asks
with a card (the words are kept meanwhile) and a click adds them once; with none, the help."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from handlers.i18n import t
from storage.models import HeldMessage
from tests.adapters.wecom.conftest import FINANCE_CHAT, request, trail


def chat_texts(wecom) -> list[str]:
    return [b[b["msgtype"]]["content"] for b in wecom.api.delivered("appchat/send")
            if b.get("chatid") == FINANCE_CHAT]


def said(wecom, ref: str) -> list[tuple[str, str]]:
    return [(kind, actor) for kind, _, _, actor in trail(wecom.app, ref)]


def later(wecom, seconds: int = 1) -> None:
    wecom.clock.set(wecom.clock() + timedelta(seconds=seconds))


def open_request(wecom, what: str) -> None:
    wecom.say("lihua", f"提单 财务 借支 {what}")
    later(wecom)


def test_plain_words_with_one_open_request_reach_the_desk_and_resume_the_wait(wecom):
    open_request(wecom, "出租车 86元")
    wecom.say("zhangwei", "等待 FIN-1 请补充发票照片")
    wecom.dispatch()
    wecom.say("lihua", "发票已经放在共享盘里了")
    wecom.dispatch()
    assert request(wecom.app, "FIN-1").state == "in_progress", "the answer resumes the wait"
    assert ("dm_reply", "henry") in said(wecom, "FIN-1")
    assert any("发票已经放在共享盘里了" in text for text in chat_texts(wecom))
    assert t("zh-CN", "reply.commented", ref="FIN-1") in wecom.replies_to("lihua")


def test_several_open_requests_ask_with_a_card_and_a_click_adds_the_words_once(wecom):
    for what in ("出租车 86元", "酒店 300元", "机票 1200元"):
        open_request(wecom, what)
    wecom.dispatch()
    wecom.say("lihua", "发票已上传")
    (card,) = [c for c in wecom.cards_to("lihua") if c["task_id"].startswith("cd_x_")]
    assert [b["text"] for b in card["button_list"]] == ["FIN-3", "FIN-2", "FIN-1"]
    assert "FIN-2 酒店 300元" in card["sub_title_text"], "each choice named in full"
    with Session(wecom.app.desk.engine) as s:
        (held,) = s.exec(select(HeldMessage)).all()
    assert (held.text, held.attached_ref) == ("发票已上传", None), "kept until a choice"
    assert not any("发票已上传" in text for text in chat_texts(wecom)), "nothing sent yet"

    key = next(b["key"] for b in card["button_list"] if b["text"] == "FIN-2")
    wecom.click("lihua", key, card["task_id"], "rc-1")
    wecom.dispatch()
    assert ("dm_reply", "henry") in said(wecom, "FIN-2")
    assert [text for text in chat_texts(wecom) if "发票已上传" in text] != []
    assert t("zh-CN", "reply.commented", ref="FIN-2") in wecom.replies_to("lihua")
    (update,) = wecom.api.delivered("message/update_template_card")
    card_now = update["template_card"]
    assert card_now["task_id"] == card["task_id"] and "FIN-2" in card_now["replace_text"], \
        "the choice card is greyed, saying which was chosen"

    later(wecom, 5)
    wecom.click("lihua", key, card["task_id"], "rc-1")  # a second click, seconds later
    wecom.dispatch()
    assert t("zh-CN", "conv.already_added", ref="FIN-2") in wecom.replies_to("lihua")
    assert [k for k, *_ in trail(wecom.app, "FIN-2")].count("dm_reply") == 1, "added once"
    other = next(b["key"] for b in card["button_list"] if b["text"] == "FIN-3")
    wecom.click("lihua", other, card["task_id"], "rc-2")  # another choice on the same card
    wecom.dispatch()
    assert t("zh-CN", "conv.already_added", ref="FIN-2") in wecom.replies_to("lihua")
    assert len(wecom.api.delivered("message/update_template_card")) == 1, \
        "the card still says FIN-2, where the words went"
    assert "dm_reply" not in [k for k, *_ in trail(wecom.app, "FIN-3")]


def test_more_open_requests_than_a_card_holds_show_the_newest_six(wecom):
    for n in range(8):
        open_request(wecom, f"第{n + 1}笔 {n + 10}元")
    wecom.say("lihua", "都是上周的")
    (card,) = [c for c in wecom.cards_to("lihua") if c["task_id"].startswith("cd_x_")]
    assert [b["text"] for b in card["button_list"]] == [f"FIN-{n}" for n in range(8, 2, -1)]
    assert any("共 8 个" in r for r in wecom.replies_to("lihua")), "says how to see the rest"


def test_plain_words_with_no_open_request_get_the_help(wecom):
    wecom.say("wangli", "hello, anyone there?")
    (answer,) = wecom.replies_to("wangli")
    assert t("en", "help.text").splitlines()[0] in answer


def test_a_command_typed_in_the_chat_is_still_a_command(wecom):
    open_request(wecom, "出租车 86元")
    wecom.say("lihua", "查看 FIN-1")
    assert any(r.startswith("FIN-1 · 出租车 86元") for r in wecom.replies_to("lihua"))
    assert [k for k, *_ in trail(wecom.app, "FIN-1")] == ["opened"]
