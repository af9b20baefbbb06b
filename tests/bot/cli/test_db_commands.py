"""`crossdesk db upgrade` says what it will do and what it did; `crossdesk db check` exits 0
at head, 1 behind (with the command to run), 2 ahead (a rollback: the version it needs), 3
unreachable; `serve` refuses a database behind or ahead of its version unless asked to
`--upgrade`, and `/healthz` reports the schema state.

Each test builds its own SQLite file at the revision it needs (the PostgreSQL run shares one
schema at head)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from bot.cli.main import app
from bot.runtime.version import crossdesk_version
from storage import migrate
from storage.engine import make_engine
from tests.bot.cli.serving import wait_health
from tests.conftest import EXAMPLE

CROSSDESK = Path(sys.executable).parent / "crossdesk"
EARLIER = "0009"  # a release's schema: conversations, before attachments
FUTURE = "f00d"   # a revision only a newer crossdesk knows


def invoke(args: list[str]):
    return CliRunner().invoke(app, args, env={"COLUMNS": "200"})


def database_at(tmp_path: Path, revision: str | None, name: str = "desk.db") -> str:
    """A SQLite database at ``revision`` ("head", an earlier one, FUTURE, or None: empty)."""
    url = f"sqlite:///{tmp_path / name}"
    if revision is None:
        return url
    engine = make_engine(url)
    migrate.upgrade(engine, "head" if revision == FUTURE else revision)
    if revision == FUTURE:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": FUTURE})
    engine.dispose()
    return url


def revision_of(url: str) -> str | None:
    engine = make_engine(url)
    try:
        return migrate.current_revision(engine)
    finally:
        engine.dispose()


def db(command: str, url: str):
    return invoke(["db", command, "--config", str(EXAMPLE), "--database-url", url])


def test_db_upgrade_names_the_migrations_it_will_apply_then_what_it_did(tmp_path):
    url = database_at(tmp_path, EARLIER)
    head = migrate.head_revision()
    pending = migrate.steps_between(EARLIER, head)
    assert pending and pending[0].revision == "0010"
    result = db("upgrade", url)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (f"database {url} is at revision 0009 (conversations); applying "
                        f"{len(pending)} migrations up to {head}:")
    assert lines[1:1 + len(pending)] == [f"  {step}" for step in pending]
    assert lines[1] == "  0010 attachments"
    assert lines[-1] == (f"applied {len(pending)} migrations: database {url} upgraded from "
                         f"0009 to {head}")
    assert revision_of(url) == head

    again = db("upgrade", url)
    assert again.exit_code == 0
    last = pending[-1]
    assert again.output == (f"database {url} is already at head, revision {last.revision} "
                            f"({last.name}): up to date, nothing to apply\n")


def test_db_check_at_head_exits_0(tmp_path):
    url = database_at(tmp_path, "head")
    result = db("check", url)
    assert result.exit_code == 0
    assert result.output.startswith(f"database {url} is at head, revision "
                                    f"{migrate.head_revision()}")


def test_db_check_behind_exits_1_with_the_command_to_run(tmp_path):
    url = database_at(tmp_path, EARLIER)
    result = db("check", url)
    assert result.exit_code == 1
    assert "is at revision 0009 (conversations)" in result.output
    assert (f"Run: crossdesk db upgrade --config {EXAMPLE} --database-url {url}"
            in result.output)
    assert "  to apply: 0010 attachments" in result.output
    assert revision_of(url) == EARLIER  # a check changes nothing


def test_db_check_on_an_empty_database_exits_1_and_creates_nothing(tmp_path):
    url = database_at(tmp_path, None, "none.db")
    result = db("check", url)
    assert result.exit_code == 1
    assert "has no crossdesk tables yet" in result.output
    assert "Run: crossdesk db upgrade" in result.output
    assert not (tmp_path / "none.db").exists()


def test_db_check_ahead_exits_2_with_the_version_it_needs(tmp_path):
    url = database_at(tmp_path, FUTURE)
    result = db("check", url)
    assert result.exit_code == 2
    assert f"at revision {FUTURE}, which crossdesk {crossdesk_version()} does not know" in (
        result.output)
    assert f"the crossdesk release that ships migration {FUTURE}" in result.output


def test_db_check_on_an_unreachable_database_exits_3():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = db("check", f"postgresql+psycopg://nobody:secret-pw@127.0.0.1:{port}/desk")
    assert result.exit_code == 3
    assert "cannot use database" in result.output and "secret-pw" not in result.output


def test_db_upgrade_on_a_database_ahead_changes_nothing_and_exits_2(tmp_path):
    url = database_at(tmp_path, FUTURE)
    result = db("upgrade", url)
    assert result.exit_code == 2
    assert "crossdesk never downgrades a schema" in result.output
    assert revision_of(url) == FUTURE


def serve(url: str, *extra: str, port: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CROSSDESK_PORT": str(port or 1)}
    return subprocess.run([str(CROSSDESK), "serve", "--config", str(EXAMPLE), "--database-url",
                           url, *extra], capture_output=True, text=True, env=env, timeout=60)


def test_serve_refuses_a_database_behind_it_with_the_command_to_run(tmp_path):
    url = database_at(tmp_path, EARLIER)
    proc = serve(url)
    assert proc.returncode == 1
    assert "crossdesk serve: the database is at revision 0009 (conversations)" in proc.stderr
    assert f"Run: crossdesk db upgrade --config {EXAMPLE} --database-url {url}" in proc.stderr
    assert "(or start serve with --upgrade)" in proc.stderr
    assert revision_of(url) == EARLIER


def test_serve_refuses_a_database_ahead_of_it_with_the_version_it_needs(tmp_path):
    url = database_at(tmp_path, FUTURE)
    proc = serve(url, "--upgrade")  # --upgrade never downgrades
    assert proc.returncode == 1
    assert f"which crossdesk {crossdesk_version()} does not know" in proc.stderr
    assert f"ships migration {FUTURE}" in proc.stderr
    assert revision_of(url) == FUTURE


def test_serve_upgrade_migrates_first_and_healthz_reports_the_schema(tmp_path):
    url = database_at(tmp_path, EARLIER)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "CROSSDESK_PORT": str(port)}
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen([str(CROSSDESK), "serve", "--upgrade", "--config", str(EXAMPLE),
                                 "--database-url", url], env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        head = migrate.head_revision()
        health = wait_health(f"http://127.0.0.1:{port}", proc, log)
        assert health["schema"] == {"state": "current", "revision": head, "head": head}
        assert health["version"] == crossdesk_version()
        # a newer replica upgrades the schema under this one: reported, still serving
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": FUTURE})
        engine.dispose()
        later = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
        assert later.status_code == 200
        assert later.json()["schema"] == {"state": "ahead", "revision": FUTURE, "head": head}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert "upgrading the database schema" in log.read_text()


@pytest.mark.parametrize("state", ["current", "behind", "ahead"])
def test_schema_state_compares_the_database_with_the_shipped_migrations(tmp_path, state):
    revision = {"current": "head", "behind": EARLIER, "ahead": FUTURE}[state]
    engine = make_engine(database_at(tmp_path, revision))
    found = migrate.schema_state(engine)
    engine.dispose()
    assert found.status == state
    assert found.head == migrate.head_revision()
    assert bool(found.pending) == (state == "behind")


def test_migrations_are_named_as_their_files():
    from storage import migrate

    names = [str(migrate.step(r)) for r in ("0015", "0016", "0019", "0020")]
    assert names == ["0015 outbox_index", "0016 due_indexes", "0019 cycle_on_request",
                     "0020 outbox_progress"], "each tells itself apart"
