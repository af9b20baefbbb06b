"""Money typed with thousands separators is read as the person meant it: a comma or a space
only between groups of three digits (``1,200``, ``8 600``); a comma or space anywhere else
(``86,5``, ``1 200,50``, ``86 5元``) is refused, never read as 865 or 20,050; and an amount in
the text that differs from ``amount=`` is refused as a field given twice. Through the console,
on the sample company (config.example.toml)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from handlers.catalog import Catalog
from handlers.fields import FieldProblem, describe, parse_value
from handlers.service_spec import FieldSpec
from storage.models import Request
from storage.request_fields import FieldValue
from tests.conftest import Transcript
from tests.handlers.test_form_chat import rows, values

NOTHING_OPENED = "Please send the request again with that fixed."
ANY_AMOUNT = FieldSpec("amount", "Amount", "amount", name_zh="金额", currency="CNY")


def amount_of(chat: Transcript, ref: str) -> tuple[Decimal | None, str | None]:
    got = values(chat, ref)["amount"]
    return got.number, got.currency


@pytest.mark.parametrize("line", [
    "henry> /request 财务 报销 打车 8 600元",
    "henry> /request finance reimbursement venue 8 600 CNY",
    "henry> /request finance reimbursement venue amount=8 600",
    "henry> /request 财务 报销 场地 金额=8 600元",
    "henry> /request 财务 报销 场地 ８\u3000６００元",  # full width, ideographic space
    "henry> /request 财务 报销 场地 金额＝８\u3000６００",
    "henry> /request finance reimbursement venue ¥8 600",
    "henry> /request finance reimbursement venue 8,600 CNY",
])
def test_a_spaced_or_comma_thousands_amount_opens_as_typed(chat: Transcript, line: str) -> None:
    out = chat("@now 2026-11-23T09:00", line)
    assert "FIN-1" in out
    assert amount_of(chat, "FIN-1") == (Decimal("8600.00"), "CNY")


def test_the_groups_after_amount_equals_do_not_stay_in_the_details(chat: Transcript) -> None:
    out = chat("@now 2026-11-23T09:00",
               "henry> /request finance reimbursement venue amount=8 600")
    assert "Amount: 8,600.00 CNY" in out or "金额: 8,600.00 CNY" in out
    assert "venue 600" not in out
    assert rows(chat, Request)[0].details == "venue"


@pytest.mark.parametrize("line,said", [
    ("henry> /request 财务 报销 打车 86,5元",
     "• 金额：“86,5元”有歧义（逗号或空格只用于每三位数字分隔，小数请用点号），"
     "请写成 86.50 或 865。"),
    ("henry> /request 财务 报销 打车 1,20元",
     "• 金额：“1,20元”有歧义（逗号或空格只用于每三位数字分隔，小数请用点号），"
     "请写成 1.20 或 120。"),
    ("henry> /request 财务 报销 打车 ８６，５元",  # full width, quoted as folded
     "• 金额：“86,5元”有歧义（逗号或空格只用于每三位数字分隔，小数请用点号），"
     "请写成 86.50 或 865。"),
    ("henry> /request 财务 报销 打车 86 5元",
     "• 金额：“86 5元”有歧义（逗号或空格只用于每三位数字分隔，小数请用点号），"
     "请写成 86.50、865 或 5。"),
    ("alice> /request finance reimbursement lunch 1 200,50 CNY",
     "• Amount: “1 200,50 CNY” can be read more than one way (commas and spaces go only "
     "between groups of three digits, a point before the decimals); please write 1,200.50 "
     "or 120,050."),
    ("alice> /request finance reimbursement lunch amount=86,5",
     "• Amount: “86,5” can be read more than one way (commas and spaces go only between "
     "groups of three digits, a point before the decimals); please write 86.50 or 865."),
    ("alice> /request finance reimbursement lunch amount=1 200,50",
     "• Amount: “1 200,50” can be read more than one way (commas and spaces go only between "
     "groups of three digits, a point before the decimals); please write 1,200.50 or "
     "120,050."),
])
def test_a_comma_or_space_not_before_three_digits_is_refused(chat: Transcript, line: str,
                                                              said: str) -> None:
    out = chat("@now 2026-11-23T09:00", line)
    assert said in out
    assert "未提交任何请求" in out or NOTHING_OPENED in out
    assert rows(chat, Request) == [], "nothing opened"


def test_the_chat_form_asks_again_for_an_unclear_amount(chat: Transcript) -> None:
    chat("@now 2026-11-23T09:00", "alice> /request finance reimbursement taxi")
    again = chat("alice> 86,5")
    assert "please write 86.50 or 865." in again
    assert "Please give the Amount" in again and rows(chat, Request) == []
    assert "Opened FIN-1" in chat("alice> 86.50")
    assert amount_of(chat, "FIN-1") == (Decimal("86.50"), "CNY")


def test_an_amount_in_the_text_beside_a_different_amount_is_refused(chat: Transcript) -> None:
    out = chat("@now 2026-11-23T09:00",
               "alice> /request finance expense hotel USD 12 amount=90")
    assert out == ("[reply] Nothing was opened:\n"
                   "• Amount is given more than once: “90”, “USD 12”. Please type it once, "
                   "e.g. `amount=90`.\n" + NOTHING_OPENED + "\n")
    out = chat("henry> /request 财务 报销 打车 86元 金额=90")
    assert "• 金额填了不止一次：“90”、“86元”。请只填一次，例如 `金额=90`。" in out
    assert rows(chat, Request) == [], "nothing opened"


def test_the_same_amount_in_the_text_and_as_a_pair_is_fine(chat: Transcript) -> None:
    out = chat("@now 2026-11-23T09:00",
               "alice> /request finance expense hotel 90元 amount=90.00")
    assert "Opened FIN-1" in out
    assert amount_of(chat, "FIN-1") == (Decimal("90.00"), "CNY")


@pytest.mark.parametrize("typed", ["amount=12 USD", "amount=USD 12"])
def test_a_currency_beside_amount_equals_is_its_own(chat: Transcript, typed: str) -> None:
    out = chat("@now 2026-11-23T09:00", f"alice> /request finance expense hotel {typed}")
    assert "Opened FIN-1" in out
    assert amount_of(chat, "FIN-1") == (Decimal("12.00"), "USD")
    assert rows(chat, Request)[0].details == "hotel"


def test_dates_ids_phones_times_and_counts_are_left_alone(chat: Transcript) -> None:
    text = "3 people 200 each, FIN-12, call 138 0013 8000"
    out = chat("@now 2026-11-23T09:00",
               f"henry> /request finance reimbursement amount=600 date=11-20 {text}",
               "henry> /request finance reimbursement dinner 2026-11-20 at 10:30 600元")
    assert "FIN-1" in out and "FIN-2" in out
    assert amount_of(chat, "FIN-1") == (Decimal("600.00"), "CNY")
    assert values(chat, "FIN-1")["spent_on"].day == date(2026, 11, 20)
    assert rows(chat, Request)[0].details == text
    assert amount_of(chat, "FIN-2") == (Decimal("600.00"), "CNY")
    assert values(chat, "FIN-2")["spent_on"].day == date(2026, 11, 20)


@pytest.mark.parametrize("raw,number", [
    ("1,200", "1200"), ("12,345,678.50", "12345678.50"), ("8 600", "8600"),
    ("1 200 000", "1200000"), ("1\u202f200", "1200"), ("１，２００．５", "1200.50"),
    ("86", "86"), ("86,", "86"), (".5", "0.50"),
])
def test_thousands_separators_between_groups_of_three(raw: str, number: str) -> None:
    got = parse_value(ANY_AMOUNT, raw, catalog=Catalog(departments=()), locale="en",
                      today=date(2026, 11, 23))
    assert got == FieldValue("amount", "amount", number=Decimal(number).quantize(Decimal("0.01")),
                             currency="CNY")


@pytest.mark.parametrize("raw,suggest", [
    ("1,2345", "12,345"), ("12,34,567", "1,234,567"), ("-86,5", "-86.50 or -865"),
    ("8 600,000", "8,600,000 or 600,000"), ("2 86", "2.86, 286 or 86"),
])
def test_other_separators_are_refused_with_what_to_type(raw: str, suggest: str) -> None:
    got = parse_value(ANY_AMOUNT, raw, catalog=Catalog(departments=()), locale="en",
                      today=date(2026, 11, 23))
    assert isinstance(got, FieldProblem)
    said = describe(got, ANY_AMOUNT, catalog=Catalog(departments=()), locale="en")
    assert said.endswith(f"please write {suggest}.")
