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
RESCHEDULED = "config changed: 1 open request will be looked at again by the next sweep"


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
    # the console that opened FIN-1 kept the fingerprint (a new database: nothing to reschedule)
    assert not [m for m in logged.messages if m.startswith("config")], logged.messages
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


# --- a rule the new config places before a request's last sweep ---------------------------

ESCALATED = "升级至您（第 2 级）"


def config_with(tmp_path: Path, name: str, *edits: tuple[str, str]) -> Path:
    """The sample config with each edit (one exact piece of text replaced)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def to(out: str, target: str) -> list[str]:
    """The messages to ``target`` (a person id, or ``#channel``) in ``out``."""
    return [b for b in re.split(r"\n(?=\[)", out) if b.startswith(f"[to {target}]")]


def test_a_reminder_moved_before_the_last_sweep_is_sent_once_at_the_next_one(
        opened, tmp_path):
    at_75 = config_warning_at(tmp_path, "0.75")
    at_50 = config_warning_at(tmp_path, "0.5")
    # 11:30: FIN-1 is at 60 % of its 4 hours; its warning is due at 75 % (12:00)
    assert not to_finance(tick(at_75, opened, "2026-11-23T11:30"))
    warned = to_finance(tick(at_50, opened, "2026-11-23T11:40"))  # now due at 50 % (11:00)
    assert len(warned) == 1 and "FIN-1" in warned[0] and WARNING in warned[0], warned
    out = tick(at_50, opened, "2026-11-23T11:50")  # the same config again: nothing new
    out += tick(at_75, opened, "2026-11-23T13:31")  # changed back: 75 % has passed, sent
    out += tick(at_50, opened, "2026-11-23T14:31")
    finance = to_finance(out)
    assert len(finance) == 1 and BREACH in finance[0], finance


def test_a_request_overdue_for_its_check_when_the_config_changes_gets_the_moved_reminder(
        opened, tmp_path):
    """serve was down over the 75 % point (13:30, after lunch); it comes back with the
    warning at 50 %, which FIN-1's last sweep (11:30) has passed."""
    assert not to_finance(tick(config_warning_at(tmp_path, "0.75"), opened,
                               "2026-11-23T11:30"))
    warned = to_finance(tick(config_warning_at(tmp_path, "0.5"), opened, "2026-11-23T13:40"))
    assert len(warned) == 1 and WARNING in warned[0], warned


def test_a_new_escalation_step_already_due_reaches_its_recipient_once(opened, tmp_path):
    """Finance's ladder climbs one level (Carol), then two (Carol, then her manager Grace,
    4 working hours after the 14:30 breach: Tuesday 09:30) after FIN-1 was last swept."""
    depth = "escalation_depth = 3"
    one = config_with(tmp_path, "one-level", (depth, "escalation_depth = 1"))
    two = config_with(tmp_path, "two-levels", (depth, "escalation_depth = 2"))
    out = tick(one, opened, "2026-11-23T14:31") + tick(one, opened, "2026-11-23T15:31")
    assert len(to(out, "carol")) == 1
    assert not to(tick(one, opened, "2026-11-24T10:00"), "grace")
    grace = to(tick(two, opened, "2026-11-24T10:10"), "grace")
    assert len(grace) == 1 and ESCALATED in grace[0] and "FIN-1" in grace[0], grace
    out = tick(two, opened, "2026-11-24T10:20") + tick(one, opened, "2026-11-24T10:30")
    out += tick(two, opened, "2026-11-24T11:00")  # back to two levels: sent already
    assert not to(out, "grace") and not to(out, "carol"), out


def test_a_warning_is_not_sent_once_its_target_has_passed(engine, database_url, tmp_path):
    """Bob had FIN-1 and was warned and told of the breach (and so was the desk); then he
    leaves Finance in the config. Looked at again, FIN-1's nudges go to the desk's channel,
    which hears nothing of a warning whose target has passed: the next repeat comes at
    16:30."""
    invoke("chat", "--config", str(EXAMPLE), "--database-url", database_url,
           input=OPEN + "carol> /request assign FIN-1 bob\n")
    out = tick(EXAMPLE, database_url, "2026-11-23T13:31")
    assert len(to(out, "bob")) == 1 and WARNING in to(out, "bob")[0]
    out = tick(EXAMPLE, database_url, "2026-11-23T14:31")
    assert len(to(out, "bob")) == 1 and len(to_finance(out)) == 1
    left = config_with(tmp_path, "bob-left", ('members = ["carol", "bob"]', 'members = ["carol"]'))
    out = tick(left, database_url, "2026-11-23T14:40")
    assert RESCHEDULED in out
    assert not to_finance(out) and not to(out, "bob"), out
    repeat = to_finance(tick(left, database_url, "2026-11-23T16:31"))
    assert len(repeat) == 1 and BREACH in repeat[0] and WARNING not in repeat[0], repeat


# --- what tick says ---------------------------------------------------------------------

def test_tick_says_how_many_requests_a_changed_config_rescheduled(opened, tmp_path):
    first = tick(EXAMPLE, opened, "2026-11-23T10:00")
    assert "config" not in first  # the console that opened FIN-1 saw this config first
    out = tick(config_warning_at(tmp_path, "0.5"), opened, "2026-11-23T10:30")
    lines = out.splitlines()
    assert lines[0] == RESCHEDULED, out  # before what the sweep did
    assert lines[1].startswith("swept 1 request,"), out
    again = tick(config_warning_at(tmp_path, "0.5"), opened, "2026-11-23T10:45")
    assert "config" not in again and again.startswith("swept"), again
