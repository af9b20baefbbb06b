"""``away`` again with another delegate: what the first delegate held for the person away goes
to the new one, who is asked; the first is told they no longer approve for them. A step the
delegate requested stays with the person away, and the answer says so and why. An
impossible date is "not a date", not "a day gone"."""

from __future__ import annotations

from tests.handlers.test_approval import company, steps
from tests.handlers.test_sweep import messages_to

HENRY = 'name = "李华 Henry Li"               # Sales lead\n'


def _bob_reports_to_henry(text: str) -> str:
    return text.replace('manager = "carol"', 'manager = "henry"', 1)


def _in_english(text: str) -> str:
    return _bob_reports_to_henry(text).replace(HENRY, HENRY + 'locale = "en"\n', 1)


def test_a_new_delegate_takes_over_and_the_old_one_is_told(tmp_path, engine, clock):
    desk = company(tmp_path, engine, clock, _bob_reports_to_henry)
    desk("alice> /request finance reimbursement 金额=86 taxi",
         "bob> /request 财务 报销 金额=90 火车")
    first = desk("henry> /request 休假 至 2026-12-10 代理 alice")
    assert "由 王丽 Alice Wang 代为审批。已转交：FIN-2。" in first, first
    assert "FIN-1 仍由您审批：它由 王丽 Alice Wang 提交，代理人不能审批自己的请求。" in first
    assert steps(desk, "FIN-1") == [(["henry"], "any", "pending")]
    assert steps(desk, "FIN-2") == [(["alice"], "any", "pending")]

    second = desk("henry> /request 休假 至 2026-12-10 代理 emma")
    assert "由 周敏 Emma Zhou 代为审批。已转交：FIN-1, FIN-2。" in second, second
    assert "已告知 王丽 Alice Wang 不再代您审批。" in second
    assert "仍由您审批" not in second
    assert steps(desk, "FIN-1") == [(["emma"], "any", "pending")]
    assert steps(desk, "FIN-2") == [(["emma"], "any", "pending")]
    to_alice = messages_to(second, "alice")
    assert any("李华 Henry Li has named 周敏 Emma Zhou to approve for them instead of you "
               "(away until 2026-12-10): you no longer approve for them. No longer waiting "
               "for you: FIN-2." in m for m in to_alice), second
    to_emma = messages_to(second, "emma")
    assert any("Handed to you now: FIN-1, FIN-2." in m for m in to_emma), second
    assert sum("For 李华 Henry Li, who is away" in m for m in to_emma) == 2
    shown = desk("bob> /request show FIN-2")
    assert "李华 Henry Li 转交代理审批: 王丽 Alice Wang → 周敏 Emma Zhou" in shown, shown
    assert "审批完成" not in desk("alice> /request approve FIN-2")
    assert "approval complete" in desk("emma> /request approve FIN-2")


def test_in_english_too(tmp_path, engine, clock):
    desk = company(tmp_path, engine, clock, _in_english)
    desk("alice> /request finance reimbursement amount=86 taxi",
         "bob> /request finance reimbursement amount=90 train")
    first = desk("henry> /request away until 2026-12-10 delegate alice")
    assert "Handed over now: FIN-2." in first, first
    assert "FIN-1 stays with you: 王丽 Alice Wang requested it, and nobody approves their " \
        "own request." in first
    second = desk("henry> /request away until 2026-12-10 delegate emma")
    assert "周敏 Emma Zhou approves for you. Handed over now: FIN-1, FIN-2." in second, second
    assert "王丽 Alice Wang is told they no longer approve for you." in second
    back_to_alice = desk("henry> /request away until 2026-12-10 delegate alice")
    assert "Handed over now: FIN-2. FIN-1 stays with you: 王丽 Alice Wang requested it" \
        in back_to_alice, back_to_alice
    assert "周敏 Emma Zhou is told they no longer approve for you." in back_to_alice
    assert any("No longer waiting for you: FIN-1, FIN-2." in m
               for m in messages_to(back_to_alice, "emma")), back_to_alice
    assert steps(desk, "FIN-1") == [(["henry"], "any", "pending")]
    assert steps(desk, "FIN-2") == [(["alice"], "any", "pending")]


def test_the_same_delegate_again_tells_nobody_they_were_replaced(tmp_path, engine, clock):
    desk = company(tmp_path, engine, clock, _bob_reports_to_henry)
    desk("bob> /request 财务 报销 金额=90 火车", "henry> /request 休假 至 2026-12-10 代理 alice")
    again = desk("henry> /request 休假 至 2026-12-12 代理 alice")
    assert "不再代您审批" not in again and "no longer approve" not in again, again
    assert steps(desk, "FIN-1") == [(["alice"], "any", "pending")]


def test_an_impossible_date_is_not_a_date(tmp_path, engine, clock):
    desk = company(tmp_path, engine, clock)
    out = desk("henry> /request away until 2026-13-01 delegate alice")
    assert "“2026-13-01”不是有效的日期" in out and "`/request 休假 至 2026-11-26 代理" in out, out
    assert "今天或之后" not in out
    assert "不是今天或之后的日期" in desk("henry> /request away until 2020-01-01 delegate bob")
    english = company(tmp_path, engine, clock, _in_english)
    out = english("henry> /request away until 2026-02-30 delegate alice")
    assert "“2026-02-30” is not a date" in out and "e.g. 2026-11-26" in out, out
    assert "from today on" not in out
    assert "is not a day from today on" in english(
        "henry> /request away until 2020-01-01 delegate alice")
    assert "more than a year from today" in english(
        "henry> /request away until 2028-01-01 delegate alice")
