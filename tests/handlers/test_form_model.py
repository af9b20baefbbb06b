"""The request form's model and rules every platform shares (``handlers.drafts``), the one
check of a form's typed values (``handlers.forms.check_values``) and the catalog's search
(``handlers.catalog``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from handlers.catalog import Catalog, Category, Department, matches
from handlers.drafts import (
    Draft,
    command_text,
    picked,
    prefilled,
    unchosen,
    with_defaults,
    with_department,
    with_service,
)
from handlers.fields import FieldProblem
from handlers.forms import check_values
from storage.request_fields import FieldValue
from tests.handlers.test_fields import CATALOG, FINANCE, SERVICE, TODAY

LAPTOP = Category("laptop", "New laptop", "新电脑", ("computer",), "P3", timedelta(hours=4),
                  timedelta(days=3))
IT = Department("it", "IT", "IT Support", "信息技术部", ("helpdesk",), (), (), "it", (LAPTOP,))
TWO = Catalog(departments=(FINANCE, IT), people=CATALOG.people)
FORM = Draft(department="finance", category="reimbursement")


def shown(value: FieldValue) -> str | None:
    """A stand-in platform that shows numbers and dates, and no people."""
    if value.number is not None:
        return format(value.number, "f")
    return value.day.isoformat() if value.day is not None else value.text


def test_check_values_reads_each_given_field_and_says_why_one_is_refused() -> None:
    values, problems = check_values(SERVICE, {"date": "2026-12-01", "amount": "abc",
                                              "unknown": "x"},
                                    catalog=CATALOG, locale="en", today=TODAY)
    assert values == {"date": FieldValue("date", "date", day=TODAY - timedelta(4))}
    assert list(problems) == ["amount"] and isinstance(problems["amount"], FieldProblem)
    values, problems = check_values(SERVICE, {"reason": "late", "amount": "86 CNY"},
                                    catalog=CATALOG, locale="en", today=TODAY)
    assert list(values) == ["amount", "reason"] and problems == {}  # the form's order
    assert values["amount"].number == Decimal("86.00")


def test_picked_names_the_department_and_service_only_when_both_exist() -> None:
    assert picked(CATALOG, FORM) == (FINANCE, SERVICE)
    assert picked(CATALOG, replace(FORM, category="laptop")) is None
    assert picked(CATALOG, replace(FORM, department="it")) is None
    assert picked(CATALOG, Draft(department="finance")) is None


def test_a_new_department_drops_the_service_and_its_values() -> None:
    form = replace(FORM, values=(("amount", "86"),), details="taxi")
    assert with_department(form, "finance") == form
    assert with_department(form, "it") == Draft(department="it", details="taxi")


def test_a_picked_service_brings_its_department() -> None:
    form = Draft(department="finance", values=(("amount", "86"),))
    assert with_service(form, TWO, "it", "laptop") == replace(form, department="it",
                                                               category="laptop")
    assert with_service(form, TWO, "legal", "contracts") == Draft(department="finance")
    assert with_service(form, TWO, "it", "") == Draft(department="finance")


def test_unchosen_says_what_is_still_to_pick() -> None:
    assert unchosen(Draft(), CATALOG) == {"department": "missing"}
    assert unchosen(Draft(department="finance"), CATALOG) == {"category": "missing"}
    assert unchosen(replace(FORM, category="laptop"), CATALOG) == {"category": "unknown"}
    assert unchosen(FORM, CATALOG) == {}


def test_the_command_a_form_stands_for() -> None:
    form = replace(FORM, details="taxi to a client", priority="P2")
    assert command_text(form, CATALOG, {"amount": "86 CNY"}, attachment_label="Attachment") \
        == "/request finance reimbursement taxi to a client\n!P2\namount=\"86 CNY\""
    linked = replace(FORM, attachment="https://x.test/a.pdf", priority="urgent")
    assert command_text(linked, CATALOG, attachment_label="附件") == \
        "/request finance reimbursement Reimbursement\n附件: https://x.test/a.pdf"


def test_prefilled_shows_valid_values_keeps_the_rest_in_the_details_and_adds_defaults() -> None:
    draft = replace(FORM, details="taxi", values=(("amount", "86"), ("reason", "x" * 30)))
    form = prefilled(draft, CATALOG, requester="bob", locale="en", today=TODAY, show=shown)
    assert form.details == f"taxi\nreason={'x' * 30}"  # too long for the field: not lost
    assert dict(form.values) == {"amount": "86.00", "date": TODAY.isoformat(),
                                 "cost_centre": "finance"}
    assert prefilled(Draft(details="hi", values=(("a", "1"),)), CATALOG, requester="bob",
                     locale="en", today=TODAY, show=shown) == Draft(details="hi")


def test_defaults_fill_only_empty_fields_and_only_what_the_platform_can_show() -> None:
    form = replace(FORM, values=(("date", "2026-12-01"),))
    assert dict(with_defaults(form, CATALOG, requester="bob", locale="en", today=TODAY,
                              show=shown).values) == {"cost_centre": "finance",
                                                      "date": "2026-12-01"}
    assert with_defaults(form, CATALOG, requester="bob", locale="en", today=TODAY,
                         show=lambda value: None) == form


def test_the_catalog_is_searched_by_any_spelling_folded() -> None:
    assert matches(("IT Support",), "ｉｔ") and matches(("x",), "") and not matches(("",), "a")
    assert TWO.departments_matching("help") == [IT]
    assert TWO.departments_matching("") == [FINANCE, IT]
    assert list(TWO.services_matching("comp")) == [(IT, [LAPTOP])]
    assert list(TWO.services_matching("财务")) == [(FINANCE, [SERVICE])]  # the department's name
    assert list(TWO.services_matching("财务", "finance")) == []  # within it: its services' names
    assert list(TWO.services_matching("", "it")) == [(IT, [LAPTOP])]
