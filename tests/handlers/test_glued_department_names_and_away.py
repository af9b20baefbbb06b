"""More of how Chinese speakers really type: a department's name without its 部 glued to the
service (``信息技术 软件``, ``信息技术软件``: the longest department name wins over its alias
信息), ``休假至11月27日 代理 @刘芳`` glued as the spaced away is; and a misspelt department
gets departments as suggestions, a close command only apart from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.catalog import Catalog
from handlers.grammar import Command, Invalid, parse
from tests.conftest import Transcript
from tests.handlers.test_approval import company
from tests.handlers.test_sweep import messages_to


@pytest.fixture
def catalog(desk_app) -> Catalog:
    return desk_app.desk.catalog


def opened(department: str, category: str, text: str) -> Command:
    return Command("open", department=department, category=category, text=text)


# --- the longest department name, then the service ---------------------------------------


@pytest.mark.parametrize(("typed", "expected"), [
    ("/request 信息技术 软件 装visio", opened("it", "software", "装visio")),
    ("提单 信息技术软件 装visio", opened("it", "software", "装visio")),
    ("提单信息技术软件 装visio", opened("it", "software", "装visio")),
    ("提单：信息技术，软件，装visio", opened("it", "software", "装visio")),
    ("/request 信息技术部门 软件 装visio", opened("it", "software", "装visio")),
    ("/request 信息技术部软件 装visio", opened("it", "software", "装visio")),
    # what worked before still does
    ("/request 信息 软件 装visio", opened("it", "software", "装visio")),
    ("提单 财务报销 出租车86元", opened("finance", "reimbursement", "出租车86元")),
    ("提单 财务 报销 出租车 86元", opened("finance", "reimbursement", "出租车 86元")),
    ("/request 人力资源 培训 新员工", opened("hr", "training", "新员工")),
    ("/request 人力资源培训 新员工", opened("hr", "training", "新员工")),
    ("/request 市场分析 竞品", opened("marketing", "market-analysis", "竞品")),
    ("提单 市场部门分析 竞品", opened("marketing", "market-analysis", "竞品")),
    ("提单IT部电脑 坏了", opened("it", "laptop", "坏了")),
])
def test_the_longest_department_name_is_the_department(catalog, typed, expected):
    assert parse(typed, catalog) == expected


def test_a_name_without_its_bu_names_the_department_after_other_commands_too(catalog):
    assert parse("/request transfer FIN-1 信息技术 软件", catalog) == Command(
        "transfer", ref="FIN-1", department="it", category="software")
    assert parse("/request queue 信息技术", catalog) == Command(
        "queue", department="it", number=1)
    assert parse("/request 帮助 信息技术", catalog) == Command("catalog", department="it")


def test_the_it_request_opens_in_the_chat(chat: Transcript) -> None:
    out = chat("henry> /request 信息技术 软件 装visio")
    assert out.startswith("[reply] 已提交 IT-1：信息技术部 · 软件，P3 普通。")
    assert "[to henry] 您的请求 IT-1 已提交给信息技术部：装visio" in out


# --- did you mean: departments, and a command apart ---------------------------------------


def test_a_misspelt_department_is_offered_departments_and_a_command_apart(chat) -> None:
    out = chat("alice> /request finace question test")
    assert out == ("[reply] There is no department called “finace”. Did you mean Finance "
                   "(finance), Admin (admin)? Or, if you meant a command: `/request list`. "
                   "Type `/request` to see all departments.\n")
    out = chat("mia> /request finace question test")
    assert out == ("[reply] 没有叫“finace”的部门。您是不是想输入 财务部 (finance)、行政部 (admin)？"
                   "如果您想输入的是命令：`/request list`。输入 `/request` 查看所有部门。\n")


def test_a_misspelt_command_is_offered_as_a_command(chat) -> None:
    out = chat("alice> /request ackk FIN-3")
    assert out == ("[reply] There is no department called “ackk”. Did you mean a command: "
                   "`/request ack`, `/request back`? Type `/request` to see all departments.\n")


# --- away, glued --------------------------------------------------------------------------

SPACED = Command("away", text="11月27日", person="刘芳")


@pytest.mark.parametrize("typed", [
    "休假至11月27日 代理 @刘芳",
    "休假至11月27日代理@刘芳",
    "休假 至11月27日 代理@刘芳",
    "/request 休假至11月27日代理刘芳",
    "提单 休假11月27日代理 刘芳",
    "休假代理刘芳至11月27日",
    "休假到11月27日 委托＠刘芳",
])
def test_glued_away_is_read_as_the_spaced_one(catalog, typed):
    assert parse("/request 休假 至 11月27日 代理 刘芳", catalog) == SPACED
    assert parse(typed, catalog) == SPACED


def test_glued_away_with_a_full_date_and_an_id(catalog):
    assert parse("/request 休假至2026-11-27代理carol", catalog) == Command(
        "away", text="2026-11-27", person="carol")
    assert parse("休假至明天代理bob", catalog) == Command("away", text="明天", person="bob")


@pytest.mark.parametrize("typed", ["休假证明怎么开", "休假到期了", "休假2天需要什么材料",
                                   "休假代理人是谁"])
def test_words_that_merely_begin_with_xiujia_stay_words(catalog, typed):
    assert parse(typed, catalog) == Invalid("not_a_command")


def test_a_glued_name_keeps_a_character_like_zhi(catalog):
    assert parse("休假 至 12-10 代理 李至", catalog) == Command(
        "away", text="12-10", person="李至")


@pytest.fixture
def desk(tmp_path: Path, engine, clock) -> Transcript:
    return company(tmp_path, engine, clock)


def test_a_glued_away_hands_over_to_the_delegate(desk: Transcript) -> None:
    desk("alice> /request finance reimbursement 金额=86 taxi")
    out = desk("henry> 休假至11月27日 代理 @刘芳")
    assert "您已设置休假至 2026-11-27（当天结束）：由 刘芳 Carol Liu 代为审批。已转交：FIN-1" in out
    assert any("李华 Henry Li 休假至 2026-11-27，期间由您代为审批。现已转给您：FIN-1" in m
               for m in messages_to(out, "carol"))
    assert "欢迎回来" in desk("henry> /request 销假")
    out = desk("henry> /request 休假至2026-11-27代理carol")
    assert "您已设置休假至 2026-11-27（当天结束）：由 刘芳 Carol Liu 代为审批" in out
