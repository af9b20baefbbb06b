"""A request's form values keep their labels after a transfer or a change of service: the
fields of the service it was opened with are still in the config."""

from __future__ import annotations

from tests.handlers.test_clock_ladder import company
from tests.handlers.test_sweep import messages_to

LEAVE = ["@now 2026-12-07T09:00",
         "henry> /request hr leave-certificate first_day=2026-12-14 last_day=2026-12-18 trip"]


def test_a_transferred_leave_request_shows_its_dates_with_their_labels(chat):
    chat(*LEAVE)
    out = chat("mia> /request transfer HR-1 it software")
    notice = messages_to(out, "#it-requests")[0]
    assert "  开始日期: 2026-12-14\n  结束日期: 2026-12-18" in notice
    assert "first_day" not in notice and "last_day" not in notice
    en = chat("kevin> /request show HR-1")  # the new desk, in English
    assert "First day: 2026-12-14\nLast day: 2026-12-18" in en
    assert "first_day" not in en
    zh = chat("henry> /request show HR-1")
    assert "开始日期: 2026-12-14\n结束日期: 2026-12-18" in zh and "last_day" not in zh


def test_values_of_an_earlier_service_keep_their_format_after_a_change_and_a_transfer(chat):
    chat("@now 2026-11-23T09:00", "henry> /request finance reimbursement taxi 86 CNY",
         "bob> /request service FIN-1 question")
    assert "金额: 86.00 CNY\n日期: 2026-11-23\n成本中心: 销售部" in chat(
        "bob> /request show FIN-1")
    chat("bob> /request transfer FIN-1 it account-access")
    shown = chat("kevin> /request show FIN-1")
    assert "Amount: 86.00 CNY\nDate of expense: 2026-11-23\nCost centre: Sales" in shown
    assert "cost_centre" not in shown and "sales" not in shown


def test_a_field_no_service_has_any_more_is_shown_by_its_key(tmp_path, engine, clock, chat):
    chat(*LEAVE, "mia> /request transfer HR-1 it software")

    def without_last_day(text: str) -> str:
        start = text.index('key = "last_day"')
        start = text.rindex("[[departments.categories.fields]]", 0, start)
        end = text.index("\n\n", start)
        return text[:start] + text[end + 2:]

    later = company(tmp_path, engine, clock, without_last_day)
    shown = later("kevin> /request show HR-1")
    assert "First day: 2026-12-14\nlast_day: 2026-12-18" in shown
