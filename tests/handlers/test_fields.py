"""One typed value parsed, checked and shown; pairs and recognisable values in free text."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from handlers.catalog import Catalog, Category, Department, PersonSpec
from handlers.fields import (
    FieldProblem,
    describe,
    format_value,
    missing,
    parse_value,
    recognise,
    split_pairs,
    with_defaults,
)
from handlers.service_spec import Choice, FieldSpec
from storage.request_fields import FieldValue

TODAY = date(2026, 12, 5)
AMOUNT = FieldSpec("amount", "Amount", "amount", name_zh="金额", required=True,
                   minimum=Decimal("0.01"), maximum=Decimal(100000), currency="CNY")
DAY = FieldSpec("date", "Date of expense", "date", name_zh="日期", default="today")
CENTRE = FieldSpec("cost_centre", "Cost centre", "department", name_zh="成本中心",
                   default="@requester")
INVOICE = FieldSpec("invoice", "Invoice", "file", name_zh="发票", required=True)
REASON = FieldSpec("reason", "Reason", "long_text", name_zh="原因", aliases=("why",),
                   max_length=20)
MODEL = FieldSpec("model", "Model", "choice", name_zh="型号", required=True, choices=(
    Choice("mac", "MacBook Pro 14", "MacBook Pro 14 寸", ("mbp",)),
    Choice("thinkpad", "ThinkPad X1", "ThinkPad X1", ("x1",))))
OWNER = FieldSpec("owner", "Owner", "person", name_zh="使用人")
COUNT = FieldSpec("count", "Count", "number", minimum=Decimal(1), maximum=Decimal(10))
TAG = FieldSpec("tag", "Asset tag", "text", pattern=r"[A-Z]{2}\d{4}", hint="IT1234")
SERVICE = Category("reimbursement", "Reimbursement", "报销", (), "P3", timedelta(hours=4),
                   timedelta(days=3), fields=(AMOUNT, DAY, CENTRE, INVOICE, REASON))
FINANCE = Department("finance", "FIN", "Finance", "财务部", ("财务",), ("carol",),
                     ("bob",), "finance", (SERVICE,))
CATALOG = Catalog(departments=(FINANCE,), people=(
    PersonSpec("alice", "王丽 Alice Wang", wecom="wangli"),
    PersonSpec("bob", "Bob Chen")))


def value(spec: FieldSpec, raw: str, locale: str = "en") -> FieldValue | FieldProblem:
    return parse_value(spec, raw, catalog=CATALOG, locale=locale, today=TODAY)


@pytest.mark.parametrize("raw,number,currency", [
    ("86", "86.00", "CNY"), ("86.5", "86.50", "CNY"), ("1,200", "1200.00", "CNY"),
    ("8 600", "8600.00", "CNY"), ("86元", "86.00", "CNY"), ("¥86", "86.00", "CNY"),
    ("86 CNY", "86.00", "CNY"), ("USD 12", "12.00", "USD"), ("８６", "86.00", "CNY"),
    ("$12.5", "12.50", "USD"),
])
def test_amounts_in_every_usual_spelling(raw: str, number: str, currency: str) -> None:
    got = value(AMOUNT, raw)
    assert got == FieldValue("amount", "amount", number=Decimal(number), currency=currency)


@pytest.mark.parametrize("raw,expected", [
    ("abc", "Amount must be a number, e.g. 86.50 CNY."),
    ("0", "Amount must be at least 0.01."),
    ("200000", "Amount must be at most 100000."),
    ("86.555", "Amount takes at most two decimals, e.g. 86.50 CNY."),
    ("", "Amount is empty; please type a value, e.g. 86.50 CNY."),
])
def test_a_bad_amount_is_explained_with_an_example(raw: str, expected: str) -> None:
    problem = value(AMOUNT, raw)
    assert isinstance(problem, FieldProblem)
    assert describe(problem, AMOUNT, catalog=CATALOG, locale="en") == expected


def test_problems_read_in_chinese() -> None:
    problem = value(AMOUNT, "八十六", "zh-CN")
    assert isinstance(problem, FieldProblem)
    assert describe(problem, AMOUNT, catalog=CATALOG, locale="zh-CN") == \
        "金额须为数字，例如 86.50 CNY。"


@pytest.mark.parametrize("raw,expected", [
    ("2026-11-20", date(2026, 11, 20)), ("11-20", date(2026, 11, 20)),
    ("11/20", date(2026, 11, 20)), ("11月20日", date(2026, 11, 20)),
    ("2026年11月20日", date(2026, 11, 20)), ("today", TODAY), ("今天", TODAY),
    ("yesterday", date(2026, 12, 4)), ("昨天", date(2026, 12, 4)),
    ("前天", date(2026, 12, 3)), ("后天", date(2026, 12, 7)),
    ("12-20", date(2026, 12, 20)),  # the nearest 12-20, not last year's
])
def test_dates(raw: str, expected: date) -> None:
    assert value(DAY, raw) == FieldValue("date", "date", day=expected)


def test_a_month_day_near_new_year_is_last_years() -> None:
    got = parse_value(DAY, "12-28", catalog=CATALOG, locale="en", today=date(2027, 1, 3))
    assert got == FieldValue("date", "date", day=date(2026, 12, 28))


def test_no_such_date() -> None:
    problem = value(DAY, "2-30")
    assert isinstance(problem, FieldProblem)
    assert describe(problem, DAY, catalog=CATALOG, locale="en", today=date(2026, 11, 23)) == (
        "Date of expense must be a date, e.g. 2026-11-21, 11-21 (or today, yesterday, "
        "tomorrow).")


def test_choice_by_key_name_alias_and_explained() -> None:
    for raw in ("mac", "MacBook Pro 14", "ＭＢＰ", "MacBook Pro 14 寸"):
        assert value(MODEL, raw) == FieldValue("model", "choice", text="mac")
    problem = value(MODEL, "dell")
    assert isinstance(problem, FieldProblem)
    assert describe(problem, MODEL, catalog=CATALOG, locale="zh-CN") == \
        "型号：没有“dell”这个选项，请从中选择：MacBook Pro 14 寸、ThinkPad X1。"
    assert format_value(MODEL, FieldValue("model", "choice", text="mac"), catalog=CATALOG,
                        locale="zh-CN") == "MacBook Pro 14 寸"


def test_person_and_department() -> None:
    for raw in ("alice", "@alice", "王丽 Alice Wang", "wangli", "Alice"):
        assert value(OWNER, raw) == FieldValue("owner", "person", text="alice")
    assert isinstance(value(OWNER, "zoe"), FieldProblem)
    assert value(CENTRE, "财务") == FieldValue("cost_centre", "department", text="finance")
    shown = format_value(CENTRE, FieldValue("cost_centre", "department", text="finance"),
                         catalog=CATALOG, locale="zh-CN")
    assert shown == "财务部"
    assert format_value(OWNER, FieldValue("owner", "person", text="bob"), catalog=CATALOG,
                        locale="en") == "Bob Chen"


def test_text_limits() -> None:
    assert value(REASON, "new hire") == FieldValue("reason", "long_text", text="new hire")
    problem = value(REASON, "x" * 21)
    assert isinstance(problem, FieldProblem)
    assert describe(problem, REASON, catalog=CATALOG, locale="en") == \
        "Reason is too long (21 characters; at most 20)."
    assert value(TAG, "IT1234") == FieldValue("tag", "text", text="IT1234")
    bad = value(TAG, "laptop")
    assert isinstance(bad, FieldProblem)
    assert describe(bad, TAG, catalog=CATALOG, locale="en") == \
        "Asset tag does not look right; e.g. IT1234."


def test_numbers() -> None:
    assert value(COUNT, "3") == FieldValue("count", "number", number=Decimal(3))
    assert isinstance(value(COUNT, "11"), FieldProblem)
    assert isinstance(value(COUNT, "3 CNY"), FieldProblem)  # a number has no currency
    assert format_value(COUNT, FieldValue("count", "number", number=Decimal("2.50")),
                        catalog=CATALOG, locale="en") == "2.5"


def test_format_amount_and_date() -> None:
    amount = FieldValue("amount", "amount", number=Decimal("8600"), currency="CNY")
    assert format_value(AMOUNT, amount, catalog=CATALOG, locale="en") == "8,600.00 CNY"
    day = FieldValue("date", "date", day=date(2026, 11, 20))
    assert format_value(DAY, day, catalog=CATALOG, locale="zh-CN") == "2026-11-20"


def test_split_pairs() -> None:
    assert split_pairs("金额=86 日期=11-20 出租车", SERVICE) == (
        {"amount": "86", "date": "11-20"}, "出租车", [])
    assert split_pairs('出租车金额＝86 原因="new hire"', SERVICE) == (
        {"amount": "86", "reason": "new hire"}, "出租车", [])
    assert split_pairs("AMOUNT=86 why：slow colour=red see http://x.cn at 10:30", SERVICE) == (
        {"amount": "86", "reason": "slow"}, "colour=red see http://x.cn at 10:30", ["colour"])
    assert split_pairs("no pairs here", SERVICE) == ({}, "no pairs here", [])


def test_recognise_marked_amount_and_digit_date() -> None:
    assert recognise("taxi 86 CNY on 11-20", SERVICE) == {"amount": "86 CNY", "date": "11-20"}
    assert recognise("打车 86元 11月20日", SERVICE) == {"amount": "86元", "date": "11月20日"}
    assert recognise("taxi 86", SERVICE) == {}  # a bare number is not taken
    assert recognise("taxi 86", SERVICE, loose=True) == {"amount": "86"}
    assert recognise("¥86 and ¥12", SERVICE) == {}  # two amounts: ask
    assert recognise("taxi 86 CNY", SERVICE, given={"amount"}) == {}
    assert recognise("call 138-1234-5678", SERVICE) == {}


def test_defaults_and_missing() -> None:
    filled = with_defaults(SERVICE, {}, requester="bob", catalog=CATALOG, locale="en",
                           today=TODAY)
    assert filled == {"date": FieldValue("date", "date", day=TODAY),
                      "cost_centre": FieldValue("cost_centre", "department", text="finance")}
    assert [f.key for f in missing(SERVICE, filled, has_file=False)] == ["amount", "invoice"]
    assert [f.key for f in missing(SERVICE, filled, has_file=True)] == ["amount"]
    outsider = with_defaults(SERVICE, {}, requester="alice", catalog=CATALOG, locale="en",
                             today=TODAY)
    assert "cost_centre" not in outsider  # alice works in no department
