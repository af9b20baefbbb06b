"""The clock and the ladder (#16): reopen cycles, keys that survive a moved due time, what
follows the ladder, due-now notices, desk-sized days and durations read in working days."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from bot.runtime import app as app_mod
from bot.runtime import config as config_mod
from storage.models import Breach
from tests.conftest import EXAMPLE, Transcript
from tests.handlers.test_sweep import messages_to, req


def breaches(chat: Transcript) -> list[Breach]:
    """The missed targets kept (not the met ones a reopen keeps)."""
    with Session(chat.app.desk.engine) as s:
        return list(s.exec(select(Breach).where(col(Breach.met).is_(False))
                           .order_by(col(Breach.id))))


def overdue_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if "已超时" in line or "overdue" in line]


def company(tmp_path: Path, engine, clock, edit) -> Transcript:
    """The sample company with ``edit`` applied to its config text."""
    path = tmp_path / "config.toml"
    path.write_text(edit(EXAMPLE.read_text(encoding="utf-8")), encoding="utf-8")
    app = app_mod.build(config_mod.load(path), clock, engine=engine, upgrade=False)
    return Transcript(app, clock)


# --- 1. reopen ------------------------------------------------------------------------------

def test_reopen_weeks_later_starts_a_fresh_resolution_target_and_keeps_the_old_miss(chat):
    # reimbursement: 3 business days → due Wed 11-25 18:00; resolved an hour late.
    chat("henry> /request finance reimbursement taxi 86 CNY", "bob> /request ack FIN-1")
    chat("@now 2026-11-26T09:01", "@now 2026-11-26T10:00")
    chat("bob> /request resolve FIN-1 paid", "henry> /request confirm FIN-1")
    missed = [(b.target, b.late_seconds) for b in breaches(chat)]
    assert missed == [("resolution", 3600)]
    answered = req(chat.app, "FIN-1").first_response_at

    out = chat("@now 2026-12-14T10:00", "henry> /request reopen FIN-1 amount is wrong")
    # 3 business days from the reopen: Mon 6.5h + Tue + Wed + 1h on Thu
    assert "新的解决时限：2026-12-17 10:00（剩余 3个工作日）" in out
    later = chat("@now 2026-12-14T10:01", "@now 2026-12-14T15:00", "@now 2026-12-15T17:00")
    assert overdue_lines(later) == []  # no instant "overdue", no escalation burst
    assert messages_to(later, "carol") == [] and messages_to(later, "grace") == []
    assert req(chat.app, "FIN-1").first_response_at == answered  # the first response stays
    assert "首次响应" not in later
    assert [(b.target, b.late_seconds) for b in breaches(chat)] == missed  # old cycle as it was

    due = chat("@now 2026-12-17T10:01")  # the new cycle's own target, missed
    assert "解决已超时 1分" in messages_to(due, "bob")[0]
    assert [b.cycle for b in breaches(chat)] == [0, 1]


# --- 2. a moved due time never resends ------------------------------------------------------

def test_pause_resume_and_priority_change_on_a_breached_request_do_not_resend_the_ladder(chat):
    # IT laptop: resolution 1 business day → due Mon 18:00, noticed Tue 09:00, lead at 10:00.
    chat("alice> /request it laptop screen broken", "kevin> /request ack IT-1")
    first = chat("@now 2026-11-24T09:01", "@now 2026-11-24T10:01")
    assert messages_to(first, "kevin") and messages_to(first, "dave")
    # a 30-minute wait moves the due time to Tue 09:30; P4 and back to P3 move it twice more
    chat("@now 2026-11-24T10:30", "kevin> /request wait IT-1 which model?",
         "@now 2026-11-24T11:00", "alice> /request comment IT-1 T14",
         "kevin> /request snooze IT-1 5m", "kevin> /request priority IT-1 P4",
         "kevin> /request priority IT-1 P3")
    out = chat("@now 2026-11-24T11:05", "@now 2026-11-24T11:25")
    assert overdue_lines(out) == [], out  # neither the breach nor the lead's step again
    assert [b.target for b in breaches(chat)] == ["resolution"]  # one miss, counted once
    nxt = chat("@now 2026-11-24T11:31")  # the ladder goes on: repeat 1, 2h after Tue 09:30
    assert len(messages_to(nxt, "kevin")) == 1 and messages_to(nxt, "dave") == []


# --- 3. after the ladder --------------------------------------------------------------------

def test_after_the_ladder_leads_get_one_daily_line_until_it_moves(chat):
    chat("henry> /request finance reimbursement taxi 86 CNY",
         "@now 2026-11-23T10:00", "henry> /request finance reimbursement amount=86 hotel 300")
    chat("@now 2026-11-26T09:00", "@now 2026-11-27T17:00")  # the ladders run their course
    out = chat("@now 2026-11-30T09:00")
    daily = messages_to(out, "carol")
    assert len(daily) == 1, out
    assert "仍然超时：2 个（最严重的在前）" in daily[0]
    assert daily[0].index("FIN-1") < daily[0].index("FIN-2")
    assert messages_to(chat("@now 2026-11-30T11:00", "@now 2026-11-30T17:00"), "carol") == []
    assert len(messages_to(chat("@now 2026-12-01T09:00"), "carol")) == 1
    chat("bob> /request resolve FIN-1 paid", "bob> /request resolve FIN-2 paid")
    assert messages_to(chat("@now 2026-12-02T09:00"), "carol") == []


def p1_opt_in(text: str) -> str:
    return text.replace('channel = "it-requests"\n',
                        'channel = "it-requests"\nafter_hours_p1 = true\n', 1)


def test_p1_breach_after_hours_reaches_the_leads_at_once_where_the_desk_opts_in(
        tmp_path, engine, clock):
    # account access P2 1h; !urgent makes it P1 (x0.5): opened Fri 17:30, due 18:00 Friday.
    chat = company(tmp_path, engine, clock, p1_opt_in)
    chat("@now 2026-11-27T17:30", "alice> /request it account-access !urgent locked out")
    out = chat("@now 2026-11-27T18:01")
    dave = messages_to(out, "dave")
    assert len(dave) == 1 and "IT-1" in dave[0] and "首次响应已超时 1分" in dave[0]  # wall time
    assert messages_to(out, "#it-requests") == []  # the desk itself hears it on Monday


def test_p1_breach_after_hours_waits_for_monday_without_the_opt_in(chat):
    chat("@now 2026-11-27T17:30", "alice> /request it account-access !urgent locked out")
    assert messages_to(chat("@now 2026-11-27T18:01", "@now 2026-11-28T12:00"), "dave") == []


def test_check_config_refuses_a_non_boolean_after_hours_p1(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(p1_opt_in(EXAMPLE.read_text(encoding="utf-8")).replace(
        "after_hours_p1 = true", 'after_hours_p1 = "yes"'), encoding="utf-8")
    with pytest.raises(config_mod.ConfigError) as err:
        config_mod.load(path)
    assert "after_hours_p1" in str(err.value)


# --- 4. no "overdue by 0 minutes" -----------------------------------------------------------

def test_a_breach_at_its_due_minute_says_it_is_due_now(chat):
    chat("henry> /request finance reimbursement taxi 86 CNY", "alice> /request it laptop slow",
         "dave> /request assign IT-1 kevin")
    out = chat("@now 2026-11-23T11:00")  # IT's first response (2h) falls due
    assert "first response is due now" in messages_to(out, "kevin")[0]
    out = chat("@now 2026-11-23T14:30")
    assert "已超时 0分" not in out
    assert "首次响应现在到期" in messages_to(out, "#finance-requests")[0]


# --- 5. a 24x7 desk's own day ---------------------------------------------------------------

def test_24x7_desk_counts_snooze_days_with_its_own_day(chat):
    chat("@now 2026-11-23T22:00", "henry> /request maintenance equipment repair line 3 down")
    out = chat("jack> /request snooze MNT-1 1d")
    assert "推迟到 2026-11-24 22:00" in out
    assert "MNT-1 最多只能推迟 1天" in chat("jack> /request snooze MNT-1 2d")  # 24×7: a day


# --- 6. defaults follow the calendar; durations read in working days ------------------------

def test_default_rating_reminder_is_one_business_day_of_the_company(tmp_path, engine, clock):
    def eight_hour_days(text: str) -> str:
        text = text.replace('hours = ["09:00-12:00", "13:30-18:00"]',
                            'hours = ["09:00-12:00", "13:00-18:00"]', 1)
        return "\n".join(line for line in text.splitlines()
                         if not line.startswith("rating_reminder"))

    chat = company(tmp_path, engine, clock, eight_hour_days)
    chat("henry> /request finance reimbursement taxi 86 CNY", "bob> /request resolve FIN-1 paid",
         "henry> /request confirm FIN-1", "@now 2026-11-23T09:16")  # thanks at 09:15
    assert messages_to(chat("@now 2026-11-23T17:50"), "henry") == []  # not 7h30m
    reminder = messages_to(chat("@now 2026-11-24T09:16"), "henry")  # 8h later
    assert len(reminder) == 1 and "FIN-1" in reminder[0]


def test_durations_of_a_day_and_more_read_in_working_days(chat):
    out = chat("henry> /request finance reimbursement taxi 86 CNY")
    assert "2026-11-25 18:00（剩余 3个工作日）" in out
    assert "3个工作日" in chat("henry> /request finance")
    chat("bob> /request resolve FIN-1 paid")
    closing = messages_to(chat("@now 2026-11-26T09:05"), "henry")[0]
    assert "已解决超过 3个工作日，现已自动关闭" in closing and "工作时间" not in closing
    chat("henry> /request finance cash advance trip", "@now 2026-11-27T10:00")
    late = messages_to(chat("@now 2026-11-30T11:00"), "#finance-requests")
    assert any("已超时 1个工作日" in m for m in late), late
