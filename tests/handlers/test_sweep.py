"""The service clock through the console: nudges, escalation, reminders, thanks, ratings."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from handlers.sweep import SWEEP_LOCK, sweep
from storage import request_store
from storage.models import Breach, Request
from tests.conftest import PG_URL, local


def messages_to(out: str, target: str) -> list[str]:
    """The messages in ``out`` addressed to ``target`` (e.g. 'bob' or '#finance-requests')."""
    blocks = re.split(r"\n(?=\[)", out)
    return [b for b in blocks if b.startswith(f"[to {target}]")]


def req(app, ref: str) -> Request:
    with Session(app.desk.engine) as s:
        row = request_store.by_ref(s, ref)
        assert row is not None
        return row


def test_friday_evening_before_holiday_answered_next_workday_is_not_overdue(chat):
    # Fri 2026-04-03 17:30; Sun 04-05 and Mon 04-06 are Tomb-Sweeping holidays.
    out = chat("@now 2026-04-03T17:30", "henry> /request finance reimbursement taxi 86 CNY")
    assert "2026-04-07 14:00" in out  # 30 min on Friday + 3h30 on Tuesday (lunch excluded)
    quiet = chat("@now 2026-04-04T10:00", "@now 2026-04-06T10:00", "@now 2026-04-06T17:00")
    assert quiet == ""
    out = chat("@now 2026-04-07T10:00", "bob> /request ack FIN-1")
    assert "提醒" not in out and "Reminder" not in out
    assert req(chat.app, "FIN-1").first_response_at is not None
    with Session(chat.app.desk.engine) as s:
        assert s.exec(select(Breach)).all() == []
    assert "提醒" not in chat("@now 2026-04-07T15:00")


def test_lunch_break_is_not_counted(chat):
    out = chat("@now 2026-11-23T11:00", "henry> /request finance reimbursement taxi 86 CNY")
    assert "首次响应时限 2026-11-23 16:30" in out  # 11-12 is 1h, 13:30-16:30 the other 3h
    assert chat("@now 2026-11-23T16:25").count("已超时") == 0
    assert "首次响应已超时 5分" in chat("@now 2026-11-23T16:35")


def test_warning_at_75_percent_goes_to_assignee_then_breach_to_assignee_and_channel(chat):
    chat("henry> /request finance reimbursement taxi 86 CNY", "carol> /request assign FIN-1 bob")
    out = chat("@now 2026-11-23T11:59")
    assert out == ""
    out = chat("@now 2026-11-23T13:31")  # warn at 12:00 (3h of 4h) deferred past lunch
    bob = messages_to(out, "bob")
    assert len(bob) == 1 and "FIN-1 taxi 86 CNY —— 首次响应剩余 59分" in bob[0]
    assert messages_to(out, "#finance-requests") == []
    out = chat("@now 2026-11-23T14:31")
    assert "首次响应已超时 1分" in messages_to(out, "bob")[0]
    assert "首次响应已超时 1分" in messages_to(out, "#finance-requests")[0]


def test_acknowledging_stops_first_response_nudges(chat):
    chat("henry> /request finance reimbursement taxi 86 CNY")
    chat("@now 2026-11-23T13:31")
    chat("bob> /request ack FIN-1")
    out = chat("@now 2026-11-23T15:00", "@now 2026-11-23T17:00")
    assert "首次响应" not in out


def test_ladder_climbs_to_the_leads_manager_and_repeats_are_capped(chat):
    chat("henry> /request finance reimbursement taxi 86 CNY")  # first response due 14:30
    out = chat("@now 2026-11-23T14:31")
    out += chat("@now 2026-11-23T15:31")  # breach 14:30, +1h → the lead carol
    out += chat("@now 2026-11-23T16:31")  # first repeat, 2h after the breach
    assert "第 1 级" in messages_to(out, "carol")[0]
    out += chat("@now 2026-11-24T09:31")  # +4h business → carol's manager grace
    grace = messages_to(out, "grace")
    assert len(grace) == 1 and "升级至您（第 2 级）" in grace[0]
    assert messages_to(out, "frank") == []  # grace is the top of the ladder
    out += chat(*[f"@now 2026-11-{d}T{h}:{m}" for d in (24, 25, 26, 27)
                  for h in range(10, 18) for m in ("00", "30")])
    first = [m for m in messages_to(out, "#finance-requests") if "首次响应已超时" in m]
    assert len(first) == 4  # the breach, then repeat_max = 3 repeats, then silence


def test_night_breaches_arrive_at_next_opening_as_one_message(chat):
    chat("henry> /request finance reimbursement amount=86 one",
         "henry> /request finance cash advance two",
         "carol> /request assign FIN-1 bob", "carol> /request assign FIN-2 bob")
    # both first responses fall due while the office is closed: the night is silent
    assert messages_to(chat("@now 2026-11-23T22:00", "@now 2026-11-24T03:00"), "bob") == []
    out = chat("@now 2026-11-24T09:00")
    bob = messages_to(out, "bob")
    assert len(bob) == 1, out
    assert "FIN-1" in bob[0] and "FIN-2" in bob[0]


def test_24x7_desk_escalates_at_night_but_office_manager_hears_at_nine(chat):
    lines = ["@now 2026-11-23T22:00",
             "henry> /request maintenance equipment repair line 3 down",
             "henry> /request maintenance equipment repair line 4 down"]
    out = chat(*lines)
    assert "[to #maintenance" in out
    out = chat("@now 2026-11-23T22:31")  # 30 min first response, the desk works nights
    assert "首次响应已超时" in out
    out = chat("@now 2026-11-23T23:31")
    lead = req(chat.app, "MNT-1")
    assert lead.first_response_at is None
    assert messages_to(out, "jack"), out  # the maintenance lead, on the 24x7 calendar
    night = chat("@now 2026-11-24T03:00")
    assert messages_to(night, "frank") == []  # jack's manager works office hours
    morning = messages_to(chat("@now 2026-11-24T09:00"), "frank")
    assert len(morning) == 1 and "MNT-1" in morning[0] and "MNT-2" in morning[0]


def test_snooze_postpones_nudges_within_limits(chat):
    chat("henry> /request finance reimbursement taxi 86 CNY", "carol> /request assign FIN-1 bob")
    out = chat("bob> /request snooze FIN-1 2h")
    assert "推迟到 2026-11-23 11:00" in out
    assert "最多只能推迟" in chat("bob> /request snooze FIN-1 3d")
    assert messages_to(chat("@now 2026-11-23T13:31"), "bob")  # warn at 12:00 > snooze end
    assert "只有财务部的成员才能推迟提醒 FIN-1" in chat("henry> /request snooze FIN-1 1h")


def test_snooze_delays_warning(chat):
    chat("henry> /request finance reimbursement taxi 86 CNY", "carol> /request assign FIN-1 bob",
         "@now 2026-11-23T11:50", "bob> /request 稍后 FIN-1 2h")
    assert messages_to(chat("@now 2026-11-23T13:40"), "bob") == []  # warn held until 15:20
    assert messages_to(chat("@now 2026-11-23T15:21"), "bob")


def test_waiting_pauses_nudges_reminds_requester_then_auto_closes(chat):
    chat("henry> /request finance reimbursement taxi 86 CNY", "bob> /request wait FIN-1 发票呢？")
    assert "首次响应" not in chat("@now 2026-11-23T17:00")
    out = chat("@now 2026-11-24T09:30")  # one business day later
    henry = messages_to(out, "henry")
    assert len(henry) == 1 and "发票呢？" in henry[0]
    assert len(messages_to(chat("@now 2026-11-25T09:30"), "henry")) == 1  # second reminder
    assert messages_to(chat("@now 2026-11-26T09:30"), "henry") == []  # no third
    out = chat("@now 2026-11-30T09:30")  # five business days
    closing = messages_to(out, "henry")
    assert len(closing) == 1 and "自动关闭" in closing[0] and "/request reopen FIN-1" in closing[0]
    assert req(chat.app, "FIN-1").state == "closed"
    assert "感谢" not in chat("@now 2026-11-30T15:00")  # no thanks for work never done
    assert "已重开" in chat("henry> /request 重开 FIN-1 补交了发票")


def test_unconfirmed_resolution_is_auto_confirmed_then_thanked(chat):
    chat("henry> /request finance reimbursement taxi 86 CNY", "bob> /request resolve FIN-1 paid")
    assert req(chat.app, "FIN-1").state == "resolved"
    out = chat("@now 2026-11-26T09:05")  # three business days
    assert "自动关闭" in messages_to(out, "henry")[0]
    assert req(chat.app, "FIN-1").state == "closed"
    out = chat("@now 2026-11-26T09:30")
    assert "感谢您与财务部一起完成 FIN-1" in messages_to(out, "henry")[0]


def test_thanks_both_sides_then_one_rating_reminder(chat):
    chat("henry> /request finance reimbursement taxi 86 CNY", "bob> /request resolve FIN-1 paid",
         "henry> /request confirm FIN-1")
    assert messages_to(chat("@now 2026-11-23T09:10"), "henry") == []  # 15 min delay
    out = chat("@now 2026-11-23T09:16")
    thanks = messages_to(out, "henry")[0]
    assert "由 张伟 Bob Zhang 为您处理" in thanks
    assert "(button) 5 星 -> /request rate FIN-1 5" in thanks
    assert "您帮助了 李华 Henry Li (销售部)" in messages_to(out, "bob")[0]
    reminder = messages_to(chat("@now 2026-11-24T09:20"), "henry")
    assert len(reminder) == 1 and "请花几秒为 FIN-1" in reminder[0]
    assert messages_to(chat("@now 2026-11-26T10:00"), "henry") == []


def test_rating_by_button_and_tags(chat):
    chat("alice> /request it laptop x", "kevin> /request resolve IT-1 done",
         "alice> /request confirm IT-1")
    out = chat("@now 2026-11-23T09:30")
    button = next(line for line in out.splitlines() if "(button) 5 ★" in line)
    command = button.split("->", 1)[1].strip()
    assert "Thank you for rating IT-1 5/5." in chat(f"alice> {command}")
    chat("alice> /request rate IT-1 4 #timely #courteous but slow")  # a tag has its mark
    from storage.models import Rating

    with Session(chat.app.desk.engine) as s:
        rating = s.exec(select(Rating)).one()
    assert (rating.stars, rating.tags, rating.comment) == (4, ["timely", "courteous"],
                                                          "but slow")
    assert messages_to(chat("@now 2026-11-24T10:00"), "alice") == []  # rated: no reminder


def test_no_prompt_for_cancelled_requests(chat):
    chat("henry> /request finance reimbursement taxi 86 CNY", "henry> /request cancel FIN-1")
    assert messages_to(chat("@now 2026-11-24T10:00"), "henry") == []


def test_breach_is_recorded_with_lateness(chat):
    chat("henry> /request finance reimbursement taxi 86 CNY", "@now 2026-11-23T15:00",
         "bob> /request ack FIN-1")
    with Session(chat.app.desk.engine) as s:
        breach = s.exec(select(Breach)).one()
    assert breach.target == "first"
    assert breach.late_seconds == 30 * 60  # due 14:30, answered 15:00


def test_a_repeated_sweep_sends_nothing_twice(chat):
    chat("henry> /request finance reimbursement taxi 86 CNY")
    first = chat("@now 2026-11-23T15:00")
    assert first
    assert chat("@now 2026-11-23T15:00") == ""


def test_process_down_catches_up_once(chat):
    chat("henry> /request finance reimbursement taxi 86 CNY", "carol> /request assign FIN-1 bob")
    out = chat("@now 2026-11-24T10:00")  # nothing ran since Monday 09:00
    bob = messages_to(out, "bob")
    assert len(bob) == 1 and bob[0].count("• FIN-1") == 1
    assert "已超时" in bob[0]
    assert chat("@now 2026-11-24T10:01") == ""


def test_priority_change_recomputes_targets(chat):
    chat("henry> /request finance reimbursement taxi 86 CNY")
    before = req(chat.app, "FIN-1").resolution_due
    out = chat("bob> /request priority FIN-1 P1")
    assert "优先级已改为 P1 紧急" in out and "[to henry]" in out
    assert req(chat.app, "FIN-1").resolution_due < before
    assert "优先级为 P1" in chat("bob> /request priority FIN-1 P9")


def test_the_requester_hears_the_new_priority_in_their_own_language(chat):
    """Bob reads Chinese, Alice English: his change reaches her all in English."""
    chat("alice> /request finance cash-advance trip to Shanghai 2000 CNY")
    out = chat("bob> /request priority FIN-1 P1")
    assert "优先级已改为 P1 紧急" in out, "Bob's answer in his language"
    (told,) = [b for b in re.split(r"\n(?=\[)", out) if b.startswith("[to alice]")]
    assert "to P1 critical;" in told and "紧急" not in told, told



def test_one_sweeper_per_schema_on_postgresql(chat, engine):
    """While another replica sweeps this schema, a sweep stands aside; another schema's
    sweeper (another deployment, or a parallel test run) does not block it."""
    if not PG_URL:
        pytest.skip("advisory locks are a PostgreSQL matter")
    chat("henry> /request finance reimbursement taxi 86 CNY")
    at = local("2026-11-23T09:05")

    def held_by_other(schema_key):
        conn = engine.connect()
        conn.begin()
        conn.execute(select(func.pg_advisory_xact_lock(SWEEP_LOCK, schema_key)))
        return conn

    other = held_by_other(func.hashtext(func.current_schema()))
    try:
        assert sweep(chat.app.desk, at).skipped
    finally:
        other.close()
    elsewhere = held_by_other(func.hashtext("another_deployment"))
    try:
        assert not sweep(chat.app.desk, at).skipped
    finally:
        elsewhere.close()
