"""A rejected request reopened with a new amount: whoever approves it next (and the desk once
it opens) reads who rejected it and why, what changed (the title still says the requester's
first words, ``CNY 6,000``), and the requester's words; the steps follow the new amount."""

from __future__ import annotations

from tests.handlers.test_approval import company, steps
from tests.handlers.test_sweep import messages_to

DINNER = ("alice> /request finance reimbursement client dinner CNY 6,000",
          "henry> /request 批准 FIN-1 同意",
          "carol> /request 驳回 FIN-1 超标准了，请拆分")
CAROL = 'name = "刘芳 Carol Liu"              # Finance lead\n'


def test_the_approver_reads_the_change_and_the_reason_and_fewer_steps_apply(
        tmp_path, engine, clock):
    desk = company(tmp_path, engine, clock)
    desk(*DINNER)
    out = desk("alice> /request reopen FIN-1 amount=450 only my share")
    asked = messages_to(out, "henry")[0]
    assert "请您审批 FIN-1 client dinner CNY 6,000（第 1/1 步）" in asked, asked
    assert "此前 刘芳 Carol Liu 驳回：超标准了，请拆分" in asked
    assert "重开时修改：金额 6,000.00 CNY → 450.00 CNY。" in asked
    assert "王丽 Alice Wang 说明：only my share" in asked
    assert steps(desk, "FIN-1") == [(["henry"], "any", "pending")]  # 450: the manager only

    opened = messages_to(desk("henry> /request approve fin-1 ok"), "#finance-requests")[0]
    assert "新请求 FIN-1" in opened and "client dinner CNY 6,000" in opened
    assert "重开时修改：金额 6,000.00 CNY → 450.00 CNY。" in opened, opened
    assert "金额: 450.00 CNY" in opened


def test_a_later_step_shows_the_change_too_in_its_approvers_language(tmp_path, engine, clock):
    desk = company(tmp_path, engine, clock,
                   lambda text: text.replace(CAROL, CAROL + 'locale = "en"\n', 1))
    desk(*DINNER)
    desk("alice> /request reopen FIN-1 amount=4000 split with bob")
    assert [s[0] for s in steps(desk, "FIN-1")] == [["henry"], []]  # no longer frank's
    asked = messages_to(desk("henry> /request approve FIN-1"), "carol")[0]
    assert "asks for your approval of FIN-1 client dinner CNY 6,000 (step 2 of 2)" in asked
    assert "Reopened after 刘芳 Carol Liu rejected it: 超标准了，请拆分" in asked, asked
    assert "Changed since: Amount 6,000.00 CNY → 4,000.00 CNY." in asked
    assert "王丽 Alice Wang adds: split with bob" in asked


def test_a_reopen_without_changes_says_so(tmp_path, engine, clock):
    desk = company(tmp_path, engine, clock)
    desk(*DINNER)
    out = desk("alice> /request reopen FIN-1 the client insisted")
    asked = messages_to(out, "henry")[0]
    assert "重开时未修改内容。" in asked and "王丽 Alice Wang 说明：the client insisted" in asked
    assert "（第 1/3 步）" in asked  # still 6,000: every step again
