"""`crossdesk erase person ID --as ADMIN` (the right to erasure): no trace of the person's id,
name, Slack id or WeCom id is left in any text or JSON column of any table (found by
reflection, not by the personal-data map), their files are gone, the figures are unchanged;
refused while they are in the config; a dry run changes nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

import pytest
from sqlalchemy import Engine, LargeBinary, func, select
from sqlmodel import Session, SQLModel

from bot.cli.report import build_report, write_csv
from handlers import digest
from storage.models import Attachment, Erasure, Person, Rating, Request
from tests.bot.cli.person_story import ALICE, Company, build
from tests.bot.cli.test_cli import invoke
from tests.conftest import local

START, END = local("2026-11-23T00:00"), local("2026-11-30T00:00")


def erase(company: Company, url: str, *args: str, config: str | None = None):
    return invoke(["erase", "person", *args, "--config", config or str(company.after),
                   "--database-url", url])


def stored_values(engine: Engine) -> Iterator[tuple[str, str, str]]:
    """(table, column, value as JSON text) of every stored value but bytes."""
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, LargeBinary):
                    continue
                for (value,) in conn.execute(select(column)):
                    yield table.name, column.name, json.dumps(value, ensure_ascii=False,
                                                              default=str)


def traces(engine: Engine) -> list[tuple[str, str, str]]:
    """(table, column, trace) for every column of every table (but bytes) that holds one of
    alice's id, name, Slack id or WeCom id (any case)."""
    return [(table, column, trace) for table, column, shown in stored_values(engine)
            for trace in ALICE if trace.lower() in shown.lower()]


def figures(company: Company, engine: Engine) -> dict[str, Any]:
    """What the desk's numbers are: requests per state, stars, the digest and scorecard."""
    desk = company.chat.app.desk
    with Session(engine) as session:
        states = dict(session.execute(select(Request.state, func.count()).group_by(
            Request.state)).all())
        stars = sorted(session.execute(select(Rating.stars)).scalars())
        week = digest.compute(session, desk, START, END)
        out = io.StringIO()
        write_csv(build_report(session, desk, START, END), out)
    numbers = {key: {k: v for k, v in asdict(f).items() if k != "comments"}  # comments: text
               for key, f in week.items()}
    return {"states": states, "stars": stars, "digest": numbers, "scorecard": out.getvalue(),
            "rows": {t.name: count(engine, t.name) for t in SQLModel.metadata.sorted_tables
                     if t.name in ("request", "event", "rating", "suggestion", "breach",
                                   "approval_step", "approval_vote", "proposal", "deflection",
                                   "attachment", "request_field", "outbox")}}


def count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(
            SQLModel.metadata.tables[table])).scalar_one()


@pytest.fixture(params=["folder", "database"])
def company(request, tmp_path, engine, clock) -> Company:
    return build(tmp_path, engine, clock, files_in_folder=request.param == "folder")


def test_erasure_leaves_no_trace_and_keeps_the_figures(company, engine, database_url):
    before = figures(company, engine)
    assert {t for t, _, _ in traces(engine)} >= {
        "person", "request", "event", "rating", "suggestion", "outbox", "held_message",
        "form_draft", "deflection", "approval_step", "approval_vote", "away", "proposal",
        "attachment", "delivery", "send_log", "nudge_claim"}, "alice is everywhere first"
    on_disk = list(company.files.glob("*")) if company.files.exists() else []
    assert len(on_disk) + count(engine, "file_blob") == 2, "her two files are kept"

    result = erase(company, database_url, "alice", "--as", "root", "--yes")

    assert result.exit_code == 0, result.output
    assert traces(engine) == []
    assert figures(company, engine) == before
    with Session(engine) as session:
        (erased,) = session.exec(select(Erasure)).scalars().all()
        person = session.get(Person, erased.pseudonym)
        attachments = session.exec(select(Attachment)).scalars().all()
    assert erased.erased_by == "root" and erased.pseudonym.startswith("erased-")
    assert "alice" not in json.dumps(erased.counts)
    assert erased.counts["request"] >= 3 and erased.counts["held_message:deleted"] == 1
    assert person is not None and person.name == erased.pseudonym
    assert person.slack_id is None and person.wecom_id is None
    assert {(a.state, a.name, a.author_id) for a in attachments} == {
        ("erased", "", erased.pseudonym)}
    assert count(engine, "file_blob") == 0
    assert not company.files.exists() or list(company.files.glob("*")) == []
    assert f"erased: the person is now {erased.pseudonym}" in result.output
    assert "  held_message: 1 row deleted" in result.output
    shown = company.chat("bob> /request show FIN-1")
    assert erased.pseudonym in shown and "Alice" not in shown, "the desk still reads it"


def test_a_dry_run_counts_and_changes_nothing(company, engine, database_url):
    found = traces(engine)
    result = erase(company, database_url, "alice", "--as", "root", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("dry run: nothing was changed; erasing would change:")
    assert "  request: " in result.output and "  form_draft: 1 row deleted" in result.output
    assert traces(engine) == found and count(engine, "erasure") == 0


def test_refused_while_still_in_the_config(company, engine, database_url):
    found = traces(engine)
    result = erase(company, database_url, "alice", "--as", "root", "--yes",
                   config=str(company.before))
    assert result.exit_code == 1
    flat = " ".join(result.output.split())
    assert "alice is still in the config" in flat
    assert f'{company.before}:' in flat and 'id = "alice"' in flat
    assert 'name = "王丽 Alice Wang"' in flat and 'members = ["henry", "alice"]' in flat
    assert "`crossdesk erase person alice --as root` again" in flat
    assert traces(engine) == found


@pytest.mark.parametrize("args, says", [
    (["alice"], "say who you are (one of bot.admins): crossdesk erase person alice --as root"),
    (["alice", "--as", "carol"], "only an admin (bot.admins) may erase a person"),
    (["nobody", "--as", "root"], "no person nobody in"),
])
def test_needs_an_admin_and_a_known_person(company, engine, database_url, args, says):
    result = erase(company, database_url, *args, "--yes")
    assert result.exit_code == 1
    assert says in " ".join(result.output.split())
    assert count(engine, "erasure") == 0


def test_it_asks_first_and_no_changes_nothing(company, engine, database_url):
    found = traces(engine)
    result = invoke(["erase", "person", "alice", "--as", "root", "--config",
                     str(company.after), "--database-url", database_url], input="n\n")
    assert result.exit_code == 1 and "Erase alice for good" in result.output
    assert "nothing was changed" in result.output and traces(engine) == found


def test_an_erased_id_is_not_found_again(company, engine, database_url):
    assert erase(company, database_url, "alice", "--as", "root", "--yes").exit_code == 0
    again = erase(company, database_url, "alice", "--as", "root", "--yes")
    assert again.exit_code == 1 and "no person alice" in again.output
