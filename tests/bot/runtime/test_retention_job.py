"""The nightly retention job: registered at 03:30 local time when [retention] is set, and
blanking what is due with the app's clock."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from bot.runtime import app as app_mod
from bot.runtime import config as config_mod
from bot.runtime.clock import ManualClock
from bot.runtime.dispatch import Dispatcher
from bot.runtime.scheduler import Scheduler
from handlers.retention_rules import RetentionPolicy, parse_age
from storage import request_store
from tests.conftest import SHANGHAI, local


def scheduler(settings: config_mod.Settings, engine: Engine, clock: ManualClock,
              policy: RetentionPolicy) -> Scheduler:
    desk_app = app_mod.build(dataclasses.replace(settings, retention=policy), clock,
                             engine=engine, upgrade=False)
    return Scheduler(desk_app, Dispatcher(engine, lambda _m: None, clock))  # type: ignore


def test_the_job_runs_nightly_at_0330_local_time_and_blanks_what_is_due(settings, engine,
                                                                        clock) -> None:
    jobs = scheduler(settings, engine, clock, RetentionPolicy(details=parse_age("90d")))
    job = jobs.scheduler.get_job("retention")
    assert job is not None
    fire = job.trigger.get_next_fire_time(None, local("2026-11-23T09:00"))
    assert fire == datetime(2026, 11, 24, 3, 30, tzinfo=SHANGHAI)
    jobs.app.handle("henry", "/request finance cash-advance taxi to the airport 86")
    jobs.app.handle("bob", "/request resolve FIN-1 paid")
    jobs.app.handle("henry", "/request confirm FIN-1")
    clock.set(local("2027-02-22T03:30"))  # 91 days later
    jobs._retention()
    with Session(engine) as s:
        request = request_store.by_ref(s, "FIN-1")
        assert request is not None and request.title == "—" and request.details == ""


def test_no_job_without_retention(settings, engine, clock) -> None:
    jobs = scheduler(settings, engine, clock, RetentionPolicy())
    assert jobs.scheduler.get_job("retention") is None
    assert jobs.scheduler.get_job("sweep") is not None
