"""Someone an escalation reached outside the desk (a lead's manager) may read the request
it names, and their nudge offers what they can do there: its details, not the desk's
Acknowledge. A confidential request stays closed to them, as its escalation shows."""

from __future__ import annotations

from tests.conftest import Transcript


def escalated(chat: Transcript, line: str) -> str:
    chat("@now 2026-11-23T09:05", line)
    return chat("@now 2026-11-24T17:00")


def test_the_manager_an_escalation_reached_may_see_the_request(chat: Transcript) -> None:
    out = escalated(chat, "henry> /request 财务 借支 出差借款")
    to_grace = out[out.index("[to grace]"):]
    assert "⚠ 升级至您（第 2 级）：FIN-1" in to_grace
    assert "(button) 详情 FIN-1 -> /request show FIN-1" in to_grace
    assert "/request ack FIN-1" not in to_grace, "no button she cannot use"
    to_carol = out[out.index("[to carol]"):]
    assert "(button) 受理 FIN-1 -> /request ack FIN-1" in to_carol, "the lead acknowledges"
    shown = chat("grace> /request show FIN-1")
    assert "FIN-1 · 出差借款" in shown and "提单人: 李华 Henry Li" in shown
    assert "只有财务部的成员才能受理 FIN-1（可联系 刘芳 Carol Liu）" in chat(
        "grace> /request ack FIN-1"), "says who may, rather than not found"


def test_someone_no_escalation_reached_still_cannot_see_it(chat: Transcript) -> None:
    escalated(chat, "henry> /request 财务 借支 出差借款")
    assert "找不到 FIN-1" in chat("frank> /request show FIN-1")


def test_a_confidential_escalation_offers_no_button_and_stays_closed(
        chat: Transcript) -> None:
    chat("@now 2026-11-23T09:05", "henry> /request 人事 投诉 同事问题")
    out = chat("@now 2026-11-26T17:00")
    to_grace = out[out.index("[to grace]"):]
    assert "HR-1 （保密）" in to_grace and "(button)" not in to_grace.split("\n[")[0]
    assert "HR-1 为保密请求" in chat("grace> /request show HR-1")
