"""Typing in the WeCom app chat does what it does on every platform, in Chinese or English;
card buttons run the same commands as the person who clicked and update the card."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from handlers.i18n import t
from handlers.messages import Message
from handlers.notices import staff_buttons
from handlers.sweep import sweep
from storage import outbox, people
from storage.engine import transaction
from storage.models import Rating
from tests.adapters.wecom.conftest import FINANCE_CHAT, request, trail


def open_and_dispatch(wecom, userid: str = "lihua", text: str = "提单 财务 报销 出租车 86元"):
    wecom.say(userid, text)
    wecom.dispatch()


def staff_card(wecom, ref: str) -> dict:
    card = next(c for c in wecom.cards_to("zhangwei") if ref in c["main_title"]["title"])
    assert card["task_id"] in [c["task_id"] for c in wecom.cards_to("liufang")], "one card to all"
    return card


def key_of(card: dict, label: str) -> str:
    return next(b["key"] for b in card["button_list"] if b["text"] == label)


def test_chinese_request_opens_and_replies_in_chinese(wecom):
    wecom.say("lihua", "提单 财务 报销 出租车去客户现场 86元")
    row = request(wecom.app, "FIN-1")
    assert (row.requester_id, row.state, row.details) == ("henry", "open", "出租车去客户现场 86元")
    assert any(r.startswith("已提交 FIN-1：财务部 · 报销") for r in wecom.replies_to("lihua"))
    assert wecom.kicks, "the dispatcher is woken for the queued notifications"


def test_english_request_and_english_reply(wecom):
    wecom.say("wangli", "/request finance reimbursement taxi to client, 86 CNY")
    assert request(wecom.app, "FIN-1").requester_id == "alice"
    assert any(r.startswith("Opened FIN-1: Reimbursement for Finance") for r in
               wecom.replies_to("wangli"))


def test_bare_chinese_subcommands_work_like_everywhere_else(wecom):
    wecom.say("lihua", "请求 财务 报销 出租车 86元")
    wecom.say("zhangwei", "受理 FIN-1")
    assert request(wecom.app, "FIN-1").state == "acknowledged"
    assert any("FIN-1" in r for r in wecom.replies_to("zhangwei"))
    wecom.say("zhangwei", "解决 FIN-1 已报销")
    wecom.say("lihua", "确认 FIN-1")
    wecom.say("lihua", "评分 FIN-1 5 很及时")
    with Session(wecom.app.desk.engine) as s:
        rating = s.exec(select(Rating)).one()
    assert (rating.stars, rating.comment, rating.rater_id) == (5, "很及时", "henry")


def test_a_message_that_is_not_a_command_gets_the_help(wecom):
    wecom.say("lihua", "我的电脑又坏了怎么办")
    (answer,) = wecom.replies_to("lihua")
    # angle brackets people could use as tags arrive full-width in WeCom markdown
    shown = t("zh-CN", "err.not_a_command").replace("<", "＜").replace(">", "＞")
    assert shown in answer
    assert t("zh-CN", "help.text").splitlines()[0] in answer


def test_unknown_user_is_registered_with_their_wecom_name_in_chinese(wecom):
    wecom.say("newbie", "/request help")
    with Session(wecom.app.desk.engine) as s:
        row = people.by_platform_id(s, "wecom", "newbie")
    assert row is not None
    assert (row.id, row.name, row.locale) == ("wecom-newbie", "新同事", "zh-CN")
    assert row.source == "wecom"
    assert t("zh-CN", "help.text").splitlines()[0] in wecom.replies_to("newbie")[0]


def test_new_request_goes_to_the_group_chat_and_as_a_card_to_each_member(wecom):
    open_and_dispatch(wecom)
    (chat,) = wecom.api.delivered("appchat/send")
    assert chat["chatid"] == FINANCE_CHAT
    assert "新请求 FIN-1" in chat["markdown"]["content"]
    assert "`/request 受理 FIN-1`" in chat["markdown"]["content"], "in the desk's language"
    card = staff_card(wecom, "FIN-1")
    assert card["card_type"] == "button_interaction"
    assert [b["text"] for b in card["button_list"]] == ["受理", "指派给我"]
    assert "/request 受理 FIN-1" in card["sub_title_text"], "the card names the command to type"
    assert {"keyname": "优先级", "value": "P3 普通"} in card["horizontal_content_list"]


def test_card_click_acknowledges_as_the_clicker_and_updates_the_card(wecom):
    open_and_dispatch(wecom)
    card = staff_card(wecom, "FIN-1")
    wecom.click("zhangwei", key_of(card, "受理"), card["task_id"], "rc-bob")
    row = request(wecom.app, "FIN-1")
    assert (row.state, row.assignee_id) == ("acknowledged", "bob")
    assert trail(wecom.app, "FIN-1")[-1] == ("acknowledged", "open", "acknowledged", "bob")
    (update,) = wecom.api.delivered("message/update_template_card")
    assert (update["response_code"], update["atall"]) == ("rc-bob", 1)
    replaced = update["template_card"]
    assert replaced["task_id"] == card["task_id"]
    assert replaced["replace_text"] == "✓ 张伟 Bob Zhang · 受理"
    assert any("FIN-1" in r for r in wecom.replies_to("zhangwei"))


def test_second_click_is_refused_and_the_card_is_not_updated_again(wecom):
    open_and_dispatch(wecom)
    card = staff_card(wecom, "FIN-1")
    wecom.click("zhangwei", key_of(card, "受理"), card["task_id"], "rc-bob")
    wecom.click("liufang", key_of(card, "受理"), card["task_id"], "rc-carol")
    assert len(wecom.api.delivered("message/update_template_card")) == 1
    assert request(wecom.app, "FIN-1").assignee_id == "bob"
    assert [e[0] for e in trail(wecom.app, "FIN-1")].count("acknowledged") == 1
    assert wecom.replies_to("liufang"), "carol is told why nothing happened"


def test_click_is_the_same_as_typing_the_command(wecom):
    open_and_dispatch(wecom)
    wecom.say("lihua", "提单 财务 报销 打车 40元")
    wecom.dispatch()
    card = staff_card(wecom, "FIN-1")
    wecom.click("zhangwei", key_of(card, "指派给我"), card["task_id"], "rc-1")
    wecom.say("zhangwei", "/request assign FIN-2 me")
    clicked, typed = request(wecom.app, "FIN-1"), request(wecom.app, "FIN-2")
    assert (clicked.state, clicked.assignee_id) == (typed.state, typed.assignee_id)
    assert trail(wecom.app, "FIN-1")[1:] == trail(wecom.app, "FIN-2")[1:]


def test_confirm_button_closes_and_reopen_button_asks_for_a_reason(wecom):
    open_and_dispatch(wecom)
    wecom.say("zhangwei", "解决 FIN-1 已报销")
    wecom.dispatch()
    card = wecom.cards_to("lihua")[-1]
    assert [b["text"] for b in card["button_list"]] == ["确认已解决", "重开…"]
    wecom.click("lihua", key_of(card, "重开…"), card["task_id"], "rc-reopen")
    assert request(wecom.app, "FIN-1").state == "resolved"

    def updates():  # of lihua's card (the typed 解决 greyed the desk's card)
        return [u for u in wecom.api.delivered("message/update_template_card")
                if u["template_card"]["task_id"] == card["task_id"]]

    assert updates() == []
    assert "FIN-1" in wecom.replies_to("lihua")[-1]
    wecom.click("lihua", key_of(card, "确认已解决"), card["task_id"], "rc-confirm")
    assert request(wecom.app, "FIN-1").state == "closed"
    (update,) = updates()
    assert update["template_card"]["replace_text"] == "✓ 李华 Henry Li · 确认已解决"


def test_rating_card_records_the_stars_clicked_and_shows_them(wecom):
    wecom.say("lihua", "提单 财务 报销 出租车 86元")
    wecom.say("zhangwei", "解决 FIN-1 已报销")
    wecom.say("lihua", "确认 FIN-1")
    wecom.clock.set(wecom.clock() + timedelta(minutes=20))
    sweep(wecom.app.desk, wecom.clock())  # the thank-you with the rating prompt falls due
    wecom.dispatch()
    stars = [f"{n} 星" for n in range(1, 6)]
    card = next(c for c in wecom.cards_to("lihua")
                if [b["text"] for b in c["button_list"]] == stars)
    wecom.click("lihua", key_of(card, "4 星"), card["task_id"], "rc-rate")
    with Session(wecom.app.desk.engine) as s:
        assert s.exec(select(Rating)).one().stars == 4
    (update,) = greyed(wecom, card["task_id"])
    assert update["template_card"]["replace_text"] == "✓ 李华 Henry Li · 4 星"


def test_the_requester_gets_one_confirmation_with_cancel_not_an_answer_and_a_notice(wecom):
    """The answer and the "registered" notice would both land in the requester's chat with
    the app: one card says both, with the Cancel button."""
    wecom.say("lihua", "提单 财务 借支 出差预支 2000元")
    wecom.dispatch()
    assert wecom.replies_to("lihua") == [], "no text beside the card"
    (card,) = wecom.cards_to("lihua")
    assert card["main_title"]["title"].startswith("已提交 FIN-1：财务部")
    assert "解决时限" in card["sub_title_text"]
    assert [b["text"] for b in card["button_list"]] == ["取消"]
    wecom.click("lihua", key_of(card, "取消"), card["task_id"], "code-1")
    assert request(wecom.app, "FIN-1").state == "cancelled"


def test_a_long_confirmation_is_sent_whole_and_its_card_does_not_repeat_it(wecom):
    """With the service's instructions the text outgrows a card: the whole text goes first
    (instructions, form values), then a card with the buttons and the commands only."""
    wecom.say("lihua", "提单 财务 报销 出租车去客户现场 86元")
    wecom.dispatch()
    (text,) = [b["markdown"]["content"] for b in wecom.api.delivered("message/send")
               if b["touser"] == "lihua" and b["msgtype"] == "markdown"]
    assert text.startswith("已提交 FIN-1") and "超过 90 天的票据不予报销。" in text
    assert "86.00 CNY" in text
    (card,) = wecom.cards_to("lihua")
    assert "超过 90" not in card["sub_title_text"]
    assert [b["text"] for b in card["button_list"]] == ["已解答我的问题", "取消"]
    assert "/request 取消 FIN-1" in card["sub_title_text"]


def test_a_notice_whose_first_line_is_long_arrives_as_one_card(wecom):
    """A first line too long for a card's title is in the card's text whole: nothing is
    lost, so no copy of it comes as a text message as well."""
    wecom.say("lihua", "提单 财务 借支 出差预支 2000元")
    wecom.say("zhangwei", "受理 FIN-1")
    wecom.say("zhangwei", "解决 FIN-1 已打款")
    wecom.dispatch()
    resolved = [c for c in wecom.cards_to("lihua") if "确认已解决" in
                [b["text"] for b in c["button_list"]]]
    assert len(resolved) == 1
    assert "已解决您的请求 FIN-1（出差预支 2000元）：\n已打款" in resolved[0]["sub_title_text"]
    assert not any("已解决您的请求" in r for r in wecom.replies_to("lihua"))


def greyed(wecom, task_id: str) -> list[dict]:
    return [u for u in wecom.api.delivered("message/update_template_card")
            if u["template_card"]["task_id"] == task_id]


def test_a_request_cancelled_by_its_requester_greys_the_desks_card(wecom):
    """The desk's new-request card (受理, 指派给我) is moot once the requester cancels: its
    buttons are greyed with who did what, instead of refusing when pressed."""
    open_and_dispatch(wecom)
    card = staff_card(wecom, "FIN-1")
    wecom.say("lihua", "取消 FIN-1")
    wecom.dispatch()
    (update,) = greyed(wecom, card["task_id"])
    assert update["template_card"]["replace_text"].startswith("✓ 李华 Henry Li")


def test_a_click_greys_the_other_cards_of_that_request_the_clicker_got(wecom):
    """Bob acknowledges FIN-1 with the button of one card: another card of his for FIN-1
    (here a second new-request card, as a reminder would carry) is greyed too."""
    open_and_dispatch(wecom)
    first = staff_card(wecom, "FIN-1")
    again = Message(text="FIN-1 等待受理", target="dept:finance", request_ref="FIN-1",
                    buttons=staff_buttons(request(wecom.app, "FIN-1"), "zh-CN"))
    with transaction(wecom.app.desk.engine) as s:  # about FIN-1, as a reminder is
        outbox.enqueue(s, again.target, again.to_dict(), wecom.clock(),
                       request_id=request(wecom.app, "FIN-1").id)
    wecom.dispatch()
    second = [c for c in wecom.cards_to("zhangwei") if c["task_id"] != first["task_id"]][-1]
    wecom.click("zhangwei", key_of(first, "受理"), first["task_id"], "code-1")
    wecom.dispatch()
    assert request(wecom.app, "FIN-1").state == "acknowledged"
    assert greyed(wecom, first["task_id"]) and greyed(wecom, second["task_id"])


def test_the_requesters_confirmation_card_is_greyed_when_they_cancel_by_typing(wecom):
    wecom.say("lihua", "提单 财务 借支 出差预支 2000元")
    wecom.dispatch()
    (card,) = wecom.cards_to("lihua")
    wecom.say("lihua", "取消 FIN-1")
    wecom.dispatch()
    (update,) = greyed(wecom, card["task_id"])
    assert update["template_card"]["replace_text"] == "✓ 李华 Henry Li · 取消"
