"""A week's digest counts that week: still open and overdue at its end, whenever it is posted,
and nothing for a desk whose requests all came after it."""

from __future__ import annotations

from tests.conftest import local
from tests.handlers.test_digest_hardening import _digest

W48_AT_END = "本周结束时仍未完成 1 个，其中超时 1 个"


def test_a_request_opened_after_the_week_gets_no_digest_for_it(chat):
    chat("@now 2026-11-30T09:00", "alice> /request it account locked out !P1")
    out = chat("@now 2026-11-30T09:31")
    assert "[to #it-requests] 📊" not in out, out


def test_overdue_is_counted_and_timed_at_the_weeks_end(chat):
    # IT-1: opened Wed 25 Nov, its first response due 14:30, never answered; IT-2 is W49's.
    chat("@now 2026-11-25T09:00", "alice> /request it software s1",
         "@now 2026-11-30T09:00", "alice> /request it account locked out !P1")
    it = _digest(chat("@now 2026-11-30T09:31"), "#it-requests")
    assert "2026-W48" in it and W48_AT_END in it
    listed = it.split("本周结束时超时（最严重的在前）：", 1)[1]
    assert "IT-1 s1 —— 已超时 2个工作日3小时30分" in listed  # Wed 14:30 to Sat 00:00
    assert "IT-2" not in listed


def test_a_request_answered_after_the_week_still_counts_as_overdue_at_its_end(chat):
    chat("@now 2026-11-25T09:00", "alice> /request it software s1",
         "@now 2026-11-30T09:10", "dave> /request resolve IT-1 reinstalled")
    it = _digest(chat("@now 2026-11-30T09:31"), "#it-requests")
    assert W48_AT_END in it and "IT-1 s1" in it


def test_a_digest_posted_late_counts_its_own_week(chat, clock):
    chat("@now 2026-11-23T09:31")  # W47, quiet: posted as nothing
    chat("@now 2026-11-25T09:00", "alice> /request it software s1")
    clock.set(local("2026-12-01T09:00"))  # the scheduler is down from Wednesday on
    chat("alice> /request it software s2")
    out = chat("@now 2026-12-08T09:31")  # back: W48 and W49 are posted now
    w48 = _digest(out, "#it-requests")
    assert "2026-W48" in w48 and W48_AT_END in w48
    assert "IT-1" in w48 and "IT-2" not in w48
