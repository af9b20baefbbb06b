"""`crossdesk erase person ID` and the person's files: their names go wherever the bot wrote
them (the attachment row, the history's file notes, a comment that was only the files, the
form's file field, the notices that passed them on, the answers sent to the person), as
retention's ``files_after`` blanks them; another person's file on the same request stays
(SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlmodel import Session, SQLModel

from bot.runtime import app as app_mod
from bot.runtime import config as config_mod
from bot.runtime.clock import ManualClock
from handlers.messages import Message
from storage import outbox
from storage.models import Erasure, Outbox
from tests.bot.cli.person_story import configs
from tests.bot.cli.test_cli import invoke
from tests.bot.cli.test_erase import stored_values
from tests.conftest import Transcript, local

# alice shares doc.pdf as her reimbursement's invoice (a form's file field) and scan.pdf
# alone in a DM (a comment that is only the file); bob shares bob.pdf on her request.
STORY = """\
@now 2026-11-23T09:00
alice> /request finance reimbursement 金额=86 taxi [file doc.pdf]
alice> /request finance cash-advance hotel 300
alice@dm:FIN-2> [file scan.pdf]
bob> /request comment FIN-2 mine too [file bob.pdf]
"""
HERS = ("doc.pdf", "scan.pdf")


def where(engine: Engine, name: str) -> set[tuple[str, str]]:
    """(table, column) of every text or JSON value (not bytes) holding ``name``."""
    return {(table, column) for table, column, shown in stored_values(engine) if name in shown}


def rows(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: conn.execute(select(func.count()).select_from(
            SQLModel.metadata.tables[name])).scalar_one()
            for name in ("request", "event", "attachment", "request_field", "outbox")}


def test_erasure_leaves_none_of_the_persons_file_names(tmp_path: Path, engine: Engine,
                                                       clock: ManualClock,
                                                       database_url: str) -> None:
    before, after = configs(tmp_path)
    chat = Transcript(app_mod.build(config_mod.load(before), clock, engine=engine,
                                    upgrade=False), clock)
    out = chat(*STORY.splitlines())
    assert "[error]" not in out, out
    with Session(engine) as session:  # an answer WeCom sent her through the outbox
        answer = Message(text="📎 scan.pdf (25 B) 已添加到 FIN-2", target="person:alice",
                         locale="zh-CN", request_ref="FIN-2", extra={"answer": True})
        row_id = outbox.add_answer(session, answer.target, answer.to_dict(),
                                   local("2026-11-23T09:01"))
        session.get_one(Outbox, row_id).delivered_at = local("2026-11-23T09:01")
        session.commit()
    assert where(engine, "doc.pdf") >= {("attachment", "name"), ("event", "note"),
                                        ("request_field", "text"), ("outbox", "payload")}
    assert where(engine, "scan.pdf") >= {("attachment", "name"), ("event", "note"),
                                         ("outbox", "payload")}
    counted = rows(engine)

    result = invoke(["erase", "person", "alice", "--as", "root", "--yes", "--config",
                     str(after), "--database-url", database_url])

    assert result.exit_code == 0, result.output
    for name in HERS:
        assert where(engine, name) == set(), name
    assert where(engine, "bob.pdf") >= {("attachment", "name"), ("event", "note"),
                                        ("outbox", "payload")}, "bob's file is his"
    assert rows(engine) == counted, "rows are blanked, not deleted"
    with Session(engine) as session:
        (erased,) = session.exec(select(Erasure)).scalars().all()
    assert erased.counts["request_field"] == 1
    shown = chat("bob> /request show FIN-2")
    assert "bob.pdf" in shown and "scan.pdf" not in shown
