"""A desk's message reaches each member in person on WeCom (no channels), so a member who
reads English gets all of it in English: title, text and fields as well as the buttons;
the others get the desk's Chinese. Confidential requests stay as private in every language."""

from __future__ import annotations

import dataclasses

import pytest

from bot.runtime.config import Settings
from handlers.catalog import Catalog
from tests.adapters.wecom.test_files import media_xml

DETAILS = "经理在例会上当众辱骂我"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The WeCom sample company where nick (HR, ``hetao``) reads English; HR has no group
    chat or robot, so every message of its desk reaches its members in person."""
    people = tuple(dataclasses.replace(p, locale="en") if p.id == "nick" else p
                   for p in settings.catalog.people)
    catalog = Catalog(departments=settings.catalog.departments, people=people)
    return dataclasses.replace(settings, catalog=catalog)


def new_request_card(wecom, userid: str, ref: str) -> dict:
    return next(c for c in wecom.cards_to(userid)
                if any(b["key"] == f"cmd:/request ack {ref}" for b in c["button_list"]))


def test_the_new_request_card_reaches_kevin_all_in_english(wecom) -> None:
    wecom.say("lihua", "/request it laptop 屏幕闪烁")
    wecom.dispatch()
    kevin, dave = new_request_card(wecom, "xukai", "IT-1"), new_request_card(wecom, "sunlei",
                                                                               "IT-1")
    assert kevin["main_title"]["title"].startswith("New request IT-1 from"), kevin
    assert {"keyname": "Service", "value": "Laptop"} in kevin["horizontal_content_list"], kevin
    assert [b["text"] for b in kevin["button_list"]] == ["Ack", "Assign me"]
    assert dave["main_title"]["title"].startswith("新请求 IT-1"), dave
    assert {"keyname": "服务", "value": "电脑"} in dave["horizontal_content_list"], dave
    assert [b["text"] for b in dave["button_list"]] == ["受理", "指派给我"]
    (robot,) = wecom.api.delivered("webhook/send")  # the desk's robot: its own language
    assert "新请求 IT-1" in robot["markdown"]["content"]


def test_the_english_copy_is_greyed_in_english_with_its_english_words(wecom) -> None:
    wecom.say("lihua", "/request it laptop 屏幕闪烁")
    wecom.dispatch()
    kevin = new_request_card(wecom, "xukai", "IT-1")
    wecom.say("sunlei", "受理 IT-1")
    wecom.dispatch()
    (update,) = [u["template_card"] for u in wecom.api.delivered("message/update_template_card")
                 if u["template_card"]["task_id"] == kevin["task_id"]]
    assert update["replace_text"] == "✓ 孙磊 Dave Sun · Acknowledge"
    assert update["main_title"]["title"].startswith("New request IT-1 from")


def test_a_confidential_requests_english_copy_hides_its_details_too(wecom) -> None:
    wecom.say("lihua", f"/request hr complaint {DETAILS}")
    wecom.dispatch()
    nick, mia = new_request_card(wecom, "hetao", "HR-1"), new_request_card(wecom, "linna",
                                                                             "HR-1")
    for card in (nick, mia):
        said = card["main_title"]["title"] + card.get("sub_title_text", "") + str(
            card.get("horizontal_content_list", ""))
        assert DETAILS not in said and "李华" not in said, card
    assert "confidential" in nick["main_title"]["title"] + nick.get("sub_title_text", ""), nick
    assert [b["text"] for b in nick["button_list"]] == ["Ack", "Assign me"]
    assert "保密" in mia["main_title"]["title"] + mia.get("sub_title_text", ""), mia
    assert not any(DETAILS in text for text in wecom.replies_to("hetao"))


def test_a_notice_without_buttons_reaches_the_english_member_in_english(wecom) -> None:
    wecom.say("lihua", "/request hr recruitment 需要招一名会计")
    wecom.dispatch()
    wecom.say("lihua", "/request comment HR-1 最好下月到岗")
    wecom.dispatch()
    nick = [r for r in wecom.replies_to("hetao") if "最好下月到岗" in r]
    mia = [r for r in wecom.replies_to("linna") if "最好下月到岗" in r]
    assert len(nick) == 1 and "commented on HR-1" in nick[0], nick
    assert len(mia) == 1 and "评论了 HR-1" in mia[0], mia


def test_a_file_shared_with_the_desk_reaches_each_member_whatever_they_read(wecom) -> None:
    wecom.say("lihua", "/request hr recruitment 需要招一名会计")
    wecom.dispatch()
    wecom.api.serve("MEDIA-FILE", b"%PDF-1.7\n" + b"form" * 100, "application/pdf",
                    "MEDIA-FILE.pdf")
    ts = int(wecom.clock().timestamp())
    assert wecom.post(media_xml("lihua", "file", "MEDIA-FILE", ts,
                                "<Title><![CDATA[简历.pdf]]></Title>")).status_code == 200
    wecom.dispatch()  # media/get
    wecom.dispatch()  # passed on to the desk's members
    for userid, words in (("hetao", "HR-1"), ("linna", "HR-1")):
        got = wecom.api.received(userid)
        assert [b["msgtype"] for b in got].count("file") == 1, (userid, got)
        assert any(words in str(b.get("text", "")) for b in got), (userid, got)
