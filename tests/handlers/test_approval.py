"""Approvals through the console (#18): a reimbursement of 86 goes to the manager only, one of
8,600 through the manager, Finance's lead and frank; the desk cannot act before the approval
and its clock starts at the last one; a rejection reaches the requester with the reason and a
reopen with changes starts again; an approver away hands over to their delegate."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session

from bot.cli import export
from bot.runtime import app as app_mod
from bot.runtime import config as config_mod
from storage import approvals
from tests.conftest import EXAMPLE, Transcript, local
from tests.handlers.approval_company import with_approval
from tests.handlers.test_sweep import messages_to, req


def company(tmp_path: Path, engine, clock, edit=lambda text: text) -> Transcript:
    """The sample company with reimbursement's approval (and ``edit`` applied)."""
    path = tmp_path / "config.toml"
    path.write_text(edit(with_approval(EXAMPLE.read_text(encoding="utf-8"))), encoding="utf-8")
    app = app_mod.build(config_mod.load(path), clock, engine=engine, upgrade=False)
    return Transcript(app, clock)


@pytest.fixture
def desk(tmp_path: Path, engine, clock) -> Transcript:
    return company(tmp_path, engine, clock)


def steps(chat: Transcript, ref: str) -> list[tuple[list[str], str, str]]:
    with Session(chat.app.desk.engine) as s:
        request = req(chat.app, ref)
        return [(st.approvers, st.mode, st.state)
                for st in approvals.steps_of(s, request.id or 0)]


def test_86_goes_to_the_manager_only_and_the_desk_waits(desk):
    out = desk("alice> /request finance reimbursement 金额=86 taxi to the client")
    assert "FIN-1 (Finance · Reimbursement) is sent for approval to 李华 Henry Li (1 step)" \
        in out
    asked = messages_to(out, "henry")
    assert len(asked) == 1 and "请您审批 FIN-1" in asked[0] and "86.00 CNY" in asked[0]
    assert "(button) 批准 -> /request approve FIN-1" in asked[0]
    assert "(button) 驳回… -> /request reject FIN-1 <reason>" in asked[0]
    assert messages_to(out, "#finance-requests") == []  # the desk is not told yet
    request = req(desk.app, "FIN-1")
    assert request.state == "pending_approval"
    assert request.first_response_due is None and request.clock_started_at is None

    refused = desk("bob> /request ack FIN-1", "carol> /request resolve FIN-1 paid")
    assert refused.count("FIN-1 正在等待 李华 Henry Li 审批；审批通过后服务台才能处理。") == 2
    queue = desk("bob> /request queue")
    assert "即将到来，审批中（1）：" in queue and "等待 李华 Henry Li 审批" in queue

    done = desk("henry> /request approve FIN-1")
    assert "审批完成，已交给财务部处理" in done
    assert len(messages_to(done, "#finance-requests")) == 1  # a new request for the desk
    told = messages_to(done, "alice")
    assert len(told) == 1 and "FIN-1 taxi to the client is approved" in told[0]
    assert steps(desk, "FIN-1") == [(["henry"], "any", "approved")]
    assert "受理" in desk("bob> /request ack FIN-1")


def test_8600_goes_through_manager_finance_lead_and_frank(desk, clock):
    desk("alice> /request finance reimbursement 金额=8,600 hotel for the fair")
    assert [s[0] for s in steps(desk, "FIN-1")] == [["henry"], [], []]
    clock.set(local("2026-11-23T10:00"))
    first = desk("henry> approve FIN-1")
    assert "下一步由 刘芳 Carol Liu 审批" in first
    assert "请您审批 FIN-1" in messages_to(first, "carol")[0]
    assert "it now goes to 刘芳 Carol Liu for approval" in messages_to(first, "alice")[0]
    assert "不在审批中" not in desk("carol> /request show FIN-1")
    second = desk("carol> 批准 FIN-1")
    assert "请您审批 FIN-1" in messages_to(second, "frank")[0]
    assert "第 3/3 步" in messages_to(second, "frank")[0]
    early = desk("henry> /request approve FIN-1")
    assert "FIN-1 正在等待 赵峰 Frank Zhao 审批，只有审批人可以批准或驳回。" in early
    clock.set(local("2026-11-24T11:00"))
    last = desk("frank> /request approve FIN-1 within budget")
    assert "审批完成" in last
    assert [s[2] for s in steps(desk, "FIN-1")] == ["approved"] * 3

    history = desk("alice> /request show FIN-1")
    assert "Approval:" in history and "3. 赵峰 Frank Zhao — approved by 赵峰 Frank Zhao" \
        in history
    assert "approved step: 3/3: within budget" in history
    assert "completed the approval (awaiting approval → open)" in history
    with Session(desk.app.desk.engine) as s:  # the export's events: the audit trail
        kinds = [(r["kind"], r["actor_id"], r["note"]) for r in export.rows(s, "events")]
    assert kinds[:3] == [("opened", "alice", "金额=8,600 hotel for the fair"),
                         ("approval_requested", "alice", None),
                         ("approval_step", "alice", "1/3: 李华 Henry Li")]
    assert ("approved_step", "frank", "3/3: within budget") in kinds
    assert kinds[-1] == ("approval_done", "frank", None)


def test_an_all_step_waits_for_every_approver(tmp_path, engine, clock):
    two = company(tmp_path, engine, clock, lambda text: text.replace(
        'approvers = ["frank"], mode = "all"', 'approvers = ["frank", "grace"], mode = "all"'))
    two("alice> /request finance reimbursement 金额=9000 fair", "henry> approve FIN-1",
        "carol> approve FIN-1")
    one = two("grace> approve FIN-1")
    assert "仍在等待 赵峰 Frank Zhao" in one
    assert messages_to(one, "#finance-requests") == []
    assert "您已批准 FIN-1，现在等待 赵峰 Frank Zhao 审批。" in two("grace> approve FIN-1")
    done = two("frank> approve FIN-1")
    assert len(messages_to(done, "#finance-requests")) == 1


def test_who_is_still_awaited_is_listed_in_the_requesters_language(tmp_path, engine, clock):
    """Grace reads Chinese, Alice English: the two approvers still awaited reach Alice as an
    English list."""
    three = company(tmp_path, engine, clock, lambda text: text.replace(
        'approvers = ["frank"], mode = "all"',
        'approvers = ["frank", "grace", "emma"], mode = "all"'))
    three("alice> /request finance reimbursement 金额=9000 fair", "henry> approve FIN-1",
          "carol> approve FIN-1")
    told = messages_to(three("grace> approve FIN-1"), "alice")
    assert len(told) == 1 and "赵峰 Frank Zhao, 周敏 Emma Zhou" in told[0], told


def test_the_desk_clock_starts_at_the_last_approval(desk, clock):
    desk("alice> /request finance reimbursement 金额=86 taxi")
    clock.set(local("2026-11-25T15:00"))  # two and a half days later
    desk("henry> /request approve FIN-1")
    request = req(desk.app, "FIN-1")
    assert request.clock_started_at == local("2026-11-25T15:00")
    # 4h of business time from Wed 15:00: 3h that day, then 1h on Thursday
    assert request.first_response_due == local("2026-11-26T10:00")
    assert request.resolution_due == local("2026-11-30T15:00")
    later = desk("@now 2026-11-25T17:59")
    assert "超时" not in later and "overdue" not in later


def test_rejection_reaches_the_requester_with_the_reason_and_reopen_starts_again(desk):
    desk("alice> /request finance reimbursement 金额=860 team dinner", "henry> approve FIN-1")
    asked = desk("carol> /request reject FIN-1")
    assert "请说明驳回原因：`/request 驳回 FIN-1 <原因>`" in asked
    assert req(desk.app, "FIN-1").state == "pending_approval"

    out = desk("carol> 驳回 FIN-1 dinners over 500 need the GM's invitation list")
    assert "您已驳回 FIN-1，已告知 王丽 Alice Wang 原因。" in out
    told = messages_to(out, "alice")
    assert len(told) == 1
    assert "刘芳 Carol Liu rejected FIN-1 team dinner (step 2 of 2): dinners over 500 need " \
        "the GM's invitation list" in told[0]
    assert "/request reopen FIN-1 <field>=<value>" in told[0]
    assert "(button) Reopen… -> /request reopen FIN-1 <changes>" in told[0]
    assert messages_to(out, "#finance-requests") == []
    request = req(desk.app, "FIN-1")
    assert request.state == "rejected" and request.first_response_due is None
    assert "rejected" in desk("alice> /request show FIN-1")

    again = desk("alice> /request reopen FIN-1 金额=480 without the drinks")
    assert "FIN-1 is sent for approval again (Amount): 李华 Henry Li." in again
    assert "请您审批 FIN-1" in messages_to(again, "henry")[0]
    assert "480.00 CNY" in messages_to(again, "henry")[0]
    assert steps(desk, "FIN-1") == [(["henry"], "any", "pending")]  # 480: the manager only
    assert "审批完成" in desk("henry> approve FIN-1")
    shown = desk("alice> /request show FIN-1")
    assert "rejected it (awaiting approval → rejected): dinners over 500" in shown
    assert "reopened (rejected → awaiting approval): 金额=480 without the drinks" in shown
    assert "Amount: 480.00 CNY" in shown


def test_an_away_approver_hands_over_to_the_delegate(desk, clock):
    desk("alice> /request finance reimbursement 金额=86 taxi")
    out = desk("henry> /request 休假 至 2026-12-10 代理 emma")
    assert "由 周敏 Emma Zhou 代为审批。已转交：FIN-1" in out
    to_emma = messages_to(out, "emma")
    assert any("李华 Henry Li is away until 2026-12-10" in m for m in to_emma)
    assert any("For 李华 Henry Li, who is away" in m and "approve FIN-1" in m for m in to_emma)
    assert "只有审批人" in desk("henry> approve FIN-1")

    new = desk("alice> /request finance reimbursement 金额=90 train")
    assert "sent for approval to 周敏 Emma Zhou" in new
    assert any("由 周敏 Emma Zhou 代为审批" in m for m in messages_to(new, "henry"))
    assert "For 李华 Henry Li, who is away" in messages_to(new, "emma")[0]
    assert "approval complete, Finance has it now" in desk("emma> approve FIN-1")
    assert req(desk.app, "FIN-1").state == "open"

    back = desk("henry> /request back")
    assert "欢迎回来" in back
    third = desk("alice> /request finance reimbursement 金额=70 bus")
    assert "sent for approval to 李华 Henry Li" in third
    assert "您没有休假记录" in desk("henry> 销假")


def test_away_needs_a_day_and_a_delegate(desk):
    # three days from today (2026-11-23), and a colleague of henry's at Sales
    assert "`/request 休假 至 2026-11-26 代理 alice`" in desk("henry> /request away bob")
    assert "不是今天或之后的日期" in desk("henry> /request away until 2020-01-01 delegate bob")
    assert "请指定其他人" in desk("henry> /request away until 12-10 delegate henry")


def test_nobody_approves_their_own_request(desk):
    out = desk("carol> /request finance reimbursement 金额=800 course fee")
    assert "请您审批 FIN-1" in messages_to(out, "grace")[0]  # carol's manager
    done = desk("grace> approve FIN-1")
    # the Finance lead is carol herself, so grace again: who approved once is not asked twice
    assert steps(desk, "FIN-1") == [(["grace"], "any", "approved")] * 2
    assert messages_to(done, "grace") == [] and "审批完成" in done
    assert "批准步骤: 2/2: 陈静 Grace Chen (=)" in desk("carol> /request show FIN-1")
    mine = desk("henry> /request finance reimbursement 金额=86 y")  # henry asks his manager
    assert "已提交审批：陈静 Grace Chen（共 1 步）" in mine
    top = desk("grace> /request finance reimbursement 金额=86 z")  # no manager: the lead
    assert "已提交审批：刘芳 Carol Liu（共 1 步）" in top


def test_approvers_are_reminded_in_their_hours_then_their_manager(desk):
    desk("alice> /request finance reimbursement 金额=86 taxi")  # Mon 09:00
    assert messages_to(desk("@now 2026-11-23T14:29"), "henry") == []
    reminded = messages_to(desk("@now 2026-11-23T14:31"), "henry")
    assert len(reminded) == 1 and "已等待您审批 4小时" in reminded[0]
    assert "(button) 批准 -> /request approve FIN-1" in reminded[0]
    evening = desk("@now 2026-11-23T18:30")
    assert messages_to(evening, "grace") == []  # after hours: at the next opening
    morning = desk("@now 2026-11-24T09:01", "@now 2026-11-24T09:30")
    escalated = messages_to(morning, "grace")
    assert len(escalated) == 1 and "已等待 李华 Henry Li 审批" in escalated[0]
    shown = desk("alice> /request show FIN-1")
    assert "crossdesk reminded the approver: 李华 Henry Li" in shown
    assert "crossdesk escalated the approval: 李华 Henry Li → 陈静 Grace Chen" in shown
    assert messages_to(desk("@now 2026-11-25T09:30"), "henry") == []  # once each


def test_an_approval_left_waiting_climbs_the_approvers_manager_chain(tmp_path, engine, clock):
    chain = company(tmp_path, engine, clock, lambda text: text.replace(
        'approvers = ["leads:finance"]', 'approvers = ["bob"]'))  # bob → carol → grace
    chain("alice> /request finance reimbursement 金额=8600 laptop for the fair")  # Mon 09:00
    chain("@now 2026-11-23T09:05", "henry> approve FIN-1")
    tuesday = chain("@now 2026-11-24T09:10")
    assert len(messages_to(tuesday, "carol")) == 1, "one working day: bob's manager"
    assert messages_to(tuesday, "grace") == []
    wednesday = chain("@now 2026-11-25T09:10")
    escalated = messages_to(wednesday, "grace")
    assert len(escalated) == 1 and "张伟 Bob Zhang" in escalated[0], "two days: her manager"
    assert messages_to(wednesday, "carol") == []  # each level once
    assert messages_to(chain("@now 2026-11-27T09:10"), "grace") == []  # grace is the top


def test_a_request_withdrawn_during_approval_tells_the_approver_not_the_desk(desk):
    desk("alice> /request finance reimbursement 金额=86 taxi")
    out = desk("alice> /request cancel FIN-1")
    assert messages_to(out, "#finance-requests") == []
    told = messages_to(out, "henry")
    assert len(told) == 1 and "王丽 Alice Wang 撤回了 FIN-1 taxi，无需再审批。" in told[0]
    assert "FIN-1 不在审批中（当前状态：已取消）。" in desk("henry> approve FIN-1")
    assert messages_to(desk("@now 2026-11-23T15:00"), "henry") == []  # no reminder either


def test_a_desk_may_set_its_own_approval_nudges(tmp_path, engine, clock):
    quick = company(tmp_path, engine, clock, lambda text: text.replace(
        'channel = "finance-requests"\n',
        'channel = "finance-requests"\nnudges = { approval_remind = "1h" }\n', 1))
    quick("alice> /request finance reimbursement 金额=86 taxi")
    reminded = messages_to(quick("@now 2026-11-23T10:01"), "henry")
    assert len(reminded) == 1 and "已等待您审批 1小时1分" in reminded[0]


def test_a_reopen_giving_a_field_two_values_is_refused_naming_both(desk):
    desk("alice> /request finance reimbursement 金额=860 team dinner", "henry> approve FIN-1",
         "carol> 驳回 FIN-1 dinners over 500 need the GM's invitation list")
    out = desk("alice> /request reopen FIN-1 金额=480 金额=450 without the drinks")
    assert "“480”" in out and "“450”" in out, out
    request = req(desk.app, "FIN-1")
    assert request.state == "rejected", "nothing reopened: which amount is meant is hers to say"
