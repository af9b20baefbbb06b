"""How Chinese speakers really type to the desk: no space between a command word and an id
(``受理FIN-1``), Chinese punctuation after 提单 and between the department and the service
(``提单：财务 报销``, ``提单 财务，报销，出租车，86元``), a button's own label typed
(``确认已解决``, ``5星``), a hint that keeps what was typed (``评分 5``) and a greeting."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from handlers.catalog import Catalog
from handlers.grammar import Command, Invalid, parse
from storage import request_store
from storage.models import HeldMessage, Request

HELP = "crossdesk —— 向任何部门申请服务"
NOT_UNDERSTOOD = "没有看懂这条消息"


@pytest.fixture
def catalog(desk_app) -> Catalog:
    return desk_app.desk.catalog


def row(chat, ref: str) -> Request | None:
    with Session(chat.app.desk.engine) as s:
        return request_store.by_ref(s, ref)


def kinds(chat, ref: str) -> list[tuple[str, str, str | None]]:
    with Session(chat.app.desk.engine) as s:
        request = request_store.by_ref(s, ref)
        assert request is not None and request.id is not None
        return [(e.kind, e.actor_id, e.note) for e in request_store.events(s, request.id)]


def held_rows(chat) -> list[HeldMessage]:
    with Session(chat.app.desk.engine) as s:
        return list(s.exec(select(HeldMessage)).all())


# --- W2: a command word glued to a request id --------------------------------------------


@pytest.mark.parametrize(("typed", "expected"), [
    ("受理FIN-1", Command("ack", ref="FIN-1")),
    ("查看FIN-1", Command("show", ref="FIN-1")),
    ("查看fin-1。", Command("show", ref="FIN-1")),
    ("ackFIN-1", Command("ack", ref="FIN-1")),
    ("/受理FIN-1", Command("ack", ref="FIN-1")),
    ("/request 受理FIN-1", Command("ack", ref="FIN-1")),
    ("提单 查看ＦＩＮ－１", Command("show", ref="FIN-1")),
    ("评论FIN-1 发票请补一下", Command("comment", ref="FIN-1", text="发票请补一下")),
    ("评论FIN-1，发票请补一下", Command("comment", ref="FIN-1", text="发票请补一下")),
    ("评论 FIN-1发票请补一下", Command("comment", ref="FIN-1", text="发票请补一下")),
    ("评分FIN-1 5 很及时", Command("rate", ref="FIN-1", number=5, text="很及时")),
])
def test_a_command_word_glued_to_an_id_is_that_command(catalog, typed, expected):
    assert parse(typed, catalog) == expected


@pytest.mark.parametrize("typed", ["帮我看看FIN-1", "评论发票请补一下", "FIN-1受理一下吧",
                                   "查看FIN-1x", "back FIN-1", "FIN-1 确认一下进度",
                                   "FIN-1 受理 了吗"])
def test_words_around_an_id_that_start_with_no_command_stay_words(catalog, typed):
    got = parse(typed, catalog)
    assert not (isinstance(got, Command) and got.ref == "FIN-1" and got.name != "show"), got


@pytest.mark.parametrize(("typed", "expected"), [
    ("FIN-1 受理", Command("ack", ref="FIN-1")),
    ("FIN-1受理", Command("ack", ref="FIN-1")),
    ("fin-1 查看。", Command("show", ref="FIN-1")),
    ("ＦＩＮ－１ 确认", Command("confirm", ref="FIN-1")),
    ("FIN-1 ack", Command("ack", ref="FIN-1")),
    ("/request FIN-1 cancel", Command("cancel", ref="FIN-1")),
])
def test_an_id_typed_before_its_command_word_is_that_command(catalog, typed, expected):
    assert parse(typed, catalog) == expected


def test_an_id_before_a_word_that_needs_more_asks_for_it(catalog):
    assert parse("FIN-1 评论", catalog) == Invalid("need_text", {"command": "comment",
                                                                 "ref": "FIN-1"})


def test_an_id_first_runs_the_command_in_a_chat_and_talk_stays_talk(chat):
    chat("@now 2026-11-23T09:05", "henry> 提单 财务 报销 出租车 86元")
    out = chat("bob@dm> FIN-1 受理")
    assert "您已受理 FIN-1" in out
    assert NOT_UNDERSTOOD not in out and HELP not in out
    assert row(chat, "FIN-1").state == "acknowledged"
    out = chat("henry@dm> FIN-1 确认一下进度")
    assert "已在 FIN-1 添加评论" in out
    assert ("dm_reply", "henry", "确认一下进度") in kinds(chat, "FIN-1"), "its id said once"
    chat("bob@dm> 解决 FIN-1 已打款")
    out = chat("henry@dm> FIN-1 确认")
    assert row(chat, "FIN-1").state == "closed", out


def test_a_glued_command_runs_on_the_named_request_not_as_a_comment_on_ones_own(chat):
    chat("@now 2026-11-23T09:05", "henry> 提单 财务 报销 出租车 86元",
         "bob> 提单 IT 电脑 键盘坏了")
    out = chat("bob@dm> 评论FIN-1 发票请补一下")
    assert "[reply] 已在 FIN-1 添加评论。" in out
    assert "[to henry] 张伟 Bob Zhang 回复了您的请求 FIN-1" in out
    assert "IT-1" not in out, "nothing goes to the IT desk"
    assert [k for k, *_ in kinds(chat, "IT-1")] == ["opened"]
    assert ("commented", "bob", "发票请补一下") in kinds(chat, "FIN-1")
    out = chat("bob@dm> 受理FIN-1")
    assert "您已受理 FIN-1" in out
    fin = row(chat, "FIN-1")
    assert fin is not None and fin.state == "acknowledged"


def test_a_glued_command_with_no_open_request_of_ones_own_runs_too(chat):
    chat("@now 2026-11-23T09:05", "henry> 提单 财务 报销 出租车 86元")
    out = chat("bob@dm> 查看FIN-1")
    assert NOT_UNDERSTOOD not in out and HELP not in out
    assert "FIN-1" in out and "出租车" in out


# --- W3: Chinese punctuation after 提单 and between the department and the service --------


@pytest.mark.parametrize(("typed", "details"), [
    ("提单：财务 报销 出租车 86元", "出租车 86元"),
    ("提单:财务 报销 出租车 86元", "出租车 86元"),
    ("提单，财务 报销 出租车 86元", "出租车 86元"),
    ("提单财务 报销 出租车 86元", "出租车 86元"),
    ("提单财务报销 打车", "打车"),
    ("提单 财务报销 打车", "打车"),
    ("提单 财务，报销，出租车，86元", "出租车，86元"),
    ("提单 财务、报销、出租车，86元", "出租车，86元"),
    ("提单 财务， 报销， 出租车，去客户现场，86元", "出租车，去客户现场，86元"),
    ("提单 财务：报销：出租车", "出租车"),
    ("提单 财务部 报销出租车 86元", "出租车 86元"),
    ("提单 财务 报销（出租车）86元", "（出租车）86元"),
    ("/request财务 报销 出租车", "出租车"),
    ("请求：财务 报销 出租车", "出租车"),
])
def test_chinese_punctuation_and_missing_spaces_open_a_request(catalog, typed, details):
    assert parse(typed, catalog) == Command(
        "open", department="finance", category="reimbursement", text=details)


def test_commas_inside_the_details_stay_as_typed(catalog):
    got = parse("提单 财务 报销 出租车，去客户现场，86元", catalog)
    assert isinstance(got, Command) and got.text == "出租车，去客户现场，86元"
    got = parse("提单 IT 电脑 键盘坏了，鼠标也不灵", catalog)
    assert isinstance(got, Command) and (got.department, got.category) == ("it", "laptop")
    assert got.text == "键盘坏了，鼠标也不灵"


@pytest.mark.parametrize("typed", ["提单号已经发给你了", "请求您帮忙看一下", "请求帮忙",
                                   "/requestfinance reimbursement taxi"])
def test_words_that_merely_begin_like_a_prefix_stay_words(catalog, typed):
    assert parse(typed, catalog) == Invalid("not_a_command")


def test_an_unknown_department_after_chinese_punctuation_gets_did_you_mean(catalog):
    got = parse("提单 财物，报销，出租车，86元", catalog)
    assert isinstance(got, Invalid) and got.key == "unknown_department"
    assert got.params["word"] == "财物" and got.params["suggestions"] == ["finance"]
    got = parse("提单：帮我报销一下", catalog)
    assert isinstance(got, Invalid) and got.key == "unknown_department"


def test_a_full_width_colon_after_ti_dan_opens_a_request_not_a_which_request_card(chat):
    chat("@now 2026-11-23T09:05", "henry> 提单 财务 借支 差旅 500元",
         "henry> 提单 财务 借支 展会 800元")
    out = chat("henry@dm> 提单：财务 报销 出租车 86元")
    assert "已提交 FIN-3：财务部 · 报销" in out
    assert "这条消息是关于哪一张的" not in out and held_rows(chat) == []
    fin3 = row(chat, "FIN-3")
    assert fin3 is not None and fin3.category == "reimbursement"


def test_ti_dan_glued_to_the_department_opens_a_request_not_a_comment(chat):
    chat("@now 2026-11-23T09:05", "henry> 提单 财务 借支 差旅 500元")
    out = chat("henry@dm> 提单财务报销 打车 86元")
    assert "已提交 FIN-2：财务部 · 报销" in out
    assert "添加评论" not in out
    assert [k for k, *_ in kinds(chat, "FIN-1")] == ["opened"]


def test_chinese_commas_between_department_and_service_open_a_request(chat):
    out = chat("@now 2026-11-23T09:05", "henry@dm> 提单 IT，电脑，键盘坏了，鼠标也不灵")
    assert "已提交 IT-1：信息技术部 · 电脑" in out
    it = row(chat, "IT-1")
    assert it is not None and it.title.startswith("键盘坏了，鼠标也不灵")
    out = chat("henry@dm> 提单 财务，报销，出租车 86元")
    assert "已提交 FIN-1：财务部 · 报销" in out and "86.00 CNY" in out
    assert "没有叫" not in out


def test_ti_dan_hao_in_a_chat_is_still_a_comment(chat):
    chat("@now 2026-11-23T09:05", "henry> 提单 财务 借支 差旅 500元")
    out = chat("henry@dm> 提单号已经发给你了")
    assert "[reply] 已在 FIN-1 添加评论。" in out


def test_an_explicit_punctuated_ti_dan_runs_as_a_command_in_a_thread(chat):
    chat("@now 2026-11-23T09:05", "henry> 提单 财务 借支 差旅 500元")
    out = chat("bob@FIN-1> 提单：IT 电脑 键盘坏了")
    assert "已提交 IT-1" in out
    assert [k for k, *_ in kinds(chat, "FIN-1")] == ["opened"]


# --- W12: hints keep what was typed; a button's label typed; a greeting -------------------


def _resolved(chat) -> None:
    chat("@now 2026-11-23T09:05", "henry> 提单 财务 报销 出租车 86元",
         "bob> 解决 FIN-1 已付款")


def test_a_rating_without_an_id_keeps_the_stars_and_names_the_one_rateable_request(chat):
    _resolved(chat)
    chat("henry> 确认 FIN-1")
    out = chat("henry@dm> 评分 5")
    assert "`/request 评分 FIN-1 5`" in out
    assert HELP not in out
    assert "感谢您为 FIN-1 评 5 分" in chat("henry> /request 评分 FIN-1 5")


def test_a_rating_without_an_id_and_nothing_rateable_keeps_the_stars(chat):
    out = chat("@now 2026-11-23T09:05", "alice> /request rate 5")
    assert "`/request rate <ID> 5`" in out
    _resolved(chat)  # resolved, not closed: nothing to rate yet
    out = chat("henry> 评分 5 很及时")
    assert "`/request 评分 <单号> 5 很及时`" in out


def test_a_command_without_an_id_names_the_one_request_it_fits(chat):
    _resolved(chat)
    out = chat("henry> 确认")
    assert "`/request 确认 FIN-1`" in out
    out = chat("henry> 评论 发票在附件里")
    assert "`/request 评论 FIN-1 发票在附件里`" in out


def test_several_requests_it_fits_are_listed(chat):
    chat("@now 2026-11-23T09:05", "henry> 提单 财务 借支 差旅 500元",
         "henry> 提单 财务 借支 展会 800元")
    out = chat("henry> 取消")
    assert "`/request 取消 <单号>`" in out and "FIN-1" in out and "FIN-2" in out


@pytest.mark.parametrize("typed", ["确认已解决", "Confirm, it's solved", "确认已解决！"])
def test_a_typed_button_label_says_which_command_it_is(chat, typed):
    _resolved(chat)
    out = chat(f"henry@dm> {typed}")
    assert "/request 确认 FIN-1" in out
    assert NOT_UNDERSTOOD not in out and HELP not in out
    fin = row(chat, "FIN-1")
    assert fin is not None and fin.state == "resolved", "a label typed changes nothing"


def test_a_typed_button_label_is_no_comment_on_another_open_request(chat):
    _resolved(chat)
    chat("henry> 提单 财务 借支 差旅 500元")
    out = chat("henry@dm> 确认已解决")
    assert "/request 确认 FIN-1" in out and "添加评论" not in out
    assert [k for k, *_ in kinds(chat, "FIN-2")] == ["opened"]
    assert held_rows(chat) == []


def test_a_typed_star_label_keeps_the_stars(chat):
    _resolved(chat)
    chat("henry> 确认 FIN-1")
    out = chat("henry@dm> 5星")
    assert "`/request 评分 FIN-1 5`" in out and HELP not in out


def test_saying_it_is_solved_with_no_open_request_points_to_confirm(chat):
    _resolved(chat)
    out = chat("henry@dm> 已解决")
    assert "/request 确认 FIN-1" in out
    assert NOT_UNDERSTOOD not in out and HELP not in out


def test_saying_it_is_solved_with_an_open_request_points_to_cancel(chat):
    chat("@now 2026-11-23T09:05", "henry> 提单 财务 借支 差旅 500元")
    out = chat("henry@dm> 已解决")
    assert "`/request 取消 FIN-1`" in out and "添加评论" not in out and "[to " not in out


@pytest.mark.parametrize("typed", ["你好", "您好！", "hi", "Hello", "在吗？", "你好，在吗"])
def test_a_greeting_gets_a_short_greeting_with_how_to_start(chat, typed):
    out = chat(f"henry@dm> {typed}")
    assert NOT_UNDERSTOOD not in out and HELP not in out
    assert "/request" in out
    assert len(out.encode()) < 600, out


def test_thanks_get_a_short_answer(chat):
    out = chat("henry@dm> 谢谢！")
    assert NOT_UNDERSTOOD not in out and HELP not in out and "不客气" in out


def test_an_english_speaker_gets_the_greeting_in_english(chat):
    out = chat("alice@dm> hello")
    assert "Hello" in out and "I didn't understand" not in out


@pytest.mark.parametrize(("typed", "hint"), [
    ("henry> /request 优先级 P1", "`/request 优先级 <单号> P1`"),
    ("henry> /request 转交 IT", "`/request 转交 <单号> IT`"),
    ("henry> 解决 FIN3 已付款", "`/request 解决 <单号> 已付款`"),
    ("henry> /request 评分 FIN3 5", "`/request 评分 <单号> 5`"),
    ("bob@dm> 指派给我", "`/request 指派 <单号> me`"),
])
def test_the_hint_keeps_what_the_command_takes_and_drops_a_mistyped_id(chat, typed, hint):
    assert hint in chat("@now 2026-11-23T09:05", typed)


def test_a_mark_before_the_department_goes_too(catalog):
    assert parse("提单 ，财务 报销 出租车", catalog) == Command(
        "open", department="finance", category="reimbursement", text="出租车")
    assert parse("提单 财务 ：报销 出租车", catalog) == Command(
        "open", department="finance", category="reimbursement", text="出租车")
