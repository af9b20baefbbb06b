"""Bad input and a database crossdesk cannot use end in one polite line and a non-zero exit,
never a traceback: a database a newer crossdesk upgraded, a URL crossdesk has no driver for,
an output file in a folder that does not exist, a missing folder under `serve`, and the demo
asked to tell its story on a database that already holds a desk's data."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.cli.main import app
from bot.runtime.version import crossdesk_version
from storage import migrate
from storage.engine import make_engine
from storage.models import Person, Request
from tests.bot.cli.test_db_commands import FUTURE, database_at, revision_of
from tests.conftest import EXAMPLE

CROSSDESK = Path(sys.executable).parent / "crossdesk"
AHEAD = f"which crossdesk {crossdesk_version()} does not know"
UNUSABLE = "is not a database URL crossdesk can use: sqlite:///path or postgresql+psycopg://"


def invoke(args: list[str], input: str | None = None):
    return CliRunner().invoke(app, args, input=input, env={"COLUMNS": "200"})


def ended_politely(result) -> bool:
    """The command ended through typer.Exit (a message), not an exception (a traceback)."""
    return result.exception is None or isinstance(result.exception, SystemExit)


def with_retention(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8") + '\n[retention]\ndetails_after = "3y"\n',
                    encoding="utf-8")
    return path


def counts(url: str) -> tuple[int, int]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return (session.exec(select(func.count()).select_from(Request)).one(),
                    session.exec(select(func.count()).select_from(Person)).one())
    finally:
        engine.dispose()


# ---------------------------------------------------------------------------
# a database ahead of this code
# ---------------------------------------------------------------------------

AHEAD_COMMANDS = {
    "tick": ["tick"],
    "digest": ["digest"],
    "report": ["report"],
    "chat": ["chat"],
    "retention": ["retention"],
    "sync wecom": ["sync", "wecom", "--dry-run"],
    "wecom create-chat": ["wecom", "create-chat", "finance"],
    "demo": ["demo"],
}


@pytest.mark.parametrize("command", AHEAD_COMMANDS.values(), ids=AHEAD_COMMANDS.keys())
def test_a_database_ahead_of_the_code_is_explained_as_db_check_does(tmp_path, command):
    url = database_at(tmp_path, FUTURE)
    config = with_retention(tmp_path)
    result = invoke([*command, "--config", str(config), "--database-url", url], input="")
    assert result.exit_code == 2, result.output
    assert ended_politely(result), repr(result.exception)
    assert f"database {url}: the database is at revision {FUTURE}, {AHEAD}" in result.output
    assert "crossdesk never downgrades a schema" in result.output
    assert "Can't locate revision" not in result.output
    assert revision_of(url) == FUTURE


# ---------------------------------------------------------------------------
# a URL crossdesk cannot use
# ---------------------------------------------------------------------------

URL_COMMANDS = {
    "check-config": ["check-config"],
    "init": ["init"],
    "chat": ["chat"],
    "demo": ["demo"],
    "tick": ["tick"],
    "export": ["export"],
    "export --person": ["export", "--person", "alice"],
    "digest": ["digest"],
    "retention": ["retention"],
    "report": ["report"],
    "serve": ["serve"],
    "db upgrade": ["db", "upgrade"],
    "db check": ["db", "check"],
    "erase person": ["erase", "person", "nobody", "--as", "root", "--dry-run"],
    "sync wecom": ["sync", "wecom"],
    "wecom create-chat": ["wecom", "create-chat", "finance"],
}


@pytest.mark.parametrize("url", ["garbage", "mysql://u:Sekrit99@db.example/desk",
                                 "postgresql+nodriver://u:Sekrit99@db.example/desk"])
@pytest.mark.parametrize("command", URL_COMMANDS.values(), ids=URL_COMMANDS.keys())
def test_a_database_url_crossdesk_cannot_use_is_one_line(tmp_path, monkeypatch, command, url):
    monkeypatch.chdir(tmp_path)
    config = with_retention(tmp_path)
    result = invoke([*command, "--config", str(config), "--database-url", url], input="")
    assert result.exit_code == (3 if command == ["db", "check"] else 1), result.output
    assert ended_politely(result), repr(result.exception)
    assert UNUSABLE in result.output
    assert "--database-url (CROSSDESK_DATABASE_URL) or bot.database_url" in result.output
    assert "Sekrit99" not in result.output
    if "Sekrit99" in url:
        assert "u:***@db.example" in result.output


def test_a_database_url_from_the_environment_is_checked_too(tmp_path):
    result = CliRunner().invoke(app, ["tick", "--config", str(EXAMPLE)], env={
        "COLUMNS": "200", "CROSSDESK_DATABASE_URL": "mysql://u:Sekrit99@db.example/desk"})
    assert result.exit_code == 1 and ended_politely(result)
    assert f"'mysql://u:***@db.example/desk' {UNUSABLE}" in result.output


# ---------------------------------------------------------------------------
# output files
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["export", "--format", "csv"], ["export", "--person", "alice"],
                                     ["report", "--format", "html"]], ids=" ".join)
def test_an_output_file_in_a_missing_folder_is_refused_before_anything_runs(tmp_path, command):
    url = database_at(tmp_path, "head")
    folder = tmp_path / "no" / "such"
    result = invoke([*command, "--config", str(EXAMPLE), "--database-url", url,
                     "-o", str(folder / "out.txt")])
    assert result.exit_code == 2, result.output
    assert ended_politely(result), repr(result.exception)
    assert f"cannot write {folder / 'out.txt'}: the folder {folder} does not exist" \
        in result.output
    assert "create it, or give -o a file in a folder that exists" in result.output
    assert not (tmp_path / "no").exists()


def test_an_output_path_that_is_a_folder_is_refused(tmp_path):
    url = database_at(tmp_path, "head")
    result = invoke(["export", "--config", str(EXAMPLE), "--database-url", url,
                     "-o", str(tmp_path)])
    assert result.exit_code == 2 and ended_politely(result)
    assert f"cannot write {tmp_path}: it is a folder; give -o a file name" in result.output


# ---------------------------------------------------------------------------
# serve on a missing folder
# ---------------------------------------------------------------------------


def test_serve_on_a_sqlite_file_in_a_missing_folder_says_what_the_other_commands_say(tmp_path):
    url = f"sqlite:///{tmp_path / 'no' / 'such' / 'x.db'}"
    expected = (f"cannot use database {url}: unable to open database file; check "
                "--database-url (CROSSDESK_DATABASE_URL) or bot.database_url")
    tick = invoke(["tick", "--config", str(EXAMPLE), "--database-url", url])
    assert tick.exit_code == 1 and expected in tick.output
    proc = subprocess.run([str(CROSSDESK), "serve", "--config", str(EXAMPLE), "--database-url",
                           url], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "CROSSDESK_PORT": "1", "COLUMNS": "200"})
    assert proc.returncode == 1, proc.stderr
    assert expected in proc.stderr
    assert "Traceback" not in proc.stderr and "FileNotFoundError" not in proc.stderr
    assert not (tmp_path / "no").exists()


def test_serve_says_slack_cannot_be_reached_in_one_line_without_the_tokens(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    config = tmp_path / "config.toml"
    config.write_text(EXAMPLE.read_text(encoding="utf-8") + '\n[slack]\nenabled = true\n'
                      f'mode = "socket"\napi_base_url = "http://127.0.0.1:{closed}/api/"\n',
                      encoding="utf-8")
    env = {**os.environ, "CROSSDESK_PORT": "1", "COLUMNS": "200",
           "SLACK_BOT_TOKEN": "xoxb-LeakCheckBot42", "SLACK_APP_TOKEN": "xapp-LeakCheckApp42"}
    proc = subprocess.run([str(CROSSDESK), "serve", "--upgrade", "--config", str(config),
                           "--database-url", f"sqlite:///{tmp_path / 'x.db'}"],
                          capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 1, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("crossdesk serve: could not reach Slack ("), proc.stderr
    assert "check the network" in last and "[slack] api_base_url" in last
    assert "Traceback" not in proc.stderr and "LeakCheck" not in proc.stderr + proc.stdout


# ---------------------------------------------------------------------------
# demo on a database in use
# ---------------------------------------------------------------------------


def test_demo_refuses_a_database_that_holds_requests_and_writes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    chat = invoke(["chat", "--config", str(EXAMPLE), "--database-url", url],
                  input="@now 2026-11-23T09:00\n"
                  "alice> /request finance reimbursement taxi 86 CNY\n")
    assert chat.exit_code == 0, chat.output
    before = counts(url)
    assert before[0] == 1
    result = invoke(["demo", "--database-url", url])
    assert result.exit_code == 2, result.output
    assert ended_politely(result), repr(result.exception)
    assert (f"crossdesk demo: database {url} already holds 1 request and {before[1]} "
            "people") in result.output
    assert "nothing was written" in result.output
    assert "[reply]" not in result.output
    assert counts(url) == before


def test_demo_refuses_a_database_with_people_but_no_requests(tmp_path):
    url = database_at(tmp_path, "head")
    tick = invoke(["tick", "--config", str(EXAMPLE), "--database-url", url])
    assert tick.exit_code == 0, tick.output  # the config's people are in the database now
    result = invoke(["demo", "--database-url", url])
    assert result.exit_code == 2 and "already holds 0 requests" in result.output
    assert counts(url)[0] == 0


def test_demo_tells_its_story_on_an_empty_database(tmp_path):
    url = database_at(tmp_path, "head")
    result = invoke(["demo", "--database-url", url])
    assert result.exit_code == 0, result.output
    assert "[reply] Thanks! IT-1 is closed." in result.output
    assert counts(url)[0] > 0
    assert revision_of(url) == migrate.head_revision()
