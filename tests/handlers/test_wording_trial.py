"""Wording a tester noticed: counts that read "request(s)", a stray colon before an id, a
priority change written "P3->P1" where every other change reads "→", a text ending in a
space when its last part is empty."""

from __future__ import annotations

from handlers.i18n import t
from tests.handlers.test_sweep import messages_to

OPEN = "henry> /request finance reimbursement taxi 86 CNY"


def test_one_request_in_a_reminder_is_one_request(chat):
    chat("@now 2026-11-23T09:00", OPEN)
    out = chat("@now 2026-11-23T13:35")  # 75% of the 4-hour first response
    told = messages_to(out, "#finance-requests")
    assert told and told[0].startswith("[to #finance-requests] 财务部提醒：有 1 个请求需要处理：")


def test_an_english_reminder_counts_in_words():
    assert t("en", "nudge.header.person", n=2) == (
        "Reminder: 2 requests need your attention, worst first:")
    assert t("en", "nudge.header.person", n=1) == "Reminder: 1 request needs your attention:"


def test_a_refused_priority_change_reads_without_a_stray_colon(chat):
    chat("@now 2026-11-23T09:00", OPEN)
    out = chat("henry> /request 优先级 FIN-1 P1")
    assert "只有财务部的成员才能修改优先级 FIN-1（" in out, out


def test_the_history_writes_a_priority_change_with_an_arrow(chat):
    chat("@now 2026-11-23T09:00", OPEN, "bob> /request priority FIN-1 P1")
    assert "张伟 Bob Zhang 修改优先级: P3 → P1" in chat("bob> /request show FIN-1")


def test_a_rating_without_a_comment_ends_with_its_stars(chat):
    chat("@now 2026-11-23T09:00", OPEN, "bob> /request resolve FIN-1 paid",
         "henry> /request confirm FIN-1")
    out = chat("henry> /request rate FIN-1 4")
    told = messages_to(out, "bob")
    assert told and told[0].rstrip("\n").endswith("为 FIN-1 评分 ★★★★"), told


def test_the_first_line_of_the_details_is_not_shown_twice(chat):
    out = chat("@now 2026-11-23T09:00",
               "alice> /request it software need figma license\\nfor the new designer")
    desk = messages_to(out, "#it-requests")[0]
    assert "：need figma license\nfor the new designer\n" in desk
    assert desk.count("need figma license") == 1
    shown = chat("alice> /request show IT-1")
    assert shown.startswith("[reply] IT-1 · need figma license\nfor the new designer\nState:")


def test_details_under_a_title_cut_short_are_shown_whole(chat):
    long = "x" * 120
    out = chat("@now 2026-11-23T09:00", f"alice> /request it software {long}")
    assert long in messages_to(out, "#it-requests")[0]
