"""Every target that fell due counts for the desk that had it, met or missed, whatever happened
to the request later: a transfer, a reopen, a question to the requester, a cancel."""

from __future__ import annotations

from tests.conftest import local
from tests.handlers.test_digest_hardening import _digest


def _line(out: str, desk: str) -> str:
    """The scorecard's line of ``desk`` (its English name), ranked or unscored (a dash)."""
    return next(line for line in out.splitlines()
                if f". {desk}:" in line or line.startswith(f"— {desk}:"))


def test_a_transfer_keeps_the_first_desks_missed_target(chat):
    """Finance lets FIN-1's first response (due Mon 14:30) pass, then hands it to IT, who
    answers within the hour: the miss is Finance's (its channel hears of it though nothing
    came in that it still has), the met target IT's."""
    chat("@now 2026-11-23T09:00", "henry> /request finance reimbursement amount=86 taxi",
         "@now 2026-11-24T10:00", "bob> /request transfer FIN-1 it software",
         "@now 2026-11-24T11:00", "kevin> /request resolve FIN-1 done",
         "henry> /request confirm FIN-1")
    out = chat("@now 2026-11-30T10:00", "root> /request scorecard")
    assert "first response 0%" in _line(out, "Finance"), out
    assert ": 1 request · first response 100%" in _line(out, "IT"), "one request, not 1 requests"
    assert "首次响应 0%" in _digest(out, "#finance-requests")


def test_a_reopen_keeps_the_earlier_cycles_missed_resolution(chat):
    """FIN-1's resolution was due Tue 18:00 and came Thursday; reopened, resolved again: the
    first cycle's miss stays Finance's (before, the reopen erased it: "resolution —")."""
    chat("@now 2026-11-23T09:00", "henry> /request finance cash advance trip",
         "@now 2026-11-23T09:30", "bob> /request ack FIN-1",
         "@now 2026-11-26T10:00", "bob> /request resolve FIN-1 paid",
         "henry> /request confirm FIN-1",
         "@now 2026-11-26T11:00", "henry> /request reopen FIN-1 wrong amount",
         "@now 2026-11-26T12:00", "bob> /request resolve FIN-1 fixed",
         "henry> /request confirm FIN-1")
    out = chat("@now 2026-11-30T10:00", "root> /request scorecard")
    assert "first response 100% · resolution 0%" in _line(out, "Finance"), out


def test_a_question_asked_after_the_deadline_does_not_hide_the_miss(chat):
    """The resolution was due Tue 18:00; Friday evening the desk asks the requester a
    question. The digest on Monday still counts the miss."""
    out = chat("@now 2026-11-23T09:00", "henry> /request finance cash advance trip",
               "@now 2026-11-23T09:30", "bob> /request ack FIN-1",
               "@now 2026-11-27T17:50", "bob> /request wait FIN-1 which trip?",
               "@now 2026-11-30T09:31")
    assert "解决 0%" in _digest(out, "#finance-requests"), out


def test_a_request_cancelled_while_the_desk_waits_on_the_requester_is_no_miss(chat):
    """The desk asked at once; the requester never answered and cancelled on Thursday, after
    the resolution's original deadline: the clock was paused all along."""
    out = chat("@now 2026-11-23T09:00", "henry> /request finance cash advance trip",
               "@now 2026-11-23T09:30", "bob> /request wait FIN-1 which trip?",
               "@now 2026-11-26T09:30", "henry> /request cancel FIN-1",
               "@now 2026-11-30T09:31")
    digest = _digest(out, "#finance-requests")
    assert "首次响应 100%" in digest and "解决 0%" not in digest, digest


def test_a_miss_the_sweep_has_not_seen_yet_is_kept_at_the_transfer(chat, clock):
    """The transfer comes before any sweep noticed the missed first response: the transfer
    itself keeps the miss for Finance."""
    chat("@now 2026-11-23T09:00", "henry> /request finance reimbursement amount=86 taxi")
    clock.set(local("2026-11-24T10:00"))  # no sweep in between
    chat("bob> /request transfer FIN-1 it software")
    out = chat("@now 2026-11-30T10:00", "root> /request scorecard")
    assert "first response 0%" in _line(out, "Finance"), out


def test_a_late_resolution_the_sweep_has_not_seen_is_kept_at_the_reopen(chat, clock):
    """Resolved late between two sweeps, then reopened: the reopen keeps the late one."""
    chat("@now 2026-11-23T09:00", "henry> /request finance cash advance trip",
         "@now 2026-11-23T09:30", "bob> /request ack FIN-1")
    clock.set(local("2026-11-26T10:00"))  # past Tuesday's deadline, no sweep in between
    chat("bob> /request resolve FIN-1 paid", "henry> /request reopen FIN-1 wrong amount")
    out = chat("@now 2026-11-30T10:00", "root> /request scorecard")
    assert "resolution 0%" in _line(out, "Finance"), out


def test_a_transferred_then_reopened_request_is_timed_from_the_transfer(chat):
    """IT gets FIN-1 on Wednesday 09:00, answers at 10:00, and after a reopen resolves it
    again at 12:00: IT's speeds run from the transfer, not from Finance's Monday."""
    chat("@now 2026-11-23T09:00", "henry> /request finance reimbursement amount=86 taxi",
         "@now 2026-11-25T09:00", "bob> /request transfer FIN-1 it software",
         "@now 2026-11-25T10:00", "kevin> /request resolve FIN-1 installed",
         "henry> /request confirm FIN-1",
         "@now 2026-11-25T11:00", "henry> /request reopen FIN-1 still broken",
         "@now 2026-11-25T12:00", "kevin> /request resolve FIN-1 fixed",
         "henry> /request confirm FIN-1")
    it = _digest(chat("@now 2026-11-30T09:31"), "#it-requests")
    assert "首次响应中位数 1小时" in it and "解决中位数 1小时" in it, it


def test_a_late_first_response_counts_once_after_a_reopen(chat):
    """FIN-1's first response came a day late; reopened, its first target is still one miss,
    beside FIN-2's met one: 50 %, not 33 %."""
    chat("@now 2026-11-23T09:00", "henry> /request finance reimbursement amount=86 taxi",
         "henry> /request finance reimbursement amount=40 bus", "bob> /request ack FIN-2",
         "@now 2026-11-24T10:00", "bob> /request resolve FIN-1 paid",
         "henry> /request confirm FIN-1", "henry> /request reopen FIN-1 wrong amount",
         "bob> /request resolve FIN-1 fixed", "henry> /request confirm FIN-1")
    out = chat("@now 2026-11-30T10:00", "root> /request scorecard")
    assert "first response 50%" in _line(out, "Finance"), out


def test_a_reopen_keeps_the_earlier_cycles_met_resolution(chat):
    """FIN-1 was resolved on Monday, long before Wednesday's deadline, and its digest said so.
    Reopened on Wednesday, the new resolution falls due the week after: the met one stays in
    its own week's digest (before, that week showed "解决 —")."""
    chat("@now 2026-11-23T09:00", "henry> /request finance cash advance trip",
         "@now 2026-11-23T09:30", "bob> /request ack FIN-1",
         "@now 2026-11-23T10:00", "bob> /request resolve FIN-1 paid",
         "henry> /request confirm FIN-1",
         "@now 2026-11-27T10:00", "henry> /request reopen FIN-1 wrong amount")
    out = chat("@now 2026-11-30T09:31")
    assert "解决 100%" in _digest(out, "#finance-requests"), out


def test_a_transfer_keeps_the_first_desks_met_first_response(chat):
    """Finance answers FIN-1 within the hour, then hands it to IT: Finance met its first
    response (before, only IT's target counted and Finance showed none)."""
    chat("@now 2026-11-23T09:00", "henry> /request finance reimbursement amount=86 taxi",
         "@now 2026-11-23T09:30", "bob> /request ack FIN-1",
         "@now 2026-11-23T10:00", "bob> /request transfer FIN-1 it software",
         "@now 2026-11-23T11:00", "kevin> /request resolve FIN-1 done",
         "henry> /request confirm FIN-1")
    out = chat("@now 2026-11-30T10:00", "root> /request scorecard")
    assert "first response 100%" in _line(out, "Finance"), out
    assert "first response 100%" in _line(out, "IT"), out


def test_a_met_first_response_counts_once_after_two_reopens(chat):
    """FIN-1 was answered in time and reopened twice; FIN-2's first response came late: one
    met, one missed, 50 % (not 67 % with FIN-1 counted again per reopen)."""
    chat("@now 2026-11-23T09:00", "henry> /request finance reimbursement amount=86 taxi",
         "henry> /request finance reimbursement amount=40 bus", "bob> /request ack FIN-1",
         "bob> /request resolve FIN-1 paid", "henry> /request confirm FIN-1",
         "henry> /request reopen FIN-1 wrong amount", "bob> /request resolve FIN-1 fixed",
         "henry> /request confirm FIN-1", "henry> /request reopen FIN-1 still wrong",
         "@now 2026-11-24T10:00", "bob> /request ack FIN-2")
    out = chat("@now 2026-11-30T10:00", "root> /request scorecard")
    assert "first response 50%" in _line(out, "Finance"), out
