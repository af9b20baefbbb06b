"""A form filled in chat, as its filler sees it: links are no values, a second form sets the
first aside saying so, a person field takes `me`/`我` and asks which of a shared name,
`field=value` answers or changes that field, a file sent early fills the file field, control
words with punctuation after them, and examples that fit the question."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from bot.runtime import app as app_mod
from bot.runtime import config as config_mod
from storage import request_fields
from storage.models import FormDraft, Request
from storage.request_fields import FieldValue
from tests.conftest import EXAMPLE, Transcript
from tests.handlers.form_company import form_chat

ACCOUNT_ACCESS = '''aliases = ["account", "access", "password", "账号", "权限", "密码"]
priority = "P2"
first_response = "1h"
resolution = "4h"
'''
FOR_WHOM = '''
[[departments.categories.fields]]
key = "for_whom"
name = "For"
name_zh = "使用人"
type = "person"
required = true
'''
TWO_MORE_ZHANG_WEI = '''
[[people]]
id = "zhangwei2"
name = "张伟 David Zhang"

[[people]]
id = "zhangwei3"
name = "张伟 Wei Zhang"
'''


def company(tmp_path: Path, engine, clock) -> Transcript:
    """The sample company whose account access asks for whom, with three people 张伟."""
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.count(ACCOUNT_ACCESS) == 1
    text = text.replace(ACCOUNT_ACCESS, ACCOUNT_ACCESS + FOR_WHOM) + TWO_MORE_ZHANG_WEI
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    app = app_mod.build(config_mod.load(path), clock, engine=engine, upgrade=False)
    return Transcript(app, clock)


def values(chat: Transcript, ref: str) -> dict[str, FieldValue]:
    with Session(chat.app.desk.engine) as session:
        request = session.exec(select(Request).where(Request.ref == ref)).one()
        return request_fields.of_request(session, request.id or 0)


def drafts(chat: Transcript) -> list[FormDraft]:
    with Session(chat.app.desk.engine) as session:
        return list(session.exec(select(FormDraft)))


def test_a_date_inside_a_link_is_no_value(chat: Transcript) -> None:
    out = chat("henry> /request 财务 报销 86元 打车，报错信息 code=500 见 "
               "https://erp.example.com/x?id=5&date=11-20")
    assert "已提交 FIN-1" in out
    got = values(chat, "FIN-1")
    assert got["spent_on"].day == date(2026, 11, 23)  # today, the default: not 11-20
    assert got["amount"].number == 86
    assert "https://erp.example.com/x?id=5&date=11-20" in chat("henry> /request show FIN-1")


def test_pairs_inside_a_link_are_no_fields(chat: Transcript) -> None:
    out = chat("henry> /request 财务 报销 打车 见 www.erp.example.com/x?amount=86&date=11-20")
    assert "请填写金额" in out and "已提交" not in out  # neither the amount …
    assert "已提交 FIN-1" in chat("henry> 86")
    assert values(chat, "FIN-1")["spent_on"].day == date(2026, 11, 23)  # … nor the date


def test_a_second_form_sets_the_first_aside_saying_how_to_start_it_again(
        chat: Transcript) -> None:
    assert "请填写金额" in chat("henry> /request 财务 报销 打车")
    out = chat("henry> /request hr 休假证明 签证用")
    assert ("您未填完的报销表单已放下（每次只能填写一份表单）。如需稍后重新填写，请输入 "
            "`/request finance reimbursement 打车`。") in out
    assert "请填写开始日期" in out
    (draft,) = drafts(chat)
    assert draft.category == "leave-certificate"
    out = chat("henry> /request finance reimbursement 打车")  # as told: it starts again
    assert "您未填完的休假证明表单已放下" in out and "`/request hr leave-certificate 签证用`" in out
    assert "请填写金额" in out


def test_a_set_aside_form_is_quoted_with_what_it_held(chat: Transcript) -> None:
    chat("alice> /request hr leave certificate for my visa", "alice> 12-01")
    out = chat("alice> /request it laptop model=thinkpad")  # nothing missing: opens, form kept
    assert "Opened IT-1" in out and "set aside" not in out
    assert len(drafts(chat)) == 1
    chat("alice> /request finance reimbursement taxi")
    out = chat("alice> /request hr leave certificate again")
    assert ("Your unfinished Reimbursement form was set aside: one form is filled at a time. "
            "To start it again later, type `/request finance reimbursement taxi`.") in out


def test_a_person_field_takes_me_and_asks_which_of_a_shared_name(tmp_path, engine,
                                                                 clock) -> None:
    desk = company(tmp_path, engine, clock)
    out = desk("henry> /request it 账号 邮箱登不上")
    assert "请填写使用人" in out
    out = desk("henry> 张伟")
    assert "使用人：“张伟”对应多个人，请问是哪一位？请输入以下之一：" in out
    assert "• 张伟 Bob Zhang（财务部）：`bob`" in out
    assert "• 张伟 David Zhang：`zhangwei2`" in out and "• 张伟 Wei Zhang：`zhangwei3`" in out
    assert "找不到" not in out and "已提交" not in out
    out = desk("henry> zhangwei2")
    assert "已提交 IT-1" in out
    assert values(desk, "IT-1")["for_whom"].text == "zhangwei2"
    assert "已提交 IT-2" in desk("henry> /request it 账号 我的邮箱", "henry> 我")
    assert values(desk, "IT-2")["for_whom"].text == "henry"
    desk("alice> /request it account my mail")
    assert "Opened IT-3" in desk("alice> me")
    assert values(desk, "IT-3")["for_whom"].text == "alice"
    assert "Opened IT-4" in desk("alice> /request it account for_whom=me new laptop login")
    assert values(desk, "IT-4")["for_whom"].text == "alice"


def test_a_pair_answers_the_field_asked_or_changes_an_earlier_one(chat: Transcript) -> None:
    chat("alice> /request hr leave certificate for my visa")
    assert "Please give the Last day" in chat("alice> 12月1号")
    out = chat("alice> 11-30")
    assert "Last day (2026-11-30) is before First day (2026-12-01)" in out
    out = chat("alice> 开始日期=11-26")
    assert "First day is now 2026-11-26." in out and "Please give the Last day" in out
    assert "Opened" not in out  # the refused 11-30 was never kept
    out = chat("alice> 结束日期=12/1")
    assert "Opened HR-1" in out
    got = values(chat, "HR-1")
    assert (got["first_day"].day, got["last_day"].day) == (date(2026, 11, 26), date(2026, 12, 1))


def test_a_changed_first_day_still_checks_the_order(chat: Transcript) -> None:
    chat("alice> /request hr leave certificate for my visa", "alice> 12-01")
    out = chat("alice> to：11-28")
    assert "Last day (2026-11-28) is before First day (2026-12-01)" in out
    assert "Opened" not in out


def test_a_file_sent_while_the_amount_is_asked_is_the_invoice(settings, engine,
                                                              clock) -> None:
    desk = form_chat(settings, engine, clock, invoice_required=True)
    assert "Please give the Amount" in desk("alice> /request finance reimbursement taxi")
    out = desk("alice@dm> [file invoice.jpg]")
    assert "invoice.jpg is your Invoice: it will be attached when the request opens." in out
    assert "Please give the Amount" in out
    out = desk("alice> 86")
    assert "Opened FIN-1" in out and "Please send the Invoice" not in out
    assert "Invoice: invoice.jpg" in desk("alice> /request show FIN-1")


def test_control_words_with_punctuation_after_them(chat: Transcript) -> None:
    chat("henry> /request 财务 报销 打车")
    assert "已停止：未提交报销请求。" in chat("henry> 取消。")
    chat("alice> /request finance reimbursement taxi")
    assert "Stopped: no Reimbursement request was opened." in chat("alice> Cancel!")
    chat("henry> /request 财务 报销 打车")
    assert "很高兴问题已解答：未提交报销请求。" in chat("henry> 已解答！")
    assert drafts(chat) == []


def test_a_last_days_example_is_on_or_after_the_first_day(chat: Transcript) -> None:
    chat("alice> /request hr leave certificate for my visa")
    out = chat("alice> 12-01")
    assert "Please give the Last day, e.g. 2026-12-01, 12-01." in out
    out = chat("alice> soon")
    assert ("Last day must be a date, e.g. 2026-12-01, 12-01 (or today, yesterday, "
            "tomorrow).") in out
    out = chat("henry> /request hr 休假证明 开始日期=12-10 结束日期=下周")
    assert "结束日期须为日期，例如 2026-12-10、12月10日（或 今天、昨天、明天）。" in out
