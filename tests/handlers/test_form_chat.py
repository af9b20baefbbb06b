"""Opening a request of a service with a form, on the console: `key=value` pairs stored typed
with the request, bad values refused, and what is missing asked one question at a time."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from bot.runtime import app as app_mod
from handlers.catalog import Catalog
from storage import request_fields
from storage.models import Attachment, Deflection, FormDraft, Request
from storage.request_fields import FieldValue
from tests.conftest import Transcript
from tests.handlers.form_company import form_chat


@pytest.fixture
def desk(settings, engine, clock) -> Transcript:
    return form_chat(settings, engine, clock)


def rows(chat: Transcript, model: type) -> list:
    with Session(chat.app.desk.engine) as session:
        return list(session.exec(select(model)))


def values(chat: Transcript, ref: str) -> dict[str, FieldValue]:
    with Session(chat.app.desk.engine) as session:
        request = session.exec(select(Request).where(Request.ref == ref)).one()
        return request_fields.of_request(session, request.id or 0)


def test_pairs_are_stored_typed_with_the_request(desk: Transcript) -> None:
    out = desk("bob> /request 财务 报销 金额=86 日期=11-20 出租车")
    assert "已提交 FIN-1" in out
    assert values(desk, "FIN-1") == {
        "amount": FieldValue("amount", "amount", number=Decimal("86.00"), currency="CNY"),
        "spent_on": FieldValue("spent_on", "date", day=date(2026, 11, 20)),
        "cost_centre": FieldValue("cost_centre", "department", text="finance"),  # bob's own
    }
    (request,) = rows(desk, Request)
    assert request.details == "出租车" and request.title == "出租车"
    shown = desk("carol> /request show FIN-1")
    assert "金额: 86.00 CNY" in shown and "日期: 2026-11-20" in shown
    assert "成本中心: 财务部" in shown


def test_an_amount_with_its_currency_is_recognised_in_the_text(desk: Transcript) -> None:
    out = desk("alice> /request finance reimbursement taxi to the client 86 CNY on 11/20")
    assert "Opened FIN-1" in out
    got = values(desk, "FIN-1")
    assert got["amount"].number == Decimal("86.00") and got["spent_on"].day == date(2026, 11, 20)
    assert got["cost_centre"].text == "sales"  # alice works in Sales


def test_bad_values_are_explained_and_nothing_opens(desk: Transcript) -> None:
    out = desk("alice> /request finance reimbursement taxi amount=abc 日期=13-45")
    assert out == ("[reply] Nothing was opened:\n"
                   "• Amount must be a number, e.g. 86.50 CNY.\n"
                   "• Date of expense must be a date, e.g. 2026-11-21, 11-21 "
                   "(or today, yesterday, tomorrow).\n"
                   "Please send the request again with that fixed.\n")
    out = desk("alice> /request finance reimbursement taxi sum=200000")
    assert "Amount must be at most 100000." in out
    out = desk("alice> /request finance reimbursement taxi ammount=5")
    assert out == ("[reply] Reimbursement has no field called “ammount”: did you mean Amount? "
                   "Its fields: Amount, Date of expense, Cost centre, Invoice. Write them as "
                   "name=value, e.g. Amount=\"86.50 CNY\". Nothing was opened.\n")
    assert rows(desk, Request) == [] and rows(desk, FormDraft) == []


def test_other_pairs_stay_in_the_text(desk: Transcript) -> None:
    out = desk('alice> /request finance reimbursement amount=5 see <a href="x">receipt</a>')
    assert "Opened FIN-1" in out
    assert rows(desk, Request)[0].details == 'see <a href="x">receipt</a>'


def test_services_without_a_form_open_as_before(desk: Transcript) -> None:
    out = desk("alice> /request it account-access reset=please my password")
    assert "Opened IT-1" in out
    (request,) = rows(desk, Request)
    assert request.details == "reset=please my password"


def test_a_missing_amount_is_asked_for_then_the_request_opens(desk: Transcript) -> None:
    out = desk("alice> /request finance reimbursement taxi to the airport")
    assert out == (
        "[reply] Reimbursement needs a few details first. Nothing goes to Finance until they "
        "are all given; type `cancel` to stop.\n\n"
        "Finance says: Receipts older than 90 days are not reimbursed.\n"
        "If this answers your question, type `answered` and nothing is opened.\n\n"
        "Please give the Amount, e.g. 86.50 CNY.\n"
        "  (button) This answered my question -> answered\n"
        "  (button) Cancel -> cancel\n")
    assert rows(desk, Request) == []
    out = desk("alice> eighty-six")
    assert out == ("[reply] Amount must be a number, e.g. 86.50 CNY.\n\n"
                   "Please give the Amount, e.g. 86.50 CNY.\n  (button) Cancel -> cancel\n")
    out = desk("alice> ¥86.5")
    assert out.startswith("[reply] Opened FIN-1: Reimbursement for Finance, P3 normal.")
    assert "[to #finance-requests]" in out
    assert values(desk, "FIN-1")["amount"].number == Decimal("86.50")
    assert rows(desk, Request)[0].details == "taxi to the airport"
    assert rows(desk, FormDraft) == []
    assert "I didn't understand" in desk("alice> 86")  # the form is done: back to normal


def test_commands_still_run_while_a_form_asks(desk: Transcript) -> None:
    desk("alice> /request finance reimbursement taxi")
    assert desk("alice> /request list") == (
        "[reply] You have no requests yet. Type `/request` to see what you can ask for.\n"
        "You have an unfinished Reimbursement form (Finance). To go on, type the Amount; to "
        "drop it, type `cancel`.\n")
    assert "I can't find request FIN-9" in desk("alice> ack FIN-9")  # it names a request
    assert len(rows(desk, FormDraft)) == 1  # still waiting for the amount
    assert "Opened FIN-1" in desk("alice> 86")


def test_an_answer_comes_before_the_conversation(desk: Transcript) -> None:
    desk("alice> /request finance reimbursement taxi 86元")  # one open request: FIN-1
    desk("alice> /request finance reimbursement hotel")
    out = desk("alice@dm> 420")  # a plain DM would otherwise comment on FIN-1
    assert "Opened FIN-2" in out
    assert values(desk, "FIN-2")["amount"].number == Decimal("420.00")


def test_cancel_stops_the_form(desk: Transcript) -> None:
    desk("bob> /request 财务 报销 打车")
    assert desk("bob> 取消") == "[reply] 已停止：未提交报销请求。\n"
    assert rows(desk, FormDraft) == [] and rows(desk, Request) == []


def test_answered_drops_the_form_and_counts_a_deflection(desk: Transcript) -> None:
    desk("bob> /request 财务 报销 去年的发票")
    assert desk("bob> 已解答") == "[reply] 很高兴问题已解答：未提交报销请求。\n"
    assert rows(desk, FormDraft) == [] and rows(desk, Request) == []
    (deflection,) = rows(desk, Deflection)
    assert (deflection.department, deflection.category, deflection.person_id) == (
        "finance", "reimbursement", "bob")


def test_a_form_survives_a_restart(settings, engine, clock) -> None:
    form_chat(settings, engine, clock)("alice> /request finance reimbursement taxi")
    again = form_chat(settings, engine, clock)  # a new process on the same database
    assert "Opened FIN-1" in again("alice> 86")


def test_a_file_answers_the_invoice_and_is_attached(settings, engine, clock) -> None:
    desk = form_chat(settings, engine, clock, invoice_required=True)
    out = desk("alice> /request finance reimbursement taxi 86 CNY")
    assert "Please send the Invoice here as a file (attach the invoice photo)." in out
    out = desk("alice> here it is")
    assert "Invoice is a file: please send it in this chat instead of typing." in out
    out = desk("alice@dm> [file invoice.jpg]")
    assert "Opened FIN-1" in out
    assert "invoice.jpg (28 B) is attached to FIN-1." in out
    (attachment,) = rows(desk, Attachment)
    assert attachment.name == "invoice.jpg"
    assert "Invoice: invoice.jpg" in desk("alice> /request show FIN-1")


def test_a_file_sent_with_the_command_is_the_invoice(settings, engine, clock) -> None:
    desk = form_chat(settings, engine, clock, invoice_required=True)
    out = desk("alice@dm> /request finance reimbursement taxi 86 CNY [file invoice.jpg]")
    assert "Opened FIN-1" in out and "Please send the Invoice" not in out
    assert "invoice.jpg (28 B) is attached to FIN-1." in out
    assert "Invoice: invoice.jpg" in desk("alice> /request show FIN-1")
    assert [a.name for a in rows(desk, Attachment)] == ["invoice.jpg"]  # kept once
    assert rows(desk, FormDraft) == []


def test_a_file_sent_with_an_unfinished_form_is_not_asked_for_again(settings, engine,
                                                                    clock) -> None:
    desk = form_chat(settings, engine, clock, invoice_required=True)
    out = desk("alice@dm> /request finance reimbursement taxi [file invoice.jpg]")
    assert "Please give the Amount, e.g. 86.50 CNY." in out
    assert "Please send the Invoice" not in out
    assert "invoice.jpg will be attached when the request opens." in out
    out = desk("alice> 86")
    assert "Opened FIN-1" in out and "invoice.jpg (28 B) is attached to FIN-1." in out
    assert "Invoice: invoice.jpg" in desk("alice> /request show FIN-1")
    assert [a.name for a in rows(desk, Attachment)] == ["invoice.jpg"]


def test_of_two_files_sent_with_the_command_the_first_is_the_invoice(settings, engine,
                                                                      clock) -> None:
    desk = form_chat(settings, engine, clock, invoice_required=True)
    out = desk("alice@dm> /request finance reimbursement taxi 86 CNY "
               "[file invoice.jpg] [file route.png]")
    assert "Opened FIN-1" in out
    shown = desk("alice> /request show FIN-1")
    assert "Invoice: invoice.jpg" in shown
    assert sorted(a.name for a in rows(desk, Attachment)) == ["invoice.jpg", "route.png"]


def test_a_file_sent_while_another_field_is_asked_is_no_invoice(settings, engine,
                                                                  clock) -> None:
    desk = form_chat(settings, engine, clock, invoice_required=True)
    assert "Please give the Amount" in desk("alice> /request finance reimbursement taxi")
    out = desk("alice@dm> [file voice.amr]")  # kept for the request, not the answer asked
    assert "voice.amr will be attached when the request opens." in out
    out = desk("alice> 86")
    assert "Opened FIN-1" not in out and "Please send the Invoice" in out
    out = desk("alice@dm> [file invoice.jpg]")
    assert "Opened FIN-1" in out
    assert "Invoice: invoice.jpg" in desk("alice> /request show FIN-1")
    assert sorted(a.name for a in rows(desk, Attachment)) == ["invoice.jpg", "voice.amr"]


def test_a_refused_file_is_no_invoice(settings, engine, clock) -> None:
    desk = form_chat(settings, engine, clock, invoice_required=True)
    out = desk("alice@dm> /request finance reimbursement taxi 86 CNY [file setup.exe]")
    assert "Opened FIN-1" not in out and "Please send the Invoice" in out
    assert "setup.exe was not attached: files of type application/x-msdos-program" in out
    assert "will be attached when the request opens" not in out  # said now, not at opening
    out = desk("alice@dm> [file setup.exe]")
    assert "setup.exe was not attached" in out and "Please send the Invoice" in out
    out = desk("alice@dm> [file invoice.jpg]")
    assert "Opened FIN-1" in out and "setup.exe" not in out
    assert [a.name for a in rows(desk, Attachment)] == ["invoice.jpg"]
    assert "Invoice: invoice.jpg" in desk("alice> /request show FIN-1")


def test_an_unfinished_form_expires_politely_once(desk: Transcript) -> None:
    desk("alice> /request finance reimbursement taxi")
    assert desk("@now 2026-11-24T08:59") == ""  # not yet a day
    out = desk("@now 2026-11-24T09:01")
    assert out == ("[to alice] Your Reimbursement form was not finished within a day, so I "
                   "dropped it; nothing was opened. Type `/request finance reimbursement taxi` "
                   "to start again.\n")  # what it held comes back
    assert rows(desk, FormDraft) == []
    assert desk("@now 2026-11-24T10:00") == ""
    assert "I didn't understand" in desk("alice> 86")



def test_the_example_configs_forms(chat: Transcript) -> None:
    out = chat("alice> /request hr leave-certificate from=12-21 to=12-24 for the visa office")
    assert "Opened HR-1" in out
    shown = chat("alice> /request show HR-1")
    assert "First day: 2026-12-21" in shown and "Last day: 2026-12-24" in shown
    out = chat('alice> /request it laptop model=thinkpad reason="screen broken"')
    assert "Opened IT-1" in out
    shown = chat("alice> /request show IT-1")
    assert "Model: ThinkPad X1 Carbon" in shown and "Reason: screen broken" in shown
    out = chat("henry> /request 财务 报销 出租车")
    assert "请填写金额，例如 86.50 CNY。" in out
    assert "Opened FIN-1" not in out and "已提交 FIN-1" in chat("henry> 86")
    assert "金额: 86.00 CNY" in chat("henry> /request show FIN-1")


def test_a_choice_is_asked_with_a_button_per_option(settings, engine, clock) -> None:
    deps = []
    for dep in settings.catalog.departments:
        if dep.key == "it":
            cats = tuple(dataclasses.replace(c, fields=tuple(
                dataclasses.replace(f, required=f.key == "model") for f in c.fields))
                if c.key == "laptop" else c for c in dep.categories)
            dep = dataclasses.replace(dep, categories=cats, _category_index={})
        deps.append(dep)
    changed = dataclasses.replace(settings, catalog=Catalog(departments=tuple(deps),
                                                            people=settings.catalog.people))
    desk = Transcript(app_mod.build(changed, clock, engine=engine, upgrade=False), clock)
    out = desk("alice> /request it laptop mine is too slow")
    assert out.endswith(
        "Please choose the Model: MacBook Pro 14, ThinkPad X1 Carbon.\n"
        "  (button) This answered my question -> answered\n"
        "  (button) MacBook Pro 14 -> model=mbp14\n"
        "  (button) ThinkPad X1 Carbon -> model=x1\n"
        "  (button) Cancel -> cancel\n")
    assert "“dell” is not an option" in desk("alice> dell")
    assert "Opened IT-1" in desk("alice> model=x1")  # the button's command
    assert "Model: ThinkPad X1 Carbon" in desk("alice> /request show IT-1")
