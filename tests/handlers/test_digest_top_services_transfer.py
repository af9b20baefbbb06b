"""A finished week's top services name the desk and the service each request had at the
week's end: a transfer or a change of service the next week leaves them as they were."""

from __future__ import annotations

import dataclasses

from bot.cli.digest import run_digest
from tests.conftest import local

OPEN = ("@now 2026-11-16T09:00", "henry> /request finance reimbursement amount=86 taxi")
AFTER = "2026-12-01T10:00"  # both weeks over


def _printed(settings, database_url, capsys, department: str, week: str) -> str:
    cfg = dataclasses.replace(settings, database_url=database_url)
    run_digest(cfg, department, week, post=False, now=local(AFTER))
    return capsys.readouterr().out


def _tops(text: str) -> str:
    """The digest's top services line ('' when it has none)."""
    return next((line for line in text.splitlines() if line.startswith("热门服务")), "")


def test_a_transfer_the_next_week_leaves_the_weeks_top_services(
        chat, settings, database_url, capsys):
    chat(*OPEN, "@now 2026-11-24T10:00", "bob> /request transfer FIN-1 hr training")
    finance = _printed(settings, database_url, capsys, "finance", "2026-W47")
    assert _tops(finance) == "热门服务：报销 1", finance
    hr = _printed(settings, database_url, capsys, "hr", "2026-W47")
    assert _tops(hr) == "" and "培训" not in hr, hr
    hr = _printed(settings, database_url, capsys, "hr", "2026-W48")
    assert _tops(hr) == "热门服务：培训 1", hr
    finance = _printed(settings, database_url, capsys, "finance", "2026-W48")
    assert _tops(finance) == "", finance


def test_a_change_of_service_the_next_week_leaves_the_weeks_top_services(
        chat, settings, database_url, capsys):
    chat(*OPEN, "@now 2026-11-24T10:00", "bob> /request transfer FIN-1 finance question")
    finance = _printed(settings, database_url, capsys, "finance", "2026-W47")
    assert _tops(finance) == "热门服务：报销 1", finance
