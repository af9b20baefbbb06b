"""`crossdesk …` as a user runs it: init, db upgrade, chat, demo, export and --help.

In-process runs use typer's CliRunner on ``bot.cli.main.app``; the demo, stdin-driven chat and
``python -m bot`` run as real subprocesses through the installed ``crossdesk`` script.
Every database and config lives under tmp_path.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from sqlalchemy import inspect
from typer.testing import CliRunner

from bot.cli.main import app
from storage import migrate
from storage.engine import make_engine
from tests.conftest import EXAMPLE

CROSSDESK = Path(sys.executable).parent / "crossdesk"
COMMANDS = (["demo"], ["chat"], ["serve"], ["tick"], ["init"], ["db", "upgrade"],
            ["check-config"], ["export"])
BUTTON = re.compile(r"^  \(button\) .+ -> /request \S+")
TARGET = re.compile(r"^\[to (#[a-z0-9-]+|[a-z0-9_-]+)\] ")

# Open a request, work it to closed, rate it, and leave two suggestions.
STORY = """\
# a comment is ignored
@now 2026-11-23T09:00
alice> /request finance reimbursement taxi 86 CNY
bob> /request ack FIN-1
bob> /request resolve FIN-1 paid on Friday
alice> /request confirm FIN-1
alice> /request rate FIN-1 4 fast
alice> /suggest --anon finance please accept e-invoices
henry> /suggest finance a shared calendar for closing dates
"""


def run(args: list[str], *, input: str | None = None, cwd: Path | None = None,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed ``crossdesk`` script."""
    full_env = {**os.environ, "COLUMNS": "100", **(env or {})}
    return subprocess.run([str(CROSSDESK), *args], input=input, capture_output=True, text=True,
                          cwd=cwd, env=full_env, timeout=120, encoding="utf-8")


def invoke(args: list[str], input: str | None = None):
    return CliRunner().invoke(app, args, input=input, env={"COLUMNS": "100"})


def sqlite_url(tmp_path: Path, name: str = "x.db") -> str:
    return f"sqlite:///{tmp_path / name}"


def chat_story(url: str, text: str = STORY) -> str:
    result = invoke(["chat", "--config", str(EXAMPLE), "--database-url", url], input=text)
    assert result.exit_code == 0, result.output
    return result.output


# ---------------------------------------------------------------------------
# init and db upgrade
# ---------------------------------------------------------------------------


def test_init_writes_config_and_creates_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke(["init"])
    assert result.exit_code == 0, result.output
    config = tmp_path / "config.toml"
    assert config.read_text(encoding="utf-8") == EXAMPLE.read_text(encoding="utf-8")
    assert "wrote config.toml" in result.output
    db = tmp_path / "crossdesk.db"  # the example's database_url, relative to the cwd
    assert db.exists()
    engine = make_engine(f"sqlite:///{db}")
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert {"request", "event", "outbox"} <= set(inspect(engine).get_table_names())
    engine.dispose()

    # Running it again leaves an edited config alone and says the database is current.
    config.write_text(config.read_text(encoding="utf-8") + "\n# my edit\n", encoding="utf-8")
    edited = config.read_text(encoding="utf-8")
    again = invoke(["init"])
    assert again.exit_code == 0, again.output
    assert config.read_text(encoding="utf-8") == edited
    assert "left as it is" in again.output
    assert "up to date" in again.output


def test_init_honours_config_and_database_url(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke(["init", "--config", "etc/desk.toml", "--database-url",
                     sqlite_url(tmp_path, "chosen.db")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "etc" / "desk.toml").exists()
    assert (tmp_path / "chosen.db").exists()
    assert not (tmp_path / "crossdesk.db").exists()  # --database-url beats the file's URL
    assert not (tmp_path / "config.toml").exists()


def test_init_with_a_broken_existing_config_reports_and_creates_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.toml").write_text('[bot]\ntimezone = "Nowhere"\n', encoding="utf-8")
    result = invoke(["init"])
    assert result.exit_code == 1
    assert "bot.timezone" in result.output
    assert (tmp_path / "config.toml").read_text(encoding="utf-8").startswith("[bot]")
    assert not (tmp_path / "crossdesk.db").exists()


def test_db_upgrade_on_a_current_database_is_a_noop(engine, database_url):
    # `engine` has migrated the test database (SQLite here, PostgreSQL when configured).
    before = migrate.current_revision(engine)
    tables = set(inspect(engine).get_table_names())
    result = invoke(["db", "upgrade", "--config", str(EXAMPLE), "--database-url", database_url])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output
    assert before in result.output
    assert migrate.current_revision(engine) == before == migrate.head_revision()
    assert set(inspect(engine).get_table_names()) == tables


def test_db_upgrade_creates_a_fresh_sqlite_database(tmp_path):
    url = sqlite_url(tmp_path, "fresh.db")
    first = invoke(["db", "upgrade", "--config", str(EXAMPLE), "--database-url", url])
    assert first.exit_code == 0, first.output
    assert "upgraded from empty" in first.output
    second = invoke(["db", "upgrade", "--config", str(EXAMPLE), "--database-url", url])
    assert second.exit_code == 0 and "up to date" in second.output


def test_a_database_that_cannot_be_opened_is_one_line_not_a_traceback(tmp_path):
    url = sqlite_url(tmp_path / "no" / "such" / "dir", "x.db")
    result = invoke(["db", "upgrade", "--config", str(EXAMPLE), "--database-url", url])
    assert result.exit_code == 1
    assert "cannot use database" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# ---------------------------------------------------------------------------
# chat
# ---------------------------------------------------------------------------


def test_chat_reads_a_transcript_from_stdin(tmp_path):
    transcript = """\
# Alice asks Finance for money back.
@now 2026-11-23T09:00
alice> /request finance reimbursement taxi 86 CNY
this line has no speaker
bob> /request ack FIN-1
"""
    proc = run(["chat", "--config", str(EXAMPLE), "--database-url", sqlite_url(tmp_path)],
               input=transcript, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert not any("Alice asks Finance" in line for line in lines)  # comments are not echoed
    assert lines[0].startswith("[reply] ") and "FIN-1" in lines[0]
    assert "[to #finance-requests] " in proc.stdout  # the desk's channel
    assert any(line.startswith("[to alice] ") for line in lines)  # the requester
    assert any(line.startswith("[to bob] ") or line.startswith("[reply] ") for line in lines)
    for line in lines:
        if line.startswith("[to "):
            assert TARGET.match(line), line
    buttons = [line for line in lines if "(button)" in line]
    assert buttons and all(BUTTON.match(b) for b in buttons), buttons
    assert "  (button) 受理 -> /request ack FIN-1" in lines
    # The malformed line gets a helpful error, and the transcript goes on.
    errors = [line for line in lines if line.startswith("[error]")]
    assert len(errors) == 1 and "person> message" in errors[0] and "@now" in errors[0]
    after = lines[lines.index(errors[0]) + 1:]
    assert after and after[0].startswith("[reply] ") and "FIN-1" in after[0]
    assert "[to alice] " in "\n".join(after)  # bob's ack reached alice
    assert not (tmp_path / "crossdesk.db").exists()


def test_chat_bad_now_line_is_an_error_and_the_session_continues(tmp_path):
    out = chat_story(sqlite_url(tmp_path), "@now next tuesday\nalice> /request help\n")
    lines = out.splitlines()
    assert lines[0].startswith("[error] ") and "2026-11-23T09:00" in lines[0]
    assert lines[1].startswith("[reply] ")


def test_chat_runs_a_script_file(tmp_path):
    script = tmp_path / "story.txt"
    script.write_text(STORY, encoding="utf-8")
    result = invoke(["chat", "--config", str(EXAMPLE), "--database-url", sqlite_url(tmp_path),
                     str(script)])
    assert result.exit_code == 0, result.output
    assert "[reply] Thanks! FIN-1 is closed." in result.output


def test_chat_rejects_a_missing_script_and_a_bad_now(tmp_path):
    url = sqlite_url(tmp_path)
    missing = invoke(["chat", "--config", str(EXAMPLE), "--database-url", url,
                      str(tmp_path / "nope.txt")])
    assert missing.exit_code == 2 and "does not exist" in missing.output
    bad_now = invoke(["chat", "--config", str(EXAMPLE), "--database-url", url,
                      "--now", "tomorrow"], input="")
    assert bad_now.exit_code == 2 and "ISO" in bad_now.output
    bad_tick = invoke(["tick", "--config", str(EXAMPLE), "--database-url", url, "--now", "x"])
    assert bad_tick.exit_code == 2
    far = invoke(["tick", "--config", str(EXAMPLE), "--database-url", url,
                  "--now", "9999-12-31T23:00"])
    assert far.exit_code == 2 and "year from 1970 to 2999" in " ".join(far.output.split()), \
        far.output


def test_a_time_too_far_to_travel_to_is_an_error_line_not_a_traceback(tmp_path):
    out = chat_story(sqlite_url(tmp_path), "@now 9999-12-31T23:00\nalice> /request list\n")
    assert "[error] @now needs an ISO time such as 2026-11-23T09:00 (a year from 1970 to " \
        "2999), not '9999-12-31T23:00'" in out
    assert "Traceback" not in out and "You have no requests yet" in out


def test_chat_with_a_broken_config_lists_the_problems(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(EXAMPLE.read_text(encoding="utf-8").replace(
        'timezone = "Asia/Shanghai"', 'timezone = "Mars/Olympus"'), encoding="utf-8")
    result = invoke(["chat", "--config", str(config), "--database-url", sqlite_url(tmp_path)],
                    input="alice> /request help\n")
    assert result.exit_code == 1
    assert "bot.timezone" in result.output and "[reply]" not in result.output


# ---------------------------------------------------------------------------
# demo
# ---------------------------------------------------------------------------


def test_demo_tells_the_story_and_leaves_nothing_behind(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    cwd = tmp_path / "fresh"
    cwd.mkdir()
    proc = run(["demo"], cwd=cwd, env={"HOME": str(home)})
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    # FIN-1, opened in Chinese, goes through every step of its life.
    assert "[reply] 已提交 FIN-1" in out
    for step in ("(— → 待受理)", "(待受理 → 已受理)", "(已受理 → 等待提单人)",
                 "(等待提单人 → 处理中)", "(处理中 → 已解决)", "(已解决 → 已关闭)"):
        assert step in out, step
    # The service clock: a nudge, an escalation to the lead, thanks to both sides, a rating.
    assert "首次响应剩余 1小时" in out and "首次响应已超时 5分" in out
    assert "[to carol] 提醒" in out and "升级至您（第 1 级）" in out
    assert "[to bob] 谢谢您，张伟 Bob Zhang！您帮助了 李华 Henry Li" in out
    assert "[reply] 感谢您为 FIN-1 评 5 分！" in out
    # The conversation: Bob's reply in the thread reaches Henry, Carol's internal note does
    # not, and Henry's plain answer in his chat goes to his request.
    assert "[to henry] 张伟 Bob Zhang 回复了您的请求 FIN-1（出租车去客户现场 86元）：" \
           "收到，我核对一下金额" in out
    assert "直接报销" not in "".join(line for line in out.splitlines() if line.startswith("[to"))
    assert "李华 Henry Li 已回复 FIN-1（出租车去客户现场 86元）：发票已上传到共享盘" in out
    # IT-1 in English, from opening to a rating, with a polite refusal on the way.
    assert "[reply] Opened IT-1" in out
    refusal = "Only members of IT may resolve IT-1 (ask 孙磊 Dave Sun). Nothing was changed."
    assert refusal in out
    assert "[reply] Thanks! IT-1 is closed." in out
    assert "(button) 5 ★ -> /request rate IT-1 5" in out
    assert "[reply] Thank you for rating IT-1 4/5." in out
    assert "Traceback" not in proc.stderr
    assert list(cwd.iterdir()) == []  # no crossdesk.db, no config, nothing


def test_demo_ignores_the_config_in_the_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.toml").write_text("[bot\n", encoding="utf-8")  # broken on purpose
    result = invoke(["demo"])
    assert result.exit_code == 0, result.output
    assert "Only members of IT may resolve IT-1" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]


def test_demo_with_an_explicit_missing_config_fails(tmp_path):
    result = invoke(["demo", "--config", str(tmp_path / "typo.toml")])
    assert result.exit_code == 1 and "file not found" in result.output


# ---------------------------------------------------------------------------
# export
# ---------------------------------------------------------------------------


@pytest.fixture
def story_db(tmp_path: Path) -> str:
    """A SQLite database with one closed, rated request and two suggestions, made by chat."""
    url = sqlite_url(tmp_path, "story.db")
    out = chat_story(url)
    assert "[reply] Thanks! FIN-1 is closed." in out
    return url


def export(url: str, *args: str):
    return invoke(["export", "--config", str(EXAMPLE), "--database-url", url, *args])


def test_export_requests_as_csv_to_a_file(story_db, tmp_path):
    out = tmp_path / "requests.csv"
    result = export(story_db, "--format", "csv", "--what", "requests", "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert len(rows) == 1
    assert rows[0]["ref"] == "FIN-1"
    assert rows[0]["requester_id"] == "alice"
    assert rows[0]["state"] == "closed"
    assert rows[0]["created_at"].startswith("2026-11-23T01:00")  # 09:00 Shanghai, in UTC


def test_export_every_table_as_jsonl_to_stdout(story_db):
    seen = {}
    for what in ("requests", "events", "ratings", "suggestions"):
        result = export(story_db, "--format", "jsonl", "--what", what)
        assert result.exit_code == 0, result.output
        seen[what] = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["ref"] for r in seen["requests"]] == ["FIN-1"]
    kinds = [e["kind"] for e in seen["events"]]
    assert kinds[0] == "opened" and len(kinds) >= 4
    assert [(r["stars"], r["rater_id"]) for r in seen["ratings"]] == [(4, "alice")]
    # The default is requests as JSON lines.
    default = export(story_db)
    assert [json.loads(line)["ref"] for line in default.stdout.splitlines()] == ["FIN-1"]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_anonymous_suggestions_have_no_author_in_the_export(story_db, tmp_path, fmt):
    out = tmp_path / f"suggestions.{fmt}"
    result = export(story_db, "--format", fmt, "--what", "suggestions", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
    else:
        rows = [json.loads(line) for line in text.splitlines()]
    by_text = {r["text"]: r for r in rows}
    anonymous = by_text["please accept e-invoices"]
    named = by_text["a shared calendar for closing dates"]
    assert anonymous["author_id"] in (None, "")
    assert "alice" not in json.dumps(anonymous)
    assert named["author_id"] == "henry"


def test_export_keys_follow_the_table_columns(story_db):
    result = export(story_db, "--what", "suggestions")
    first = json.loads(result.stdout.splitlines()[0])
    assert list(first)[:3] == ["id", "department", "author_id"]


def test_export_rejects_a_bad_format_or_table(story_db, tmp_path):
    out = tmp_path / "x.xml"
    bad = export(story_db, "--format", "xml", "-o", str(out))
    assert bad.exit_code == 2
    assert "--format must be csv or jsonl" in bad.output
    assert not out.exists()
    what = export(story_db, "--what", "tickets")
    assert what.exit_code == 2
    assert "requests, events, ratings, suggestions" in what.output


def test_export_from_a_missing_or_empty_database(tmp_path):
    missing = tmp_path / "missing.db"
    result = export(f"sqlite:///{missing}", "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 1 and "does not exist" in result.output
    assert not missing.exists() and not (tmp_path / "out.jsonl").exists()
    empty = tmp_path / "empty.db"
    make_engine(f"sqlite:///{empty}").connect().close()
    result = export(f"sqlite:///{empty}")
    assert result.exit_code == 1 and "crossdesk db upgrade" in result.output


# ---------------------------------------------------------------------------
# --help everywhere
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_config_and_database_url(command):
    result = invoke([*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "--config" in result.output
    assert "--database-url" in result.output
    flat = " ".join(result.output.split())
    assert "Usage: " in flat and " ".join(command) in flat


def every_command(group=None, path=()):
    """(path, click command) for the root and every command and subcommand."""
    group = group or typer.main.get_command(app)
    yield list(path), group
    for name, sub in getattr(group, "commands", {}).items():
        yield from every_command(sub, (*path, name))


def bracketed(text: str | None) -> list[str]:
    """The ``[section]`` names a help string means to show (``\\[`` escapes one for rich)."""
    return [f"[{name}]" for name in re.findall(r"\\?\[([^\[\]]+)\]", text or "")]


def test_database_url_help_is_not_eaten_by_markup():
    flat = " ".join(invoke(["chat", "--help"]).output.split())
    assert "bot.database_url" in flat


@pytest.mark.parametrize("path,command", [pytest.param(p, c, id=" ".join(p) or "crossdesk")
                                          for p, c in every_command()])
def test_no_help_loses_its_bracketed_section_names_to_markup(path, command):
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    texts = [command.help, *(getattr(p, "help", None) for p in command.params)]
    for sub in getattr(command, "commands", {}).values():  # the first line, as listed
        texts.append((sub.help or "").split("\n\n")[0])
    wanted = [name for text in texts for name in bracketed(text)]
    for name in wanted:
        assert name in flat, f"{name} eaten from `crossdesk {' '.join(path)} --help`"
    assert "\\[" not in flat, "an escape shows"
    assert "default host" not in flat and "words says" not in flat and " to ;" not in flat


def test_export_help_names_every_table_it_exports():
    from bot.cli.export import TABLES

    help_text = CliRunner().invoke(app, ["export", "--help"], env={"COLUMNS": "300"}).output
    flat = " ".join(help_text.split())
    assert f"{', '.join(list(TABLES)[:-1])} or {list(TABLES)[-1]}." in flat


def test_top_level_help_lists_every_command():
    result = invoke(["--help"])
    assert result.exit_code == 0
    for command in ("demo", "chat", "serve", "tick", "init", "db", "check-config", "export"):
        assert command in result.output


def test_python_dash_m_bot_help(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "bot", "--help"], capture_output=True,
                          text=True, cwd=tmp_path, timeout=120,
                          env={**os.environ, "COLUMNS": "100"})
    assert proc.returncode == 0, proc.stderr
    assert "check-config" in proc.stdout and "export" in proc.stdout
    sub = subprocess.run([sys.executable, "-m", "bot", "export", "--help"], capture_output=True,
                         text=True, cwd=tmp_path, timeout=120,
                         env={**os.environ, "COLUMNS": "100"})
    assert sub.returncode == 0 and "--database-url" in sub.stdout


def test_installed_script_help():
    proc = run(["db", "upgrade", "--help"])
    assert proc.returncode == 0 and "--database-url" in proc.stdout


def test_a_configured_person_typed_in_another_case_is_that_person(tmp_path):
    out = chat_story(sqlite_url(tmp_path), "@now 2026-11-23T09:00\n"
                     "Alice> /request it laptop broken\nALICE> /request list\n")
    assert "Opened IT-1" in out, "Alice speaks English, as alice does"
    assert "IT-1" in out.split("Your requests:")[1], "her list holds the request"


def test_demo_refuses_a_config_with_a_platform_in_its_own_name_touching_nothing(tmp_path):
    config = tmp_path / "slack.toml"
    config.write_text(EXAMPLE.read_text(encoding="utf-8") + '\n[slack]\nmode = "http"\n',
                      encoding="utf-8")
    db = tmp_path / "demo.db"
    result = invoke(["demo", "--config", str(config), "--database-url", f"sqlite:///{db}"])
    assert result.exit_code == 2
    assert result.output.startswith("crossdesk demo: this config enables Slack"), result.output
    assert not db.exists(), "no database file is left behind"
