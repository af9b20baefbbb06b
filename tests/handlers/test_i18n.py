"""Every text the bot can say exists in English and Chinese, with the same placeholders."""

from __future__ import annotations

import string

import pytest

from handlers.i18n import join_all, normalize_locale, t
from handlers.i18n.texts import TEXTS


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# English needs a past participle where Chinese reuses the verb: both are always passed.
GRAMMAR = {"err.bad_state": {"action", "action_past"},
           "report.pair": {"what"}}  # "requests"/"request" in English; Chinese needs no plural


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_both_languages_exist_with_the_same_placeholders(key):
    en, zh = TEXTS[key]
    assert en.strip() and zh.strip()
    allowed = GRAMMAR.get(key, set())
    assert fields(en) - allowed == fields(zh) - allowed, key


SAME_IN_BOTH = {"list.sep", "slack.modal.reply.title",  # the product's name
                "slack.modal.action.title"}  # a request id


def test_chinese_texts_are_chinese():
    untranslated = [k for k, (en, zh) in TEXTS.items()
                    if en == zh and any(c.isalpha() for c in en) and k not in SAME_IN_BOTH]
    assert untranslated == []


def test_locale_names_from_platforms_map_to_our_two():
    assert normalize_locale("zh_CN") == normalize_locale("zh-Hans") == "zh-CN"
    assert normalize_locale("en-US", "zh-CN") == "en"
    assert normalize_locale("ja-JP", "en") == "en"
    assert t("en", "state.waiting") == "waiting on requester"
    assert t("zh-CN", "state.waiting") == "等待提单人"


def test_who_may_open_a_confidential_request_reads_as_a_sentence_in_both_languages():
    def notice(locale: str) -> str:
        who = join_all(locale, [t(locale, "confidential.requester"),
                                t(locale, "confidential.staff", department="People"),
                                t(locale, "confidential.admins")])
        return t(locale, "confidential.new", ref="PPL-1", who=who)

    assert ("its details are not shown here. Only the requester, the staff of People and the "
            "admins may open it") in notice("en")
    assert "仅提单人、People成员和管理员可用" in notice("zh-CN")
    assert join_all("en", ["Carol"]) == "Carol" and join_all("en", ["a", "b"]) == "a and b"
