"""What a person types is never dropped silently: a form field given two values, a quote left
open, a priority mark mistyped; and a one-character slip in a Chinese name gets a suggestion
as an English typo does. Through the console, on the sample company (config.example.toml)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from storage.models import Request
from tests.conftest import Transcript
from tests.handlers.test_form_chat import rows, values

NOTHING_OPENED = "Please send the request again with that fixed."


def requests(chat: Transcript) -> list[Request]:
    return rows(chat, Request)


# --- a field given twice


def test_a_field_given_two_amounts_is_refused_naming_both(chat: Transcript) -> None:
    out = chat("alice> /request finance reimbursement amount=86 amount=90 taxi")
    assert out == ("[reply] Nothing was opened:\n"
                   "• Amount is given more than once: “86”, “90”. Please type it once, "
                   "e.g. `amount=86`.\n" + NOTHING_OPENED + "\n")
    assert requests(chat) == []
    out = chat("alice> /request finance reimbursement amount=86 sum=86.00 taxi")  # the same
    assert "Opened FIN-1" in out
    assert values(chat, "FIN-1")["amount"].number == Decimal("86.00")


def test_two_dates_are_refused_in_the_persons_language(chat: Transcript) -> None:
    out = chat("mia> /request 财务 报销 金额=86 日期=11-20 date=11-21 出租车")
    assert "• 日期填了不止一次：“11-20”、“11-21”。请只填一次，例如 `日期=11-20`。" in out
    assert "未提交任何请求" in out and requests(chat) == []


# --- a quote left open


def test_an_unclosed_quote_reads_to_the_end_of_the_line(chat: Transcript) -> None:
    out = chat('alice> /request it laptop model=x1 reason="screen broken')
    assert "Opened IT-1" in out and "empty" not in out
    assert values(chat, "IT-1")["reason"].text == "screen broken"


def test_an_unclosed_quote_stops_at_the_next_field(chat: Transcript) -> None:
    out = chat('alice> /request it laptop 原因="screen broken model=x1 since monday')
    assert "Opened IT-1" in out
    got = values(chat, "IT-1")
    assert got["reason"].text == "screen broken" and got["model"].text == "x1"
    assert requests(chat)[0].details == "since monday"


# --- priority marks


@pytest.mark.parametrize("mark", ["!P9", "!P0", "!p5", "!!urgent", "!urgent!", "！！紧急"])
def test_a_mistyped_priority_mark_is_refused(chat: Transcript, mark: str) -> None:
    out = chat(f"alice> /request it account {mark} x")
    assert out == (f"[reply] “{mark}” is not a priority mark: priority is !P1 (critical), "
                   "!P2 (high), !P3 (normal) or !P4 (low), and `!urgent` raises the service's "
                   "own one step. Nothing was opened.\n")
    assert requests(chat) == []


def test_a_mistyped_mark_is_refused_in_chinese_and_exclamations_stay_text(chat: Transcript) -> None:
    out = chat("mia> /request 信息部 账号 !P9 x")
    assert "“!P9”不是优先级标记：优先级为 !P1（紧急）、!P2（高）、!P3（普通）或 !P4（低）" in out
    assert requests(chat) == []
    out = chat("alice> /request it account help!! wifi down! !P1")
    assert "Opened IT-1" in out and "P1 critical" in out
    assert requests(chat)[0].details == "help!! wifi down!"


# --- did you mean, in Chinese


def test_a_chinese_department_slip_gets_a_suggestion(chat: Transcript) -> None:
    out = chat("mia> /request 财物 报销 50元")
    assert out == ("[reply] 没有叫“财物”的部门。您是不是想输入 财务部 (finance)？"
                   "输入 `/request` 查看所有部门。\n")


def test_a_chinese_service_slip_gets_a_suggestion(chat: Transcript) -> None:
    out = chat("mia> /request 财务 报消 50元")
    assert out.startswith("[reply] 财务部没有“报消”这项服务。您是不是想输入 报销？")
    # unrelated words get no suggestion
    assert "您是不是" not in chat("mia> /request 天气 很好")
    assert "您是不是" not in chat("mia> /request 财务 电脑坏了")


def test_a_field_given_twice_is_not_prefilled_into_a_form(settings) -> None:
    """Slack opens a prefilled form for a service still missing a required field; a field
    given two values must not be prefilled with the last one: the command runs as typed, to
    be refused by name."""
    from handlers.drafts import draft_for

    once = draft_for("hr leave-certificate from=2026-12-10 visa", settings.catalog)
    assert once is not None and dict(once.values)["first_day"] == "2026-12-10", \
        "the last day is missing: a form, with the first day in it"
    assert draft_for("hr leave-certificate from=2026-12-10 from=2026-12-11 visa",
                     settings.catalog) is None


# --- a date that may not come before another (not_before)


def test_a_last_day_before_the_first_is_refused_naming_both(chat: Transcript) -> None:
    out = chat("@now 2026-11-23T09:00",
               "alice> /request hr leave-certificate from=2026-12-10 to=2026-12-05 visa",
               "mia> /request hr 休假证明 自=2026-12-10 至=2026-12-05 签证")
    assert "Last day (2026-12-05) is before First day (2026-12-10); type a date on or after " \
        "it, e.g. 2026-12-10." in out
    assert "结束日期（2026-12-05）早于开始日期（2026-12-10）" in out
    assert requests(chat) == [], "nothing opened"
    same_day = chat("alice> /request hr leave-certificate from=2026-12-10 to=2026-12-10 visa")
    assert "Opened HR-1" in same_day, "a one-day leave is fine"


def test_the_chat_form_asks_again_for_a_last_day_before_the_first(chat: Transcript) -> None:
    chat("@now 2026-11-23T09:00", "alice> /request hr leave-certificate visa",
         "alice> 2026-12-10")
    again = chat("alice> 2026-12-05")
    assert "Last day (2026-12-05) is before First day (2026-12-10)" in again
    assert "form changed" not in again, "the answers disagree; the form did not change"
    assert "Please give the Last day" in again and requests(chat) == []
    assert "Opened HR-1" in chat("alice> 2026-12-12")
    assert values(chat, "HR-1")["last_day"].day.isoformat() == "2026-12-12"
