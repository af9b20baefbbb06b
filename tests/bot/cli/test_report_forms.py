"""The company report lists the period's amounts per service, field and currency (text and
HTML, escaped), leaving out withdrawn requests and confidential services."""

from __future__ import annotations

import io
from datetime import date

from sqlmodel import Session

from bot.cli.report import build_report, write_text
from bot.cli.report_html import write_html
from handlers.digest import bounds
from tests.handlers.forms_desk import forms_app, forms_chat

W48 = date(2026, 11, 23)
WEEK = ["alice> /request finance reimbursement taxi amount=86",
        "henry> /request finance reimbursement dinner amount=1200.50",
        "alice> /request finance reimbursement parking amount=20",
        "alice> /request answered FIN-3"]


def report_of(settings, engine, clock, **reimbursement):
    forms_chat(settings, engine, clock, **reimbursement)(*WEEK)
    app = forms_app(settings, engine, clock, **reimbursement)
    with Session(engine) as s:
        return build_report(s, app.desk, *bounds(app.desk, W48))


def test_text_lists_the_amounts_per_service(settings, engine, clock):
    out = io.StringIO()
    write_text(report_of(settings, engine, clock), out, "en")
    text = out.getvalue()
    assert "Amounts asked, per service" in text
    row = next(line for line in text.splitlines() if line.startswith("Finance "))
    assert row.split() == ["Finance", "Reimbursement", "Amount", "1,286.50", "CNY", "2"]


def test_html_escapes_the_names(settings, engine, clock):
    out = io.StringIO()
    report = report_of(settings, engine, clock, name="Expenses <b>& travel</b>")
    write_html(report, out, "en")
    page = out.getvalue()
    assert "Expenses &lt;b&gt;&amp; travel&lt;/b&gt;" in page and "<b>&" not in page
    assert "1,286.50 CNY" in page


def test_a_confidential_services_amounts_stay_out(settings, engine, clock):
    report = report_of(settings, engine, clock, confidential=True)
    assert report.amounts == []
