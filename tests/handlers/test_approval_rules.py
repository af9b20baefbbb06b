"""Approval rules a tester found broken: an amount in another currency goes through every
step (no exchange rates); an approval given as a delegate never carries over to the
delegate's own step; an approver's comment reaches the requester and the next approver; an
approver no longer in the config is not reminded and the admins are told; a bare approve
answers the one approval waiting; a handover is recorded as the absent approver's."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from bot.runtime.clock import ManualClock
from tests.conftest import Transcript
from tests.handlers.test_approval import company, steps
from tests.handlers.test_sweep import messages_to


def test_an_amount_in_another_currency_goes_through_every_step(tmp_path, engine, clock):
    desk = company(tmp_path, engine, clock)
    out = desk("alice> /request finance reimbursement amount=USD 4,999 conference in NYC")
    assert len(steps(desk, "FIN-1")) == 3, "below 5000 in USD, yet far above ¥5,000"
    assert "(3 steps)" in out and "Amounts in USD go through every approval step" in out, out
    desk("alice> /request finance reimbursement amount=JPY 600 taxi")
    assert len(steps(desk, "FIN-2")) == 3
    desk("alice> /request finance reimbursement amount=4,999 hotel")  # CNY: as configured
    assert len(steps(desk, "FIN-3")) == 2


def test_an_approval_as_a_delegate_does_not_clear_the_delegates_own_step(
        tmp_path, engine, clock):
    desk = company(tmp_path, engine, clock)
    desk("henry> 休假至12月3日代理@刘芳", "alice> /request finance reimbursement 金额=1200 hotel")
    first = desk("carol> approve FIN-1 ok")
    assert "下一步由 刘芳 Carol Liu 审批" in first, first
    assert "请您审批 FIN-1" in messages_to(first, "carol")[0], "asked for her own step"
    assert [s[2] for s in steps(desk, "FIN-1")] == ["approved", "pending"]
    shown = desk("alice> /request show FIN-1")
    assert "刘芳 Carol Liu approved a step on behalf of: 李华 Henry Li, 1/2: ok" in shown
    assert "approved by 刘芳 Carol Liu on behalf of 李华 Henry Li" in shown
    assert "(=)" not in shown
    assert "李华 Henry Li handed an approval to a delegate: 李华 Henry Li → 刘芳 Carol Liu" \
        in shown, "the absent approver's handover, not the requester's"


def test_an_approval_in_ones_own_right_still_carries_over(tmp_path, engine, clock):
    """Carol is both Alice's manager and Finance's lead: asked once, as before."""
    desk = company(tmp_path, engine, clock, lambda text: text.replace(
        'approvers = ["manager"]', 'approvers = ["carol"]'))
    desk("alice> /request finance reimbursement 金额=1200 hotel")
    assert "审批完成" in desk("carol> approve FIN-1")


def test_the_approvers_comment_reaches_the_requester_and_the_next_approver(
        tmp_path, engine, clock):
    desk = company(tmp_path, engine, clock)
    desk("alice> /request finance reimbursement 金额=1200 hotel")
    out = desk("henry> 批准 FIN-1 同意，价格合理")
    told = messages_to(out, "alice")
    assert len(told) == 1 and "李华 Henry Li commented: 同意，价格合理" in told[0], told
    asked = messages_to(out, "carol")
    assert len(asked) == 1 and "李华 Henry Li 的审批意见：同意，价格合理" in asked[0], asked
    done = desk("carol> approve FIN-1 fine")
    assert "刘芳 Carol Liu commented: fine" in messages_to(done, "alice")[0]


def _without_henry(tmp_path: Path, engine: Engine, clock: ManualClock) -> Transcript:
    """The company once Henry left the config (he is "henrik" now, a new id)."""
    return company(tmp_path, engine, clock, lambda text: text.replace('"henry"', '"henrik"'))


def test_an_approver_who_left_is_not_reminded_and_the_admins_are_told(
        tmp_path, engine, clock):
    company(tmp_path, engine, clock)("alice> /request finance reimbursement 金额=86 taxi")
    desk = _without_henry(tmp_path, engine, clock)
    out = desk("@now 2026-11-25T17:00")
    assert messages_to(out, "henry") == [] and messages_to(out, "grace") == [], out
    to_root = messages_to(out, "root")
    assert len(to_root) == 1 and "waits for approval by henry (step 1 of 1)" in to_root[0]
    assert "as an admin, you decide it. `/request approve FIN-1`" in to_root[0], to_root
    assert "(button) Approve -> /request approve FIN-1" in to_root[0]
    assert messages_to(desk("@now 2026-11-27T17:00"), "root") == [], "told once"
    assert "approval complete" in desk("root> approve FIN-1")


def test_a_bare_approve_decides_the_one_approval_waiting(tmp_path, engine, clock):
    desk = company(tmp_path, engine, clock)
    assert "目前没有等待您审批的请求" in desk("henry> 批准")
    desk("alice> /request finance reimbursement 金额=86 taxi")
    assert "审批完成" in desk("henry> 批准")
    desk("alice> /request finance reimbursement 金额=86 taxi",
         "alice> /request finance reimbursement 金额=96 taxi")
    several = desk("henry> approve")
    assert "FIN-2" in several and "FIN-3" in several and "/request 批准 FIN-2" in several
    assert [s[2] for s in steps(desk, "FIN-2")] == ["pending"]
