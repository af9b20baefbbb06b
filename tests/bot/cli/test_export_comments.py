"""`crossdesk export --what comments`: every comment with its author and how it came (the
command, a thread reply, a DM reply, an internal note)."""

from __future__ import annotations

import json

from tests.bot.cli.test_cli import chat_story
from tests.bot.cli.test_export import export

STORY = """\
@now 2026-11-23T09:00
alice> /request finance reimbursement taxi 86 CNY
bob@FIN-1> please send the receipt
carol@FIN-1> // small amount
alice@dm> sent it by mail
alice> /request comment FIN-1 did it arrive?
bob> /request ack FIN-1
"""


def test_comments_are_exported_with_author_and_kind(engine, database_url):
    chat_story(database_url, STORY)
    result = export(database_url, "--what", "comments")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["actor_id"], r["kind"], r["note"]) for r in rows] == [
        ("bob", "thread_reply", "please send the receipt"),
        ("carol", "internal_note", "small amount"),
        ("alice", "dm_reply", "sent it by mail"),
        ("alice", "commented", "did it arrive?"),
    ]
