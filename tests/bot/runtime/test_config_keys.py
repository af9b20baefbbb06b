"""Unknown keys in the config: a typo is a problem naming its key path and the key meant (or
the keys there are), never a setting silently ignored; every config we ship, document or
build still loads."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from bench.serve_rig import write_config
from bot.runtime import config as config_mod
from bot.runtime import config_checks as checks
from bot.runtime import config_service as service_mod
from bot.runtime.config_fields import FIELD_KEYS
from tests.bot.runtime.test_config import (
    PROBLEM_LINE,
    check_config,
    edited,
    problems_of,
    write,
)
from tests.conftest import EXAMPLE

ROOT = EXAMPLE.parent

# (edits, extra TOML, key path, message): each typo alone in the sample company.
TYPOS = {
    "person's manager": ((('manager = "henry"', 'manger = "henry"'),), "",
                         "people[6].manger", "unknown key; did you mean `manager`?"),
    "service's priority": ((('priority = "P1"', 'priorty = "P1"'),), "",
                           "departments[4].categories[0].priorty",
                           "unknown key; did you mean `priority`?"),
    "bot admins": ((('admins = ["root"]', 'admin = ["root"]'),), "",
                   "bot.admin", "unknown key; did you mean `admins`?"),
    "bot timezone": ((('timezone = "Asia/Shanghai"', 'timezon = "Asia/Shanghai"'),), "",
                     "bot.timezon", "unknown key; did you mean `timezone`?"),
    "calendar table": ((), '\n[calender]\nopen_dates = ["2027-02-20"]\n',
                       "calender", "unknown key; did you mean `calendar`?"),
    "thanks delay": ((('thanks_delay = "15m"', 'thanks_dealy = "15m"'),), "",
                     "feedback.thanks_dealy", "unknown key; did you mean `thanks_delay`?"),
    "digest time": ((('\ntime = "09:30"', '\ntiem = "09:30"'),), "",
                    "digest.tiem", "unknown key; did you mean `time`?"),
    "calendar workdays": ((('workdays = ["mon", "tue", "wed", "thu", "fri"]',
                            'workday = ["mon", "tue", "wed", "thu", "fri"]'),), "",
                          "calendar.workday", "unknown key; did you mean `workdays`?"),
    "department channel": ((('intake_channel = "finance-help"',
                             'intake_chanel = "finance-help"'),), "",
                           "departments[0].intake_chanel",
                           "unknown key; did you mean `intake_channel`?"),
    "department digest day": ((('channel = "sales-requests"',
                                'channel = "sales-requests"\ndigest_dya = "fri"'),), "",
                              "departments[1].digest_dya",
                              "unknown key; did you mean `digest_day`?"),
    "service instructions": (((
        'instructions = "Receipts older than 90 days are not reimbursed."',
        'instruction = "Receipts older than 90 days are not reimbursed."'),), "",
        "departments[0].categories[0].instruction",
        "unknown key; did you mean `instructions`?"),
    "feedback tag": ((('{ key = "timely", name = "Timely"', '{ key = "timely", nmae = "Timely"'),),
                     "", "feedback.tags[0].nmae", "unknown key; did you mean `name`?"),
    "digest weight": ((('timeliness_weight = 0.5', 'timeliness = 0.5'),), "",
                      "digest.timeliness", "unknown key; did you mean `timeliness_weight`?"),
    "nudges": ((('repeat_every = "2h"', 'repeat_evry = "2h"'),), "",
               "nudges.repeat_evry", "unknown key; did you mean `repeat_every`?"),
    "files": ((('max_size = "10MB"', 'maxsize = "10MB"'),), "",
              "files.maxsize", "unknown key; did you mean `max_size`?"),
    "form field": ((('hint = "attach the invoice photo"', 'hnit = "attach the invoice photo"'),),
                   "", "departments[0].categories[0].fields[3].hnit",
                   "unknown key; did you mean `hint`?"),
    "server port": ((), "\n[server]\nprot = 8080\n", "server.prot",
                    "unknown key; did you mean `port`?"),
    "logging format": ((), '\n[logging]\nformats = "json"\n', "logging.formats",
                       "unknown key; did you mean `format`?"),
    "slack mode": ((), '\n[slack]\nmod = "socket"\n', "slack.mod",
                   "unknown key; did you mean `mode`?"),
    "wecom enabled": ((), "\n[wecom]\nenable = true\n", "wecom.enable",
                      "unknown key; did you mean `enabled`?"),
    "nothing close": ((('admins = ["root"]', 'admins = ["root"]\ncolour = "red"'),), "",
                      "bot.colour", "unknown key; use one of timezone, locale, database_url, "
                      "admins, admin_channel"),
}


@pytest.mark.parametrize("case", sorted(TYPOS))
def test_an_unknown_key_is_a_problem_naming_the_key_meant(tmp_path: Path, case: str) -> None:
    edits, extra, key, message = TYPOS[case]
    problems = problems_of(write(tmp_path, edited(*edits, extra=extra)))
    assert [(p.key, p.message) for p in problems] == [(key, message)]


def test_check_config_lists_every_typo_with_file_key_and_fix(tmp_path: Path) -> None:
    wanted = ("person's manager", "service's priority", "bot admins", "bot timezone",
              "calendar table", "thanks delay", "digest time")
    edits = [e for case in wanted for e in TYPOS[case][0]]
    extra = "".join(TYPOS[case][1] for case in wanted)
    path = write(tmp_path, edited(*edits, extra=extra), "typos.toml")
    result = check_config(path)
    assert result.exit_code == 1, result.output
    assert f"{len(wanted)} problems in {path}" in result.output
    lines = {m["key"]: m["message"]
             for m in map(PROBLEM_LINE.match, result.output.splitlines()) if m}
    assert lines == {TYPOS[case][2]: TYPOS[case][3] for case in wanted}


def test_a_secret_under_an_unknown_key_is_reported_once_as_a_secret(tmp_path: Path) -> None:
    # `signing_secret` is not a [slack] key, but its own problem already says remove it.
    path = write(tmp_path, edited(extra='\n[slack]\nsigning_secret = "s"\n'))
    assert [p.key for p in problems_of(path)] == ["slack.signing_secret"]
    path = write(tmp_path, edited(extra='\n[wecom.agent]\nsecret = "s"\n'))
    problems = {p.key: p.message for p in problems_of(path)}
    assert set(problems) == {"wecom.agent", "wecom.agent.secret"}
    assert problems["wecom.agent"].startswith("unknown key; use one of enabled, ")


def test_maps_keep_their_own_keys(tmp_path: Path) -> None:
    """Keys that name channels, emoji, departments or priorities are not config keys."""
    extra = ('\n[slack]\nchannels = { service-office = "C0789IJKL" }\n'
             'reactions = { eyes = "ack", hammer = "assign_me" }\n'
             '\n[wecom]\nrobot_webhooks = { it = "WECOM_ROBOT_IT" }\n'
             'chats = { service-office = "wrkadmin01" }\n')
    config_mod.load(write(tmp_path, edited(extra=extra)))


# ---------------------------------------------------------------------------
# Every key the code reads is known: no real config is refused
# ---------------------------------------------------------------------------

EVERY_KEY = """
[bot]
timezone = "Asia/Shanghai"
locale = "en"
database_url = "sqlite:///crossdesk.db"
admins = ["ann"]
admin_channel = "service-office"

[calendar]
country = "CN"
workdays = ["mon", "tue", "wed", "thu", "fri"]
hours = ["09:00-18:00"]
closed_dates = ["2026-12-31"]
open_dates = ["2027-02-20"]

[priorities]
P1 = 0.25

[nudges]
warn_at = 0.75

[feedback]
thanks_delay = "15m"
rating_reminder = "1d"
change_window = "24h"
low_rating = 2
tags = [{ key = "timely", name = "Timely", name_zh = "及时" }]

[digest]
day = "mon"
time = "09:30"
timeliness_weight = 0.5
charts_dir = "charts"

[files]
dir = "files"
max_size = "10MB"
types = ["image/*"]

[retention]
details_after = "3y"

[server]
host = "127.0.0.1"
port = 8080
sweep_seconds = 60
dispatch_seconds = 5

[logging]
format = "json"
access_log = true

[slack]
enabled = false
mode = "http"
api_base_url = "http://127.0.0.1:9/api/"
channels = { service-office = "C0789IJKL" }
reactions = { eyes = "ack" }
form_reaction = "ticket"

[wecom]
enabled = false
api_base_url = "http://127.0.0.1:9/cgi-bin/"
robot_webhooks = { it = "WECOM_ROBOT_IT" }
chats = { service-office = "wrkadmin01" }

[[people]]
id = "ann"
name = "Ann"
slack = "U0ANN"
wecom = "ann"
locale = "en"

[[people]]
id = "ben"
manager = "ann"

[[departments]]
key = "it"
prefix = "IT"
name = "IT"
name_zh = "信息技术部"
aliases = ["tech"]
leads = ["ann"]
members = ["ben"]
channel = "it-requests"
locale = "en"
hours = ["00:00-24:00"]
workdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
country = ""
closed_dates = []
open_dates = []
after_hours_p1 = true
slack_channel = "C0123ABCD"
slack_usergroup = "S0456EFGH"
wecom_chat = "wrkit01"
intake_channel = "it-help"
intake_service = "laptop"
digest_day = "fri"
digest_time = "16:00"

[departments.nudges]
repeat_max = 2

[[departments.categories]]
key = "laptop"
name = "Laptop"
name_zh = "电脑"
aliases = ["pc"]
priority = "P3"
first_response = "2h"
resolution = "1d"
confidential = false
instructions = "Standard models only."
instructions_zh = "仅提供标准机型。"

[[departments.categories.fields]]
key = "model"
name = "Model"
name_zh = "型号"
aliases = ["m"]
type = "choice"
required = false
default = "x1"
choices = [{ key = "x1", name = "ThinkPad X1", name_zh = "X1", aliases = ["thinkpad"] }]
hint = "which one"
hint_zh = "哪一款"

[[departments.categories]]
key = "budget"
approval = { amount_field = "amount", steps = [{ approvers = ["ann"], mode = "any" },
                                              { above = 500, approvers = ["ann"] }] }

[[departments.categories.fields]]
key = "amount"
type = "amount"
min = 1
max = 100000
currency = "CNY"

[[departments.categories.fields]]
key = "code"
type = "text"
max_length = 20
pattern = "[A-Z]+"

[[departments.categories.fields]]
key = "from"
type = "date"

[[departments.categories.fields]]
key = "until"
type = "date"
not_before = "from"
"""


def test_a_config_with_every_key_the_code_reads_loads(tmp_path: Path) -> None:
    config_mod.load(write(tmp_path, EVERY_KEY))
    raw = tomllib.loads(EVERY_KEY)
    dep, service = raw["departments"][0], raw["departments"][0]["categories"]
    named = {  # each table's keys in the file: all of them, so each is loaded once
        "top": set(raw), "bot": set(raw["bot"]), "calendar": set(raw["calendar"]),
        "feedback": set(raw["feedback"]), "tags": set(raw["feedback"]["tags"][0]),
        "digest": set(raw["digest"]), "server": set(raw["server"]),
        "logging": set(raw["logging"]), "slack": set(raw["slack"]), "wecom": set(raw["wecom"]),
        "people": set(raw["people"][0]) | set(raw["people"][1]), "departments": set(dep),
        "categories": set(service[0]) | set(service[1]),
        "fields": {k for f in service[0]["fields"] + service[1]["fields"] for k in f},
    }
    assert named == {
        "top": {*checks.TABLES, *checks.ARRAYS}, "bot": set(config_mod.BOT_KEYS),
        "calendar": set(config_mod.CALENDAR_KEYS), "feedback": set(service_mod.FEEDBACK_KEYS),
        "tags": set(service_mod.TAG_KEYS), "digest": set(service_mod.DIGEST_KEYS),
        **{name: set(keys) for name, keys in config_mod.SECTION_KEYS.items()},
        "people": set(config_mod.PERSON_KEYS), "departments": set(config_mod.DEPARTMENT_KEYS),
        "categories": set(config_mod.CATEGORY_KEYS), "fields": set(FIELD_KEYS),
    }


# `<name> = settings.section("<table>")` … `<name>.get("<key>"`, or the two in one expression:
# every key a module reads from a raw table (the adapters, serve and its options).
SECTION_VAR = re.compile(r'(\w+) = settings\.section\("(\w+)"\)')
SECTION_READ = re.compile(r'settings\.section\("(\w+)"\)\.get\("(\w+)"')


def _keys_read_from_sections() -> set[tuple[str, str]]:
    read: set[tuple[str, str]] = set()
    for source in (ROOT / "bot").rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        read |= set(SECTION_READ.findall(text))
        for name, table in SECTION_VAR.findall(text):
            read |= {(table, key) for key in re.findall(rf'\b{name}\.get\("(\w+)"', text)}
    return read


def test_every_key_read_from_a_raw_table_is_known(tmp_path: Path) -> None:
    read = _keys_read_from_sections()
    assert {t for t, _ in read} >= {"server", "logging", "slack", "wecom"}  # the scan works
    unknown = []
    for table, key in sorted(read):
        path = write(tmp_path, f"[{table}]\n{key} = 1\n")
        with pytest.raises(config_mod.ConfigError) as info:
            config_mod.load(path)
        unknown += [p.key for p in info.value.problems if p.message.startswith("unknown key")]
    assert unknown == []


# ---------------------------------------------------------------------------
# What we ship, document and build still loads
# ---------------------------------------------------------------------------


def test_the_example_configs_load() -> None:
    config_mod.load(EXAMPLE)
    config_mod.load(config_mod.EXAMPLE_CONFIG)


def test_the_readmes_config_examples_use_only_known_keys(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^ *```toml\n(.*?)^ *```", readme, re.MULTILINE | re.DOTALL)
    assert len(blocks) >= 2  # [wecom] and [slack]
    for block in blocks:
        text = "\n".join(line.strip() for line in block.splitlines())
        tomllib.loads(text)  # a fragment, but valid TOML
        try:
            config_mod.load(write(tmp_path, text))
        except config_mod.ConfigError as exc:  # a fragment lacks the rest of a company
            unknown = [str(p) for p in exc.problems if p.message.startswith("unknown key")]
            assert unknown == [], block


@pytest.mark.parametrize("extra", [
    "",
    '\n[slack]\nmode = "http"\napi_base_url = "http://127.0.0.1:9/api/"\n',  # slack_http.py
    '\n[wecom]\nenabled = true\napi_base_url = "http://127.0.0.1:9/cgi-bin/"\n',  # wecom_callback
])
def test_the_bench_serve_configs_load(tmp_path: Path, extra: str) -> None:
    config_mod.load(write_config(tmp_path, 8080, extra))
