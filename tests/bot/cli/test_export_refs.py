"""`crossdesk export`: a request's rows (events, comments, ratings, attachments) name their
request by its ref, as the requests export writes it, right after request_id; a transferred
request keeps its ref; read one query per batch (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlmodel import Session

from bot.cli.export import rows
from tests.bot.cli.test_cli import chat_story
from tests.bot.cli.test_export import export, parse

# Row ids and refs part ways: request 2 is IT-1, request 3 is FIN-2 (then moved to IT).
STORY = """\
@now 2026-11-23T09:00
alice> /request finance reimbursement taxi 86 CNY
henry> /request it laptop broken [file screen.jpg]
alice> /request finance reimbursement hotel 300 CNY
dave@IT-1> on my way
bob@FIN-2> please send the receipt
carol@FIN-2> // this is IT's, not ours
bob> /request transfer FIN-2 it software
dave> /request comment FIN-2 which software?
dave> /request ack IT-1
dave> /request resolve IT-1 new screen
henry> /request confirm IT-1
henry> /request rate IT-1 5 quick
"""
CHILDREN = ("events", "comments", "ratings", "attachments")


@pytest.fixture
def story(engine, database_url) -> str:
    """The database URL, after the story was typed into `crossdesk chat`."""
    out = chat_story(database_url, STORY)
    assert "[reply] 谢谢！IT-1 已关闭。" in out, out  # henry speaks Chinese
    return database_url


def _export(url: str, what: str, fmt: str) -> tuple[str, list[dict[str, str]]]:
    result = export(url, "--format", fmt, "--what", what)
    assert result.exit_code == 0, result.output
    return result.stdout, parse(result.stdout, fmt)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_comments_name_their_request_by_ref(story, fmt):
    _, found = _export(story, "comments", fmt)
    assert [(str(r["request_id"]), r["ref"], r["actor_id"], r["note"]) for r in found] == [
        ("2", "IT-1", "dave", "on my way"),
        ("3", "FIN-2", "bob", "please send the receipt"),
        ("3", "FIN-2", "carol", "this is IT's, not ours"),
        ("3", "FIN-2", "dave", "which software?"),
    ], "a transferred request keeps its ref"
    assert list(found[0])[:4] == ["id", "request_id", "ref", "actor_id"]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
@pytest.mark.parametrize("what", CHILDREN)
def test_every_row_of_a_request_carries_the_requests_export_ref(story, what, fmt):
    _, requests = _export(story, "requests", fmt)
    ref_of = {str(r["id"]): r["ref"] for r in requests}
    assert ref_of == {"1": "FIN-1", "2": "IT-1", "3": "FIN-2"}
    text, found = _export(story, what, fmt)
    assert found, f"{what} exported nothing"
    assert [r["ref"] for r in found] == [ref_of[str(r["request_id"])] for r in found]
    names = list(found[0])
    assert names.index("ref") == names.index("request_id") + 1
    if fmt == "csv":
        assert text.splitlines()[0].startswith(",".join(names[:3]))


def test_suggestions_have_no_ref_column(story):
    chat_story(story, "mia> /suggest --anon finance please accept e-invoices\n")
    text, found = _export(story, "suggestions", "csv")
    assert "ref" not in found[0] and "FIN-" not in text


def test_refs_are_read_once_per_batch(story, engine):
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    with Session(engine) as session:
        event.listen(engine, "before_cursor_execute", seen)
        try:
            found = list(rows(session, "events", batch=5))
        finally:
            event.remove(engine, "before_cursor_execute", seen)
    batches = -(-len(found) // 5)
    assert len(found) > 10 and {r["ref"] for r in found} == {"FIN-1", "IT-1", "FIN-2"}
    assert len(statements) == 2 * batches + 1, "a page and its refs per batch, then the end"
