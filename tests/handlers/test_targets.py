"""A priority or service change works the targets out again from the current cycle's start
(a reopen's, not the opening's), keeps the waits of that cycle, and its answers say the
targets as ``show`` does: a first response given, a resolution paused while waiting."""

from __future__ import annotations

from tests.conftest import local
from tests.handlers.test_clock_ladder import overdue_lines
from tests.handlers.test_sweep import messages_to, req

# Finance question: P3, first response 4h, resolution 3d; a working day is 7.5h
# (09:00-12:00, 13:30-18:00); P2 halves the targets: resolution 11h15m.


def reopened(chat, *before: str) -> str:
    """FIN-1 opened Mon 11-23 09:00, answered 09:10, resolved 11:00 (``before`` typed in
    between) and reopened Wed 11-25 10:00: its new resolution target is Mon 11-30 10:00."""
    chat("alice> /request finance question card declined", "@now 2026-11-23T09:10",
         "bob> /request ack FIN-1", *before, "@now 2026-11-23T11:00",
         "bob> /request resolve FIN-1 unblocked")
    out = chat("@now 2026-11-25T10:00", "alice> /request reopen FIN-1 declined again")
    assert "New resolution target: 2026-11-30 10:00 (in 3 working days)" in out
    return out


def test_a_priority_change_after_a_reopen_counts_from_the_reopen(chat):
    reopened(chat)
    out = chat("@now 2026-11-25T10:05", "bob> /request priority FIN-1 P2")
    # 11h15m from Wed 10:00: 6h30m that day, 4h45m on Thursday
    assert ("[reply] FIN-1 优先级已改为 P2 高；首次响应：已于 2026-11-23 09:10 响应；"
            "解决时限：2026-11-26 15:15（剩余 1个工作日3小时40分）。") in out
    assert ("[to alice] 张伟 Bob Zhang changed the priority of FIN-1 (card declined) to P2 "
            "high; resolution by 2026-11-26 15:15 (in 1 working day 3h 40m).") in out
    assert req(chat.app, "FIN-1").resolution_due == local("2026-11-26T15:15")
    quiet = chat("@now 2026-11-25T10:10", "@now 2026-11-26T10:50")
    assert quiet == ""  # nothing overdue, no one up the ladder told
    warned = chat("@now 2026-11-26T11:00")  # 75% of the new target: Thu 10:56
    assert [m.splitlines()[1] for m in messages_to(warned, "bob")] == [
        "• FIN-1 card declined —— 解决剩余 2小时45分 · 张伟 Bob Zhang · 提单人 王丽 Alice Wang"]
    assert overdue_lines(warned) == [] and messages_to(warned, "carol") == []
    due = chat("@now 2026-11-26T15:16")
    assert "解决已超时 1分" in messages_to(due, "bob")[0] and messages_to(due, "carol") == []
    assert "第 1 级" in messages_to(chat("@now 2026-11-26T16:16"), "carol")[0]


def test_a_service_change_after_a_reopen_counts_from_the_reopen(chat):
    reopened(chat)
    out = chat("@now 2026-11-25T10:05", "alice> /request service FIN-1 cost-accounting")
    # cost accounting: 5 working days from Wed 10:00 is Wed 12-02 10:00
    assert ("[reply] FIN-1 is now Cost accounting; first response: answered 2026-11-23 09:10; "
            "resolution: 2026-12-02 10:00 (in 4 working days 7h 25m).") in out
    assert ("[to #finance-requests] 王丽 Alice Wang 将服务改为核算；首次响应：已于 2026-11-23 "
            "09:10 响应；解决时限：2026-12-02 10:00（剩余 4个工作日7小时25分）。") in out
    later = chat("@now 2026-11-25T10:10", "@now 2026-11-27T18:00", "@now 2026-11-30T10:00",
                 "@now 2026-11-30T17:00")
    assert overdue_lines(later) == [], later
    assert messages_to(later, "carol") == [] and messages_to(later, "grace") == []


def test_waits_in_the_reopened_cycle_still_count_and_earlier_ones_do_not(chat):
    # an hour's wait before the resolution (cycle 0) moves nothing after the reopen
    reopened(chat, "bob> /request wait FIN-1 which card?", "@now 2026-11-23T10:10",
             "alice> /request comment FIN-1 the blue one")
    chat("bob> /request wait FIN-1 which shop?",  # Wed 10:00-18:00: 6h30m paused
         "@now 2026-11-26T09:00", "alice> /request comment FIN-1 the canteen")
    out = chat("@now 2026-11-26T09:05", "bob> /request priority FIN-1 P2")
    # 11h15m + 6h30m = 17h45m from Wed 10:00: 6h30m, 7h30m on Thursday, 3h45m on Friday
    assert "解决时限：2026-11-27 14:15（剩余 1个工作日3小时40分）" in out
    assert req(chat.app, "FIN-1").resolution_due == local("2026-11-27T14:15")
    later = chat("@now 2026-11-26T09:10", "@now 2026-11-26T17:00")
    assert overdue_lines(later) == [] and messages_to(later, "carol") == []


def test_a_priority_change_while_waiting_says_the_resolution_is_paused(chat):
    chat("alice> /request finance question card declined", "@now 2026-11-23T09:10",
         "bob> /request wait FIN-1 which card?")
    out = chat("@now 2026-11-23T15:00", "bob> /request priority FIN-1 P2")
    assert ("[to alice] 张伟 Bob Zhang changed the priority of FIN-1 (card declined) to P2 "
            "high; resolution by 2026-11-25 09:35 if answered now (paused while waiting).") in out
    assert "解决时限：2026-11-25 09:35（等待答复中，暂停计时；此为现在答复时的时限）。" in out
    assert "(in " not in out and "剩余" not in out
    # 5h50m paused by 15:00 moves it out (it read 2026-11-24 14:15, before it could be)
    assert "Resolution: 2026-11-25 09:35 if answered now (paused while waiting)" in chat(
        "alice> /request show FIN-1")
    chat("@now 2026-11-24T09:00", "alice> /request comment FIN-1 the blue one")
    shown = chat("alice> /request show FIN-1")
    assert "Resolution: 2026-11-25 14:05 (in 1 working day 3h 35m)" in shown


def test_priority_and_service_answers_say_a_given_first_response_as_show_does(chat):
    chat("alice> /request finance question card declined", "@now 2026-11-23T09:10",
         "bob> /request ack FIN-1")
    out = chat("@now 2026-11-23T15:00", "bob> /request priority FIN-1 P2")
    assert "首次响应：已于 2026-11-23 09:10 响应" in out and "已超时" not in out
    assert "首次响应: 已于 2026-11-23 09:10 响应" in chat("carol> /request show FIN-1")
    out = chat("alice> /request service FIN-1 cost-accounting")
    assert "first response: answered 2026-11-23 09:10" in out and "overdue" not in out
    assert "首次响应：已于 2026-11-23 09:10 响应" in messages_to(out, "#finance-requests")[0]
    assert "已超时" not in out
    assert "First response: answered 2026-11-23 09:10" in chat("alice> /request show FIN-1")


def test_an_agreed_date_stands_when_the_service_changes(chat):
    chat("alice> /request finance question card declined", "@now 2026-11-23T10:00",
         "bob> /request propose FIN-1 2026-12-02 after the card audit",
         "@now 2026-11-23T11:00", "alice> /request accept FIN-1")
    out = chat("alice> /request service FIN-1 cost-accounting")
    assert "resolution: 2026-12-02 18:00" in out
    row = req(chat.app, "FIN-1")
    assert row.resolution_due == local("2026-12-02T18:00")
    # cost accounting's 5 days from Mon 09:00, moved by the proposal's hour
    assert row.original_resolution_due == local("2026-11-30T10:00")
