"""Replies that say what to type: a reopen that gives a form value is refused (a reopen keeps
the values), an away hint keeps the delegate typed (and the glued form gets it too), rating a
resolved request says to confirm it first, a changed low rating is an update to the leads,
and a dropped form gives back the answers it held."""

from __future__ import annotations

from sqlmodel import Session

from storage import request_fields
from tests.handlers.test_approval import company
from tests.handlers.test_sweep import messages_to, req

RESOLVED = ("alice> /request finance reimbursement amount=300 taxi",
            "bob> /request ack FIN-1",
            "bob> /request resolve FIN-1 paid")


def _amount(chat, ref: str) -> str:
    with Session(chat.app.desk.engine) as s:
        values = request_fields.of_request(s, req(chat.app, ref).id or 0)
        return str(values["amount"].number)


def test_a_reopen_with_a_new_amount_is_refused_saying_what_to_type(chat):
    chat(*RESOLVED)
    out = chat("alice> /request reopen FIN-1 amount=9000 forgot the booth")
    assert "A reopen keeps FIN-1's values, so `amount=9000` was not applied" in out, out
    assert "`/request reopen FIN-1 forgot the booth`" in out
    assert "`/request finance reimbursement amount=9000 forgot the booth`" in out
    assert messages_to(out, "bob") == [] and messages_to(out, "#finance-requests") == []
    assert req(chat.app, "FIN-1").state == "resolved"
    assert _amount(chat, "FIN-1") == "300.00"


def test_a_chinese_label_is_a_value_too_and_a_plain_reopen_still_works(chat):
    chat(*RESOLVED)
    out = chat("alice> /request 重开 FIN-1 金额=9000")
    assert "`金额=9000` was not applied" in out, out
    assert "`/request reopen FIN-1 <reason>`" in out
    assert req(chat.app, "FIN-1").state == "resolved"
    out = chat("alice> /request reopen FIN-1 the amount is 9000 after all")
    assert "FIN-1 is reopened" in out
    assert req(chat.app, "FIN-1").state == "in_progress"
    chat("alice> /request it laptop model=x1 reason=slow", "dave> /request ack IT-1",
         "dave> /request resolve IT-1 replaced")
    out = chat("alice> /request reopen IT-1 原因：still slow")  # a reason, not a value
    assert "IT-1 is reopened" in out, out


def test_an_approved_request_reopened_with_an_amount_skips_no_approval(tmp_path, engine, clock):
    desk = company(tmp_path, engine, clock)
    desk("alice> /request finance reimbursement amount=300 taxi", "henry> 批准 FIN-1",
         "bob> 受理 FIN-1", "bob> resolve FIN-1 paid")
    out = desk("alice> /request reopen FIN-1 amount=9000 forgot the booth")
    assert "`amount=9000` was not applied" in out, out
    assert req(desk.app, "FIN-1").state == "resolved" and _amount(desk, "FIN-1") == "300.00"


def test_the_away_hint_keeps_the_delegate_typed(chat):
    out = chat("henry> 休假 至 11月20日 代理 刘芳")
    assert "“11月20日”不是今天或之后的日期" in out, out
    assert "代理 刘芳`" in out and "代理 alice" not in out


def test_the_glued_away_with_an_unreadable_day_gets_the_date_hint(chat):
    out = chat("henry> 休假至下周五代理@刘芳")
    assert "“下周五”不是有效的日期" in out, out
    assert "`/request 休假 至 2026-11-26 代理 刘芳`" in out
    assert "没有看懂" not in out


def test_rating_a_resolved_request_says_to_confirm_it_first(chat):
    chat(*RESOLVED)
    out = chat("alice> /request rate FIN-1 5 great")
    assert "Confirm it is solved first: `/request confirm FIN-1`" in out, out
    assert "then rate it: `/request rate FIN-1 5 great`" in out
    out = chat("alice> /request confirm FIN-1", "alice> /request rate FIN-1 5 great")
    assert "Thank you for rating FIN-1 5/5." in out


def test_a_changed_low_rating_is_an_update_to_the_leads_not_a_new_alert(chat):
    chat(*RESOLVED, "alice> /request confirm FIN-1")
    out = chat("alice> /request rate FIN-1 2 slow")
    assert [m for m in messages_to(out, "carol") if "低分提醒" in m], out
    out = chat("alice> /request rate FIN-1 1 slower")
    told = messages_to(out, "carol")
    assert len(told) == 1 and "低分提醒" not in told[0], told
    assert "评分更新：王丽 Alice Wang 将 FIN-1 的评分由 2★ 改为 1★。slower" in told[0]
    told = messages_to(chat("alice> /request rate FIN-1 5 fine now"), "carol")
    assert len(told) == 1 and "由 1★ 改为 5★" in told[0], told
    told = messages_to(chat("alice> /request rate FIN-1 1 no, bad"), "carol")
    assert len(told) == 1 and "由 5★ 改为 1★" in told[0], told  # still no second alert


def test_a_dropped_form_gives_back_the_answers_it_held(chat):
    out = chat("henry> 提单 财务 报销 日期=11-20 出租车")
    assert "请填写金额" in out, out
    out = chat("@now 2026-11-24T10:00")
    told = messages_to(out, "henry")
    assert told and "已作废" in told[0], out
    assert "`/request finance reimbursement 出租车 spent_on=2026-11-20`" in told[0]
