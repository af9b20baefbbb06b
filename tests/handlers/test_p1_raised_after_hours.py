"""A request raised to P1 while its round-the-clock desk is closed pages the leads at once,
as one opened at P1 does: its first response was due within the hour, and the lead first
heard of it at the breach."""

from __future__ import annotations

RAISED = ("@now 2026-10-01T10:00", "alice> /request production schedule later",
          "jack> /request priority PRD-1 P1")  # National Day: Production is closed


def test_a_raise_to_p1_at_night_pages_the_leads(chat):
    out = chat(*RAISED)
    assert "[to ivan] 🚨 生产部在非工作时间收到 P1 紧急请求 PRD-1" in out, out


def test_it_pages_once_and_not_in_working_hours(chat):
    chat(*RAISED)
    again = chat("jack> /request priority PRD-1 P2", "jack> /request priority PRD-1 P1")
    assert "[to ivan]" not in again
    day = chat("@now 2026-10-09T10:00", "alice> /request production schedule soon",
               "jack> /request priority PRD-2 P1")
    assert "非工作时间" not in day
