"""A P1 at a desk with ``after_hours_p1 = true`` (the sample company's Production) runs round
the clock: its targets, pauses and snoozes count in wall time, its leads hear of it at once
when it arrives out of hours, and of its breach whatever the hour. Its other requests, and
P1s at other desks, keep business time."""

from __future__ import annotations

import re

from sqlmodel import Session, col, select

from storage.models import Breach
from tests.conftest import local
from tests.handlers.test_clock_ladder import company
from tests.handlers.test_sweep import messages_to, req

# Production schedule: P2, first response 2h, resolution 1d (7.5 h); P1 halves both: 1 h and
# 3h45m. Fri 2026-11-27 22:00 is after hours; the desk opens again Mon 11-30 09:00.
FRIDAY_NIGHT = "@now 2026-11-27T22:00"
STOPPED = "alice> /request production schedule !P1 line stopped"
ALERT = "🚨 生产部在非工作时间收到 P1 紧急请求"


def alerts(out: str, who: str = "ivan") -> list[str]:
    return [m for m in messages_to(out, who) if "🚨" in m]


def test_a_p1_opened_on_friday_night_tells_the_lead_at_once_and_is_due_within_the_hour(chat):
    out = chat(FRIDAY_NIGHT, STOPPED)
    assert ("First response by 2026-11-27 23:00 (in 1h); resolution by 2026-11-28 01:45 "
            "(in 3h 45m).") in out
    row = req(chat.app, "PRD-1")
    assert (row.first_response_due, row.resolution_due) == (
        local("2026-11-27T23:00"), local("2026-11-28T01:45"))
    told = alerts(out)
    assert len(told) == 1, out
    assert (f"{ALERT} PRD-1：line stopped（提单人 王丽 Alice Wang）。该请求全天候计时："
            "首次响应时限 2026-11-27 23:00（剩余 1小时）。") in told[0]
    assert "(button) 受理 -> /request ack PRD-1" in told[0]
    assert alerts(chat("@now 2026-11-27T22:30")) == []  # once


def test_the_breach_at_night_reaches_the_lead_at_once_and_the_channel_on_monday(chat):
    chat(FRIDAY_NIGHT, STOPPED)
    assert messages_to(chat("@now 2026-11-27T22:59"), "ivan") == []  # the warning waits
    out = chat("@now 2026-11-27T23:01")
    ivan = messages_to(out, "ivan")
    assert len(ivan) == 1 and "PRD-1 line stopped —— 首次响应已超时 1分" in ivan[0], out
    assert messages_to(out, "#production-requests") == []
    with Session(chat.app.desk.engine) as s:
        missed = s.exec(select(Breach).order_by(col(Breach.id))).all()
    assert [(b.target, b.due_at) for b in missed] == [("first", local("2026-11-27T23:00"))]
    late = chat("@now 2026-11-28T01:46")  # the resolution too, in the small hours
    assert "PRD-1 line stopped —— 解决已超时 1分" in messages_to(late, "ivan")[0]
    monday = chat("@now 2026-11-30T09:00")
    # its clock never stopped: 58 hours late are days of the calendar, not working days
    assert "PRD-1 line stopped —— 首次响应已超时 2天10小时" in messages_to(
        monday, "#production-requests")[0]


def test_a_p3_at_the_same_desk_still_waits_for_monday(chat):
    out = chat(FRIDAY_NIGHT, "alice> /request production sample a sample please", STOPPED)
    # 4h of business time from Monday's opening: 09:00-12:00 and 13:30-14:30
    assert "Opened PRD-1: Sample request for Production, P3 normal.\nFirst response by " \
           "2026-11-30 14:30 (in 4h)" in out
    assert [m for m in alerts(out) if "PRD-1" in m] == [] and len(alerts(out)) == 1
    weekend = chat("@now 2026-11-28T10:00", "@now 2026-11-29T23:00")
    assert "PRD-1" not in weekend and "PRD-2" in weekend  # only the P1 was worked at night


def test_a_p1_at_a_desk_without_after_hours_p1_keeps_business_time(chat):
    out = chat(FRIDAY_NIGHT, "alice> /request it account-access !P1 locked out", STOPPED)
    assert "Opened IT-1: Account access for IT, P1 critical.\nFirst response by " \
           "2026-11-30 09:30 (in 30m); resolution by 2026-11-30 11:00 (in 2h)." in out
    assert messages_to(out, "dave") == [] and len(alerts(out)) == 1
    weekend = chat("@now 2026-11-27T23:01", "@now 2026-11-29T23:00")
    assert "IT-1" not in weekend and "PRD-1" in weekend


def test_a_change_to_p1_and_back_re_times_the_targets(chat):
    out = chat("@now 2026-11-27T17:00", "alice> /request production schedule line slow")
    assert "First response by 2026-11-30 10:00 (in 2h)" in out
    out = chat("@now 2026-11-27T17:30", "ivan> /request priority PRD-1 P1")
    # from the opening at 17:00, round the clock: 1 h and 3h45m
    assert ("首次响应：2026-11-27 18:00（剩余 30分）；"
            "解决时限：2026-11-27 20:45（剩余 3小时15分）") in out
    out = chat("@now 2026-11-27T17:40", "ivan> /request priority PRD-1 P2")
    # back in business time from 17:00: 1 h on Friday, then Monday (20 min of Friday left)
    assert ("首次响应：2026-11-30 10:00（剩余 1小时20分）；"
            "解决时限：2026-11-30 17:00（剩余 6小时50分）") in out
    assert "PRD-1" not in chat("@now 2026-11-27T18:01", "@now 2026-11-29T23:00")


def test_a_wait_over_the_evening_moves_the_p1_target_by_the_wall_time_paused(chat):
    chat("@now 2026-11-27T17:00", "alice> /request production schedule !P1 line slow",
         "@now 2026-11-27T17:35", "ivan> /request ack PRD-1",
         "ivan> /request wait PRD-1 which line?")
    chat("@now 2026-11-27T21:35", "alice> /request comment PRD-1 line 3")
    assert req(chat.app, "PRD-1").resolution_due == local("2026-11-28T00:45")  # 20:45 + 4h
    assert "解决时限: 2026-11-28 00:45（剩余 3小时10分）" in chat("ivan> /request show PRD-1")


def test_a_snooze_of_a_day_on_a_p1_is_twenty_four_hours(chat):
    chat(FRIDAY_NIGHT, STOPPED, "@now 2026-11-27T22:10", "ivan> /request ack PRD-1")
    out = chat("ivan> /request snooze PRD-1 1d")
    assert "PRD-1 的提醒已推迟到 2026-11-28 22:10。" in out


def test_the_leads_notice_is_sent_once_and_only_out_of_hours(chat):
    out = chat("@now 2026-11-27T17:00", "alice> /request production schedule !P1 in hours")
    assert alerts(out) == []  # the desk is open: its channel is enough
    out = chat(FRIDAY_NIGHT, STOPPED)
    assert len(alerts(out)) == 1 and "PRD-2" in alerts(out)[0]
    chat("ivan> /request priority PRD-2 P1",  # chosen: a transfer keeps it
         "ivan> /request transfer PRD-2 maintenance")
    back = chat("jack> /request transfer PRD-2 production schedule")
    assert "PRD-2 已转交生产部 · 生产计划（P1 紧急）" in back and alerts(back) == []


def test_the_notice_is_in_the_leads_language(tmp_path, engine, clock):
    def english_lead(text: str) -> str:
        return text.replace('name = "吴强 Ivan Wu"                # Production lead\n',
                            'name = "吴强 Ivan Wu"\nlocale = "en"\n', 1)

    chat = company(tmp_path, engine, clock, english_lead)
    told = alerts(chat(FRIDAY_NIGHT, STOPPED))
    assert ("🚨 New P1 for Production outside working hours: PRD-1 line stopped, from "
            "王丽 Alice Wang. It runs round the clock: first response due 2026-11-27 23:00 "
            "(in 1h).") in told[0]


def test_a_p1_opened_at_night_in_the_desks_help_channel_tells_the_lead(tmp_path, engine,
                                                                        clock):
    def help_channel(text: str) -> str:
        text = text.replace("after_hours_p1 = true ", 'intake_channel = "production-help"\n'
                            'after_hours_p1 = true ', 1)
        return re.sub(r'(key = "production-schedule"\n(?:.*\n){3})priority = "P2"',
                      r'\1priority = "P1"', text, count=1)

    chat = company(tmp_path, engine, clock, help_channel)
    out = chat(FRIDAY_NIGHT, "alice@#production-help> line 2 stopped")
    assert "首次响应截止 2026-11-28 00:00（剩余 2小时）" in out  # a P1 service: 2 h, at night
    assert len(alerts(out)) == 1 and "PRD-1：line 2 stopped" in alerts(out)[0]
