"""A card button's text is kept to WeCom's recommended 10 characters (按钮文案，建议不超过10个
字); a label that must be shortened keeps what tells the buttons apart: "Acknowledge MKT-1"
becomes "Ack MKT-1", or "MKT-1000" when even that is too long (every button on the card
acknowledges; its text says so), never five buttons reading "Acknowled…"."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.adapters.wecom import cards
from handlers.messages import Button, Message
from handlers.sweep import sweep
from storage.engine import transaction
from storage.models import DepartmentCounter
from tests.conftest import local

SWEEPS = [(16, 15), (17, 9), (17, 12), (17, 16), (18, 10), (18, 15), (19, 10)]


def number_from(wecom, department: str, last: int) -> None:
    """The department has handed out ``last`` request ids already."""
    with transaction(wecom.app.desk.engine) as s:
        row = s.exec(select(DepartmentCounter).where(
            DepartmentCounter.department == department)).first()
        row = row or DepartmentCounter(department=department)
        row.last_number = last
        s.add(row)


def nudge_cards(wecom, userid: str) -> list[dict]:
    return [c for c in wecom.cards_to(userid)
            if all(b["key"].startswith("cmd:/request ack ") for b in c["button_list"])
            and len(c["button_list"]) > 1]


def ref_of(button: dict) -> str:
    return button["key"].split()[-1]


@pytest.mark.parametrize(("last", "english"), [
    (0, ["Ack MKT-1", "Ack MKT-2"]),
    (997, ["MKT-998", "MKT-999", "MKT-1000"]),
])
def test_nudge_buttons_keep_the_request_id_for_each_reader(wecom, desk_app, last, english):
    number_from(wecom, "marketing", last)
    wecom.clock.set(local("2026-11-16T09:00"))
    for i in range(6):
        wecom.say("lihua", f"/request marketing market-analysis 第{i}号：华东区竞品价格调研")
    wecom.dispatch()
    for day, hour in SWEEPS:
        wecom.clock.set(local(f"2026-11-{day}T{hour:02d}:00"))
        sweep(desk_app.desk, wecom.clock())
        wecom.dispatch()
    emma = [c for c in nudge_cards(wecom, "zhoumin")  # the English-speaking lead's own
            if c["main_title"]["title"].startswith("Reminder")]
    desk = nudge_cards(wecom, "wangli")  # the desk's reminder to its members: all of it in
    assert emma and desk and all(  # the reader's words (alice reads English), buttons too
        c["main_title"]["title"].startswith("Reminder for Marketing") for c in desk), desk
    for card, start in [(c, english) for c in emma + desk]:
        texts = [b["text"] for b in card["button_list"]]
        assert texts[:len(start)] == start, texts
        assert len(set(texts)) == len(texts), f"buttons told apart: {texts}"
        assert all(len(text) <= cards.BUTTON_CHARS for text in texts)
        assert all(ref_of(b) in b["text"] for b in card["button_list"]), texts
    assert "Reminder" in emma[0]["main_title"]["title"]


def card_texts(labels: list[str], actions: list[str], locale: str = "en") -> list[str]:
    buttons = tuple(Button(label, f"/request {action} {label.split()[-1]}", action)
                    for label, action in zip(labels, actions, strict=True))
    card = cards.card(Message(text="x", locale=locale, buttons=buttons), "t1")
    return [b["text"] for b in card["button_list"]]


def test_buttons_doing_the_same_share_one_form_and_keep_the_verb_where_it_fits():
    labels = ["Acknowledge FIN-7", "Approve FIN-12", "Acknowledge FIN-9"]
    assert card_texts(labels, ["ack", "approve", "ack"]) == ["Ack FIN-7", "FIN-12", "Ack FIN-9"]
    assert card_texts(["受理 FIN-999", "受理 FIN-1000"], ["ack", "ack"], "zh-CN") == [
        "FIN-999", "FIN-1000"], "one form for the card's acknowledgements, not two"
    assert card_texts(["Acknowledge PROC-123456789"], ["ack"]) == ["…123456789"]
    assert card_texts(["Cancel", "Assign to me"], ["cancel", "assign_me"]) == [
        "Cancel", "Assign me"], "labels without a request id take their short form"


def test_labels_that_would_clip_alike_keep_the_words_that_differ():
    texts = card_texts(["Laptop (14 inch)", "Laptop (16 inch)", "Cancel"],
                       ["choose", "choose", "cancel"])
    assert texts == ["(14 inch)", "(16 inch)", "Cancel"], texts
    zh = card_texts(["笔记本电脑 14 英寸款", "笔记本电脑 16 英寸款"], ["choose", "choose"], "zh-CN")
    assert len(set(zh)) == 2 and all(len(t) <= cards.BUTTON_CHARS for t in zh), zh
