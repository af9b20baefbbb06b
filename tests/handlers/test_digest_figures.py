"""The digest's figures as a desk lead reads them: the usual median, an auto-closed request
counted as closed, a long title cut with an ellipsis, no department behind a confidential
request, ties ranked the same on every database, and a week with events always reported."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from bot.cli.digest import run_digest
from handlers.digest import median, percentile
from tests.conftest import local


def _printed(settings, database_url, capsys, department: str | None, week: str,
             now: str) -> str:
    cfg = dataclasses.replace(settings, database_url=database_url)
    run_digest(cfg, department, week, post=False, now=local(now))
    return capsys.readouterr().out


def test_the_median_of_an_even_count_is_the_mean_of_the_two_middle_values():
    hours = [timedelta(hours=h) for h in (14, 4.5)]
    assert median(hours) == timedelta(hours=9, minutes=15)
    assert median([timedelta(0), timedelta(hours=1)]) == timedelta(minutes=30)
    assert median([timedelta(hours=h) for h in (3, 1, 2)]) == timedelta(hours=2)
    assert median([]) is None
    # p90 stays nearest-rank: a time 90% of the requests were answered within
    assert percentile([timedelta(0), timedelta(hours=5)], 0.9) == timedelta(hours=5)


def test_the_digest_shows_the_usual_median(chat, settings, database_url, capsys):
    chat("@now 2026-12-07T09:00", "alice> /request finance question how to expense a taxi",
         "bob> /request ack FIN-1", "@now 2026-12-07T10:00",
         "bob> /request resolve FIN-1 use the taxi form", "alice> /request confirm FIN-1",
         "@now 2026-12-08T09:00", "alice> /request finance question per diem for Shanghai",
         "@now 2026-12-08T11:00", "bob> /request ack FIN-2",
         "@now 2026-12-08T14:00", "bob> /request resolve FIN-2 it is 100 CNY",
         "alice> /request confirm FIN-2")
    out = _printed(settings, database_url, capsys, "finance", "2026-W50", "2026-12-14T09:00")
    assert "首次响应中位数 1小时" in out, out  # 0 and 2 h
    assert "解决中位数 2小时" in out, out  # 1 h and 4 h (lunch 12:00-13:00 excluded)


def test_an_auto_closed_request_counts_as_closed_in_its_week(
        chat, settings, database_url, capsys):
    chat("@now 2026-11-30T11:20",
         "alice> /request finance question how do I expense a client dinner??",
         "bob> /request wait FIN-1 请提供发票照片和参加人员名单",
         "@now 2026-12-07T11:40", "@now 2026-12-14T14:00")
    out = _printed(settings, database_url, capsys, "finance", "2026-W50", "2026-12-14T14:00")
    assert "关闭 1 个" in out, out
    assert "nothing happened" not in out, out


def test_a_cancelled_request_is_no_close_but_is_reported(chat, settings, database_url, capsys):
    chat("@now 2026-11-30T09:00", "alice> /request finance question expense a dinner",
         "@now 2026-12-08T09:00", "alice> /request cancel FIN-1")
    out = _printed(settings, database_url, capsys, "finance", "2026-W50", "2026-12-14T09:00")
    assert "nothing happened" not in out, out
    assert "关闭 0 个，1 个由提出人取消" in out, out


def test_a_desk_that_only_transferred_a_request_away_gets_its_digest(
        chat, settings, database_url, capsys):
    chat("@now 2026-11-30T09:00", "alice> /request finance question who signs the contract",
         "@now 2026-12-08T09:00", "bob> /request transfer FIN-1 sales contract-status")
    out = _printed(settings, database_url, capsys, "finance", "2026-W50", "2026-12-14T09:00")
    assert "nothing happened" not in out, out
    assert "1 个已转交其他部门" in out, out


def test_a_long_overdue_title_ends_with_an_ellipsis(chat, settings, database_url, capsys):
    chat("@now 2026-12-07T09:00",
         "alice> /request finance question need new laptop for the trade fair, who  pays it",
         "@now 2026-12-14T09:00")
    out = _printed(settings, database_url, capsys, "finance", "2026-W50", "2026-12-14T09:00")
    line = next(x for x in out.splitlines() if "FIN-1" in x and "已超时" in x)
    assert "  FIN-1 need new laptop for the trade fair, who… —— 已超时" in line, line


def test_a_confidential_request_shows_no_requesting_department(
        chat, settings, database_url, capsys):
    chat("@now 2026-12-07T09:00", "alice> /request hr training excel course please",
         "@now 2026-12-07T09:10", "nick> /request hr complaint my manager shouts at me")
    out = _printed(settings, database_url, capsys, "hr", "2026-W50", "2026-12-14T09:00")
    line = next(x for x in out.splitlines() if x.startswith("我们的内部客户"))
    assert "人力资源部" not in line, line
    assert "保密 1" in line, line  # still counted: the line adds up to the received


def test_tied_services_and_customers_rank_by_key(chat, settings, database_url, capsys):
    chat("@now 2026-12-07T09:00", "nick> /request hr training excel course please",
         "alice> /request hr recruitment one more accountant")
    out = _printed(settings, database_url, capsys, "hr", "2026-W50", "2026-12-14T09:00")
    assert "热门服务：招聘 1、培训 1" in out, out  # recruitment before training
