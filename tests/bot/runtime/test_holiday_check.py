"""Holiday data running out: `check-config` and /healthz name a year whose make-up workdays
the `holidays` package lacks for as long as that year lasts (and next year from October on),
until the config's `open_dates` list a day of it."""

from __future__ import annotations

from itertools import count
from pathlib import Path

import holidays

from bot.runtime.clock import ManualClock
from tests.bot.runtime.test_config import edited, write
from tests.bot.runtime.test_config_calendar import IT_DESK, run
from tests.bot.runtime.test_config_hardening import healthz
from tests.conftest import local


def _make_up_workdays(year: int) -> int:
    found = holidays.country_holidays("CN", years=year)
    return sum(1 for d in getattr(found, "weekend_workdays", ()) if d.year == year)


# The first year the installed package has no make-up workdays for (2027 with holidays 0.109),
# so these tests keep their meaning when a release adds 2027's.
GAP = next(y for y in count(2026) if not _make_up_workdays(y))
WARNING = (f"calendar.country: the holidays package has CN's public holidays for {GAP} but no "
           f"make-up workdays (调休) yet")


def check(path: Path, now: str) -> str:
    result = run("check-config", path, "--database-url", f"sqlite:///{path.parent / 'none.db'}",
                 "--now", now)
    assert result.exit_code == 0, result.output
    return result.output


def test_the_warning_lasts_through_the_year_whose_make_up_workdays_are_missing(tmp_path):
    path = write(tmp_path, edited())
    for day in (f"{GAP}-01-04", f"{GAP}-06-01", f"{GAP}-12-15"):
        output = check(path, f"{day}T10:00")
        assert WARNING in output, day
        assert "[calendar] open_dates and its extra days off in" in output
        assert f"(any {GAP} day in open_dates ends this warning)" in output


def test_next_year_is_checked_from_october(tmp_path):
    path = write(tmp_path, edited())
    assert "warning" not in check(path, f"{GAP - 1}-09-30T10:00")
    assert WARNING in check(path, f"{GAP - 1}-10-01T10:00")
    december = check(path, f"{GAP}-12-15T10:00")
    assert f"public holidays for {GAP + 1} but no make-up workdays" in december


def test_listing_a_day_of_that_year_in_open_dates_ends_the_warning(tmp_path):
    listed = f'open_dates = ["{GAP}-02-20"]'
    path = write(tmp_path, edited(("open_dates = []", listed)))
    assert "warning" not in check(path, f"{GAP}-03-01T10:00")
    assert f"for {GAP} but" not in check(path, f"{GAP}-12-15T10:00")
    # a desk with dates of its own keeps the company's: their list covers it too
    path = write(tmp_path, edited(("open_dates = []", listed),
                                  (IT_DESK, f'{IT_DESK}\nopen_dates = ["{GAP - 1}-12-31"]')))
    assert "warning" not in check(path, f"{GAP - 1}-11-23T10:00")
    assert "warning" not in check(path, f"{GAP}-03-01T10:00")


def test_a_desk_with_a_country_of_its_own_is_named(tmp_path):
    path = write(tmp_path, edited(('country = "CN"', 'country = ""'),
                                  (IT_DESK, f'{IT_DESK}\ncountry = "CN"')))
    output = check(path, f"{GAP}-03-01T10:00")
    assert f"departments[8].country: the holidays package has CN's public holidays for {GAP}" \
           in output


def test_healthz_names_the_current_year_while_its_make_up_workdays_are_missing(
        desk_app, clock: ManualClock):
    for day in (f"{GAP}-01-04", f"{GAP}-06-01"):
        clock.set(local(f"{day}T09:00"))
        assert healthz(desk_app)["holidays_missing"] == [f"CN {GAP}"], day
    clock.set(local(f"{GAP - 1}-06-01T09:00"))
    assert healthz(desk_app)["holidays_missing"] == []
