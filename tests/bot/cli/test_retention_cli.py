"""`crossdesk retention [--dry-run]`: what would go, then what went, on requests closed long
ago; nothing configured says so; a bad age in [retention] says what to type."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.cli.main import app
from bot.runtime import config as config_mod
from storage.models import Attachment, Event, Request, RequestField
from tests.conftest import EXAMPLE

RETENTION = """
[retention]
details_after = "3y"
comments_after = "3y"
files_after = "1y"
"""
# Closed in November 2020 (long enough ago for any day these tests run); one still open.
STORY = """\
@now 2020-11-16T09:00
henry> /request finance cash-advance taxi to the airport 86
henry> /request comment FIN-1 the Beijing trip
henry@dm:FIN-1> the receipt [file {receipt}]
bob> /request resolve FIN-1 paid
henry> /request confirm FIN-1
alice> /request finance cash-advance hotel in Shanghai
"""


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "100"})


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8") + RETENTION, encoding="utf-8")
    return path


@pytest.fixture
def story(config: Path, database_url: str, engine: Engine, tmp_path: Path) -> str:
    receipt = tmp_path / "receipt.jpg"
    receipt.write_bytes(b"\xff\xd8\xff\xe0" + b"x" * 2044)
    result = CliRunner().invoke(app, ["chat", "--config", str(config), "--database-url",
                                      database_url], input=STORY.format(receipt=receipt))
    assert result.exit_code == 0, result.output
    return database_url


def words(engine: Engine) -> tuple[list[str], list[str | None], list[str]]:
    with Session(engine) as s:
        return ([r.title for r in s.exec(select(Request).order_by(Request.id))],
                [e.note for e in s.exec(select(Event).where(Event.kind == "commented"))],
                [a.state for a in s.exec(select(Attachment))])


def test_dry_run_shows_what_would_go_and_the_run_then_does_exactly_that(
        config: Path, story: str, engine: Engine) -> None:
    before = words(engine)
    dry = invoke("retention", "--dry-run", "--config", str(config), "--database-url", story)
    assert dry.exit_code == 0, dry.output
    assert "dry run (nothing changed): would blank" in dry.output
    # details: the request row, the notes of "opened" and "resolved"; comments: the comment
    # and the DM that carried the file; files: the attachment and its history note
    assert "  details          1 requests, 3 rows, closed 2020-11-16 … 2020-11-16" in dry.output
    assert "  comments         1 requests, 2 rows, closed 2020-11-16" in dry.output
    assert "  files            1 requests, 2 rows, 1 stored files, 2.0 KB, closed" in dry.output
    assert "  rating comments  kept forever (no rating_comments_after)" in dry.output
    # sent messages: FIN-1's outbox rows, with the settle rows of Bob's resolve and Henry's
    # confirm (their own buttons on FIN-1 made moot)
    assert "  sent messages    1 requests, 11 rows" in dry.output
    assert "Requests would be purged (every configured kind blank): 1." in dry.output
    assert words(engine) == before == (["taxi to the airport 86", "hotel in Shanghai"],
                                       ["the Beijing trip"], ["stored"])
    done = invoke("retention", "--config", str(config), "--database-url", story)
    assert done.exit_code == 0, done.output
    assert done.output.splitlines()[1:-1] == dry.output.splitlines()[1:-1]
    assert "Requests now purged (every configured kind blank): 1." in done.output
    assert words(engine) == (["—", "hotel in Shanghai"], [None], ["purged"])
    again = invoke("retention", "--config", str(config), "--database-url", story)
    assert "  details          0 requests, 0 rows" in again.output
    assert "Requests now purged (every configured kind blank): 0." in again.output


def test_without_retention_it_says_nothing_is_configured(database_url: str,
                                                         engine: Engine) -> None:
    result = invoke("retention", "--config", str(EXAMPLE), "--database-url", database_url)
    assert result.exit_code == 0, result.output
    assert "No retention is configured: closed requests keep everything." in result.output
    assert 'details_after = "3y"' in result.output


def test_a_bad_age_says_what_to_type(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8") + '\n[retention]\ndetails_after = '
                    '"3 years"\nfiles = "1y"\n', encoding="utf-8")
    with pytest.raises(config_mod.ConfigError) as caught:
        config_mod.load(path)
    problems = {p.key: p.message for p in caught.value.problems}
    assert problems["retention.details_after"] == (
        "'3 years' is not an age; write \"3y\", \"18m\", \"90d\" or \"12w\" (years, months, "
        "days, weeks), or \"never\" (kept forever)")
    assert problems["retention.files"].startswith("unknown key; use one of details_after, ")
    checked = invoke("check-config", "--config", str(path))
    assert checked.exit_code != 0 and "retention.details_after" in checked.output


def test_the_sample_config_keeps_everything_and_shows_the_section() -> None:
    assert not config_mod.load(EXAMPLE).retention.ages()
    assert '# [retention]\n# details_after = "3y"' in EXAMPLE.read_text(encoding="utf-8")


def test_files_after_blanks_a_forms_file_field_too(config: Path, database_url: str,
                                                   engine: Engine) -> None:
    story = ("@now 2020-11-16T09:00\n"
             "kevin> /request finance reimbursement 金额=86 taxi [file invoice-0042.pdf]\n"
             "bob> /request resolve FIN-1 paid\nkevin> /request confirm FIN-1\n")
    chat = CliRunner().invoke(app, ["chat", "--config", str(config), "--database-url",
                                    database_url], input=story)
    assert chat.exit_code == 0 and "[error]" not in chat.output, chat.output

    def invoice() -> list[tuple[str, str | None]]:
        with Session(engine) as s:
            return [(f.type, f.text) for f in s.exec(select(RequestField).where(
                RequestField.key == "invoice"))]

    assert invoice() == [("file", "invoice-0042.pdf")]
    dry = invoke("retention", "--dry-run", "--config", str(config), "--database-url",
                 database_url)
    assert "  files            1 requests, 3 rows, 1 stored files" in dry.output, dry.output
    done = invoke("retention", "--config", str(config), "--database-url", database_url)
    assert done.exit_code == 0, done.output
    assert invoice() == [("file", None)], "the form was answered; the name is gone"
