"""A missed first response shows in the lists as ``show`` says it: the queue and the home
overview mark it overdue, first among the overdue, with its due time and how late it is; a
first response still owed shows its due time, not the resolution's. A manager's overview
lists what was escalated to them; "solved" with two requests open names both in good
English."""

from __future__ import annotations

# FIN-1: a reimbursement opened Thursday, acknowledged at once: its resolution falls due
# Tuesday 12-01 10:00, earlier than FIN-2's; FIN-2: a cash advance opened Monday 09:10, its
# first response due 11:10 and missed by 17:00 (the escalations went out), resolution 12-02.
TWO = ("@now 2026-11-26T10:00", "alice> /request finance reimbursement taxi 86 CNY",
       "bob> /request ack FIN-1",
       "@now 2026-11-30T09:10", "alice> /request finance cash advance trip 5000 CNY")
LATE_ZH = ("FIN-2 [P2] trip 5000 CNY — 待受理 · 王丽 Alice Wang · "
           "首次响应 2026-11-30 11:10（已超时 4小时20分）")


def replies(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("[reply]")]


def test_the_queue_shows_a_missed_first_response_overdue_and_first(chat):
    chat(*TWO, "@now 2026-11-30T17:00")
    out = chat("carol> /request queue")
    lines = out.splitlines()
    assert f"• {LATE_ZH}" in lines
    fin1 = next(line for line in lines if line.startswith("• FIN-1"))
    assert lines.index(f"• {LATE_ZH}") < lines.index(fin1), "overdue first"
    assert "首次响应" not in fin1 and "2026-12-01 10:00（剩余" in fin1


def test_a_first_response_still_owed_shows_its_own_due_time(chat):
    chat(*TWO[3:], "@now 2026-11-30T09:30")
    out = chat("carol> /request queue")
    assert "• FIN-1 [P2] trip 5000 CNY — 待受理 · 王丽 Alice Wang · " \
           "首次响应 2026-11-30 11:10（剩余 1小时40分）" in out
    assert "2026-12-02" not in out


def test_the_home_overview_marks_a_missed_first_response_overdue(chat):
    chat(*TWO, "@now 2026-11-30T17:00")
    items = [line for line in replies(chat("carol> /request home")) if "FIN-" in line]
    assert items[0] == f"[reply] FIN-2 ⚠ 已超时 · {LATE_ZH.removeprefix('FIN-2 ')}"
    assert items[1].startswith("[reply] FIN-1 [P3] taxi 86 CNY"), "not overdue: no mark"
    mine = [line for line in replies(chat("alice> /request home")) if "FIN-2" in line]
    assert mine == ["[reply] FIN-2 ⚠ overdue · [P2] trip 5000 CNY — open · "
                    "first response 2026-11-30 11:10 (overdue 4h 20m)"]


def test_a_managers_home_lists_what_was_escalated_to_them(chat):
    out = chat(*TWO, "@now 2026-11-30T17:00")
    assert "[to grace]" in out and "升级至您（第 2 级）：FIN-2" in out
    home = chat("grace> /request home")
    assert "[reply] 升级至您的请求 —— 未完成（超时的在前）" in home
    assert f"[reply] FIN-2 ⚠ 已超时 · {LATE_ZH.removeprefix('FIN-2 ')}\n" \
           "  (button) 详情 -> /request show FIN-2" in home
    assert "FIN-1" not in home, "not escalated"
    lead = chat("carol> /request home")  # the level-1 escalation: her own desk's queue has it
    assert "升级至您的请求" not in lead and lead.count("[reply] FIN-2") == 1
    chat("bob> /request resolve FIN-2 paid")
    assert "升级至您的请求" not in chat("grace> /request home"), "open ones only"


def test_solved_with_two_requests_open_names_both(chat):
    chat("@now 2026-11-30T09:10", "alice> /request finance reimbursement cab 90 CNY")
    one = chat("alice@dm> 已解决")
    assert "I haven't passed this on to the desk: FIN-1 is still open. If you no longer " \
           "need it, type:" in one
    chat("alice> /request 财务 咨询 年底前报销截止日是哪天？")
    out = chat("alice@dm> 已解决")
    assert "I haven't passed this on to the desk: FIN-2 and FIN-1 are still open. " \
           "If you no longer need them, type:" in out
