"""The rating reminder comes its configured time after the rating prompt was sent, not after
the close: a sweep that catches up after downtime sends the prompt alone."""

from __future__ import annotations

from tests.handlers.test_sweep import messages_to

CLOSED_MONDAY_4PM = ["@now 2026-11-23T09:00", "henry> /request finance reimbursement taxi 86 CNY",
                     "bob> /request resolve FIN-1 paid", "@now 2026-11-23T16:00",
                     "henry> /request confirm FIN-1"]


def test_after_a_week_down_the_prompt_comes_alone_and_the_reminder_a_working_day_later(chat):
    chat(*CLOSED_MONDAY_4PM)
    told = messages_to(chat("@now 2026-11-30T10:00"), "henry")  # the first sweep in a week
    assert len(told) == 1, told
    assert "对这次服务满意吗" in told[0] and "(button) 5 星 -> /request rate FIN-1 5" in told[0]
    assert "请花几秒" not in told[0]
    # "1d" of the company's calendar (7.5 working hours) after the prompt: Tuesday 10:00
    assert messages_to(chat("@now 2026-12-01T09:55"), "henry") == []
    reminder = messages_to(chat("@now 2026-12-01T10:05"), "henry")
    assert len(reminder) == 1 and "请花几秒为 FIN-1" in reminder[0]
    assert "(button) 5 星 -> /request rate FIN-1 5" in reminder[0]
    assert messages_to(chat("@now 2026-12-04T10:00"), "henry") == []  # one reminder only


def test_after_a_night_down_the_reminder_counts_from_the_morning_prompt(chat):
    chat(*CLOSED_MONDAY_4PM)  # the prompt was due at 16:15; the sweep is back at 09:30
    assert "对这次服务满意吗" in messages_to(chat("@now 2026-11-24T09:30"), "henry")[0]
    assert messages_to(chat("@now 2026-11-24T16:30"), "henry") == []  # not 1d after 16:15
    reminder = messages_to(chat("@now 2026-11-25T09:35"), "henry")
    assert len(reminder) == 1 and "请花几秒为 FIN-1" in reminder[0]


def test_a_rating_given_after_the_late_prompt_stops_the_reminder(chat):
    chat(*CLOSED_MONDAY_4PM, "@now 2026-11-30T10:00", "henry> /request rate FIN-1 5 thanks")
    assert messages_to(chat("@now 2026-12-01T10:05"), "henry") == []


def test_an_auto_confirmed_request_then_days_down_gets_the_prompt_alone(chat):
    chat("@now 2026-11-23T09:00", "henry> /request finance reimbursement taxi 86 CNY",
         "bob> /request resolve FIN-1 paid")
    assert "自动关闭" in messages_to(chat("@now 2026-11-26T09:05"), "henry")[0]
    told = messages_to(chat("@now 2026-12-02T14:00"), "henry")  # down since the close
    assert len(told) == 1 and "对这次服务满意吗" in told[0] and "请花几秒" not in told[0]
    reminder = messages_to(chat("@now 2026-12-03T14:05"), "henry")
    assert len(reminder) == 1 and "请花几秒为 FIN-1" in reminder[0]
