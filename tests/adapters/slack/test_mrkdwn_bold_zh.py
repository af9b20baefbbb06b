"""Slack's mrkdwn bolds ``*text*`` only at word boundaries: a closing ``*`` right before a
Chinese character (or an opening one right after it) shows as a literal asterisk. A Chinese
desk's thread root and every text the bot sends keep to that rule."""

from __future__ import annotations

import re
from typing import Any

import pytest

from handlers.i18n.texts import TEXTS
from tests.adapters.slack.conftest import SlackDesk
from tests.adapters.slack.test_root_buttons import FINANCE, latest_update

BOLD = re.compile(r"(?<!\*)\*(?=[^*\s])([^*\n]*?[^*\s])\*(?!\*)")
# what Slack accepts right outside a bold span: start or end, a space, or punctuation
BOUNDARY = re.compile(r"[\s!-/:-@\[-`{-~，。、；：！？（）「」《》·—…]")


def broken_bold(text: str) -> list[str]:
    """The ``*…*`` spans of ``text`` Slack would show with their asterisks."""
    out = []
    for found in BOLD.finditer(text):
        before = text[found.start() - 1] if found.start() else " "
        after = text[found.end()] if found.end() < len(text) else " "
        if not (BOUNDARY.match(before) and BOUNDARY.match(after)):
            out.append(text[max(0, found.start() - 2):found.end() + 2])
    return out


def contexts(blocks: list[dict[str, Any]]) -> list[str]:
    return [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]


def test_a_chinese_desks_root_shows_its_state_and_owner_in_bold(slack: SlackDesk) -> None:
    slack.ask("U0HENRY", "finance cash-advance taxi 86")
    slack.ask("U0BOB", "ack FIN-1")
    slack.drain()
    request = slack.request("FIN-1")
    assert request is not None and request.thread_ref
    (status,) = [c for c in contexts(latest_update(slack, FINANCE, request.thread_ref)["blocks"])
                 if "状态" in c]
    assert "张伟 Bob Zhang" in status
    assert broken_bold(status) == [], status


@pytest.mark.parametrize("locale", [0, 1], ids=["en", "zh-CN"])
def test_no_text_puts_bold_where_slack_shows_asterisks(locale: int) -> None:
    def filled(text: str) -> str:  # a placeholder stands for words
        return re.sub(r"\{\w+\}", "字", text)

    broken = {key: broken_bold(filled(texts[locale])) for key, texts in TEXTS.items()
              if isinstance(texts, tuple) and broken_bold(filled(texts[locale]))}
    assert broken == {}
