"""Issue #16, digests and the scorecard: every target that fell due counts, the worst overdue
first, no week skipped over a long closure, one-decimal scores, idle desks listed apart."""

from __future__ import annotations


def _digest(out: str, target: str) -> str:
    """The weekly digest printed to ``target`` (up to the next message)."""
    after = out.split(f"[to {target}] 📊", 1)[1]
    return after.split("\n[", 1)[0]


IGNORED_AND_LATE = [
    # Finance never answers FIN-1: both its targets (Mon 14:30, Wed 18:00) pass unmet.
    "@now 2026-11-16T09:00", "henry> /request finance reimbursement amount=86 taxi",
    # IT answers IT-1 three hours late (due 11:00), resolves it on time, and gets 4 stars.
    "bob> /request it laptop broken",
    "@now 2026-11-16T14:00", "kevin> /request ack IT-1",
    "@now 2026-11-16T17:00", "kevin> /request resolve IT-1 swapped",
    "bob> /request confirm IT-1", "bob> /request rate IT-1 4",
    "@now 2026-11-23T10:00",
]


def test_ignored_request_counts_as_missed_and_ranks_below_a_late_answer(chat):
    chat(*IGNORED_AND_LATE)
    out = chat("root> /request scorecard")
    lines = out.splitlines()
    it = next(i for i, line in enumerate(lines) if ". IT:" in line)
    finance = next(i for i, line in enumerate(lines) if line.startswith("— Finance:"))
    assert it < finance  # ignoring a request is worse than answering it late
    assert "first response 0% · resolution 0%" in lines[finance]  # not "—"
    assert "not scored" in lines[finance]
    # timeliness (0% + 100%) / 2 = 0.5, satisfaction (4 − 1) / 4 = 0.75: 62.5, not 62
    assert "first response 0% · resolution 100%" in lines[it]
    assert "score 62.5" in lines[it]


def test_digest_of_a_desk_that_answered_nothing_shows_zero(chat):
    chat(*IGNORED_AND_LATE[:2])
    out = chat("@now 2026-11-23T09:31")
    finance = _digest(out, "#finance-requests")
    assert "首次响应 0%" in finance and "解决 0%" in finance


def test_desks_with_nothing_this_week_are_listed_apart_not_ranked(chat):
    chat(*IGNORED_AND_LATE)
    out = chat("root> /request scorecard")
    listed = [line for line in out.splitlines() if line[:1].isdigit() or line[:2] == "— "]
    assert len(listed) == 2  # IT ranked, Finance unscored
    assert "No requests this week: Sales, Marketing, Production, Maintenance" in out
    zh = chat("henry> /request scorecard")
    assert "本周无请求：销售部、市场部、生产部、设备部" in zh


def test_overdue_now_lists_the_request_furthest_past_a_deadline_first(chat):
    out = chat(
        # FIN-1 answered at once; its resolution was due Wed 18 Nov 18:00.
        "@now 2026-11-16T09:00", "henry> /request finance reimbursement amount=86 taxi",
        "bob> /request ack FIN-1",
        # FIN-2 never answered: its first response was due Tue 17 Nov 18:00 (a day earlier),
        # though its resolution is due only next Monday.
        "@now 2026-11-17T09:00", "henry> /request finance cost accounting budget codes",
        "@now 2026-11-23T09:31",
    )
    finance = _digest(out, "#finance-requests")
    overdue = finance.split("本周结束时超时（最严重的在前）：", 1)[1]
    assert overdue.index("FIN-2") < overdue.index("FIN-1")


def test_a_week_whose_posting_day_falls_in_spring_festival_is_still_posted(chat):
    chat("@now 2026-02-02T09:00", "henry> /request finance reimbursement amount=86 taxi W06",
         "bob> /request ack FIN-1")
    assert "财务部周报 · 2026-W06" in chat("@now 2026-02-09T09:31")
    chat("@now 2026-02-10T09:00", "henry> /request finance reimbursement amount=86 hotel W07",
         "bob> /request ack FIN-2")
    # W07's digest is due on Mon 16 Feb, closed until Tue 24 Feb, as is W08's.
    assert "周报" not in chat("@now 2026-02-16T09:31", "@now 2026-02-23T09:31")
    out = chat("@now 2026-02-24T09:31")
    finance = [line for line in out.splitlines()
               if line.startswith("[to #finance-requests] 📊")]
    assert [line.split("· ")[1][:8] for line in finance] == ["2026-W07", "2026-W08"]
    assert out.index("服务记分卡 · 2026-W07") < out.index("服务记分卡 · 2026-W08")
    assert "📊" not in chat("@now 2026-02-24T10:31", "@now 2026-03-02T09:00")
