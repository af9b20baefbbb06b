"""`/request list` names the form a person left half-filled in chat: its service and
department, what to type to go on and how to drop it; the list shows it no more once the
form is done or dropped."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from storage.models import FormDraft
from tests.conftest import Transcript
from tests.handlers.form_company import form_chat
from tests.handlers.test_config_change import restart
from tests.handlers.test_form_service_removed import LEAVE_REMOVED


@pytest.fixture
def desk(settings, engine, clock) -> Transcript:
    return form_chat(settings, engine, clock)


def drafts(chat: Transcript) -> list[FormDraft]:
    with Session(chat.app.desk.engine) as session:
        return list(session.exec(select(FormDraft)))


def test_a_list_without_requests_names_the_unfinished_form(desk: Transcript) -> None:
    desk("alice> /request finance reimbursement taxi")
    assert desk("alice> /request list") == (
        "[reply] You have no requests yet. Type `/request` to see what you can ask for.\n"
        "You have an unfinished Reimbursement form (Finance). To go on, type the Amount; to "
        "drop it, type `cancel`.\n")
    assert desk("alice> cancel") == "[reply] Stopped: no Reimbursement request was opened.\n"
    assert drafts(desk) == []
    assert "unfinished" not in desk("alice> /request list")


def test_a_list_of_requests_ends_with_the_unfinished_form_in_chinese(desk: Transcript) -> None:
    assert "已提交 FIN-1" in desk("bob> /request 财务 报销 打车 86元")
    desk("bob> /request 财务 报销 酒店")
    out = desk("bob> /request 列表")
    lines = out.rstrip("\n").split("\n")
    assert lines[0] == "[reply] 您提交的请求：" and "FIN-1" in lines[1], out
    assert lines[-1] == ("您有一份未填完的报销表单（财务部）。继续填写请直接输入金额；"
                         "放弃请输入“取消”。"), out
    assert "已提交 FIN-2" in desk("bob> 420")  # as the line says: the amount goes on with it
    assert "未填完" not in desk("bob> /request 列表")


def test_a_form_whose_service_left_the_config_is_still_named(engine, clock, tmp_path) -> None:
    """The operator removed the service while the form waited: the list names it by its key
    and says to answer the last question (the answer is then given back, never lost)."""
    restart(tmp_path, engine, clock)("alice> /request hr leave-certificate for the visa office")
    desk = restart(tmp_path, engine, clock, LEAVE_REMOVED)
    out = desk("alice> /request list")
    assert out.endswith(
        "You have an unfinished leave-certificate form (HR). To go on, answer my last "
        "question; to drop it, type `cancel`.\n"), out
