"""`crossdesk serve` started with a changed config: before its first sweep every open request
is due for a check, which works out its next one under the new config."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlmodel import Session

from bot.runtime import app as app_mod
from bot.runtime import config as config_mod
from bot.runtime import serve
from bot.runtime.clock import ManualClock, SystemClock
from bot.runtime.scheduler import reschedule_if_config_changed
from handlers.sweep import sweep
from storage import request_store
from tests.conftest import EXAMPLE


def next_check(engine):
    with Session(engine) as s:
        row = request_store.by_ref(s, "FIN-1")
        assert row is not None and row.next_sweep_at is not None
        return row.next_sweep_at


def test_serve_reschedules_open_requests_when_it_starts_with_a_changed_config(
        engine, database_url, tmp_path: Path, caplog):
    caplog.set_level(logging.INFO, logger="bot.runtime.scheduler")
    now = SystemClock()()  # serve runs on the real clock
    before = config_mod.load(EXAMPLE, database_url)
    desk = app_mod.build(before, ManualClock(now), engine=engine, upgrade=False)
    reschedule_if_config_changed(desk, now)  # the config the database saw: the sample's
    desk.handle("henry", "/request finance reimbursement taxi 86 CNY")
    sweep(desk.desk, now)
    at_75 = next_check(engine)  # the warning at 75 % of the first response target
    assert at_75 > now
    changed = tmp_path / "config.toml"
    changed.write_text(EXAMPLE.read_text(encoding="utf-8").replace(
        "warn_at = 0.75", "warn_at = 0.5", 1), encoding="utf-8")
    caplog.clear()
    runtime = serve.start(config_mod.load(changed, database_url))
    runtime.stop()
    assert next_check(engine) < at_75  # now, or the warning at 50 % if the sweep ran
    assert ("config changed: 1 open request will be looked at again by the next sweep"
            in caplog.messages)
