"""Config: TOML + environment → validated settings, and `crossdesk check-config`.

Broken configs are the sample company with small, named edits, so every test is a
realistic mistake in a realistic file; each edit asserts that its anchor text still
exists in config.example.toml, so a changed example fails loudly rather than silently.
"""

from __future__ import annotations

import re
import tomllib
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.runtime import config as config_mod
from tests.conftest import EXAMPLE

EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")
# One problem per line: "  <file>: <key>: <message with the fix>".
PROBLEM_LINE = re.compile(r"^  (?P<file>.+?): (?P<key>\S+): (?P<message>.+)$")
# Words that introduce a fix in every message.
FIX_WORDS = ("use ", "write ", "remove", "add ", "pick ", "fix ", "choose ", "run ", "save ",
             "give ", "must be")


def edited(*edits: tuple[str, str], extra: str = "") -> str:
    """The example text with each (old, new) replaced once, plus ``extra`` at the end."""
    text = EXAMPLE_TEXT
    for old, new in edits:
        assert old in text, f"config.example.toml no longer contains {old!r}"
        text = text.replace(old, new, 1)
    return text + extra


def write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[config_mod.Problem]:
    with pytest.raises(config_mod.ConfigError) as info:
        config_mod.load(path)
    return info.value.problems


def keys_of(path: Path) -> list[str]:
    return [p.key for p in problems_of(path)]


def check_config(path: Path):
    """Run `crossdesk check-config --config path` in-process, on a wide-enough terminal."""
    return CliRunner().invoke(app, ["check-config", "--config", str(path)],
                              env={"COLUMNS": "100"})


# A file with every mistake the issue lists, each in a different place.
ALL_MISTAKES = (
    # unknown person in members (finance)
    ('members = ["carol", "bob"]', 'members = ["carol", "bobb"]'),
    # duplicate alias across departments: IT claims Finance's "fin"
    ('aliases = ["tech", "信息", "信息部"]', 'aliases = ["tech", "信息", "信息部", "fin"]'),
    # bad duration (finance / reimbursement)
    ('first_response = "4h"\nresolution = "3d"', 'first_response = "4x"\nresolution = "3d"'),
    # prefix clash: Sales takes Finance's prefix
    ('prefix = "SAL"', 'prefix = "FIN"'),
    # unknown timezone
    ('timezone = "Asia/Shanghai"', 'timezone = "Mars/Olympus"'),
    # bad hours
    ('hours = ["09:00-12:00", "13:30-18:00"]', 'hours = ["9-25"]'),
    # unknown priority on a service (finance / cash-advance)
    ('priority = "P2"', 'priority = "P9"'),
)
SECRET_TABLE = '\n[slack]\nsigning_secret = "8f14e45fceea167a5a36dedd4bea2543"\n'
EXPECTED_KEYS = {
    "departments[0].members",
    "departments[8].aliases",  # IT is the ninth desk
    "departments[0].categories[0].first_response",
    "departments[1].prefix",
    "bot.timezone",
    "calendar.hours",
    "departments[0].categories[1].priority",
    "slack.signing_secret",
}


# ---------------------------------------------------------------------------
# The sample company is valid
# ---------------------------------------------------------------------------


def test_example_config_is_valid_and_complete():
    settings = config_mod.load(EXAMPLE)
    catalog = settings.catalog
    assert len(catalog.departments) == 10
    prefixes = [d.prefix for d in catalog.departments]
    assert len(set(prefixes)) == len(prefixes)
    finance = catalog.department("finance")
    assert finance.prefix == "FIN" and finance.leads == ("carol",)
    reimbursement = finance.category("reimbursement")
    day = settings.calendar().daily_length()
    assert day == timedelta(hours=7, minutes=30)  # 09:00-12:00 + 13:30-18:00
    assert reimbursement.first_response == timedelta(hours=4)
    assert reimbursement.resolution == 3 * day  # "3d" is three business days
    assert "maintenance" in settings.department_specs  # the 24x7 desk has its own hours
    assert settings.policy.timezone == "Asia/Shanghai"
    assert settings.database_url == config_mod.DEFAULT_DATABASE_URL


def test_database_url_comes_from_the_file_unless_overridden(tmp_path):
    path = write(tmp_path, edited(('database_url = "sqlite:///crossdesk.db"',
                                   'database_url = "sqlite:///from-file.db"')))
    assert config_mod.load(path).database_url == "sqlite:///from-file.db"
    assert config_mod.load(path, "sqlite:///override.db").database_url == "sqlite:///override.db"


def test_find_config_prefers_explicit_then_config_toml_then_example(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    packaged = config_mod.find_config(None)
    assert packaged.resolve() == EXAMPLE.resolve()  # nothing in the cwd: the shipped sample
    # inside the package, so an installed wheel (not only a checkout) carries it
    assert packaged.parent == Path(config_mod.__file__).parent.parent  # the bot package
    assert packaged.read_bytes() == EXAMPLE.read_bytes()
    write(tmp_path, "# example\n", "config.example.toml")
    assert config_mod.find_config(None) == Path("config.example.toml")
    write(tmp_path, "# mine\n", "config.toml")
    assert config_mod.find_config(None) == Path("config.toml")
    assert config_mod.find_config("other.toml") == Path("other.toml")


# ---------------------------------------------------------------------------
# Every problem, each with file, key and fix
# ---------------------------------------------------------------------------


def test_every_problem_is_reported_together(tmp_path):
    path = write(tmp_path, edited(*ALL_MISTAKES, extra=SECRET_TABLE))
    problems = problems_of(path)
    assert {p.key for p in problems} == EXPECTED_KEYS
    for problem in problems:
        assert problem.file == str(path)
        assert any(w in problem.message for w in FIX_WORDS), problem


def test_check_config_prints_every_problem_with_file_key_and_fix(tmp_path):
    path = write(tmp_path, edited(*ALL_MISTAKES, extra=SECRET_TABLE), "broken.toml")
    result = check_config(path)
    assert result.exit_code == 1
    assert f"{len(EXPECTED_KEYS)} problems in {path}" in result.output
    lines = [m for m in map(PROBLEM_LINE.match, result.output.splitlines()) if m]
    assert {m["key"] for m in lines} == EXPECTED_KEYS
    assert {m["file"] for m in lines} == {str(path)}
    by_key = {m["key"]: m["message"] for m in lines}
    # Each message says what is wrong and what to do about it.
    assert "'bobb'" in by_key["departments[0].members"]
    assert "[[people]]" in by_key["departments[0].members"]
    assert "'fin'" in by_key["departments[8].aliases"]
    assert "finance" in by_key["departments[8].aliases"]
    assert "'4x'" in by_key["departments[0].categories[0].first_response"]
    assert '"4h"' in by_key["departments[0].categories[0].first_response"]
    assert "FIN" in by_key["departments[1].prefix"]
    assert "pick another" in by_key["departments[1].prefix"]
    assert "environment variables" in by_key["slack.signing_secret"]
    assert "remove it from the file" in by_key["slack.signing_secret"]
    assert "'Mars/Olympus'" in by_key["bot.timezone"]
    assert "Asia/Shanghai" in by_key["bot.timezone"]
    assert "9-25" in by_key["calendar.hours"]
    assert "09:00-12:00" in by_key["calendar.hours"]
    assert "'P9'" in by_key["departments[0].categories[1].priority"]
    assert "P1-P4" in by_key["departments[0].categories[1].priority"]
    # The secret's value is never echoed back.
    assert "8f14e45f" not in result.output


@pytest.mark.parametrize(("edits", "extra", "key", "fragment"), [
    ((), '\n[slack]\nsigning_secret = "abc"\n', "slack.signing_secret", "environment"),
    ((), '\n[slack]\nbot_token = "xoxb-1"\n', "slack.bot_token", "environment"),
    ((), '\n[wecom]\ncorp_secret = "s"\n', "wecom.corp_secret", "environment"),
    ((), '\n[wecom]\nencoding_aes_key = "k"\n', "wecom.encoding_aes_key", "environment"),
    # a nested table (an unknown one is reported too: test_config_keys.py)
    ((), '\n[wecom.robot_webhooks]\nsecret = "s"\n', "wecom.robot_webhooks.secret",
     "environment"),
    ((('timezone = "Asia/Shanghai"', 'timezone = "Asia/Shangai"'),), "", "bot.timezone",
     "IANA"),
    ((('hours = ["09:00-12:00", "13:30-18:00"]', 'hours = ["09:00-25:00"]'),), "",
     "calendar.hours", "25:00"),
    ((('hours = ["00:00-24:00"]', 'hours = ["9-25"]'),), "", "departments[4].hours", "9"),
    ((("P4 = 2.0", "P4 = 2.0\nP7 = 3.0"),), "", "priorities.P7", "P1, P2, P3 or P4"),
    ((('priority = "P1"', 'priority = "urgent"'),), "",
     "departments[4].categories[0].priority", "P1-P4"),
    ((('leads = ["carol"]', 'leads = ["carl"]'),), "", "departments[0].leads", "'carl'"),
    ((('admins = ["root"]', 'admins = ["rooot"]'),), "", "bot.admins", "'rooot'"),
    ((('resolution = "4h"', 'resolution = "4.5h"'),), "",
     "departments[4].categories[0].resolution", "whole numbers"),
    ((('locale = "zh-CN"', 'locale = "fr"'),), "", "bot.locale", '"en"'),
    ((('country = "CN"', 'country = "XX"'),), "", "calendar.country", "XX"),
    ((('closed_dates = []', 'closed_dates = ["2026-13-01"]'),), "", "calendar.closed_dates",
     "2026-13-01"),
])
def test_each_kind_of_mistake_names_its_key(tmp_path, edits, extra, key, fragment):
    problems = problems_of(write(tmp_path, edited(*edits, extra=extra)))
    assert [p.key for p in problems] == [key]
    assert fragment in problems[0].message


def test_prefix_clash_with_another_departments_alias(tmp_path):
    # Admin's prefix "FIN" is already a word for Finance (its alias "fin").
    path = write(tmp_path, edited(('prefix = "ADM"', 'prefix = "FIN"')))
    problems = problems_of(path)
    assert [p.key for p in problems] == ["departments[9].prefix"]  # reported once, not twice
    path = write(tmp_path, edited(('prefix = "ADM"', 'prefix = "TECH"')))
    assert keys_of(path) == ["departments[9].prefix"]  # "tech" is an IT alias


def test_a_list_written_as_a_string_is_one_clear_problem(tmp_path):
    path = write(tmp_path, edited(('leads = ["carol"]', 'leads = "carol"'),
                                  ('members = ["henry", "alice"]', 'members = "henry"')))
    problems = problems_of(path)
    assert [p.key for p in problems] == ["departments[0].leads", "departments[1].members"]
    assert 'must be a list of strings such as ["carol"]' in problems[0].message


def test_duplicate_department_and_service_keys(tmp_path):
    path = write(tmp_path, edited(
        ('key = "sales"\nprefix = "SAL"', 'key = "finance"\nprefix = "SAL"'),
        ('key = "cash-advance"', 'key = "reimbursement"'),
    ))
    keys = keys_of(path)
    assert "departments[1].key" in keys
    assert "departments[0].categories[1].key" in keys


def test_minimal_hand_written_config(tmp_path):
    text = """
[bot]
timezone = "Europe/Berlin"
locale = "en"

[[people]]
id = "ann"

[[people]]
id = "ben"

[[departments]]
key = "it"
prefix = "IT"
leads = ["ann"]
members = ["ben"]

[[departments.categories]]
key = "laptop"
first_response = "1h"
resolution = "2d"
"""
    settings = config_mod.load(write(tmp_path, text))
    it = settings.catalog.department("it")
    assert it.staff() == ("ben", "ann")
    assert it.category("laptop").resolution == 2 * settings.calendar().daily_length()
    assert settings.policy.locale == "en"
    # The same file with a typo in a member and no services: both reported.
    broken = text.replace('members = ["ben"]', 'members = ["benn"]').split(
        "[[departments.categories]]")[0]
    assert keys_of(write(tmp_path, broken)) == ["departments[0].members",
                                                "departments[0].categories"]


@pytest.mark.parametrize(("content", "fragment"), [
    (b"[bot\n", "not valid TOML"),
    ('[bot]\ntimezone = "Asia/Shanghai" # 时区\n'.encode("gbk"), "UTF-8"),
])
def test_unreadable_files_are_one_problem(tmp_path, content, fragment):
    path = tmp_path / "config.toml"
    path.write_bytes(content)
    problems = problems_of(path)
    assert len(problems) == 1 and fragment in problems[0].message
    result = check_config(path)
    assert result.exit_code == 1 and fragment in result.output


def test_missing_file_says_how_to_create_one(tmp_path):
    result = check_config(tmp_path / "nope.toml")
    assert result.exit_code == 1
    assert "file not found" in result.output and "crossdesk init" in result.output
    assert "Traceback" not in result.output
    result = check_config(tmp_path)  # a directory
    assert result.exit_code == 1 and "Traceback" not in result.output


# ---------------------------------------------------------------------------
# A valid file: a one-screen summary of the catalog
# ---------------------------------------------------------------------------


def test_check_config_summarises_a_valid_file(tmp_path):
    path = write(tmp_path, EXAMPLE_TEXT)
    result = check_config(path)
    assert result.exit_code == 0, result.output
    out = result.output
    assert len(out.splitlines()) <= 30  # one screen
    flat = " ".join(out.split())
    assert f"{path} is valid" in flat
    assert "16 people, 10 departments" in flat and "Asia/Shanghai" in flat
    raw = tomllib.loads(EXAMPLE_TEXT)
    for dep in raw["departments"]:
        assert dep["key"] in out and dep["prefix"] in out
        for lead in dep["leads"]:
            assert lead in out
        for cat in dep["categories"]:
            assert cat["key"] in out
    # Services with their priority and targets, in the units of the file.
    assert "reimbursement P3 4h/3d" in flat
    assert "equipment-repair P1 30m/4h" in flat  # the 24x7 desk
    assert "recruitment P3 1d/10d" in flat
    assert "own hours" in flat


def test_check_config_finds_config_toml_in_the_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, edited(('timezone = "Asia/Shanghai"', 'timezone = "Nowhere/Land"')))
    result = CliRunner().invoke(app, ["check-config"])
    assert result.exit_code == 1
    assert "config.toml: bot.timezone:" in result.output


def test_every_bad_item_of_a_list_is_reported_not_the_first_only(tmp_path):
    path = write(tmp_path, edited(('hours = ["09:00-12:00", "13:30-18:00"]',
                                   'hours = ["9-12", "25:00-26:00", "13:00-18:00"]')),
                 "hours.toml")
    result = check_config(path)
    assert result.exit_code == 1
    assert "calendar.hours[0]: bad time '9'" in result.output
    assert "calendar.hours[1]: bad time '25:00'" in result.output
    assert "calendar.hours[2]" not in result.output, "a good item is not blamed"


def test_not_before_must_name_another_date_field_of_the_service(tmp_path):
    path = write(tmp_path, edited(('not_before = "first_day"', 'not_before = "first"')),
                 "order.toml")
    result = check_config(path)
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert ".not_before: 'first' is not another date field of this service; use one of " \
        "'first_day'" in said
