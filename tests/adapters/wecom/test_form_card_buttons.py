"""A form's question card when its buttons outnumber what a WeCom card holds (six)."""

from __future__ import annotations

import dataclasses

import pytest

from bot.runtime.config import Settings
from handlers.catalog import Catalog
from handlers.service_spec import Choice
from tests.adapters.wecom.conftest import WeCom, request

MODELS = ("MacBook Pro 14", "ThinkPad X1 Carbon", "Dell XPS 13", "HP EliteBook",
          "Surface Laptop", "ThinkPad T14")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """IT's laptop service asks first for a required model, out of six, after instructions."""
    deps = []
    for dep in settings.catalog.departments:
        if dep.key == "it":
            cats = []
            for cat in dep.categories:
                if cat.key == "laptop":
                    fields = tuple(dataclasses.replace(f, required=True, choices=tuple(
                        Choice(f"m{i}", name) for i, name in enumerate(MODELS)))
                        if f.key == "model" else f for f in cat.fields)
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
    assert request(wecom.app, "IT-1").category == "laptop"
