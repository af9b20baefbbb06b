"""A suggestion typed the Chinese way, ``建议`` glued to the anonymity mark or to the
department (``建议匿名财务 …``, ``建议：财务，…``), is read as the spaced one; ``建议`` glued
to more words with no mark (``建议财务部尽快处理``, ``建议您…``) stays talk."""

from __future__ import annotations

import pytest

from handlers.grammar import Command, Invalid, parse
from tests.conftest import Transcript


@pytest.mark.parametrize(("typed", "text", "anonymous"), [
    ("建议匿名财务 报销审批能不能线上", "报销审批能不能线上", True),
    ("建议匿名，财务，报销审批能不能线上", "报销审批能不能线上", True),
    ("/request 建议 匿名财务 报销审批", "报销审批", True),
    ("建议财务 报销审批能不能线上", "报销审批能不能线上", False),
    ("建议：财务，报销审批", "报销审批", False),
    ("建议财务，报销审批", "报销审批", False),
    ("建议 匿名 财务 报销审批能不能线上", "报销审批能不能线上", True),
])
def test_glued_suggestions_are_read(chat: Transcript, typed: str, text: str,
                                    anonymous: bool) -> None:
    assert parse(typed, chat.app.desk.catalog) == Command(
        "suggest", department="finance", text=text, anonymous=anonymous)


@pytest.mark.parametrize("typed", ["建议财务部尽快处理", "建议您看看"])
def test_suggest_glued_to_plain_words_stays_talk(chat: Transcript, typed: str) -> None:
    parsed = parse(typed, chat.app.desk.catalog)
    assert isinstance(parsed, Invalid) and parsed.key == "not_a_command"


def test_a_glued_anonymous_suggestion_reaches_the_leads_without_a_name(
        chat: Transcript) -> None:
    out = chat("henry> 建议匿名财务 报销审批能不能线上")
    assert "已匿名转达财务部负责人" in out
    assert "[to carol] 财务部收到 匿名同事 的建议 #1：\n报销审批能不能线上" in out
