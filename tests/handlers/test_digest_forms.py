"""The desk's weekly digest sums the amounts of the week's requests per service and currency,
and counts the questions the service's instructions answered (zh and en, and in the console's
`crossdesk digest`)."""

from __future__ import annotations

import dataclasses

from sqlmodel import Session

from bot.cli.digest import run_digest
from handlers.digest import build_all, parse_week
from handlers.digest_render import render
from tests.conftest import local
from tests.handlers.forms_desk import forms_app, forms_chat, with_forms

WEEK = [
    "alice> /request finance reimbursement taxi amount=86",
    "henry> /request finance reimbursement client dinner amount=1200.50 purpose=meal",
    "alice> /request finance reimbursement hotel in Osaka amount=30USD",
    "alice> /request finance reimbursement parking amount=20",
    "alice> /request answered FIN-4",  # withdrawn: not counted in the sums, a deflection
    "alice> /request finance cash-advance trip to Osaka",  # a service without a form
]


def test_the_digest_sums_amounts_per_service_and_currency(settings, engine, clock):
    chat = forms_chat(settings, engine, clock)
    chat(*WEEK)
    app = forms_app(settings, engine, clock)
    with Session(engine) as session:
        digest = build_all(session, app.desk, parse_week("2026-W48"),
                           local("2026-11-30T09:30"))["finance"]
        zh = render(app.desk, digest, "zh-CN", {}).text
        en = render(app.desk, digest, "en", {}).text
    assert "按服务：\n• 报销：3 个请求，合计 1,286.50 CNY、30.00 USD；服务说明解答了 1 个问题" in zh
    assert ("By service:\n• Reimbursement: 3 requests, 1,286.50 CNY, 30.00 USD; the "
            "instructions answered 1 question") in en
    assert "预支" not in zh.split("按服务：")[1].split("\n")[1]


def test_a_week_without_forms_has_no_service_lines(settings, engine, clock):
    chat = forms_chat(settings, engine, clock)
    chat("alice> /request finance cash-advance trip to Osaka")
    app = forms_app(settings, engine, clock)
    with Session(engine) as session:
        digest = build_all(session, app.desk, parse_week("2026-W48"),
                           local("2026-11-30T09:30"))["finance"]
        assert "按服务" not in render(app.desk, digest, "zh-CN", {}).text


def test_the_console_digest_shows_them(settings, engine, clock, database_url, capsys):
    forms_chat(settings, engine, clock)(*WEEK)
    forms = dataclasses.replace(with_forms(settings), database_url=database_url)
    run_digest(forms, "finance", "2026-W48", post=False, now=local("2026-11-30T09:30"))
    printed = capsys.readouterr().out
    assert printed.startswith("[to #finance-requests] ")
    assert "• 报销：3 个请求，合计 1,286.50 CNY、30.00 USD；服务说明解答了 1 个问题" in printed
