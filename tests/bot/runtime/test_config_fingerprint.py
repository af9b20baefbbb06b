"""The config fingerprint: the same in every process for the same file, another for any change
the desk works with, blind to the database URL and to the tables only the server reads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.runtime import config as config_mod
from bot.runtime.config_fingerprint import fingerprint
from tests.conftest import EXAMPLE, ROOT

SAMPLE = EXAMPLE.read_text(encoding="utf-8")


def edited(tmp_path: Path, old: str, new: str) -> config_mod.Settings:
    assert old in SAMPLE, old
    path = tmp_path / "config.toml"
    path.write_text(SAMPLE.replace(old, new, 1), encoding="utf-8")
    return config_mod.load(path)


DATES = '"2026-12-24", "2026-12-31", "2027-01-04", "2027-02-05", "2027-02-22"'


def test_the_same_in_every_process(tmp_path):
    """Sets (closed and open dates …) have no order of their own: hash randomisation must
    not change the fingerprint."""
    settings = edited(tmp_path, "closed_dates = []", f"closed_dates = [{DATES}]")
    path = tmp_path / "config.toml"
    code = ("from bot.runtime import config; from bot.runtime.config_fingerprint import "
            f"fingerprint; print(fingerprint(config.load(config.Path({str(path)!r}))))")
    seen = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": seed}
                           ).stdout.strip() for seed in ("1", "2", "3", "4")}
    assert seen == {fingerprint(settings)}
    assert len(seen.pop()) == 64
    assert fingerprint(settings) != fingerprint(config_mod.load(EXAMPLE))


@pytest.mark.parametrize(("old", "new"), [
    ("warn_at = 0.75", "warn_at = 0.5"),
    ('escalation = ["1h", "4h"]', 'escalation = ["1h", "4h", "1d"]'),
    ('hours = ["09:00-12:00", "13:30-18:00"]', 'hours = ["09:00-12:00", "13:00-18:00"]'),
    ('first_response = "4h"', 'first_response = "2h"'),
])
def test_a_change_the_sweep_works_with_changes_it(tmp_path, old, new):
    assert fingerprint(edited(tmp_path, old, new)) != fingerprint(config_mod.load(EXAMPLE))


def test_the_database_url_and_the_servers_tables_leave_it_as_it_is(tmp_path):
    other = edited(tmp_path, "[nudges]", '[server]\nport = 9999\n\n[nudges]')
    assert other.section("server") == {"port": 9999}
    same = fingerprint(config_mod.load(EXAMPLE))
    assert fingerprint(other) == same
    url = "postgresql+psycopg://desk:hunter2@db.example/desk"
    assert fingerprint(config_mod.load(EXAMPLE, database_url=url)) == same
