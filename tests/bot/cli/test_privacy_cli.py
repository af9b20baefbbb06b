"""Privacy and output choices of the CLI: `export --person` only for an admin who says who
they are; an erased person keeps no manager, language or reports and is sent nothing more;
the person's export lists the messages sent to them; `erase` checks before it asks; the
export's and report's format follows the file's extension; a rating's tags are a JSON array
in JSON lines (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlmodel import Session, col, select

from storage.models import Disclosure, Erasure, Outbox, Person
from tests.bot.cli.person_story import Company, build
from tests.bot.cli.test_cli import chat_story, invoke
from tests.bot.cli.test_schema_guard import behind  # noqa: F401 - a fixture
from tests.conftest import EXAMPLE

RATED = """\
@now 2026-11-23T09:00
alice> /request finance reimbursement taxi 86 CNY
bob> /request ack FIN-1
bob> /request resolve FIN-1 paid on Friday
alice> /request confirm FIN-1
alice> /request rate FIN-1 4 fast
"""


@pytest.fixture
def company(tmp_path, engine, clock) -> Company:
    return build(tmp_path, engine, clock, files_in_folder=False)


def cli(company: Company, url: str, *args: str, input: str | None = None):
    return invoke([*args, "--config", str(company.after), "--database-url", url], input=input)


def erase_alice(company: Company, url: str, engine) -> str:
    """Erase alice (as root); her pseudonym."""
    result = cli(company, url, "erase", "person", "alice", "--as", "root", "--yes")
    assert result.exit_code == 0, result.output
    with Session(engine) as session:
        return session.exec(select(Erasure.pseudonym)).one()


# 1. the right of access is an admin's, who says who they are


def test_export_person_without_as_is_refused_and_writes_nothing(company, engine,
                                                                 database_url, tmp_path):
    out = tmp_path / "alice.json"
    result = cli(company, database_url, "export", "--person", "alice", "-o", str(out))
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert "--person needs --as ADMIN" in said
    assert "type crossdesk export --person alice --as root" in said
    assert not out.exists()
    with Session(engine) as session:
        assert session.exec(select(Disclosure)).all() == []


# 2. erasure drops who they reported to, their language, and their place as a manager


def test_erasure_drops_her_manager_locale_and_reports(company, engine, database_url):
    with Session(engine) as session:
        kevin = session.get(Person, "kevin")
        assert kevin is not None and kevin.manager_id == "alice", "she manages kevin first"
    pseudonym = erase_alice(company, database_url, engine)

    result = cli(company, database_url, "export", "--person", pseudonym, "--as", "root")
    assert result.exit_code == 0, result.output
    person = json.loads(result.stdout)["person"]
    assert (person["manager_id"], person["locale"]) == (None, None)
    with Session(engine) as session:
        kevin = session.get(Person, "kevin")
        assert kevin is not None and kevin.manager_id is None
        assert session.exec(select(Person).where(col(Person.manager_id) == pseudonym)).all() \
            == []


# 3. nothing more is queued to an erased person


def test_nothing_is_queued_to_an_erased_person(company, engine, database_url):
    pseudonym = erase_alice(company, database_url, engine)
    with Session(engine) as session:
        before = session.exec(select(Outbox.id).where(
            Outbox.target == f"person:{pseudonym}")).all()

    shown = company.chat("bob> /request transfer FIN-4 it laptop")

    assert "FIN-4" in shown and f"[to {pseudonym}]" not in shown, shown
    assert "[to #finance-requests]" in shown, "the desks are still told"
    with Session(engine) as session:
        after = session.exec(select(Outbox.id).where(
            Outbox.target == f"person:{pseudonym}")).all()
    assert after == before


# 4. the person's export lists the messages sent to them


def test_person_export_lists_the_messages_sent_to_them(company, database_url):
    result = cli(company, database_url, "export", "--person", "alice", "--as", "root")
    assert result.exit_code == 0, result.output
    messages = json.loads(result.stdout)["messages"]
    registered = [m for m in messages if m["ref"] == "FIN-4" and
                  (m["text"] or "").startswith("Your request FIN-4 to Finance is registered")]
    assert len(registered) == 1, messages
    (one,) = registered
    assert one["created_at"].endswith("+00:00") and one["delivered_at"] is not None
    assert one["failed_at"] is None
    assert "payload" not in one and "target" not in one


# 5. erase checks the person and the schema before asking


def test_erase_an_unknown_person_refuses_without_asking(company, database_url):
    result = cli(company, database_url, "erase", "person", "nobody", "--as", "root",
                 input="y\n")
    assert result.exit_code == 1
    assert "for good" not in result.output
    assert "no person nobody in" in result.output


def test_erase_on_a_database_behind_refuses_without_asking(behind):  # noqa: F811
    result = invoke(["erase", "person", "zhou", "--as", "root", "--config", str(EXAMPLE),
                     "--database-url", behind], input="y\n")
    assert result.exit_code == 1
    assert "for good" not in result.output
    assert "the database is at revision 0019" in result.output


# 6. the format follows the file's extension unless --format says otherwise


@pytest.fixture
def rated(engine, database_url) -> str:
    chat_story(database_url, RATED)
    return database_url


def export(url: str, *args: str):
    return invoke(["export", "--config", str(EXAMPLE), "--database-url", url, *args])


def test_the_export_format_follows_the_extension_unless_given(rated, tmp_path):
    for name, args in [("req.csv", []), ("req.jsonl", []), ("req.json", []),
                       ("asked.csv", ["--format", "jsonl"])]:
        assert export(rated, "-o", str(tmp_path / name), *args).exit_code == 0
    (row,) = csv.DictReader(io.StringIO((tmp_path / "req.csv").read_text(encoding="utf-8")))
    assert row["ref"] == "FIN-1" and row["state"] == "closed"
    for name in ("req.jsonl", "req.json", "asked.csv"):
        (line,) = (tmp_path / name).read_text(encoding="utf-8").splitlines()
        assert json.loads(line)["ref"] == "FIN-1", name


def test_the_report_format_follows_the_extension(rated, tmp_path):
    starts = {"rep.csv": "section,start,end,timezone", "rep.html": "<!doctype",
              "rep.txt": "服务报告"}
    for name in starts:
        result = invoke(["report", "--config", str(EXAMPLE), "--database-url", rated,
                         "--from", "2026-11-23", "--to", "2026-11-29", "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    for name, start in starts.items():
        text = (tmp_path / name).read_text(encoding="utf-8").lstrip().lower()
        assert text.startswith(start), (name, text[:80])


# 7. a rating's tags: an array in JSON lines, text in CSV


def test_rating_tags_are_an_array_in_json_lines_and_text_in_csv(rated):
    (line,) = export(rated, "--what", "ratings").stdout.splitlines()
    assert json.loads(line)["tags"] == []
    (row,) = csv.DictReader(io.StringIO(export(rated, "--what", "ratings", "--format",
                                               "csv").stdout))
    assert row["tags"] == "[]"

