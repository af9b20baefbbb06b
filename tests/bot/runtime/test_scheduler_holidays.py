"""A desk serving for months hears when holiday data runs out: the scheduler checks once a
local day (as serve does at start) and logs the warning while a year lacks it."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest

from bot.runtime.clock import ManualClock
from bot.runtime.dispatch import Dispatcher
from bot.runtime.scheduler import Scheduler
from tests.bot.runtime.test_holiday_check import GAP
from tests.bot.runtime.test_scheduler import Recorder
from tests.conftest import local

NEXT_YEAR = (f"calendar.country: the holidays package has CN's public holidays for {GAP} but "
             f"no make-up workdays (调休) yet")


@contextmanager
def running(desk_app, clock: ManualClock) -> Iterator[Scheduler]:
    """A started scheduler whose jobs run only when a test asks (``sweep_at``)."""
    scheduler = Scheduler(desk_app, Dispatcher(desk_app.desk.engine, lambda _m: Recorder(),
                                               clock), sweep_seconds=3600, dispatch_seconds=3600)
    scheduler.start()
    try:
        assert wait_for_sweep(scheduler, clock())  # the start-up sweep
        yield scheduler
    finally:
        scheduler.shutdown()


def wait_for_sweep(scheduler: Scheduler, moment: datetime, seconds: float = 10) -> bool:
    """Whether a sweep at ``moment`` ended its sweeping within ``seconds``."""
    deadline = time.monotonic() + seconds
    while scheduler.last_sweep != moment:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def sweep_at(scheduler: Scheduler, clock: ManualClock, when: str) -> None:
    """Move the clock to ``when`` (local) and run the sweep job now, as its minute would
    (again if APScheduler skipped it: the last run was still delivering)."""
    clock.set(local(when))
    for _ in range(20):
        scheduler.scheduler.modify_job("sweep", next_run_time=datetime.now(UTC))
        if wait_for_sweep(scheduler, clock(), seconds=0.5):
            return
    raise AssertionError(f"the sweep did not run at {when}")


@pytest.fixture
def warnings(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.WARNING, logger="bot.runtime.scheduler")
    return caplog


def gap_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [m for m in caplog.messages if m.startswith(NEXT_YEAR)]


def test_serving_from_september_hears_of_next_years_missing_days_from_october(
        desk_app, clock, warnings):
    clock.set(local(f"{GAP - 1}-09-30T09:00"))
    with running(desk_app, clock) as scheduler:
        sweep_at(scheduler, clock, f"{GAP - 1}-09-30T17:00")
        assert not gap_warnings(warnings)  # next year is not checked yet
        sweep_at(scheduler, clock, f"{GAP - 1}-10-01T00:01")
        assert len(gap_warnings(warnings)) == 1
        for when in ("10-01T09:00", "10-01T23:59"):  # once a day at most
            sweep_at(scheduler, clock, f"{GAP - 1}-{when}")
        assert len(gap_warnings(warnings)) == 1
        sweep_at(scheduler, clock, f"{GAP - 1}-10-02T09:00")  # still missing: said again
        assert len(gap_warnings(warnings)) == 2
    assert not [m for m in warnings.messages if "holiday data check failed" in m]


def test_the_start_warning_is_not_repeated_by_the_sweeps_of_the_same_day(
        desk_app, clock, warnings):
    clock.set(local(f"{GAP}-03-02T09:00"))
    with running(desk_app, clock) as scheduler:  # warned at start
        assert len(gap_warnings(warnings)) == 1
        sweep_at(scheduler, clock, f"{GAP}-03-02T18:00")
        assert len(gap_warnings(warnings)) == 1


def test_a_year_with_its_data_says_nothing(desk_app, clock, warnings):
    clock.set(local(f"{GAP - 1}-03-02T09:00"))
    with running(desk_app, clock) as scheduler:
        sweep_at(scheduler, clock, f"{GAP - 1}-03-03T09:00")
    assert not [r for r in warnings.records if r.name == "bot.runtime.scheduler"]
