"""Requesters outside every department carry one label: the weekly digest and
`crossdesk report` name them alike, in English and Chinese."""

from __future__ import annotations

import io
from datetime import date

from sqlmodel import Session, update

from bot.cli.report import build_report, write_text
from bot.cli.report_html import write_html
from handlers.digest import bounds, build_all
from handlers.digest_render import render
from storage.models import Request
from tests.conftest import local
from tests.handlers.test_digest_hardening import _digest

W47 = date(2026, 11, 16)
# grace belongs to no department; she asks HR for a hire.
OUTSIDER_ASKS_HR = ["@now 2026-11-16T09:00", "grace> /request hr hiring one engineer"]


def _report(chat, locale: str) -> str:
    desk = chat.app.desk
    with Session(desk.engine) as s:
        report = build_report(s, desk, *bounds(desk, W47))
    out = io.StringIO()
    write_text(report, out, locale)
    page = io.StringIO()
    write_html(report, page, locale)
    return out.getvalue() + page.getvalue()


def test_the_digest_and_the_report_name_an_outsider_alike(chat):
    chat(*OUTSIDER_ASKS_HR)
    hr = _digest(chat("@now 2026-11-23T09:31"), "#hr-requests")  # the posted HR digest
    assert "我们的内部客户：部门外 1" in hr, hr
    zh = _report(chat, "zh-CN")
    assert "部门外 → 人力资源部：1 个请求" in zh and "其他" not in zh, zh
    desk = chat.app.desk
    with Session(desk.engine) as s:
        en_digest = render(desk, build_all(s, desk, W47, local("2026-11-23T09:31"))["hr"], "en", {})
    assert "Our internal customers: Outside any department 1" in en_digest.text, en_digest.text
    en = _report(chat, "en")
    assert "Outside any department → HR: 1 request" in en and "Other" not in en, en


def test_a_removed_department_is_named_by_its_key_not_as_outsiders(chat):
    chat(*OUTSIDER_ASKS_HR)
    desk = chat.app.desk
    with Session(desk.engine) as s:  # grace's department since removed from the config
        s.exec(update(Request).values(requester_department="legal"))
        s.commit()
        digest = render(desk, build_all(s, desk, W47, local("2026-11-23T09:31"))["hr"], "en", {})
    assert "Our internal customers: legal 1" in digest.text, digest.text
    assert "legal → HR: 1 request" in _report(chat, "en")
