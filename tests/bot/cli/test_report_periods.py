"""`crossdesk report` and `crossdesk digest` over periods: a finished period's service map
stays as it was, confidential requests keep their requester's department out of the map,
equal scores share a rank, a week not begun is refused, and a printed digest draws its chart."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from datetime import date

import pytest
import typer
from sqlmodel import Session

from bot.cli.digest import run_digest
from bot.cli.report import build_report, period, write_csv, write_text
from bot.cli.report_html import write_html
from handlers.digest import bounds
from tests.conftest import local

W47 = date(2026, 11, 16)


def _report(chat, start, end, locale="en"):
    desk = chat.app.desk
    with Session(desk.engine) as s:
        report = build_report(s, desk, start, end)
    text, table, page = io.StringIO(), io.StringIO(), io.StringIO()
    write_text(report, text, locale)
    write_csv(report, table)
    write_html(report, page, locale)
    return text.getvalue(), table.getvalue(), page.getvalue()


def _csv(text, section):
    """The rows of one CSV table as dicts (each table: a header, then rows naming it)."""
    rows = list(csv.reader(io.StringIO(text)))
    head = next(rows[i - 1] for i, r in enumerate(rows) if r and r[0] == section)
    return [dict(zip([section, *head[1:]], r, strict=True)) for r in rows if r and r[0] == section]


def test_a_later_transfer_leaves_a_finished_months_service_map_as_it_was(chat):
    chat("@now 2026-11-09T09:00", "alice> /request admin travel trip to the Shanghai fair",
         "@now 2026-12-01T10:00", "nick> /request transfer ADM-1 sales contract-status")
    desk = chat.app.desk
    november = period(desk, date(2026, 11, 1), date(2026, 11, 30), date(2026, 12, 8))
    text, table, _ = _report(chat, *november)
    served = [(r["requesting_department"], r["serving_department"], r["requests"])
              for r in _csv(table, "service_map")]
    assert served == [("sales", "admin", "1")]  # Sales asked Admin in November
    assert "Sales → Admin: 1 request" in text and "Sales → Sales" not in text


def test_a_confidential_request_is_counted_without_its_requesting_department(chat):
    chat("@now 2026-11-16T09:00", "alice> /request hr complaint about my team lead",
         "@now 2026-11-16T10:00", "mia> /request resolve HR-1 talked to both",
         "alice> /request confirm HR-1", "alice> /request rate HR-1 4")
    en, table, page = _report(chat, *bounds(chat.app.desk, W47))
    zh, _, page_zh = _report(chat, *bounds(chat.app.desk, W47), locale="zh-CN")
    assert "Confidential (requester not shown) → HR: 1 request (4.0★)" in en
    assert "Sales → HR" not in en
    assert "保密请求（不显示提出部门） → 人力资源部：1 个请求" in zh
    assert "销售部 → 人力资源部" not in zh
    served = [(r["requesting_department"], r["serving_department"], r["requests"], r["ratings"])
              for r in _csv(table, "service_map")]
    assert served == [("confidential", "hr", "1", "1")]
    assert "<td style=\"padding:4px 8px;border-bottom:1px solid #eaeef2\">Sales</td>" not in page
    assert "Confidential (requester not shown)" in page
    assert "保密请求（不显示提出部门）" in page_zh and ">销售部</td>" not in page_zh


TIE = [  # Finance on time, 5★ → 100; Sales and IT on time, 4★ → 87.5 each; HR 3★ → 75
    "@now 2026-11-16T09:00", "alice> /request finance reimbursement amount=86 hotel",
    "@now 2026-11-16T10:00", "bob> /request resolve FIN-1 paid", "alice> /request confirm FIN-1",
    "alice> /request rate FIN-1 5",
    "bob> /request sales sales-figures october",
    "@now 2026-11-16T11:00", "henry> /request resolve SAL-1 sent", "bob> /request confirm SAL-1",
    "bob> /request rate SAL-1 4",
    "alice> /request it laptop screen flickers",
    "@now 2026-11-16T11:30", "kevin> /request resolve IT-1 replaced",
    "alice> /request confirm IT-1", "alice> /request rate IT-1 4",
    "grace> /request hr hiring one engineer",
    "@now 2026-11-16T12:00", "mia> /request resolve HR-1 posted", "grace> /request confirm HR-1",
    "grace> /request rate HR-1 3",
]


def test_equal_scores_share_a_rank_and_are_listed_by_key(chat):
    chat(*TIE)
    text, table, page = _report(chat, *bounds(chat.app.desk, W47))
    ranked = re.findall(r"^(\d+) +(\w+) +1 +\S+ +\S+ +\S+ +([\d.]+)", text, re.M)
    assert ranked == [("1", "Finance", "100.0"), ("2", "IT", "87.5"), ("2", "Sales", "87.5"),
                      ("4", "HR", "75.0")]
    rows = [(r["rank"], r["department"], r["score"]) for r in _csv(table, "scorecard")][:4]
    assert rows == [("1", "finance", "100.0"), ("2", "it", "87.5"), ("2", "sales", "87.5"),
                    ("4", "hr", "75.0")]
    cells = re.findall(r"<tr><td[^>]*>(\d+)</td><td[^>]*>([^<]+)</td>", page)
    assert cells == [("1", "Finance"), ("2", "IT"), ("2", "Sales"), ("4", "HR")]


def _digest_settings(settings, database_url, **digest):
    return dataclasses.replace(settings, database_url=database_url,
                               digest=dataclasses.replace(settings.digest, **digest))


def test_a_week_not_begun_is_refused_in_one_line(chat, settings, database_url, engine, capsys):
    chat("@now 2026-11-23T09:00", "henry> /request finance reimbursement amount=86 taxi")
    cfg = _digest_settings(settings, database_url)
    with pytest.raises(typer.Exit) as refused:
        run_digest(cfg, "finance", "2026-W53", post=False, now=local("2026-11-24T10:00"))
    assert refused.value.exit_code == 2
    printed = capsys.readouterr()
    assert printed.out == ""
    assert printed.err.strip().splitlines() == [
        "2026-W53 has not started yet: ask for 2026-W48 (this week, so far) or an earlier one; "
        "--post takes 2026-W47 or an earlier one"]


def test_the_week_in_progress_prints_as_so_far(chat, settings, database_url, engine, capsys):
    chat("@now 2026-11-23T09:00", "henry> /request finance reimbursement amount=86 taxi")
    cfg = _digest_settings(settings, database_url)
    run_digest(cfg, "finance", "2026-W48", post=False, now=local("2026-11-24T10:00"))
    printed = capsys.readouterr().out
    assert printed.startswith("(2026-W48 尚未结束：截至目前（2026-11-24 10:00）的数据)\n")
    assert "财务部周报 · 2026-W48" in printed
    run_digest(cfg, "finance", "2026-W48", post=False, now=local("2026-11-30T08:00"))
    assert "尚未结束" not in capsys.readouterr().out  # finished: no longer "so far"


def test_a_printed_digest_draws_its_chart_and_shows_the_path(
        chat, settings, database_url, engine, capsys, tmp_path):
    chat("@now 2026-11-23T09:00", "henry> /request finance reimbursement amount=86 taxi")
    cfg = _digest_settings(settings, database_url, charts_dir=str(tmp_path))
    run_digest(cfg, "finance", "2026-W48", post=False, now=local("2026-11-30T08:00"))
    chart = tmp_path / "finance-2026-W48.png"
    assert f"  (image) {chart}" in capsys.readouterr().out
    assert chart.read_bytes().startswith(b"\x89PNG")
