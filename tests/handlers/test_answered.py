"""`/request answered REF`: the service's instructions answered the requester before the desk
acted: the request is withdrawn, the desk hears it like a cancel, a deflection is counted."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import Deflection, Request
from tests.handlers.forms_desk import forms_chat


def test_the_requester_withdraws_a_request_the_instructions_answered(settings, engine, clock):
    chat = forms_chat(settings, engine, clock)
    chat("alice> /request finance reimbursement taxi amount=86")
    out = chat("alice> /request answered FIN-1")
    assert "[reply] Glad the instructions helped: FIN-1 is withdrawn." in out
    heard = [line for line in out.splitlines() if line.startswith("[to #finance-requests]")]
    assert len(heard) == 1 and "王丽 Alice Wang 撤回了 FIN-1" in heard[0]
    assert heard[0].endswith("服务说明已解答其问题。")
    shown = chat("alice> /request show FIN-1")
    assert "State: cancelled" in shown
    assert "cancelled (open → cancelled): the instructions answered it" in shown
    with Session(engine) as s:
        deflection = s.exec(select(Deflection)).one()
        assert (deflection.department, deflection.category, deflection.person_id) == (
            "finance", "reimbursement", "alice")
        assert s.exec(select(Request)).one().closed_at is not None


def test_the_chinese_word_and_the_button_command_do_the_same(settings, engine, clock):
    chat = forms_chat(settings, engine, clock)
    chat("henry> /request 财务 报销 出租车 金额=86")
    out = chat("henry> /request 已解答 FIN-1")
    assert "[reply] 很高兴服务说明帮到了您：FIN-1 已撤回。" in out


def test_only_the_requester_and_only_before_the_desk_acts(settings, engine, clock):
    chat = forms_chat(settings, engine, clock)
    chat("alice> /request finance reimbursement taxi amount=86",
         "alice> /request finance reimbursement lunch amount=120")
    out = chat("bob> /request answered FIN-1")
    assert "只有提单人 王丽 Alice Wang 才能表示服务说明已解答 FIN-1。未做任何更改。" in out
    chat("bob> /request ack FIN-1")
    out = chat("alice> /request answered FIN-1")
    assert ("Finance has already taken up FIN-1, so it stays open. To withdraw it, type "
            "`/request cancel FIN-1`.") in out
    chat("bob> /request comment FIN-2 which client was it?")  # a first response, still open
    assert "has already taken up FIN-2" in chat("alice> /request answered FIN-2")
    chat("alice> /request cancel FIN-2")
    assert "FIN-2 is already cancelled" in chat("alice> /request answered FIN-2")
    assert "State: acknowledged" in chat("alice> /request show FIN-1")
    with Session(engine) as s:
        assert s.exec(select(Deflection)).all() == []


def test_a_service_without_instructions_has_nothing_to_answer(settings, engine, clock):
    chat = forms_chat(settings, engine, clock)
    chat("alice> /request it laptop screen flickers")
    out = chat("alice> /request answered IT-1")
    assert "has no instructions that could have answered it" in out
    assert "State: open" in chat("alice> /request show IT-1")
