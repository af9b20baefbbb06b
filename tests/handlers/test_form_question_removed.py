"""A chat form waits for an answer when the operator removes the field it asked from
config.toml and restarts: the answer (its text, its files) goes with the request, never lost,
and the person is told the form changed and what comes next."""

from __future__ import annotations

from sqlmodel import Session, select

from storage import request_fields, request_store
from storage.models import Attachment, FormDraft
from tests.conftest import EXAMPLE, Transcript
from tests.handlers.test_config_change import LAST_DAY, NOT_BEFORE, messages_to, restart

FIRST_DAY = LAST_DAY.replace("last_day", "first_day").replace("Last day", "First day") \
    .replace("结束日期", "开始日期").replace('["to", "至"]', '["from", "自"]') \
    .replace(NOT_BEFORE, "")
FILE_TYPE = 'type = "file"                      # satisfied by a file sent with the form in chat'
INVOICE_REQUIRED = (FILE_TYPE, FILE_TYPE + "\nrequired = true")


def block(start: str) -> tuple[str, str]:
    """An edit removing the field of config.example.toml that starts with ``start``."""
    text = EXAMPLE.read_text(encoding="utf-8")
    at = text.index(start)
    return text[at:text.index("\n[[", at + 10) + 1], ""


INVOICE = block('[[departments.categories.fields]]\nkey = "invoice"')
AMOUNT = block('[[departments.categories.fields]]\nkey = "amount"')
REASON = block('[[departments.categories.fields]]\nkey = "reason"')


def stored(desk: Transcript, ref: str) -> tuple[dict[str, str | None], list[str]]:
    """The request's form values as stored (raw text) and its files' names."""
    with Session(desk.app.desk.engine) as s:
        request = request_store.by_ref(s, ref)
        assert request is not None and request.id is not None
        values = {k: v.text for k, v in request_fields.of_request(s, request.id).items()}
        names = [a.name for a in s.exec(select(Attachment).where(
            Attachment.request_id == request.id).order_by(Attachment.id))]  # type: ignore[arg-type]
    return values, names


def draft(desk: Transcript, person: str) -> FormDraft:
    with Session(desk.app.desk.engine) as s:
        row = s.get(FormDraft, person)
        assert row is not None
        return row


def test_the_answer_to_a_removed_question_goes_with_the_request_it_opens(
        chat, engine, clock, tmp_path):
    chat("alice> /request hr leave-certificate for the visa office", "alice> 2026-12-21")
    desk = restart(tmp_path, engine, clock, (LAST_DAY, ""))
    out = desk("alice> 2026-12-24")
    assert out.startswith(
        "[reply] The Leave certificate form changed while you were filling it in: the question "
        "I asked last is no longer on it.\nOpened HR-1: Leave certificate for HR"), out
    assert ("Your answer “2026-12-24” is kept with HR-1, so HR will see it; to add or correct "
            "anything, type `/request comment HR-1 …`.") in out
    assert "last_day: 2026-12-24" in "".join(messages_to(out, "#hr-requests"))  # the desk's
    assert stored(desk, "HR-1")[0]["last_day"] == "2026-12-24"
    assert "last_day: 2026-12-24" in desk("mia> /request show HR-1")


def test_the_answer_to_a_removed_question_is_kept_and_the_next_one_asked(
        engine, clock, tmp_path):
    restart(tmp_path, engine, clock)("bob> /request hr leave-certificate 签证")
    desk = restart(tmp_path, engine, clock, (FIRST_DAY, ""), (NOT_BEFORE, ""))
    out = desk("bob> 12月21日")
    assert out == (
        "[reply] 休假证明表单在您填写期间有所调整：我上次问的问题已不再需要回答。\n"
        "您发送的内容不会丢失：您的回答“12月21日”会随请求一并提交，人力资源部可以看到。\n\n"
        "请填写结束日期，例如 2026-11-21、11月21日。\n"
        "  (button) 取消 -> cancel\n")
    assert draft(desk, "bob").values == {"first_day": "12月21日"}
    out = desk("bob> 12-24")
    assert "已提交 HR-1" in out and "表单在您填写期间有所调整" not in out
    assert stored(desk, "HR-1")[0] == {"first_day": "12月21日", "last_day": None}
    shown = desk("bob> /request show HR-1")
    assert "first_day: 12月21日" in shown and "结束日期: 2026-12-24" in shown


def test_a_file_answering_a_removed_invoice_question_is_attached_to_the_request(
        engine, clock, tmp_path):
    first = restart(tmp_path, engine, clock, INVOICE_REQUIRED)
    assert "Please send the Invoice" in first("alice> /request finance reimbursement taxi 86 CNY")
    desk = restart(tmp_path, engine, clock, INVOICE)
    out = desk("alice@dm> the airport taxi [file invoice.jpg]")
    assert "The Reimbursement form changed while you were filling it in" in out
    assert "Opened FIN-1" in out and "invoice.jpg (28 B) is attached to FIN-1." in out
    assert "Your answer “the airport taxi” is kept with FIN-1, so Finance will see it" in out
    values, files = stored(desk, "FIN-1")
    assert values["invoice"] == "the airport taxi" and files == ["invoice.jpg"]
    shown = desk("carol> /request show FIN-1")
    assert "invoice: the airport taxi" in shown and "📎 invoice.jpg (28 B)" in shown


def test_files_sent_to_a_removed_question_wait_with_the_form(engine, clock, tmp_path):
    restart(tmp_path, engine, clock, INVOICE_REQUIRED)("alice> /request finance reimbursement taxi")
    desk = restart(tmp_path, engine, clock, INVOICE_REQUIRED, AMOUNT)
    out = desk("alice@dm> 86 yuan [file receipt.jpg] [file setup.exe]")
    assert out.startswith(
        "[reply] The Reimbursement form changed while you were filling it in: the question I "
        "asked last is no longer on it.\nNothing you sent is lost: your answer “86 yuan” stays "
        "with the request, so Finance will see it.\nsetup.exe was not attached"), out
    assert ("receipt.jpg will be attached when the request opens.\n\n"
            "Please send the Invoice here as a file") in out
    kept = draft(desk, "alice")
    assert kept.values["amount"] == "86 yuan"
    assert [f["name"] for f in kept.files] == ["receipt.jpg"]
    out = desk("alice@dm> [file invoice.jpg]")
    assert "Opened FIN-1" in out and "changed while" not in out
    values, files = stored(desk, "FIN-1")
    assert values["amount"] == "86 yuan" and values["invoice"] == "invoice.jpg"
    assert files == ["receipt.jpg", "invoice.jpg"]


def test_an_earlier_cards_choice_button_still_answers_its_own_field(engine, clock, tmp_path):
    """Model and reason are required; the reason asked is removed and the person clicks the
    model card's other button: it changes the model (it names that field), not a kept note."""
    model = 'type = "choice"\nchoices = ['
    reason = 'type = "long_text"\nmax_length = 500'
    required = ((model, 'type = "choice"\nrequired = true\nchoices = ['),
                (reason, reason + "\nrequired = true"))
    first = restart(tmp_path, engine, clock, *required)
    first("alice> /request it laptop")
    assert "Please give the Reason" in first("alice> model=mbp14")
    desk = restart(tmp_path, engine, clock, required[0], REASON)
    out = desk("alice> model=x1")
    assert "Opened IT-1" in out and "changed while" not in out
    assert stored(desk, "IT-1")[0] == {"model": "x1"}
