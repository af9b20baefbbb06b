"""Company report: scorecard order by the stated formula, the service map, and each format."""

from __future__ import annotations

import base64
import csv
import io
import re
from datetime import date

import pytest
from sqlmodel import Session

from bot.cli.report import build_report, period, write_csv, write_text
from bot.cli.report_html import write_html
from handlers.digest import bounds
from tests.bot.runtime.test_charts import png_size

W46, W47 = date(2026, 11, 9), date(2026, 11, 16)

SCENE = [
    # W46: Finance perfect (on time, 5★) → score 100: the baseline for Finance's trend.
    "@now 2026-11-09T09:00", "alice> /request finance reimbursement amount=86 taxi",
    "@now 2026-11-09T10:00", "bob> /request resolve FIN-1 paid", "alice> /request confirm FIN-1",
    "alice> /request rate FIN-1 5",
    # W47, Sales → Finance: on time, 4★ → 0.5 × 1 + 0.5 × (4 − 1) / 4 = 87.5
    "@now 2026-11-16T09:00", "alice> /request finance reimbursement amount=86 hotel",
    "@now 2026-11-16T10:00", "bob> /request resolve FIN-2 paid", "alice> /request confirm FIN-2",
    "alice> /request rate FIN-2 4",
    # Finance → Sales (the mutual direction): on time, 2★ → 0.5 × 1 + 0.5 × 0.25 = 62.5
    "bob> /request sales sales-figures october",
    "@now 2026-11-16T11:00", "henry> /request resolve SAL-1 sent", "bob> /request confirm SAL-1",
    "bob> /request rate SAL-1 2",
    # grace (no department) → IT: two business days late for 2h / 1d targets, 5★ → 0 + 0.5 = 50
    "grace> /request it laptop screen flickers",
    "@now 2026-11-18T11:00", "kevin> /request resolve IT-1 replaced",
    "grace> /request confirm IT-1", "grace> /request rate IT-1 5",
]


@pytest.fixture
def report(chat, desk_app):
    chat(*SCENE)
    with Session(desk_app.desk.engine) as s:
        return build_report(s, desk_app.desk, *bounds(desk_app.desk, W47))


def _text(report, locale="en"):
    out = io.StringIO()
    write_text(report, out, locale)
    return out.getvalue()


def test_scorecard_is_ordered_by_the_combined_score(report):
    top = report.rows[:3]
    # by rating alone IT (5★) would lead; by volume all tie: the formula decides
    assert [r.key for r in top] == ["finance", "sales", "it"]
    assert [r.score for r in top] == pytest.approx([87.5, 62.5, 50.0])
    assert [r.figures.received for r in top] == [1, 1, 1]
    assert all(r.score is None for r in report.rows[3:])  # no data: last, catalog order
    assert len(report.rows) == 10


def test_trend_compares_with_the_previous_period_of_equal_length(report):
    finance = report.rows[0]
    assert finance.previous_score == pytest.approx(100.0) and finance.trend == "↓"
    assert report.rows[1].previous_score is None and report.rows[1].trend == ""
    assert report.days(previous=True) == (W46, date(2026, 11, 15))


def test_timeliness_weight_changes_the_order(chat, desk_app):
    chat(*SCENE)
    with Session(desk_app.desk.engine) as s:
        only_time = build_report(s, desk_app.desk, *bounds(desk_app.desk, W47), weight=1.0)
    assert [(r.key, r.score) for r in only_time.rows[:3]] == [
        ("finance", 100.0), ("sales", 100.0), ("it", 0.0)]


def test_service_map_shows_both_directions_and_requesters_outside_departments(report):
    m = report.service_map
    assert m.keys == ["finance", "sales", "it", "other"]
    pairs = {(src, dst): (n, rating, rated) for src, dst, n, rating, rated in m.pairs()}
    assert pairs == {("sales", "finance"): (1, 4.0, 1), ("finance", "sales"): (1, 2.0, 1),
                     ("other", "it"): (1, 5.0, 1)}
    assert m.counts[m.keys.index("sales")][m.keys.index("finance")] == 1
    assert m.counts[m.keys.index("finance")][m.keys.index("sales")] == 1


def test_text_states_the_formula_and_both_directions(report):
    en = _text(report)
    assert "Service report 2026-11-16 – 2026-11-22 (Asia/Shanghai)" in en
    assert ("Score = 50% timeliness (average of both SLA rates) + 50% satisfaction "
            "((stars − 1) / 4).") in en
    assert "Sales → Finance: 1 request (4.0★)" in en
    assert "Finance → Sales: 1 request (2.0★)" in en
    assert "Outside any department → IT: 1 request (5.0★)" in en  # as the digests say
    ranked = re.findall(r"^(\d+) +(\w+) +1 +\S+ +\S+ +\S+ +([\d.]+)", en, re.M)
    assert ranked == [("1", "Finance", "87.5"), ("2", "Sales", "62.5"), ("3", "IT", "50.0")]
    zh = _text(report, "zh-CN")
    assert "综合分 = 50% 及时性" in zh
    assert "销售部 → 财务部：1 个请求" in zh and "财务部 → 销售部：1 个请求" in zh


def test_csv_parses_into_three_tables(report):
    out = io.StringIO()
    write_csv(report, out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    blocks, current = [], []
    for row in rows + [[]]:
        if row:
            current.append(row)
        elif current:
            blocks.append(current)
            current = []
    period_, scorecard, service = blocks
    assert period_[1] == ["period", "2026-11-16", "2026-11-22", "Asia/Shanghai", "0.5"]
    head = scorecard[0]
    data = [dict(zip(head, row, strict=True)) for row in scorecard[1:]]
    assert [d["department"] for d in data[:3]] == ["finance", "sales", "it"]
    assert [float(d["score"]) for d in data[:3]] == [87.5, 62.5, 50.0]
    assert data[0]["trend"] == "down" and data[0]["previous_score"] == "100.0"
    assert data[2]["first_response_attainment"] == "0.0000" and data[3]["score"] == ""
    assert [d["rank"] for d in data[:3]] == ["1", "2", "3"]
    assert all(d["rank"] == "" for d in data[3:]), "a desk with nothing to rank has no rank"
    assert {tuple(r[:4]) for r in service[1:]} == {
        ("service_map", "sales", "finance", "1"), ("service_map", "finance", "sales", "1"),
        ("service_map", "other", "it", "1")}


def _html(report, locale="en"):
    out = io.StringIO()
    write_html(report, out, locale)
    return out.getvalue()


def test_html_is_one_self_contained_email_safe_file(report):
    page = _html(report)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert not re.search(r"https?://|<script|<link|@import|url\(|\son\w+=", page, re.I)
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 2  # company trend and service map heatmap
    sizes = [png_size(base64.b64decode(data)) for data in images]
    assert sizes[0] == (800, 400) and sizes[1][0] > 300
    assert len(re.findall(r"<img ", page)) == 2
    assert "Score = 50% timeliness" in page and "((stars − 1) / 4)" in page
    assert "1 · 4.0★" in page  # Sales → Finance cell of the matrix table


def test_html_in_chinese(report):
    page = _html(report, "zh-CN")
    assert '<html lang="zh-CN">' in page and "综合分 = 50% 及时性" in page and "销售部" in page


def test_a_quiet_period_still_renders(desk_app):
    with Session(desk_app.desk.engine) as s:
        quiet = build_report(s, desk_app.desk, *bounds(desk_app.desk, W47))
    assert all(r.score is None for r in quiet.rows) and quiet.service_map.keys == []
    assert "No requests in this period." in _text(quiet)
    page = _html(quiet)
    assert page.count("data:image/png;base64,") == 1 and "No requests in this period." in page


def test_period_defaults(desk_app):
    desk = desk_app.desk
    wednesday = date(2026, 11, 25)
    assert period(desk, None, None, wednesday) == bounds(desk, W47)
    start, end = period(desk, date(2026, 11, 1), date(2026, 11, 30), wednesday)
    assert (end - start).days == 30
    start, end = period(desk, date(2026, 11, 16), None, wednesday)
    assert (start, (end - start).days) == (bounds(desk, W47)[0], 9)  # through the 24th
    assert period(desk, None, date(2026, 11, 22), wednesday) == bounds(desk, W47)
    with pytest.raises(ValueError):
        period(desk, date(2026, 11, 30), date(2026, 11, 1), wednesday)


def test_desks_with_nothing_in_the_period_are_named_apart_not_ranked(report):
    """As the scorecard does: three desks ranked, the others on one line."""
    text = _text(report)
    ranked = [line for line in text.splitlines() if re.match(r"^\d+\s", line)]
    assert len(ranked) == 3, ranked
    assert "No requests in this period: Marketing, Production" in text
    assert "本期无请求：市场部、生产部" in _text(report, "zh-CN")
