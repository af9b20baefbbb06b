"""`crossdesk digest --post`: only a finished week, and nothing to a quiet desk's channel, as the
Monday digests do."""

from __future__ import annotations

import dataclasses

import pytest
import typer
from sqlmodel import Session, select

from bot.cli.digest import run_digest
from storage.models import Outbox
from tests.conftest import local


def test_posting_a_week_not_over_is_refused_and_its_monday_digest_still_goes(
        chat, settings, database_url, engine):
    chat("@now 2026-11-23T09:00", "henry> /request finance reimbursement amount=86 taxi")
    cfg = dataclasses.replace(settings, database_url=database_url)
    with pytest.raises(typer.BadParameter, match="2026-W48 is not over yet"):
        run_digest(cfg, "finance", "2026-W48", post=True, now=local("2026-11-24T10:00"))
    assert "财务部周报 · 2026-W48" in chat("@now 2026-11-30T09:31")


def test_posting_says_which_desks_had_nothing_and_sends_them_nothing(
        chat, settings, database_url, engine, capsys):
    chat("@now 2026-11-23T09:00", "henry> /request finance reimbursement amount=86 taxi")
    cfg = dataclasses.replace(settings, database_url=database_url)
    run_digest(cfg, None, "2026-W48", post=True, now=local("2026-11-30T08:00"))
    printed = capsys.readouterr().out
    assert "queued the 2026-W48 digest for finance" in printed
    assert "nothing happened at sales in 2026-W48: no digest" in printed
    with Session(engine) as session:
        digests = [o.target for o in session.exec(select(Outbox))
                   if o.payload.get("kind") == "digest"]
    assert digests == ["dept:finance"]
