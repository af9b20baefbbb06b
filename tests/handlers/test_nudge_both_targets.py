"""A nudge that names a request's overdue first response also gives its resolution's warning
when that falls due in the same sweep: it was dropped (one line per request) and, claimed
with it, never came; the next word of the resolution was "due now"."""

from __future__ import annotations

from tests.handlers.test_sweep import messages_to

OPEN = ("@now 2026-11-30T17:30", "henry> /request it account locked out",
        "dave> /request assign IT-1 kevin")


def test_the_resolution_warning_comes_beside_the_overdue_first_response(chat):
    chat(*OPEN)
    (kevin,) = messages_to(chat("@now 2026-12-01T11:30"), "kevin")
    assert "IT-1 locked out — first response overdue 2h" in kevin
    assert "IT-1 locked out — resolution due in 1h" in kevin
    assert kevin.startswith("[to kevin] Reminder: 1 request needs your attention:")
    assert kevin.count("(button) Acknowledge IT-1") == 1


def test_two_overdue_targets_still_make_one_line(chat):
    chat("@now 2026-11-23T09:00", "alice> /request it software s1")
    (dave,) = messages_to(chat("@now 2026-11-25T10:00"), "dave")
    assert dave.count("IT-1 s1") == 1
