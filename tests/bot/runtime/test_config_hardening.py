"""`check-config` and the running desk against config changes: no traceback for a badly
shaped value, refusals for values that would break the desk, warnings about the database it
points at, and holiday data that runs out next year."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from bot.cli.main import app
from bot.runtime import app as app_mod
from bot.runtime import config as config_mod
from bot.runtime.clock import ManualClock
from bot.runtime.serve import Runtime
from bot.runtime.server import build_server
from storage import people
from tests.bot.runtime.test_config import FIX_WORDS, edited, problems_of, write
from tests.conftest import EXAMPLE, Transcript, local


def run_check(path: Path, *args: str):
    return CliRunner().invoke(app, ["check-config", "--config", str(path), *args],
                              env={"COLUMNS": "120"})


SHAPES = {
    "manager list": (('manager = "carol"', 'manager = ["carol"]'), "people[4].manager"),
    "slack list": (('slack = "U0BOB"', 'slack = ["U0BOB"]'), "people[4].slack"),
}


@pytest.mark.parametrize("case", sorted(SHAPES))
def test_badly_shaped_values_are_problems_not_tracebacks(tmp_path, case):
    edit, key = SHAPES[case]
    path = write(tmp_path, edited(edit))
    result = run_check(path)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # no traceback
    assert f"{path}: {key}: " in result.output
    assert any(w in result.output for w in FIX_WORDS)


def test_top_level_people_list_and_nudges_strings(tmp_path):
    text = (
        'people = ["alice", "bob"]\nnudges = "loud"\n[bot]\nadmins = []\n\n'
        '[[departments]]\nkey = "finance"\n'
        'prefix = "FIN"\nname = "Finance"\nleads = ["alice"]\nnudges = "loud"\n'
        '[[departments.categories]]\nkey = "reimbursement"\n')
    result = run_check(write(tmp_path, text))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "people[0]: 'alice' is not a table: write [[people]]" in result.output
    assert "departments[0].nudges: must be a table" in result.output
    assert ": nudges: must be a table: write [nudges]" in result.output


def test_values_that_break_the_desk_are_refused(tmp_path):
    long_id = "x" * 70
    path = write(tmp_path, edited(
        ('id = "root"', f'id = "{long_id}"'),
        ('admins = ["root"]', f'admins = ["{long_id}"]'),
        ("repeat_max = 3", "repeat_max = 100000000"),
        ('id = "grace"\nname = "陈静 Grace Chen"             # General Manager',
         'id = "grace"\nname = "陈静 Grace Chen"\nmanager = "frank"'),
        ('# [slack]\n# mode = "http"',
         '[wecom]\nrobot_webhooks = { finance = '
         '"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx" }\n'
         '# [slack]\n# mode = "http"'),
        ('database_url = "sqlite:///crossdesk.db"',
         'database_url = "postgresql+psycopg://desk:hunter2@db.internal/desk"'),
    ))
    problems = {p.key: p.message for p in problems_of(path)}
    assert "64" in problems["people[0].id"]
    assert "100000000" in problems["nudges.repeat_max"]
    cycle = [m for k, m in problems.items() if "loops" in m]
    assert cycle and "grace" in cycle[0] and "frank" in cycle[0]
    assert "loops" in problems["people[1].manager"]  # grace's place in the file
    assert "environment variable" in problems["wecom.robot_webhooks.finance"]
    assert "PGPASSWORD" in problems["bot.database_url"]
    for message in problems.values():
        assert any(w in message for w in FIX_WORDS), message
    result = run_check(path)
    assert result.exit_code == 1 and "hunter2" not in result.output.replace(
        "postgresql", "")  # the message names the key, it never repeats the secret


def test_check_config_warns_what_the_change_does_to_the_database(tmp_path, database_url,
                                                                 engine):
    # ``engine``: an empty database (on PostgreSQL the shared schema is truncated first)
    clock = ManualClock(local("2026-11-23T09:00"))
    base = write(tmp_path, EXAMPLE.read_text(encoding="utf-8"), "before.toml")
    desk = app_mod.build(config_mod.load(base, database_url), clock)
    with Session(desk.desk.engine) as s, s.begin():  # as the Slack adapter registers someone
        people.register(s, "slack-u0zoe", "Zoe", clock(), source="slack", slack_id="U0ZOE")
    Transcript(desk, clock)("alice> /request marketing promotion spring campaign",
                            "alice> /request finance cash-advance trip")
    desk.desk.engine.dispose()
    text = EXAMPLE.read_text(encoding="utf-8")
    start = text.index('[[departments]]\nkey = "marketing"')
    marketing = text[start:text.index("[[departments]]", start + 10)]
    start = text.index('[[departments.categories]]\nkey = "cash-advance"')
    advance = text[start:text.index("[[departments.categories]]", start + 10)]
    after = write(tmp_path, edited(
        (marketing, ""), (advance, ""),
        ('[[people]]\nid = "root"',
         '[[people]]\nid = "zoe"\nname = "Zoe"\nslack = "U0ZOE"\n\n[[people]]\nid = "root"')),
        "after.toml")
    result = run_check(after, "--database-url", database_url, "--now", "2025-03-01T09:00")
    assert result.exit_code == 0, result.output
    assert "'slack-u0zoe' (who has slack id U0ZOE) will be merged into 'zoe'" in result.output
    assert "MKT-1 belongs to department 'marketing'" in result.output
    assert "FIN-1 belongs to service finance/cash-advance" in result.output


def test_check_config_without_a_database_only_checks_the_file(tmp_path):
    path = write(tmp_path, edited())
    result = run_check(path, "--database-url", f"sqlite:///{tmp_path / 'none.db'}",
                       "--now", "2025-03-01T09:00")
    assert result.exit_code == 0 and "warning" not in result.output
    assert not (tmp_path / "none.db").exists()


def test_check_config_warns_when_next_years_make_up_workdays_are_missing(tmp_path):
    path = write(tmp_path, edited())
    db = f"sqlite:///{tmp_path / 'none.db'}"
    result = run_check(path, "--database-url", db, "--now", "2026-11-23T09:00")
    assert result.exit_code == 0
    assert "calendar.country: the holidays package has CN's public holidays for 2027 but " \
           "no make-up workdays" in result.output
    assert "open_dates" in result.output
    assert "2027" not in run_check(path, "--database-url", db, "--now", "2025-11-23T09:00").output
    listed = write(tmp_path, edited(('open_dates = []', 'open_dates = ["2027-02-20"]')), "x.toml")
    assert "warning" not in run_check(listed, "--database-url", db, "--now",
                                      "2026-11-23T09:00").output


def healthz(desk_app: Any) -> dict[str, Any]:
    """What ``/healthz`` answers for ``desk_app`` (its scheduler alive), now."""

    class Alive:
        def alive(self) -> bool:
            return True

    runtime = Runtime(app=desk_app, scheduler=Alive(), platforms=[])  # type: ignore[arg-type]
    http = build_server([], health=runtime.health)

    async def get() -> dict[str, Any]:
        transport = httpx.ASGITransport(app=http)
        async with httpx.AsyncClient(transport=transport, base_url="http://desk") as client:
            response = await client.get("/healthz")
        assert response.status_code == 200
        return dict(response.json())

    return asyncio.run(get())


def test_healthz_names_the_year_whose_make_up_workdays_are_missing(desk_app, clock):
    assert healthz(desk_app)["holidays_missing"] == ["CN 2027"]  # the clock is 2026-11-23
    clock.set(local("2025-11-24T09:00"))
    assert healthz(desk_app)["holidays_missing"] == []
