"""`crossdesk tick` after an operator changed the config: open requests are looked at again
under the new config at once, so a reminder it moves earlier arrives at its new point; a
reminder already sent is not sent again; an unchanged config reschedules nothing."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.cli.main import app
from bot.runtime import app as app_mod
from bot.runtime import config as config_mod
from bot.runtime.clock import ManualClock
from bot.runtime.scheduler import SWEEP_SCOPE, reschedule_if_config_changed
from storage import request_store
from storage.models import ConfigFingerprint
from tests.conftest import EXAMPLE, local

# FIN-1 (reimbursement, first response 4h) opened Monday 09:00 is due 14:30 (lunch 12-13:30):
# its warning comes at 75 % of the target (12:00, sent 13:30 after lunch) in the sample
# config, at 50 % (11:00) once changed.
OPEN = "@now 2026-11-23T09:00\nhenry> /request finance reimbursement taxi 86 CNY\n"
WARNING = "首次响应剩余"
BREACH = "首次响应已超时"
RESCHEDULED = "config changed: 1 open requests rescheduled"


def config_warning_at(tmp_path: Path, share: str) -> Path:
    """The sample config with the desks warned at ``share`` of each target."""
    text = EXAMPLE.read_text(encoding="utf-8")
    assert "warn_at = 0.75" in text
    path = tmp_path / f"warn-{share}.toml"
    path.write_text(text.replace("warn_at = 0.75", f"warn_at = {share}", 1), encoding="utf-8")
    return path


def invoke(*args: str, input: str | None = None) -> str:
    result = CliRunner().invoke(app, list(args), input=input, env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    return result.output


def tick(config: Path, url: str, now: str) -> str:
    """`crossdesk tick --now` with ``config``: what it printed."""
    return invoke("tick", "--config", str(config), "--database-url", url, "--now", now)


def to_finance(out: str) -> list[str]:
    """The messages to Finance's channel in ``out``."""
    return [b for b in re.split(r"\n(?=\[)", out) if b.startswith("[to #finance-requests]")]


@pytest.fixture
def opened(engine: Engine, database_url: str) -> str:
    """FIN-1 opened on the console with the sample config; the database's URL."""
    invoke("chat", "--config", str(EXAMPLE), "--database-url", database_url, input=OPEN)
    return database_url


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="bot.runtime.scheduler")
    return caplog


def test_a_reminder_moved_earlier_arrives_at_its_new_point_after_the_change(
        opened, tmp_path, logged):
    at_75 = config_warning_at(tmp_path, "0.75")
    at_50 = config_warning_at(tmp_path, "0.5")
    assert not to_finance(tick(at_75, opened, "2026-11-23T10:00"))  # next check: the warning
    out = tick(at_50, opened, "2026-11-23T10:30")  # the operator changed it to 50 %
    assert not to_finance(out)
    warned = to_finance(tick(at_50, opened, "2026-11-23T11:01"))
    assert len(warned) == 1 and "FIN-1" in warned[0] and WARNING in warned[0], warned
    assert RESCHEDULED in logged.messages


@pytest.mark.parametrize(("before", "after", "sent_at", "changed_at", "later"), [
    ("0.75", "0.5", "13:31", "13:40", "14:31"),  # moved to before it was sent
    ("0.5", "0.75", "11:01", "11:30", "14:31"),  # moved past the moment it was sent
])
def test_a_reminder_sent_before_the_change_is_not_sent_again(
        opened, tmp_path, logged, before, after, sent_at, changed_at, later):
    old, new = config_warning_at(tmp_path, before), config_warning_at(tmp_path, after)
    warned = to_finance(tick(old, opened, f"2026-11-23T{sent_at}"))
    assert len(warned) == 1 and WARNING in warned[0], warned
    out = tick(new, opened, f"2026-11-23T{changed_at}")
    assert RESCHEDULED in logged.messages
    out += tick(new, opened, "2026-11-23T13:31")  # the 75 % point passes (after lunch)
    out += tick(new, opened, f"2026-11-23T{later}")
    finance = to_finance(out)
    assert not [m for m in finance if WARNING in m], finance
    assert len(finance) == 1 and BREACH in finance[0], finance  # the schedule goes on


def test_an_unchanged_config_reschedules_nothing(opened, engine, logged):
    invoke("tick", "--config", str(EXAMPLE), "--database-url", opened, "--now",
           "2026-11-23T10:00")
    # the first tick keeps the fingerprint; FIN-1, opened at 09:00, was due for a check anyway
    assert "config first seen: 0 open requests rescheduled" in logged.messages
    before = next_check(engine)
    assert before is not None and before > local("2026-11-23T11:00")
    logged.clear()
    desk = app_mod.build(config_mod.load(EXAMPLE), ManualClock(local("2026-11-23T10:30")),
                         engine=engine, upgrade=False)
    assert reschedule_if_config_changed(desk, local("2026-11-23T10:30")) is None
    assert next_check(engine) == before
    tick(EXAMPLE, opened, "2026-11-23T10:45")
    assert not [m for m in logged.messages if m.startswith("config")], logged.messages
    with Session(engine) as s:
        kept = s.exec(select(ConfigFingerprint)).all()
    assert [k.scope for k in kept] == [SWEEP_SCOPE] and re.fullmatch(r"[0-9a-f]{64}",
                                                                     kept[0].sha256)


def next_check(engine: Engine):
    with Session(engine) as s:
        row = request_store.by_ref(s, "FIN-1")
        assert row is not None
        return row.next_sweep_at
