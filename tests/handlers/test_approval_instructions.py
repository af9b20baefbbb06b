"""A service with an approval shows its instructions when the request is submitted, with
"This answered my question": the requester may withdraw it with ``answered`` while it awaits
approval (its approvers are told there is nothing to decide, the desk never hears of it) and
the digest counts the deflection, as for an open request."""

from __future__ import annotations

from sqlmodel import Session, select

from handlers.digest import build_all, parse_week
from handlers.digest_render import render
from storage.models import Deflection
from tests.conftest import local
from tests.handlers.test_approval import company, steps
from tests.handlers.test_sweep import messages_to, req


def test_the_instructions_come_with_the_submission_in_english(tmp_path, engine, clock):
    desk = company(tmp_path, engine, clock)
    out = desk("alice> /request finance reimbursement 金额=86 taxi")
    assert "FIN-1 (Finance · Reimbursement) is sent for approval to 李华 Henry Li" in out
    assert ("Before you wait, the service's instructions:\n"
            "Receipts older than 90 days are not reimbursed.\n"
            "If they answer your question, press “This answered my question” or type "
            "`/request answered FIN-1`") in out, out
    assert "(button) This answered my question -> /request answered FIN-1" in out

    answered = desk("alice> /request answered FIN-1")
    assert "[reply] Glad the instructions helped: FIN-1 is withdrawn." in answered, answered
    told = messages_to(answered, "henry")
    assert len(told) == 1, answered
    assert "王丽 Alice Wang 撤回了 FIN-1 taxi：服务说明已解答其问题，无需再审批。" in told[0]
    assert messages_to(answered, "#finance-requests") == []  # the desk never had it
    assert req(desk.app, "FIN-1").state == "cancelled"
    assert steps(desk, "FIN-1") == [(["henry"], "any", "skipped")]
    assert "FIN-1 不在审批中" in desk("henry> /request approve FIN-1")
    shown = desk("alice> /request show FIN-1")
    assert "cancelled (awaiting approval → cancelled): the instructions answered it" in shown

    with Session(engine) as session:
        assert len(session.exec(select(Deflection)).all()) == 1
        digest = build_all(session, desk.app.desk, parse_week("2026-W48"),
                           local("2026-11-30T09:30"))["finance"]
        en = render(desk.app.desk, digest, "en", {}).text
    assert "Reimbursement: " in en and "the instructions answered 1 question" in en, en


def test_in_chinese_and_still_after_a_first_step_is_approved(tmp_path, engine, clock):
    desk = company(tmp_path, engine, clock)
    out = desk("bob> /request 财务 报销 金额=8600 展会酒店")  # carol (manager, lead), then frank
    assert "已提交审批" in out
    assert "办理前请先阅读服务说明：\n超过 90 天的票据不予报销。" in out, out
    assert "(button) 已解答我的问题 -> /request answered FIN-1" in out
    desk("carol> /request approve FIN-1")  # frank's step is left: the desk has not acted
    assert req(desk.app, "FIN-1").state == "pending_approval"
    answered = desk("bob> /request 已解答 FIN-1")
    assert "[reply] 很高兴服务说明帮到了您：FIN-1 已撤回。" in answered, answered
    assert req(desk.app, "FIN-1").state == "cancelled"
    assert messages_to(answered, "#finance-requests") == []
    told = messages_to(answered, "frank")
    assert len(told) == 1 and "服务说明已解答其问题，无需再审批" in told[0], answered


def test_after_the_approval_the_desk_acting_ends_it_as_before(tmp_path, engine, clock):
    desk = company(tmp_path, engine, clock)
    desk("alice> /request finance reimbursement 金额=86 taxi", "henry> /request approve FIN-1",
         "bob> /request ack FIN-1")
    out = desk("alice> /request answered FIN-1")
    assert "Finance has already taken up FIN-1, so it stays open." in out, out
    assert req(desk.app, "FIN-1").state == "acknowledged"
