"""A platform form's submission checked in ``handlers`` (``forms.check_form``), what is still to
choose in words (``drafts.unchosen_texts``), and a field's own currency (``fields``)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from handlers.catalog import Category
from handlers.drafts import Draft, unchosen_texts
from handlers.fields import FieldProblem, describe, foreign_amount, own_currency, to_raw
from handlers.forms import FormCheck, check_form
from storage.request_fields import FieldValue
from tests.handlers.test_fields import AMOUNT, CATALOG, INVOICE, OWNER, SERVICE, TODAY

WITH_OWNER = replace(SERVICE, fields=(*SERVICE.fields, OWNER))
SLACK_IDS = {"U0BOB": "bob", "U0ZED": "zed"}  # zed is no one of ours


def checked(typed: dict[str, str], *, category: Category = WITH_OWNER, locale: str = "en",
            has_file: bool = True) -> FormCheck:
    return check_form(category, typed, catalog=CATALOG, locale=locale, today=TODAY,
                      person_of=SLACK_IDS.get, has_file=has_file)


def test_valid_values_come_back_as_text_that_reads_back_the_same() -> None:
    done = checked({"amount": "86", "date": "2026-12-01", "owner": "U0BOB"})
    assert done.problems == {}
    assert done.values == {"amount": "86.00 CNY", "date": "2026-12-01", "owner": "bob"}


def test_a_required_field_left_empty_is_named() -> None:
    assert checked({}).problems == {"amount": "Please fill this in."}
    assert checked({}, locale="zh-CN").problems == {"amount": "请填写此项。"}


def test_a_required_file_field_is_filled_by_an_upload_only() -> None:
    needs_invoice = replace(SERVICE, fields=(AMOUNT, INVOICE))
    assert checked({"amount": "86"}, category=needs_invoice, has_file=False).problems == {
        "invoice": "Please fill this in."}
    with_file = checked({"amount": "86"}, category=needs_invoice, has_file=True)
    assert with_file.problems == {} and with_file.values == {"amount": "86.00 CNY"}


def test_a_file_fields_text_is_never_read_as_its_value() -> None:
    done = checked({"amount": "86", "invoice": "photo.png"})
    assert done.problems == {} and "invoice" not in done.values


def test_a_picked_person_who_is_not_one_of_ours_is_refused_by_name() -> None:
    unknown = ("Owner: this person is not in the desk's directory; pick someone else, or ask "
               "an admin to add them.")
    no_person = checked({"amount": "86", "owner": "U0NOBODY"})  # person_of finds no one
    assert no_person.problems == {"owner": unknown} and "owner" not in no_person.values
    not_configured = checked({"amount": "86", "owner": "U0ZED"})  # an id the desk lacks
    assert not_configured.problems == {"owner": unknown}


def test_a_bad_value_is_worded_as_the_chat_words_it() -> None:
    done = checked({"amount": "abc"})
    worded = describe(FieldProblem("number", {"given": "abc"}), AMOUNT, catalog=CATALOG,
                      locale="en")
    assert done.problems == {"amount": worded} == {
        "amount": "Amount must be a number, e.g. 86.50 CNY."}
    assert checked({"amount": "abc"}, locale="zh-CN").problems["amount"].startswith("金额")


def test_refusals_come_in_the_forms_order_before_empty_fields() -> None:
    done = checked({"reason": "x" * 21, "owner": "U0NOBODY"})
    assert list(done.problems) == ["reason", "owner", "amount"]


def test_what_is_still_to_choose_is_said_with_the_department_named() -> None:
    assert unchosen_texts(Draft(), CATALOG, "en") == {"department": "Choose a department."}
    assert unchosen_texts(Draft(department="finance"), CATALOG, "en") == {
        "category": "Choose one of Finance's services."}
    assert unchosen_texts(Draft(department="finance", category="laptop"), CATALOG,
                          "zh-CN") == {"category": "财务部不提供这项服务，请从该部门的服务中选择。"}
    assert unchosen_texts(Draft(department="finance", category="reimbursement"), CATALOG,
                          "en") == {}


def test_an_amount_fields_own_currency_and_a_foreign_amount() -> None:
    usd = replace(AMOUNT, currency="USD")
    assert own_currency(AMOUNT) == "CNY" and own_currency(replace(AMOUNT, currency=None)) == "CNY"
    assert own_currency(usd) == "USD"
    assert foreign_amount(usd, "12.00 CNY") and not foreign_amount(usd, "12.00 USD")
    assert not foreign_amount(usd, "12") and not foreign_amount(usd, None)
    assert not foreign_amount(OWNER, "12.00 EUR")  # not an amount field


def test_a_number_is_written_out_plainly() -> None:
    assert to_raw(FieldValue("count", "number", number=Decimal("1E+2"))) == "100"
    assert to_raw(FieldValue("amount", "amount", number=Decimal("1E+2"),
                             currency="USD")) == "100 USD"
    assert to_raw(FieldValue("amount", "amount", number=Decimal("12.50"),
                             currency="CNY")) == "12.50 CNY"
