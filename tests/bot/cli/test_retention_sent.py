"""`crossdesk retention` and the messages the bot sent that are tied to no one request row
(``outbox.request_id`` empty): the sweep's nudges listing several requests, rating notices
and low-rating alerts, digests. A message naming a request (``request_ref``) loses its words
with that request; one naming none once it is as old as the first kind's age. The desk's
figures (digest, scorecard) are unchanged (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.cli.main import app
from bot.cli.report import build_report, write_csv
from bot.cli.retention import run_retention
from bot.runtime import app as app_mod
from bot.runtime import config as config_mod
from handlers import digest
from handlers.digest import bounds
from storage.models import Outbox
from tests.conftest import EXAMPLE, local

WEEK = """
[retention]
details_after = "7d"
comments_after = "7d"
files_after = "7d"
rating_comments_after = "7d"
"""
# IT-1 and IT-2 open on a Monday and are overdue by noon: the desk's channel and then its
# lead hear of both in one nudge each. Both close that afternoon; IT-1 is rated 1 star,
# which its assignee and the lead's manager hear (no request row on those messages).
DAY = """\
@now {day}T09:00
henry> /request it laptop my screen flickers, phone 13800138000
alice> /request it laptop keyboard sticks after coffee
@now {day}T11:30
@now {day}T13:40
dave> /request resolve IT-1 replaced the cable
henry> /request confirm IT-1
henry> /request rate IT-1 1 slow and rude
dave> /request resolve IT-2 cleaned it
alice> /request confirm IT-2
"""
WORDS = ("13800138000", "flickers", "coffee", "slow and rude", "replaced the cable")


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "100"})


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8") + WEEK, encoding="utf-8")
    return path


def chat(config: Path, url: str, story: str) -> str:
    result = CliRunner().invoke(app, ["chat", "--config", str(config), "--database-url", url],
                                input=story)
    assert result.exit_code == 0 and "[error]" not in result.output, result.output
    return result.output


def sent(engine: Engine) -> list[tuple[int | None, str, str]]:
    """(request id, kind, payload as JSON) of every message sent, in order."""
    with Session(engine) as s:
        return [(r.request_id, str(r.payload.get("kind")),
                 json.dumps(r.payload, ensure_ascii=False))
                for r in s.exec(select(Outbox).order_by(Outbox.id))]


def with_words(engine: Engine) -> dict[str, list[str]]:
    """Per word, the kinds of the messages still holding it."""
    rows = sent(engine)
    return {w: [kind for _, kind, text in rows if w in text] for w in WORDS
            if any(w in text for _, _, text in rows)}


def figures(config: Path, engine: Engine, monday: date) -> tuple[object, str]:
    """The desk's numbers for the week of ``monday``: digest figures (without the comments
    they quote) and the scorecard CSV."""
    settings = config_mod.load(config)
    desk = app_mod.build(settings, lambda: local("2026-12-01T00:00"), engine=engine,
                         upgrade=False).desk
    start, end = bounds(desk, monday)
    with Session(engine) as session:
        week = digest.compute(session, desk, start, end)
        out = io.StringIO()
        write_csv(build_report(session, desk, start, end), out)
    numbers = {k: {n: v for n, v in vars(f).items() if n != "comments"} for k, f in week.items()}
    return numbers, out.getvalue()


def test_retention_blanks_nudges_rating_notices_and_digests_sent_without_a_request(
        config: Path, database_url: str, engine: Engine) -> None:
    chat(config, database_url, DAY.format(day="2020-11-16") + "@now 2020-11-23T09:31\n")
    before = with_words(engine)
    assert {"nudge", "rating", "low_rating", "digest"} <= set(sum(before.values(), [])), \
        "the words were sent in messages without a request row"
    assert any(request_id is None for request_id, _, _ in sent(engine))
    kept = figures(config, engine, date(2020, 11, 16))

    done = invoke("retention", "--config", str(config), "--database-url", database_url)

    assert done.exit_code == 0, done.output
    assert "Requests now purged (every configured kind blank): 2." in done.output
    assert with_words(engine) == {}, "no message sent keeps the purged words"
    kinds = [kind for _, kind, _ in sent(engine)]
    assert {"nudge", "rating", "low_rating", "digest"} <= set(kinds), "the rows stay"
    assert all('"purged": true' in text for _, _, text in sent(engine))
    assert figures(config, engine, date(2020, 11, 16)) == kept
    again = invoke("retention", "--config", str(config), "--database-url", database_url)
    assert "  sent messages    0 requests, 0 rows" in again.output


def run(config: Path, url: str, now: datetime, dry_run: bool = False):
    outcome = run_retention(config_mod.load(config, url), dry_run, io.StringIO(), now=now)
    assert outcome is not None
    return outcome


def test_a_message_naming_a_request_goes_with_it_one_naming_none_at_the_first_age(
        config: Path, database_url: str, engine: Engine) -> None:
    # IT-1 closes on 11-16 and is rated on 11-20; the digest quoting the rating goes out on
    # Monday 11-23; IT-3, opened on 11-23, is still open and nudged on 11-24.
    chat(config, database_url, DAY.format(day="2026-11-16").replace(
        "henry> /request rate IT-1 1 slow and rude\n", "") + """\
@now 2026-11-20T10:00
henry> /request rate IT-1 1 slow and rude
@now 2026-11-23T09:31
dave> /request it laptop the docking station hums
@now 2026-11-24T10:00
""")
    # At noon on 11-24 both closed 8 days ago: due. The rating notices (sent on 11-20,
    # naming IT-1) go with IT-1; the digest (11-23, naming no request) is younger than 7
    # days: it stays, as does the nudge about the open IT-3 (11-24).
    dry = run(config, database_url, local("2026-11-24T12:00"), dry_run=True)
    real = run(config, database_url, local("2026-11-24T12:00"))
    assert dry.copies == real.copies and real.copies.rows > 0
    left = with_words(engine)
    assert left == {"slow and rude": ["digest"]}, left
    assert any("docking station" in text for _, kind, text in sent(engine) if kind == "nudge")
    # a week after it was sent, the digest goes too; IT-3's nudge is two days old: it stays
    run(config, database_url, local("2026-11-30T09:32"))
    assert with_words(engine) == {}
    assert any("docking station" in text for _, kind, text in sent(engine) if kind == "nudge")
