"""A transfer keeps a confidential request confidential, never picks a service silently, may
move a request to another service of its desk, and keeps a priority only a person chose."""

from __future__ import annotations

import re

from sqlmodel import Session

from bot.runtime import app as app_mod
from storage import request_store
from storage.models import Request
from tests.conftest import EXAMPLE
from tests.handlers.test_config_change import restart as company

COMPLAINT = ["@now 2026-11-23T09:00", "alice> /request hr complaint my manager yells at me"]
PASSWORD = ["@now 2026-11-23T09:00", "alice> /request it password forgotten my password"]
RECEPTION = 'key = "reception"\nname = "Reception"'


def without_it() -> tuple[str, str]:
    """The edit that removes the IT department from the sample config."""
    text = EXAMPLE.read_text(encoding="utf-8")
    start = text.index('[[departments]]\nkey = "it"')
    return text[start:text.index("[[departments]]", start + 10)], ""


def req(app: app_mod.DeskApp, ref: str) -> Request:
    with Session(app.desk.engine) as s:
        row = request_store.by_ref(s, ref)
        assert row is not None
        return row


def to(out: str, target: str) -> str:
    """Everything printed to ``target`` (a channel or a person)."""
    return "".join(b for b in re.split(r"\n(?=\[)", out) if b.startswith(f"[to {target}]"))


# --- 1. confidentiality ---------------------------------------------------------------------

def test_a_confidential_request_is_not_transferred_to_a_desk_with_no_confidential_service(chat):
    chat(*COMPLAINT)
    out = chat("mia> /request transfer HR-1 admin")
    assert "HR-1 是保密请求，只能转到保密服务，而行政部没有可转入的保密服务，未做更改。" in out
    assert "confidential = true" in out
    assert "yells" not in out and not to(out, "#admin-requests")
    row = req(chat.app, "HR-1")
    assert (row.department, row.category) == ("hr", "complaint")


def test_a_confidential_request_is_not_transferred_to_a_named_public_service(chat):
    chat(*COMPLAINT)
    out = chat("mia> /request transfer HR-1 admin travel")
    assert "HR-1 是保密请求" in out and not to(out, "#admin-requests")
    assert req(chat.app, "HR-1").department == "hr"


def test_a_confidential_request_moves_only_to_a_confidential_service(tmp_path, engine, clock):
    chat = company(tmp_path, engine, clock,
                   (RECEPTION, RECEPTION + "\nconfidential = true"))
    chat(*COMPLAINT)
    refused = chat("mia> /request transfer HR-1 admin")
    assert "行政部的保密服务：\n• 接待 — `/request 转交 HR-1 admin reception`" in refused
    assert "差旅安排" not in refused and req(chat.app, "HR-1").department == "hr"
    out = chat("mia> /request transfer HR-1 admin reception")
    assert "HR-1 已转交行政部 · 接待" in out
    channel = to(out, "#admin-requests")
    assert "新的保密请求 HR-1" in channel and "yells" not in channel
    row = req(chat.app, "HR-1")
    assert (row.department, row.category) == ("admin", "reception")


# --- 2. which service -----------------------------------------------------------------------

def test_a_transfer_naming_no_service_asks_which_and_changes_nothing(chat):
    chat(*PASSWORD)
    out = chat("kevin> /request transfer IT-1 hr")
    assert "HR offers several services, so IT-1 was not moved yet. Which one?" in out
    assert "• Recruitment — `/request transfer IT-1 hr recruitment`" in out
    assert "• Training — `/request transfer IT-1 hr training`" in out
    assert not to(out, "#hr-requests")
    row = req(chat.app, "IT-1")
    assert (row.department, row.category, row.priority) == ("it", "account-access", "P2")


def test_a_transfer_to_a_desk_with_one_service_takes_it_and_says_so(chat):
    chat(*PASSWORD)
    out = chat("kevin> /request transfer IT-1 maintenance")
    assert "IT-1 was transferred to Maintenance · Equipment repair (P1 critical)" in out
    assert req(chat.app, "IT-1").category == "equipment-repair"


def test_a_transfer_naming_no_service_takes_the_same_service_there(tmp_path, engine, clock):
    chat = company(tmp_path, engine, clock, (RECEPTION, 'key = "laptop"\nname = "Reception"'))
    chat("alice> /request it laptop screen flickers")
    out = chat("kevin> /request transfer IT-1 admin")
    assert "IT-1 was transferred to Admin · Reception (P3 normal)" in out
    row = req(chat.app, "IT-1")
    assert (row.department, row.category) == ("admin", "laptop")


def test_a_request_moves_to_another_service_of_its_own_desk(chat):
    chat(*PASSWORD)
    out = chat("kevin> /request transfer IT-1 it laptop")
    # a laptop is P3: first response in 2 h, resolution within the working day
    assert "IT-1 was transferred to IT · Laptop (P3 normal): first response 2026-11-23 11:00" \
        in out
    row = req(chat.app, "IT-1")
    assert (row.department, row.category, row.priority) == ("it", "laptop", "P3")


def test_a_transfer_to_its_own_service_is_refused_with_the_other_services(chat):
    chat(*PASSWORD)
    out = chat("kevin> /request transfer IT-1 it")
    assert "IT-1 is already with IT as Account access; nothing was changed." in out
    assert "• Laptop — `/request transfer IT-1 it laptop`" in out
    assert "account-access`" not in out
    assert req(chat.app, "IT-1").category == "account-access"


# --- 3. an orphan's priority ----------------------------------------------------------------

def test_an_orphan_takes_the_new_services_priority_unless_a_person_set_one(
        chat, tmp_path, engine, clock):
    chat(*PASSWORD, "alice> /request it password locked out")  # account access: P2
    chat("dave> /request priority IT-2 P1")
    desk = company(tmp_path, engine, clock, without_it())
    out = desk("root> /request transfer IT-1 admin travel")
    assert req(desk.app, "IT-1").priority == "P3"  # before: P2, as if a person chose it
    assert "IT-1 was transferred to Admin · Travel arrangements (P3 normal)" in out
    out = desk("root> /request transfer IT-2 admin travel")
    assert "(P1 critical)" in out and req(desk.app, "IT-2").priority == "P1"


# --- 4. the title in the requester's language -----------------------------------------------

def test_a_request_without_details_is_titled_in_the_requesters_language(chat):
    out = chat("henry> /request 财务 咨询 　")
    assert "您的请求 FIN-1 已提交给财务部：财务咨询" in out
    assert "Finance question" not in out
    assert req(chat.app, "FIN-1").title == "财务咨询"
    chat("alice> /request finance question")
    assert req(chat.app, "FIN-2").title == "Finance question"


# --- the service command keeps confidentiality too -----------------------------------------

def test_the_service_command_keeps_a_confidential_request_confidential(chat):
    chat(*COMPLAINT)
    out = chat("mia> /request service HR-1 training", "alice> /request service HR-1 training")
    zh = "HR-1 是保密请求，而人力资源部没有其他保密服务，因此服务保持不变，未做更改。"
    en = "HR-1 is confidential, and HR has no other confidential service"
    assert out.count(zh) + out.count(en) == 2, "the desk and the requester alike"
    assert "yells" not in to(out, "#hr-requests")
    assert req(chat.app, "HR-1").category == "complaint"


def test_the_service_command_lists_the_desks_other_confidential_services(
        tmp_path, engine, clock):
    training = 'key = "training"\nname = "Training"'
    chat = company(tmp_path, engine, clock, (training, training + "\nconfidential = true"))
    chat(*COMPLAINT)
    refused = chat("mia> /request service HR-1 recruitment")
    assert "人力资源部的其他保密服务：\n• 培训 — `/request 服务 HR-1 training`" in refused
    assert req(chat.app, "HR-1").category == "complaint"
    moved = chat("mia> /request service HR-1 training")
    assert "未做更改" not in moved and req(chat.app, "HR-1").category == "training"
