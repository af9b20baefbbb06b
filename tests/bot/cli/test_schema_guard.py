"""Only `db upgrade`, `init`, `serve --upgrade` and `demo` change the schema: every other
command refuses a database behind this code in one line naming the `db upgrade` to run (exit
1), changing nothing; `db check` exits 3 on a database it cannot open and 4 on a config with
problems; a file that is not a database is one line, never a traceback.

The database behind is the run's backend: a SQLite file, or a PostgreSQL schema of its own."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from bot.cli.main import app
from storage import migrate
from storage.engine import make_engine
from tests.bot.cli.test_db_commands import CROSSDESK, database_at, revision_of
from tests.conftest import EXAMPLE, PG_URL

EARLIER = "0019"  # the release before the outbox's progress columns
WHERE = "check --database-url (CROSSDESK_DATABASE_URL) or bot.database_url"


def invoke(args: list[str], input: str | None = None):
    return CliRunner().invoke(app, args, input=input, env={"COLUMNS": "200"})


@pytest.fixture
def behind(tmp_path: Path) -> Iterator[str]:
    """The URL of a database at EARLIER (on PostgreSQL, in a schema of its own)."""
    if not PG_URL:
        yield database_at(tmp_path, EARLIER)
        return
    schema = f"crossdesk_guard_{os.getpid()}"
    url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(url)
    migrate.upgrade(engine, EARLIER)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


USES_THE_SCHEMA = {
    "report": ["report"],
    "digest": ["digest"],
    "digest --post": ["digest", "--post", "--week", "2026-W47"],
    "tick": ["tick"],
    "chat": ["chat"],
    "retention": ["retention"],
    "export": ["export"],
    "export --person": ["export", "--person", "alice", "--as", "root"],
    "erase person": ["erase", "person", "nobody", "--as", "root", "--dry-run"],
    "sync wecom": ["sync", "wecom", "--dry-run"],
}


@pytest.mark.parametrize("command", USES_THE_SCHEMA.values(), ids=USES_THE_SCHEMA.keys())
def test_a_command_refuses_a_database_behind_it_and_leaves_it_as_it_was(tmp_path, behind,
                                                                        command):
    config = tmp_path / "config.toml"
    config.write_text(EXAMPLE.read_text(encoding="utf-8") + '\n[retention]\ndetails_after = '
                      '"3y"\n', encoding="utf-8")
    result = invoke([*command, "--config", str(config), "--database-url", behind], input="")
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.count("\n") == 1, result.output  # one line, nothing else
    assert "the database is at revision 0019" in result.output
    later = [p for p in (Path(migrate.__file__).parent / "migrations" / "versions").glob("0*.py")
             if p.name[:4] > EARLIER]
    assert len(later) > 1
    assert (f"{len(later)} migrations to apply. Run: crossdesk db upgrade --config"
            in result.output)
    assert revision_of(behind) == EARLIER


def test_db_check_on_a_file_in_a_missing_folder_cannot_reach_it_and_exits_3(tmp_path):
    url = f"sqlite:///{tmp_path / 'no' / 'such' / 'x.db'}"
    result = invoke(["db", "check", "--config", str(EXAMPLE), "--database-url", url])
    assert result.exit_code == 3, result.output
    assert result.output == (f"cannot use database {url}: unable to open database file; "
                             f"{WHERE}\n")
    assert not (tmp_path / "no").exists()


JUNK_COMMANDS = {"db check": (["db", "check"], 3), "db upgrade": (["db", "upgrade"], 1),
                 "tick": (["tick"], 1), "report": (["report"], 1)}


@pytest.mark.parametrize("command, code", JUNK_COMMANDS.values(), ids=JUNK_COMMANDS.keys())
def test_a_file_that_is_not_a_database_is_one_line(tmp_path, command, code):
    junk = tmp_path / "junk.db"
    junk.write_text("garbage\n")
    url = f"sqlite:///{junk}"
    result = invoke([*command, "--config", str(EXAMPLE), "--database-url", url])
    assert result.exit_code == code, result.output
    assert result.output == f"cannot use database {url}: file is not a database; {WHERE}\n"
    assert junk.read_text() == "garbage\n"


def test_serve_on_a_file_that_is_not_a_database_is_one_line(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_text("garbage\n")
    proc = subprocess.run([str(CROSSDESK), "serve", "--config", str(EXAMPLE), "--database-url",
                           f"sqlite:///{junk}"], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "CROSSDESK_PORT": "1", "COLUMNS": "200"})
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == (
        f"cannot use database sqlite:///{junk}: file is not a database; {WHERE}")
    assert "Traceback" not in proc.stderr


def test_db_check_on_a_config_with_a_password_exits_4_not_behind(tmp_path):
    config = tmp_path / "pw.toml"
    config.write_text(EXAMPLE.read_text(encoding="utf-8").replace(
        'database_url = "sqlite:///crossdesk.db"',
        'database_url = "postgresql+psycopg://desk:Sekrit99@127.0.0.1/desk"'), encoding="utf-8")
    result = CliRunner().invoke(app, ["db", "check", "--config", str(config)],
                                env={"COLUMNS": "200", "CROSSDESK_DATABASE_URL": None})
    assert result.exit_code == 4, result.output
    assert f"1 problem in {config}:" in result.output
    assert "bot.database_url: holds a credential" in result.output
    assert "Sekrit99" not in result.output and "Run: crossdesk db upgrade" not in result.output
