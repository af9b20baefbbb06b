"""A request's current cycle is stored on it (``cycle_started_at``, and the time it waited on
the requester in that cycle): a priority change after the config changed a service's length,
a reopened request whose service left the config, and a priority change to or from an
after-hours P1 (a round-the-clock clock) all count from the right start with the right wait.

The sample company: Mon-Fri 09:00-12:00 and 13:30-18:00 in Asia/Shanghai (a working day is
7.5 h), no public holiday in late November or December 2026; P2 halves a P3's targets."""

from __future__ import annotations

from tests.conftest import EXAMPLE, local
from tests.handlers.test_clock_ladder import overdue_lines
from tests.handlers.test_config_change import restart
from tests.handlers.test_sweep import messages_to, req
from tests.handlers.test_targets import reopened

QUESTION = ('key = "question"\nname = "Finance question"\nname_zh = "财务咨询"\n'
            'aliases = ["ask", "咨询"]\npriority = "P3"\nfirst_response = "4h"\n')


def test_a_priority_change_after_the_config_shortened_the_service_counts_no_phantom_wait(
        chat, engine, clock, tmp_path):
    # FIN-1 (finance question, 3d) reopened Wed 11-25 10:00: due Mon 11-30 10:00.
    reopened(chat)
    # The question's resolution becomes 2 days; the request keeps the target it was given.
    desk = restart(tmp_path, engine, clock,
                   (QUESTION + 'resolution = "3d"', QUESTION + 'resolution = "2d"'))
    out = desk("@now 2026-11-25T10:05", "bob> /request priority FIN-1 P2")
    # P2 halves the new 2 days (15 h) to 7h30m from the reopen, Wed 10:00: 2 h to noon,
    # 4h30m in the afternoon, then 1 h on Thursday: Thu 11-26 10:00. The cycle waited on no
    # one: before, the 1 day the old target held beyond the new length was taken for a wait
    # and the target went to Fri 11-27 10:00.
    assert "解决时限：2026-11-26 10:00（剩余 7小时25分）" in out, out
    assert req(desk.app, "FIN-1").resolution_due == local("2026-11-26T10:00")
    assert overdue_lines(desk("@now 2026-11-26T09:59")) == []
    due = desk("@now 2026-11-26T10:01")
    assert "解决已超时 1分" in messages_to(due, "bob")[0], due


def test_a_reopened_request_whose_service_left_keeps_its_length_from_the_reopen(
        chat, engine, clock, tmp_path):
    # Cash advance: P2, resolution 2 days (15 h) from Mon 11-23 09:00: due Tue 11-24 18:00.
    chat("henry> /request finance cash-advance trip to Wuhan",
         "@now 2026-11-23T09:10", "bob> /request ack FIN-1",
         "@now 2026-11-23T10:00", "bob> /request resolve FIN-1 paid",
         "henry> /request confirm FIN-1")
    text = EXAMPLE.read_text(encoding="utf-8")
    start = text.index('[[departments.categories]]\nkey = "cash-advance"')
    end = text.index("[[departments.categories]]", start + 10)
    desk = restart(tmp_path, engine, clock, (text[start:end], ""))  # the service is gone
    out = desk("@now 2026-12-14T10:00", "henry> /request reopen FIN-1 wrong amount")
    # the 15 h it had, from the reopen: Mon 12-14 6h30m, Tue 7h30m, Wed 1 h: Wed 10:00
    assert "新的解决时限：2026-12-16 10:00（剩余 2个工作日）" in out, out
    # The warning comes at 75% of those 15 h (3h45m before the due time: Tue 12-15 15:15),
    # not at the first sweep: before, the stand-in service measured its length from the
    # opening three weeks earlier (128h30m), so the warning was long past at the reopen.
    early = desk("@now 2026-12-14T10:01", "@now 2026-12-15T15:14")
    assert messages_to(early, "bob") == [], early
    # 2h44m on Tuesday and 1 h on Wednesday left (a service gone is kept private: no title)
    warned = desk("@now 2026-12-15T15:16")
    assert "FIN-1 （保密） —— 解决剩余 3小时44分" in messages_to(warned, "bob")[0], warned
    # Reopened again: 15 h from Tue 12-15 16:30 (1h30m, Wed 7h30m, Thu 6 h): Thu 12-17
    # 16:30; before, the length was measured from the opening to the last target (17 days).
    out = desk("bob> /request resolve FIN-1 paid again", "henry> /request confirm FIN-1",
               "@now 2026-12-15T16:30", "henry> /request reopen FIN-1 still wrong")
    assert "新的解决时限：2026-12-17 16:30（剩余 2个工作日）" in out, out
    assert req(desk.app, "FIN-1").resolution_due == local("2026-12-17T16:30")


def test_a_change_to_an_after_hours_p1_counts_the_evenings_wait_in_wall_time(chat):
    # Production schedule, P2: resolution 1 day (7h30m) from Fri 11-27 16:00 is Mon 11-30
    # 16:00; the desk waits on the requester from 17:00 to 21:00.
    chat("@now 2026-11-27T16:00", "alice> /request production schedule line slow",
         "@now 2026-11-27T16:30", "jack> /request ack PRD-1",
         "@now 2026-11-27T17:00", "jack> /request wait PRD-1 which line?",
         "@now 2026-11-27T21:00", "alice> /request comment PRD-1 line 3")
    out = chat("@now 2026-11-27T21:30", "ivan> /request priority PRD-1 P1")
    # As a P1 at an after-hours desk it runs round the clock: 3h45m from 16:00 is 19:45,
    # moved by the 4 h it waited (wall time): 23:45. Before, the wait counted as the 1 h of
    # business time it had been measured in (17:00-18:00): 20:45, overdue at once.
    assert "解决时限：2026-11-27 23:45（剩余 2小时15分）" in out, out
    assert req(chat.app, "PRD-1").resolution_due == local("2026-11-27T23:45")
    assert messages_to(chat("@now 2026-11-27T21:31", "@now 2026-11-27T23:44"), "ivan") == []
    late = chat("@now 2026-11-27T23:46")
    assert "PRD-1 line slow —— 解决已超时 1分" in messages_to(late, "ivan")[0], late


def test_a_change_from_an_after_hours_p1_counts_the_weekends_wait_in_business_time(chat):
    # A P1 from Fri 11-27 16:00, round the clock: resolution 3h45m, 19:45; the desk waits on
    # the requester from 17:00 until Monday 09:30 (64h30m of wall time).
    chat("@now 2026-11-27T16:00", "alice> /request production schedule !P1 line slow",
         "@now 2026-11-27T16:30", "jack> /request ack PRD-1",
         "@now 2026-11-27T17:00", "jack> /request wait PRD-1 which line?",
         "@now 2026-11-30T09:30", "alice> /request comment PRD-1 line 3")
    assert req(chat.app, "PRD-1").resolution_due == local("2026-11-30T12:15")
    out = chat("@now 2026-11-30T10:00", "ivan> /request priority PRD-1 P2")
    # P2 in business time: 7h30m from Fri 16:00 is Mon 16:00, moved by the wait as business
    # time counts it (Fri 17:00-18:00 and Mon 09:00-09:30, 1h30m): Mon 17:30. Before, the
    # 64h30m of wall time were added as business time: Fri 12-11 11:30.
    assert "解决时限：2026-11-30 17:30（剩余 6小时）" in out, out
    assert req(chat.app, "PRD-1").resolution_due == local("2026-11-30T17:30")
