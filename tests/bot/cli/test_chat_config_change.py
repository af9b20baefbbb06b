"""`crossdesk chat` (the console) after an operator changed the config reschedules open
requests as serve and tick do at start, at the transcript's own time: a reminder the change
moves earlier arrives at its new point, one already sent is not sent again."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from tests.bot.cli.test_tick_config_change import (
    BREACH,
    OPEN,
    RESCHEDULED,
    WARNING,
    config_warning_at,
    invoke,
    to_finance,
)
from tests.conftest import EXAMPLE


def chat(config: Path, url: str, *lines: str) -> str:
    """`crossdesk chat` with ``config`` over ``lines``: what it printed."""
    return invoke("chat", "--config", str(config), "--database-url", url,
                  input="\n".join(lines) + "\n")


def test_the_console_reschedules_under_a_changed_config_at_its_first_moment(
        engine: Engine, database_url: str, tmp_path: Path):
    opened = chat(EXAMPLE, database_url, OPEN, "@now 2026-11-23T10:00")
    assert "config" not in opened  # a new database: nothing to reschedule
    # 10:00 looked at FIN-1: its next check is its warning at 75 % (12:00, after lunch 13:30)
    out = chat(config_warning_at(tmp_path, "0.5"), database_url,
               "# the warning now comes at 50 % (11:00)", "@now 2026-11-23T10:30",
               "@now 2026-11-23T11:01")
    assert out.splitlines()[0] == RESCHEDULED, out
    warned = to_finance(out)
    assert len(warned) == 1 and "FIN-1" in warned[0] and WARNING in warned[0], out


def test_the_console_sends_nothing_twice_across_restarts(engine, database_url, tmp_path):
    at_50 = config_warning_at(tmp_path, "0.5")
    chat(EXAMPLE, database_url, OPEN, "@now 2026-11-23T11:30")  # 60 %: before 75 %
    out = chat(at_50, database_url, "@now 2026-11-23T11:40")
    assert len(to_finance(out)) == 1 and WARNING in out, out  # 50 % has passed: sent now
    out = chat(at_50, database_url, "@now 2026-11-23T11:50")  # the same config again
    assert "config" not in out and not to_finance(out), out
    out = chat(EXAMPLE, database_url, "@now 2026-11-23T13:31", "@now 2026-11-23T14:31")
    assert out.startswith(RESCHEDULED), out  # back to 75 %: passed, and sent already
    finance = to_finance(out)
    assert len(finance) == 1 and BREACH in finance[0], finance


def test_a_typed_line_first_reschedules_at_the_consoles_clock(engine, database_url, tmp_path):
    chat(EXAMPLE, database_url, OPEN, "@now 2026-11-23T10:00")
    out = invoke("chat", "--config", str(config_warning_at(tmp_path, "0.5")),
                 "--database-url", database_url, "--now", "2026-11-23T11:01",
                 input="henry> /request list\n")
    lines = out.splitlines()
    assert lines[0] == RESCHEDULED and "FIN-1" in out, out
    # the sweep runs at the next `@now`: the warning, due since 11:00
    out = chat(config_warning_at(tmp_path, "0.5"), database_url, "@now 2026-11-23T11:02")
    assert len(to_finance(out)) == 1 and WARNING in out, out
