"""A finished week's digest reads the same later: what was open and overdue at its end is
judged by the desk and owner the requests had then; and a round-the-clock P1 is timed on
the clock its targets used."""

from __future__ import annotations

import dataclasses

from bot.cli.digest import run_digest
from tests.conftest import local

W47_OVERDUE = "本周结束时仍未完成 1 个，其中超时 1 个"
OVERDUE_LINE = "IT-1 need Figma licence —— 已超时 4个工作日3小时30分"


def _printed(settings, database_url, capsys, department: str, week: str, now: str) -> str:
    cfg = dataclasses.replace(settings, database_url=database_url)
    run_digest(cfg, department, week, post=False, now=local(now))
    return capsys.readouterr().out


def test_a_transfer_the_next_week_leaves_the_finished_week_as_it_was(
        chat, settings, database_url, capsys):
    chat("@now 2026-11-16T09:00", "emma> /request it software need Figma licence",
         "@now 2026-11-23T09:40")
    before = _printed(settings, database_url, capsys, "it", "2026-W47", "2026-11-23T09:45")
    assert W47_OVERDUE in before and OVERDUE_LINE in before, before
    chat("@now 2026-11-23T10:00", "dave> /request transfer IT-1 finance question")
    it = _printed(settings, database_url, capsys, "it", "2026-W47", "2026-11-23T10:05")
    assert W47_OVERDUE in it, it
    assert f"{OVERDUE_LINE} · 未指派" in it, it
    finance = _printed(settings, database_url, capsys, "finance", "2026-W47",
                       "2026-11-23T10:05")
    assert "仍未完成" not in finance and "IT-1" not in finance, finance


def test_the_overdue_list_names_the_owner_at_the_weeks_end(
        chat, settings, database_url, capsys):
    chat("@now 2026-11-16T09:00", "emma> /request it software need Figma licence",
         "@now 2026-11-23T09:40", "dave> /request ack IT-1")
    it = _printed(settings, database_url, capsys, "it", "2026-W47", "2026-11-23T09:45")
    assert W47_OVERDUE in it, it
    assert f"{OVERDUE_LINE} · 未指派" in it, it


def test_an_owner_assigned_in_the_week_is_named(chat, settings, database_url, capsys):
    chat("@now 2026-11-16T09:00", "emma> /request it software need Figma licence",
         "@now 2026-11-16T09:05", "dave> /request assign IT-1 kevin",
         "@now 2026-11-23T09:40", "dave> /request assign IT-1 dave")
    it = _printed(settings, database_url, capsys, "it", "2026-W47", "2026-11-23T09:45")
    assert f"{OVERDUE_LINE} · 徐凯 Kevin Xu" in it, it


def test_a_round_the_clock_p1_is_timed_in_wall_time(chat, settings, database_url, capsys):
    chat("@now 2026-11-20T22:00", "kate> /request production schedule !P1 line 3 stopped",
         "@now 2026-11-23T09:00", "ivan> /request ack PRD-1",
         "ivan> /request resolve PRD-1 rescheduled", "kate> /request confirm PRD-1")
    out = _printed(settings, database_url, capsys, "production", "2026-W48",
                   "2026-11-30T09:00")
    assert "首次响应中位数 59小时" in out, out
    assert "解决中位数 59小时" in out, out


def test_printing_skips_the_desks_with_nothing_to_report(
        chat, settings, database_url, capsys):
    chat("@now 2026-11-23T09:00", "henry> /request finance reimbursement amount=86 taxi")
    out = _printed(settings, database_url, capsys, None, "2026-W48", "2026-11-30T08:00")
    assert "财务部周报 · 2026-W48" in out, out
    assert "nothing happened at sales in 2026-W48: no digest" in out, out
    assert "#sales-requests" not in out, out
