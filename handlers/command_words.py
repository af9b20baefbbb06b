"""The chat grammar's words: the prefixes, each subcommand's spellings, a line's words."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from handlers.catalog import Catalog, Category, Department, norm

REQUEST_PREFIXES = ("/request", "提单", "请求")
SUGGEST_PREFIXES = ("/suggest",)

# Subcommand → its spellings (English first, then Chinese).
SUBCOMMANDS: dict[str, tuple[str, ...]] = {
    "help": ("help", "?", "帮助"),
    "catalog": ("catalog", "services", "目录"),
    "list": ("list", "mine", "列表"),
    "home": ("home", "主页"),
    "queue": ("queue", "队列"),
    "show": ("show", "view", "查看"),
    "ack": ("ack", "acknowledge", "受理"),
    "assign": ("assign", "指派"),
    "wait": ("wait", "ask", "等待"),
    "resume": ("resume", "继续"),
    "resolve": ("resolve", "done", "解决"),
    "confirm": ("confirm", "确认"),
    "reopen": ("reopen", "重开"),
    "cancel": ("cancel", "取消"),
    "comment": ("comment", "reply", "评论"),
    "transfer": ("transfer", "转交"),
    "rate": ("rate", "评分"),
    "suggest": ("suggest", "建议"),
    "snooze": ("snooze", "稍后"),
    "priority": ("priority", "优先级"),
    "scorecard": ("scorecard", "记分卡"),
    "add": ("add", "加入"),  # a held message to the request its author picked
    "answered": ("answered", "已解答"),  # the service's instructions answered it: withdraw
    "service": ("service", "服务"),  # pick the request's service within its desk
    "approve": ("approve", "批准"),  # approvals (handlers/approval.py)
    "reject": ("reject", "驳回"),
    "away": ("away", "休假"),
    "back": ("back", "销假"),
    # negotiation (handlers/negotiation.py): the desk proposes, the requester answers
    "propose": ("propose", "提议"),
    "accept": ("accept", "接受"),
    "decline": ("decline", "拒绝"),
    "counter": ("counter", "反提议"),
}
SUBCOMMAND_WORDS = {norm(w): name for name, words in SUBCOMMANDS.items() for w in words}
# The subcommands that take no request id.
NO_REF = frozenset({"help", "catalog", "list", "home", "queue", "scorecard", "suggest",
                    "away", "back"})


# What may follow a department's name or alias ("市场部门", "IT部"); its own name may also be
# said without it ("信息技术" for 信息技术部).
DEPARTMENT_WORDS = ("部门", "部")


def department_named(catalog: Catalog, word: str) -> Department | None:
    """The department ``word`` names: as the catalog knows it, with 部门 or 部 after a name
    or alias (``市场部门``, ``IT部``), or a name said without its 部 (``信息技术``)."""
    folded = norm(word)
    bases = [folded] + [folded[: -len(s)] for s in DEPARTMENT_WORDS
                        if folded.endswith(s) and len(folded) > len(s)]
    for base in bases:
        found = catalog.find_department(base) or catalog.find_department(base + "部")
        if found is not None:
            return found
    return None


def department_finder(catalog: Catalog) -> Callable[[str], Department | None]:
    """``department_named`` in ``catalog``, as ``match_words`` and the glue look names up."""
    return lambda word: department_named(catalog, word)


def word_for(name: str, locale: str) -> str:
    """The subcommand ``name`` in the words of ``locale`` (``reject`` → ``驳回`` in zh-CN)."""
    words = SUBCOMMANDS.get(name, (name,))
    if locale.startswith("zh"):
        return next((w for w in words if not w.isascii()), words[0])
    return words[0]


class Token(NamedTuple):
    """One word of the line and where it stands (a tuple: a line has a dozen of them)."""

    word: str
    start: int
    end: int


_WORD = re.compile(r"\S+")


def words_of(text: str) -> list[Token]:
    """The words of ``text``, each with where it stands."""
    return [Token(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


def match_words(
    tokens: list[Token], index: int, find: object
) -> tuple[Department | Category | None, int]:
    """Try the longest run of up to three tokens that ``find`` recognises."""
    for width in (3, 2, 1):
        if index + width > len(tokens):
            continue
        phrase = " ".join(t.word for t in tokens[index : index + width])
        found = find(phrase)  # type: ignore[operator]
        if found is not None:
            return found, index + width
    return None, index
