"""A form's question card when its buttons outnumber what a WeCom card holds (six)."""

from __future__ import annotations

import dataclasses

import pytest
from sqlmodel import Session

from bot.runtime.config import Settings
from handlers.catalog import Catalog
from handlers.service_spec import Choice
from storage import request_fields
from tests.adapters.wecom.conftest import WeCom, request

MODELS = ("MacBook Pro 14", "ThinkPad X1 Carbon", "Dell XPS 13", "HP EliteBook",
          "Surface Laptop", "ThinkPad T14")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """IT's laptop service asks first for a required model, out of six, after instructions;
    then for the reason."""
    deps = []
    for dep in settings.catalog.departments:
        if dep.key == "it":
            cats = []
            for cat in dep.categories:
                if cat.key == "laptop":
                    fields = tuple(dataclasses.replace(f, required=True, choices=tuple(
                        Choice(f"m{i}", name) for i, name in enumerate(MODELS)))
                        if f.key == "model" else dataclasses.replace(f, required=True)
                        for f in cat.fields)
                    cat = dataclasses.replace(cat, fields=fields)
                cats.append(cat)
            dep = dataclasses.replace(dep, categories=tuple(cats), _category_index={})
        deps.append(dep)
    catalog = Catalog(departments=tuple(deps), people=settings.catalog.people)
    return dataclasses.replace(settings, catalog=catalog)


def test_a_question_with_many_choices_keeps_its_cancel_button(wecom: WeCom) -> None:
    """Instructions ("this answered my question"), five choice buttons and Cancel are seven:
    the card keeps Cancel, last, and drops a choice instead (it can still be typed)."""
    wecom.say("lihua", "提单 信息 电脑 屏幕坏了")
    wecom.dispatch()
    (card,) = wecom.cards_to("lihua")
    labels = [b["text"] for b in card["button_list"]]
    assert len(labels) == 6 and labels[-1] == "取消", labels
    assert labels[0] == "已解答我的问题"
    wecom.click("lihua", card["button_list"][-1]["key"], card["task_id"], "code-1")
    wecom.dispatch()
    assert wecom.replies_to("lihua")[-1] == "已停止：未提交电脑请求。"
    wecom.say("lihua", "提单 信息 电脑 屏幕坏了")
    wecom.say("lihua", "Surface Laptop")  # the choice with no button, typed
    wecom.say("lihua", "屏幕坏了")
    assert form_of(wecom, "IT-1") == {"model": "m4", "reason": "屏幕坏了"}


def form_of(wecom: WeCom, ref: str) -> dict[str, str]:
    row = request(wecom.app, ref)
    with Session(wecom.app.desk.engine) as session:
        return {k: v.text for k, v in request_fields.of_request(session, row.id or 0).items()}


def test_a_choice_clicked_on_an_earlier_card_changes_that_choice_not_the_current_answer(
        wecom: WeCom) -> None:
    """The model card stays in the chat; clicked while the reason is asked, its button sets
    the model (what it says), and the reason is still asked: never "m0" as the reason."""
    wecom.say("lihua", "提单 信息 电脑 屏幕坏了")
    wecom.dispatch()
    (model_card,) = wecom.cards_to("lihua")
    wecom.say("lihua", "ThinkPad X1 Carbon")
    wecom.dispatch()
    assert "原因" in wecom.cards_to("lihua")[-1]["main_title"]["title"] + \
        wecom.cards_to("lihua")[-1].get("sub_title_text", "")
    macbook = next(b for b in model_card["button_list"] if b["text"].startswith("MacBook"))
    wecom.click("lihua", macbook["key"], model_card["task_id"], "code-1")
    wecom.dispatch()
    again = wecom.cards_to("lihua")[-1]
    assert "原因" in again["main_title"]["title"] + again.get("sub_title_text", "")
    wecom.say("lihua", "编译太慢")
    assert form_of(wecom, "IT-1") == {"model": "m0", "reason": "编译太慢"}
