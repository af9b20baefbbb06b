"""`[calendar]` and a desk's own calendar keys: a value of the wrong type is a check-config
problem naming the key, what was found and what to write (never a traceback); a day both
closed and open in one table is a problem, while a desk's own date wins over the company's;
a date with a time is refused; a country code in any case is taken."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from bot.cli.main import app
from bot.runtime import app as app_mod
from bot.runtime import config as config_mod
from bot.runtime.clock import ManualClock
from tests.bot.runtime.test_config import FIX_WORDS, edited, write
from tests.conftest import Transcript, local

COMPANY_HOURS = 'hours = ["09:00-12:00", "13:30-18:00"]'
COMPANY_DAYS = 'workdays = ["mon", "tue", "wed", "thu", "fri"]'
IT_DESK = 'channel = "it-requests"'  # the IT department's last line before its services
IT_KEY = "departments[8]"


def run(command: str, path: Path, *args: str):
    return CliRunner().invoke(app, [command, "--config", str(path), *args],
                              env={"COLUMNS": "200"})


# (edit of the sample company, key, what the problem shows was found)
WRONG_TYPES = {
    "workdays as numbers": ((COMPANY_DAYS, "workdays = [1, 2, 3, 4, 5]"),
                            "calendar.workdays", "[1, 2, 3, 4, 5]"),
    "hours as numbers": ((COMPANY_HOURS, "hours = [900, 1800]"), "calendar.hours",
                         "[900, 1800]"),
    "hours as one number": ((COMPANY_HOURS, "hours = 5"), "calendar.hours", "not 5"),
    "hours as pairs": ((COMPANY_HOURS, 'hours = [["09:00", "18:00"]]'), "calendar.hours",
                       '[["09:00", "18:00"]]'),
    "country as a number": (('country = "CN"', "country = 5"), "calendar.country", "not 5"),
    "open_dates as a number": (("open_dates = []", "open_dates = [20261231]"),
                               "calendar.open_dates", "20261231"),
    "timezone as a number": (('timezone = "Asia/Shanghai"', "timezone = 8"), "bot.timezone",
                             "not 8"),
    "a desk's hours as numbers": ((IT_DESK, f"{IT_DESK}\nhours = [900, 1800]"),
                                  f"{IT_KEY}.hours", "[900, 1800]"),
    "a desk's workdays as numbers": ((IT_DESK, f"{IT_DESK}\nworkdays = [0, 6]"),
                                     f"{IT_KEY}.workdays", "[0, 6]"),
    "a desk's country as a table": ((IT_DESK, f'{IT_DESK}\ncountry = {{ code = "CN" }}'),
                                    f"{IT_KEY}.country", '{ code = "CN" }'),
}


@pytest.mark.parametrize("case", sorted(WRONG_TYPES))
def test_a_calendar_value_of_the_wrong_type_is_a_problem_not_a_traceback(tmp_path, case):
    edit, key, found = WRONG_TYPES[case]
    path = write(tmp_path, edited(edit))
    result = run("check-config", path)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # no traceback
    lines = [line for line in result.output.splitlines() if f"{path}: " in line]
    assert len(lines) == 1 and f"{path}: {key}: " in lines[0], result.output
    assert found in lines[0] and any(w in lines[0] for w in FIX_WORDS), lines[0]


def test_a_day_both_closed_and_open_in_one_table_is_a_problem(tmp_path):
    path = write(tmp_path, edited(("closed_dates = []", 'closed_dates = ["2026-12-31"]'),
                                  ("open_dates = []", 'open_dates = ["2026-12-31"]')))
    for command in ("check-config", "chat"):
        result = run(command, path, "--database-url", f"sqlite:///{tmp_path / 'x.db'}")
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), command
        assert f"{path}: calendar.closed_dates: 2026-12-31 also in calendar.open_dates; " \
               "a day is either closed or open: remove it from one of the two lists" \
               in result.output


def test_a_date_and_time_in_closed_dates_is_refused_with_the_date_to_write(tmp_path):
    path = write(tmp_path, edited(("closed_dates = []", "closed_dates = [2026-12-31T00:00:00]"),
                                  ("open_dates = []", 'open_dates = ["2027-02-20T09:00"]')))
    for command in ("check-config", "chat"):
        result = run(command, path, "--database-url", f"sqlite:///{tmp_path / 'x.db'}")
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), command
        assert "calendar.closed_dates: 2026-12-31T00:00:00 is a date and time, but " \
               'closed_dates lists whole days; write "2026-12-31"' in result.output
        assert 'calendar.open_dates: "2027-02-20T09:00" is a date and time, but open_dates ' \
               'lists whole days; write "2027-02-20"' in result.output


def test_a_country_code_in_lower_case_is_taken(tmp_path):
    path = write(tmp_path, edited(('country = "CN"', 'country = "cn"')))
    result = run("check-config", path, "--now", "2026-03-02T09:00")
    assert result.exit_code == 0, result.output
    assert config_mod.load(path).calendar_spec.country == "CN"


def _desk(tmp_path: Path, engine: Engine, clock: ManualClock, *edits: tuple[str, str]) \
        -> Transcript:
    settings = config_mod.load(write(tmp_path, edited(*edits)))
    return Transcript(app_mod.build(settings, clock, engine=engine, upgrade=False), clock)


def test_a_desk_open_on_a_company_closure_works_that_day(tmp_path, engine, clock):
    # Wednesday 30 December 17:00: the company closes on the 31st (a TOML date), IT opens;
    # 1 January is a public holiday, then a weekend.
    clock.set(local("2026-12-30T17:00"))
    chat = _desk(tmp_path, engine, clock,
                 ("closed_dates = []", "closed_dates = [2026-12-31]"),
                 (IT_DESK, f'{IT_DESK}\nopen_dates = ["2026-12-31"]'))
    assert "First response by 2026-12-31 10:00 (in 2h)" in chat(
        "alice> /request it laptop screen broken")  # 1 h on the 30th, 1 h on the 31st
    assert "First response by 2027-01-04 12:00 (in 4h)" in chat(
        "alice> /request finance reimbursement taxi 86 CNY")  # 1 h, then 3 h on the 4th


def test_a_desk_keeps_the_companys_dates_it_does_not_override(tmp_path):
    path = write(tmp_path, edited(
        ("closed_dates = []", 'closed_dates = ["2026-12-31", "2026-12-24"]'),
        ("open_dates = []", 'open_dates = ["2027-02-20", "2027-02-27"]'),
        (IT_DESK, f'{IT_DESK}\nopen_dates = ["2026-12-31"]\nclosed_dates = ["2027-02-27"]')))
    spec = config_mod.load(path).department_specs["it"]
    assert {d.isoformat() for d in spec.closed_dates} == {"2026-12-24", "2027-02-27"}
    assert {d.isoformat() for d in spec.open_dates} == {"2026-12-31", "2027-02-20"}
