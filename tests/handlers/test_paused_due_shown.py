"""While the clock is paused, the resolution due time shown is the one it would have were
the pause to end now: the time already paused moves it out. It was shown unmoved, hours or
days earlier than it could ever be ("2026-12-02 18:00 (paused)" after a day's wait)."""

from __future__ import annotations

import re


def shown_due(out: str) -> str:
    found = re.search(r"Resolution: (\d{4}-\d\d-\d\d \d\d:\d\d)", out)
    assert found, out
    return found.group(1)


def test_the_due_shown_in_a_wait_is_what_an_answer_now_gives(chat):
    chat("@now 2026-11-30T09:00", "alice> /request finance question card declined",
         "@now 2026-11-30T10:00", "bob> /request wait FIN-1 which card?")
    paused = shown_due(chat("@now 2026-12-01T15:00", "alice> /request show FIN-1"))
    # due Wed 2 Dec 18:00, paused Mon 10:00 to Tue 15:00 (6h30m + 4h30m = 11h): Fri 14:00
    assert paused == "2026-12-04 14:00"
    chat("alice> /request comment FIN-1 the blue one")
    assert shown_due(chat("alice> /request show FIN-1")) == paused


def test_the_due_shown_while_a_proposal_waits_moves_too(chat):
    chat("@now 2026-11-30T09:00", "alice> /request finance question card declined",
         "bob> /request ack FIN-1", "bob> /request propose FIN-1 2026-12-10 need the bank")
    first = shown_due(chat("alice> /request show FIN-1"))
    later = shown_due(chat("@now 2026-12-01T09:00", "alice> /request show FIN-1"))
    assert later > first
    chat("alice> /request decline FIN-1 too late")
    assert shown_due(chat("alice> /request show FIN-1")) == later
