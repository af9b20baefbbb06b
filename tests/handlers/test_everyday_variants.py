"""Everyday ways of typing a command that mean what the usual form means: a resend with other
spacing or widths is a double, ``！P2`` a priority, ``信息技术部，软件`` a department and its
service, ``1.5h`` or ``半小时`` a snooze, ``fin1`` an id without its hyphen, and a ``？？``
after a rating tag the rater's own words."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from storage import request_store
from storage.models import Rating, Request
from tests.conftest import Transcript

TWIN_EN = "You opened FIN-1 with the same words a few minutes ago"
TWIN_ZH = "您几分钟前已用相同内容提交了 FIN-1"


def replies(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("[reply]")]


def stored(chat: Transcript, ref: str) -> Request:
    with Session(chat.app.desk.engine) as session:
        found = request_store.by_ref(session, ref)
        assert found is not None
        return found


@pytest.mark.parametrize(("first", "again", "warned"), [
    ("alice> /request finance reimbursement cab 90 CNY",
     "alice> /request finance  reimbursement  cab  90 CNY", TWIN_EN),
    ("alice> /request finance reimbursement cab 90 CNY",
     "alice> /request finance reimbursement Cab 90 cny", TWIN_EN),
    ("henry> /request 财务 报销 打车 86元", "henry> /request 财务 报销 打车 ８６元", TWIN_ZH),
    ("henry> /request 财务 报销 打车 86元", "henry> /request 财务 报销 打车\u300086元", TWIN_ZH),
])
def test_a_resend_with_other_spacing_case_or_width_is_a_double(
        chat: Transcript, first: str, again: str, warned: str) -> None:
    chat("@now 2026-11-30T09:00", first, "@now 2026-11-30T09:02")
    out = chat(again)
    assert "FIN-2" in replies(out)[0]
    assert warned in out


def test_a_double_is_told_and_other_words_are_not(chat: Transcript) -> None:
    chat("@now 2026-11-30T09:00", "henry> /request 财务 报销 打车 86元", "@now 2026-11-30T09:02")
    assert TWIN_ZH in chat("henry> /request 财务 报销 打车  ８６元")
    out = chat("henry> /request 财务 报销 打车 68元")
    assert "FIN-3" in out and "几分钟前" not in out


OPEN_FIN = ("@now 2026-11-30T09:00", "henry> /request 财务 报销 打车 86元")


@pytest.mark.parametrize("mark", ["！P2", "!P2", "!p2", "Ｐ２"])
def test_a_priority_may_be_typed_as_a_requests_mark(chat: Transcript, mark: str) -> None:
    chat(*OPEN_FIN)
    out = chat(f"carol> /request 优先级 FIN-1 {mark}")
    assert replies(out)[0].startswith("[reply] FIN-1 优先级已改为 P2 高")
    assert stored(chat, "FIN-1").priority == "P2"


def test_a_marked_priority_that_is_none_is_refused_saying_what_to_type(
        chat: Transcript) -> None:
    chat(*OPEN_FIN)
    out = chat("carol> /request 优先级 FIN-1 ！P9")
    assert replies(out) == ["[reply] 优先级为 P1（紧急）到 P4（低），例如 "
                            "`/request 优先级 FIN-1 P2`。"]
    assert stored(chat, "FIN-1").priority == "P3"
    assert "P1 紧急" in chat("carol> /request 优先级 FIN-1 ！P1")


@pytest.mark.parametrize("where", ["信息技术部，软件", "信息技术部、软件", "信息技术部：软件",
                                   "信息技术部, 软件"])
def test_a_transfer_takes_the_marks_between_department_and_service(
        chat: Transcript, where: str) -> None:
    chat(*OPEN_FIN)
    out = chat(f"carol> /request 转交 FIN-1 {where}")
    assert replies(out)[0].startswith("[reply] FIN-1 已转交信息技术部 · 软件")
    request = stored(chat, "FIN-1")
    assert (request.department, request.category) == ("it", "software")


def test_a_transfer_to_no_department_names_the_word_typed(chat: Transcript) -> None:
    chat(*OPEN_FIN)
    out = chat("carol> /request 转交 FIN-1 火星部，软件")
    assert "没有叫“火星部”的部门" in out
    assert stored(chat, "FIN-1").department == "finance"


OPEN_PRD = ("@now 2026-11-30T09:00", "alice> /request production schedule line 3 plan")


@pytest.mark.parametrize(("length", "until"), [
    ("1.5h", "10:30"), ("1,5h", "10:30"), ("1.5小时", "10:30"), ("半小时", "09:30"),
    ("半个小时", "09:30"), ("1个半小时", "10:30"), ("0.5天", "14:15"), ("半天", "14:15"),
])
def test_a_snooze_takes_the_lengths_people_say(chat: Transcript, length: str, until: str) -> None:
    chat(*OPEN_PRD)
    out = chat(f"ivan> /request snooze PRD-1 {length}")
    assert replies(out) == [f"[reply] PRD-1 的提醒已推迟到 2026-11-30 {until}。"]


@pytest.mark.parametrize("length", ["until tomorrow", "0.0h", "1.5x"])
def test_a_snooze_it_cannot_read_shows_the_forms_it_takes(chat: Transcript, length: str) -> None:
    chat(*OPEN_PRD)
    out = chat(f"ivan> /request snooze PRD-1 {length}")
    assert replies(out) == [
        "[reply] 请写明推迟多久，例如 `/request 稍后 PRD-1 2h`，也可写 `30分钟`、`半小时`、"
        "`1.5小时`、`1天`（最多 1个工作日）。"]
    assert stored(chat, "PRD-1").snoozed_until is None


def test_a_snooze_it_cannot_read_says_the_forms_in_english(chat: Transcript) -> None:
    chat("@now 2026-11-30T09:00", "alice> /request it laptop x")
    out = chat("kevin> /request snooze IT-1 until tomorrow")
    assert replies(out) == ["[reply] Snooze for how long? e.g. `/request snooze IT-1 2h`; also "
                            "`30m`, `1.5h`, `1d` (at most 1 working day)."]


@pytest.mark.parametrize("typed", ["fin1", "FIN1", "fin 1", "ＦＩＮ１"])
def test_an_id_without_its_hyphen_is_suggested(chat: Transcript, typed: str) -> None:
    chat(*OPEN_FIN)
    out = chat(f"bob> /request ack {typed}")
    assert replies(out) == [f"[reply] “{typed}”不是单号。您是不是想输入 FIN-1？"
                            "请输入 `/request 受理 FIN-1`。"]
    assert stored(chat, "FIN-1").state == "open", "suggested, not run"


def test_an_id_without_its_hyphen_is_suggested_in_english(chat: Transcript) -> None:
    chat("@now 2026-11-30T09:00", "alice> /request it laptop x")
    out = chat("kevin> /request ack it1")
    assert replies(out) == ["[reply] “it1” is not a request id. Did you mean IT-1? "
                            "Type `/request ack IT-1`."]


def test_the_words_after_an_id_without_its_hyphen_are_kept(chat: Transcript) -> None:
    chat(*OPEN_FIN)
    out = chat("bob> /request resolve fin 1 已报销")
    assert "您是不是想输入 FIN-1？请输入 `/request 解决 FIN-1 已报销`。" in out


def test_only_an_id_the_person_can_act_on_is_suggested(chat: Transcript) -> None:
    chat(*OPEN_FIN)
    assert "您是不是想输入 FIN-1" in chat("bob> /request ack fin1")
    for typed in ("bob> /request ack fin9",  # no such request
                  "henry> /request ack fin1"):  # not the desk's member
        out = chat(typed)
        assert "您是不是想输入" not in out and "请指明哪一个请求" in out


def rated(chat: Transcript, typed: str) -> str | None:
    chat("alice> /request it laptop x", "kevin> /request resolve IT-1 done",
         "alice> /request confirm IT-1")
    assert "IT-1" in chat(f"alice> /request rate IT-1 {typed}")
    with Session(chat.app.desk.engine) as session:
        rating = session.exec(select(Rating)).one()
    assert rating.tags == ["timely"]
    return rating.comment


@pytest.mark.parametrize(("typed", "comment"), [
    ("2 太慢了＃及时？？", "太慢了？？"),
    ("2 太慢了 #及时？", "太慢了？"),
    ("2 too slow #timely?!", "too slow?!"),
    ("2 太慢了＃及时？？真的", "太慢了？？真的"),
])
def test_a_question_after_a_tag_stays_with_the_raters_words(
        chat: Transcript, typed: str, comment: str | None) -> None:
    assert rated(chat, typed) == comment
