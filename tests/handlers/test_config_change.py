"""A config change never takes the desk down: renamed people keep their history, requests
whose desk or service was removed stay visible, movable and never stop the sweep."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.runtime import app as app_mod
from bot.runtime import config as config_mod
from bot.runtime.clock import ManualClock
from storage import people
from storage.models import Person, Rating, Request
from tests.conftest import EXAMPLE, Transcript


def restart(tmp_path: Path, engine: Engine, clock: ManualClock,
            *edits: tuple[str, str]) -> Transcript:
    """The desk started again on the same database with an edited copy of the sample
    config (each edit replaces one exact piece of text)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / f"config-{len(list(tmp_path.glob('config-*.toml')))}.toml"
    path.write_text(text, encoding="utf-8")
    app = app_mod.build(config_mod.load(path), clock, engine=engine, upgrade=False)
    return Transcript(app, clock)


def messages_to(out: str, target: str) -> list[str]:
    blocks = re.split(r"\n(?=\[)", out)
    return [b for b in blocks if b.startswith(f"[to {target}]")]


BOB = 'id = "bob"\nname = "张伟 Bob Zhang"'
ROBERT = 'id = "robert"\nname = "张伟 Robert Zhang"'
STAFF = 'members = ["carol", "bob"]'


# --- 1. people renamed, or configured after they used the desk --------------------------

def test_renamed_person_keeps_their_platform_id_and_history(chat, engine, clock, tmp_path):
    chat("bob> /request it laptop screen flickers", "dave> /request ack IT-1",
         "henry> /request finance reimbursement taxi 86 CNY", "bob> /request ack FIN-1",
         "dave> /request resolve IT-1 new cable", "bob> /request confirm IT-1",
         "bob> /request rate IT-1 5 quick")
    # bob is now "robert" in the config, with the same Slack and WeCom ids
    desk = restart(tmp_path, engine, clock, (BOB, ROBERT),
                   (STAFF, 'members = ["carol", "robert"]'))
    out = desk("robert> /request list")
    assert "IT-1" in out
    out = desk("robert> /request show FIN-1")
    assert "张伟 Robert Zhang" in out and "FIN-1" in out
    with Session(engine) as s:
        assert s.get(Person, "bob") is None
        robert = s.get(Person, "robert")
        assert robert is not None and robert.slack_id == "U0BOB" and robert.wecom_id == "zhangwei"
        assert s.exec(select(Rating)).one().rater_id == "robert"
        assert s.exec(select(Request).where(Request.ref == "FIN-1")).one().assignee_id == "robert"


def test_someone_who_used_the_desk_then_added_to_people_is_merged(engine, clock, tmp_path):
    first = restart(tmp_path, engine, clock)
    with Session(engine) as s, s.begin():  # as the Slack adapter registers a first-time user
        people.register(s, "slack-u0zoe", "Zoe", clock(), source="slack", slack_id="U0ZOE")
    first("slack-u0zoe> /request it laptop keyboard sticks")
    zoe = '[[people]]\nid = "zoe"\nname = "Zoe Zhu"\nslack = "U0ZOE"\n\n[[people]]\nid = "root"'
    desk = restart(tmp_path, engine, clock, ('[[people]]\nid = "root"', zoe))
    out = desk("zoe> /request list")
    assert "IT-1" in out and "keyboard sticks" in out
    assert "Zoe Zhu" in desk("dave> /request show IT-1")
    with Session(engine) as s:
        assert s.get(Person, "slack-u0zoe") is None
        assert s.get(Person, "zoe").slack_id == "U0ZOE"  # type: ignore[union-attr]


# --- 2. a department or a service removed -------------------------------------------------

MARKETING = '[[departments]]\nkey = "marketing"'


def _without_marketing() -> tuple[str, str]:
    text = EXAMPLE.read_text(encoding="utf-8")
    start = text.index(MARKETING)
    end = text.index("[[departments]]", start + 10)
    return text[start:end], ""


def test_removed_department_never_stops_the_sweep_and_stays_with_admins(
        chat, engine, clock, tmp_path):
    chat("alice> /request marketing promotion spring campaign",
         "alice> /request finance reimbursement taxi 86 CNY")
    desk = restart(tmp_path, engine, clock, _without_marketing())
    out = desk("@now 2026-11-23T14:00")  # FIN-1's first response (4h) is overdue
    assert messages_to(out, "#finance-requests"), out
    out = desk("root> /request queue")
    assert "MKT-1" in out and "transfer" in out
    out = desk("root> /request show MKT-1")
    assert "marketing (no longer in the config)" in out
    out = desk("alice> /request show MKT-1")
    assert "MKT-1" in out and "spring campaign" in out
    out = desk("root> /request transfer MKT-1 sales sales-figures", "@now 2026-11-23T14:01")
    assert "MKT-1" in "".join(messages_to(out, "#sales-requests"))


def test_removed_department_request_can_be_cancelled(chat, engine, clock, tmp_path):
    chat("alice> /request marketing promotion spring campaign")
    desk = restart(tmp_path, engine, clock, _without_marketing())
    out = desk("alice> /request cancel MKT-1")
    assert "MKT-1" in out and "[error]" not in out
    assert "MKT-1" not in desk("root> /request queue")


def test_removed_service_keeps_its_targets_and_priority_says_what_to_do(
        chat, engine, clock, tmp_path):
    chat("henry> /request finance cash-advance trip to Wuhan")  # P2: first response 2h
    text = EXAMPLE.read_text(encoding="utf-8")
    start = text.index('[[departments.categories]]\nkey = "cash-advance"')
    end = text.index("[[departments.categories]]", start + 10)
    desk = restart(tmp_path, engine, clock, (text[start:end], ""))
    out = desk("@now 2026-11-23T11:05")
    assert "FIN-1" in "".join(messages_to(out, "#finance-requests")), out
    out = desk("carol> /request priority FIN-1 P1")
    assert "cash-advance` 已停用" in out and "/request 转交 FIN-1 finance reimbursement" in out
    out = desk("root> /request show FIN-1")
    assert "cash-advance (no longer offered)" in out
    out = desk("carol> /request transfer FIN-1 finance reimbursement")
    assert "[error]" not in out
    assert "/request priority" not in desk("carol> /request priority FIN-1 P1")


def test_one_failing_request_is_logged_and_skipped_not_the_whole_sweep(
        chat, engine, clock, tmp_path, caplog):
    chat("henry> /request finance reimbursement taxi 86 CNY",
         "alice> /request it laptop broken screen")
    with Session(engine) as s, s.begin():  # a due time no calendar can count from
        row = s.exec(select(Request).where(Request.ref == "IT-1")).one()
        row.resolution_due = datetime(9999, 12, 31, 23, 0, tzinfo=UTC)
        s.add(row)
    with caplog.at_level(logging.ERROR, logger="handlers.sweep"):
        out = chat("@now 2026-11-23T14:00")
    assert "FIN-1" in "".join(messages_to(out, "#finance-requests"))
    assert any("IT-1" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_orphan_texts_exist_in_both_languages(locale):
    from handlers.i18n import t
    for key in ("queue.orphans", "desk.gone", "service.gone", "err.desk_gone",
                "err.service_gone"):
        assert t(locale, key, n=1, department="x", service="y", ref="A-1", example="z")


def test_a_desk_whose_key_changed_goes_on_numbering_after_its_old_requests(
        chat, engine, clock, tmp_path):
    """Marketing becomes "brand" with the same MKT prefix: its next request is MKT-2, not a
    second MKT-1 (which failed every open, for good)."""
    chat("alice> /request marketing promotion spring campaign", "alice> /request cancel MKT-1")
    desk = restart(tmp_path, engine, clock, ('key = "marketing"', 'key = "brand"'))
    out = desk("alice> /request brand promotion autumn campaign")
    assert "MKT-2" in out, out
    assert "MKT-3" in desk("alice> /request brand promotion winter campaign")


def test_a_confidential_service_renamed_keeps_its_requests_private(
        chat, engine, clock, tmp_path):
    """HR's complaint service is renamed while HR-1 is open: the overdue nudge to the desk's
    channel and the escalation still show the id only, never the complaint."""
    chat("alice> /request hr complaint my manager shouts at Zhang San")
    desk = restart(tmp_path, engine, clock, ('key = "complaint"', 'key = "grievance"'))
    out = desk("@now 2026-11-23T17:00", "@now 2026-11-24T11:00", "@now 2026-11-25T11:00")
    assert "HR-1" in out, out
    assert "Zhang San" not in out, out


def test_nudges_for_an_assignee_who_left_the_desk_go_to_its_channel(
        chat, engine, clock, tmp_path):
    """Bob took FIN-1 and then left Finance (the config no longer lists him): the reminders
    go to the desk's channel, not to him."""
    chat("henry> /request finance reimbursement amount=86 taxi", "bob> /request assign FIN-1 me")
    desk = restart(tmp_path, engine, clock, (STAFF, 'members = ["carol"]'))
    out = desk("@now 2026-11-24T10:00")
    assert not messages_to(out, "bob"), out
    assert any("FIN-1" in m for m in messages_to(out, "#finance-requests")), out


NOT_BEFORE = ('not_before = "first_day"           # a last day before the first is refused, '
              'naming both\n')
LAST_DAY = '''[[departments.categories.fields]]
key = "last_day"
name = "Last day"
name_zh = "结束日期"
aliases = ["to", "至"]
type = "date"
required = true
''' + NOT_BEFORE


def test_a_form_whose_asked_field_was_removed_goes_on_with_what_it_has(
        chat, engine, clock, tmp_path):
    """Alice gave the first day and is asked the last when the field leaves the config: her
    next message completes the form (nothing else is asked) instead of throwing it away."""
    chat("alice> /request hr leave-certificate for the visa office", "alice> 2026-12-21")
    desk = restart(tmp_path, engine, clock, (LAST_DAY, ""))
    out = desk("alice> 2026-12-24")
    assert "HR-1" in out and "dropped" not in out, out
    assert "2026-12-21" in desk("alice> /request show HR-1")
