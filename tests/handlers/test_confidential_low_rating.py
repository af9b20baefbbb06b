"""A low rating of a confidential request reaches the lead's manager outside the desk without
the rater's name or words (a complaint about HR's handling is HR's to read); an ordinary
request's still carries both."""

from __future__ import annotations

from tests.handlers.test_sweep import messages_to

COMPLAINT = ("@now 2026-11-16T10:00", "alice> /request hr complaint my manager Zed shouts",
             "mia> /request ack HR-1", "mia> /request resolve HR-1 spoke with Zed",
             "alice> /request confirm HR-1")


def test_the_managers_alert_names_the_request_and_stars_only(chat):
    chat(*COMPLAINT)
    out = chat("alice> /request rate HR-1 1 Zed still shouts at me")
    told = messages_to(out, "grace")
    assert told == ["[to grace] 低分提醒：林娜 Mia Lin 处理的 HR-1（保密）被评了 1 分。"
                    "评分人和评语仅限该部门查看。\n"], out
    assert "Zed still shouts" not in "".join(told) and "Alice" not in "".join(told)


def test_an_ordinary_requests_alert_still_quotes_the_rater(chat):
    chat("@now 2026-11-16T10:00", "henry> /request finance reimbursement taxi 86 CNY",
         "carol> /request ack FIN-1", "carol> /request resolve FIN-1 paid",
         "henry> /request confirm FIN-1")
    out = chat("henry> /request rate FIN-1 1 took a week")
    told = messages_to(out, "grace")
    assert told and "李华 Henry Li" in told[0] and "took a week" in told[0], out
