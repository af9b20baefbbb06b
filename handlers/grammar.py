"""Chat text → Command: the same grammar on every platform, in Chinese and English."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from handlers.catalog import PRIORITIES, Catalog, Category, Department, close_words, norm
from handlers.fields import split_pairs

MAX_DETAILS = 4000
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
REPLY_WORDS = {"reply", "answer", "回复"}
SUBCOMMAND_WORDS = {norm(w): name for name, words in SUBCOMMANDS.items() for w in words}


def word_for(name: str, locale: str) -> str:
    """The subcommand ``name`` in the words of ``locale`` (``reject`` → ``驳回`` in zh-CN)."""
    words = SUBCOMMANDS.get(name, (name,))
    if locale.startswith("zh"):
        return next((w for w in words if not w.isascii()), words[0])
    return words[0]

REF_RE = re.compile(r"^([A-Za-z]{2,4})-(\d{1,9})$")
URGENT_MARKS = {"!urgent": -1, "!紧急": -1, "!p1": 0, "!p2": 1, "!p3": 2, "!p4": 3}
MARK_LIKE = re.compile(r"^!+(?:p\d+|urgent|紧急)!*$")  # "!P9", "!!urgent": a mark mistyped
# Phones turn "--" into an em dash; people type a hyphen, an en dash, a minus or fullwidth
# forms (NFKC folds "－－" to "--"); a Chinese mark may come in brackets.
ANON_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
ANON_WORDS = {"anon", "anonymous", "anonymously", "匿名", "匿名提交", "匿名建议"}
ANON_BRACKETS = "()（）[]【】「」"


def is_anon_mark(word: str) -> bool:
    """``--anon`` and its variants (``—anon``, ``–anon``, ``-anon``, ``－－anon``, ``匿名``,
    ``【匿名】``): a bare English word is text, a Chinese one or any dashed one a mark."""
    folded = norm(word).strip(ANON_BRACKETS)
    bare = folded.lstrip(ANON_DASHES)
    if bare not in ANON_WORDS:
        return False
    return bare != folded or not bare.isascii()


@dataclass(frozen=True)
class Command:
    """A parsed command: ``name`` plus its arguments."""

    name: str
    ref: str | None = None
    text: str = ""
    department: str | None = None
    category: str | None = None
    person: str | None = None
    number: int | None = None
    priority: str | None = None
    raise_priority: bool = False
    anonymous: bool = False


@dataclass(frozen=True)
class Invalid:
    """Input we could not understand: ``key`` names the polite explanation to give."""

    key: str
    params: dict[str, object] = field(default_factory=dict)


Parsed = Command | Invalid


class _Token(NamedTuple):
    """One word of the line and where it stands (a tuple: a line has a dozen of them)."""

    word: str
    start: int
    end: int


_WORD = re.compile(r"\S+")


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


def _rest(text: str, tokens: list[_Token], index: int) -> str:
    """The original text from token ``index`` on, newlines kept."""
    return text[tokens[index].start :].strip() if index < len(tokens) else ""


# Marks Chinese typists put where a space would go: after 提单 and between the department,
# the service and the details ("提单：财务，报销，出租车，86元").
GLUE_MARKS = "：:，,、；;"
# A request id at the start of a glued word ("FIN-1" in "受理FIN-1"), full-width forms too.
_LETTER, _DIGIT = "A-Za-zＡ-Ｚａ-ｚ", "0-9０-９"
_REF_START = re.compile(f"[{_LETTER}]{{2,4}}[-－][{_DIGIT}]{{1,9}}(?![{_DIGIT}{_LETTER}])")
_REF_IN = re.compile(f"[{_LETTER}]{{2}}[-－][{_DIGIT}]")  # an id somewhere in a word
_REF_TRAIL = ",.;:，。：；、"  # what may follow an id without being the text after it
NO_REF = frozenset({"help", "catalog", "list", "home", "queue", "scorecard", "suggest",
                    "away", "back"})
_REF_WORDS = sorted((w for w, name in SUBCOMMAND_WORDS.items() if name not in NO_REF),
                    key=len, reverse=True)  # "反提议" before "提议"
_REF_WORD_SET = frozenset(_REF_WORDS)
_ID_FIRST_END = "。.!！"  # what may end "FIN-1 受理"
_NAME_SPAN = 24  # the longest department or service name looked for glued to what follows
_DEPARTMENT_WORDS = ("部门", "部")  # "市场部门", "IT部": the department, said in full


def unglue(body: str, catalog: Catalog) -> str:
    """``body`` with a space where Chinese typing leaves none: after 提单 followed by a mark
    or glued to a department (``提单：财务``, ``提单财务 报销``), between the department, the
    service and the details (``财务，报销，出租车``, ``财务报销 打车``), and around a request
    id after a command word (``受理FIN-1``, ``评论FIN-1，发票…``); and an id typed before a
    lone command word goes after it (``FIN-1 受理``). The details keep their marks; words
    that merely begin like a prefix (``提单号…``, ``请求您…``) stay words."""
    prefix = _prefix_length(body)
    pos = 0
    if prefix:
        glued = _after_prefix(body, prefix, catalog)
        if glued is None:
            return body
        body, pos = glued
    pos = _skip_spaces(body, pos)
    swapped = _id_first(body, pos)
    if swapped is not None:
        return swapped
    end = _word_end(body, pos)
    word = body[pos:end]
    sub = _glued_subcommand(word)
    if sub:
        body = body[:pos + sub] + " " + body[pos + sub:]
        return _after_ref(body, _skip_spaces(body, pos + sub))
    if norm(word).lstrip("/") in SUBCOMMAND_WORDS:
        if SUBCOMMAND_WORDS[norm(word).lstrip("/")] in NO_REF:
            return body
        return _after_ref(body, _skip_spaces(body, end))
    if not prefix:
        return body
    body, dep, pos = _glue_name(body, pos, catalog.find_department, department=True)
    if isinstance(dep, Department):
        body = _glue_name(body, pos, dep.find_category)[0]
    return body


def starts_as_command(text: str, catalog: Catalog) -> bool:
    """Whether ``text`` begins with a command prefix (``/…``, ``提单``, ``请求``,
    ``/suggest``), also glued as Chinese typists do (``提单：财务 …``): in a thread, only
    such a message runs as a command."""
    words = unglue(text.strip(), catalog).split(maxsplit=1)
    first = norm(words[0]) if words else ""
    return first.startswith("/") or first in REQUEST_PREFIXES or first in SUGGEST_PREFIXES


def _prefix_length(body: str) -> int:
    for prefix in REQUEST_PREFIXES:
        if norm(body[: len(prefix)]) == prefix:
            return len(prefix)
    return 0


def _after_prefix(body: str, end: int, catalog: Catalog) -> tuple[str, int] | None:
    """The body with a space after its prefix, and where the words after it start; None
    when the prefix is only the start of a word (``提单号``, ``请求您帮忙``, ``/requests``)."""
    if end >= len(body) or body[end].isspace():
        return body, end
    after = end
    while after < len(body) and body[after] in GLUE_MARKS:
        after += 1
    spaced = body[:end] + " " + body[after:]
    if after > end:  # "提单：财务 …", "提单，列表"
        return spaced, end + 1
    if not _splits(body, end):
        return None
    _, dep, pos = _glue_name(spaced, end + 1, catalog.find_department, department=True)
    if not isinstance(dep, Department):
        return None
    if norm(body[:end]) == "请求":  # also an everyday word: only with a service after it
        _, cat, _ = _glue_name(spaced, _skip_spaces(spaced, pos), dep.find_category)
        if cat is None:
            return None
    return spaced, end + 1


def _glue_name(body: str, pos: int, find: Callable[[str], object], *,
               department: bool = False) -> tuple[str, object, int]:
    """At ``pos``, the department or service ``find`` recognises: spaced already (up to
    three words), or the longest name glued to what follows (``财务报销``, ``财务，报销``),
    which gets a space after it instead of the marks. Returns the body, what was found (None
    when nothing) and where the words after it start."""
    pos = marks = _skip_spaces(body, pos)
    while marks < len(body) and body[marks] in GLUE_MARKS:
        marks += 1
    body = body[:pos] + body[marks:]  # "提单 ，财务 …": the mark goes
    tokens = _tokens(body[pos:])
    if not tokens:
        return body, None, pos
    found, after = _match_words(tokens, 0, find)
    if found is not None:
        return body, found, pos + tokens[after - 1].end
    end = pos + tokens[0].end
    best, name, named = 0, 0, None
    for length in range(1, min(end - pos, _NAME_SPAN) + 1):
        piece = body[pos : pos + length]
        if piece[-1] in GLUE_MARKS:
            break
        hit, size = find(piece), length
        for suffix in _DEPARTMENT_WORDS if department and hit is None else ():
            if piece.endswith(suffix) and length > len(suffix):
                hit, size = find(piece[: -len(suffix)]), length - len(suffix)
                break
        if hit is not None and _splits(body, pos + length):
            best, name, named = length, size, hit
    if named is None:
        return body, None, pos
    after = pos + best
    while after < len(body) and body[after] in GLUE_MARKS:
        after += 1
    return body[: pos + name] + " " + body[after:], named, pos + name + 1


def _splits(body: str, at: int) -> bool:
    """Whether a word may end at ``at``: not inside a run of Latin letters and digits."""
    if at >= len(body) or body[at].isspace() or body[at] in GLUE_MARKS:
        return True
    before, after = body[at - 1], body[at]
    return not (before.isascii() and before.isalnum() and after.isascii() and after.isalnum())


def _glued_subcommand(word: str) -> int:
    """The length of a command word that ``word`` starts with, glued to a request id
    (``受理FIN-1``, ``/ackFIN-1``); 0 when it is no such word."""
    if not _REF_IN.search(word):
        return 0  # no id in it: the usual word, without trying every command word
    slash = 1 if word[:1] in ("/", "／") else 0
    for sub in _REF_WORDS:
        size = slash + len(sub)
        if norm(word[slash:size]) == sub and _REF_START.match(word, size):
            return size
    return 0


def _id_first(body: str, pos: int) -> str | None:
    """The id typed before its command word, and nothing else after it (``FIN-1 受理``,
    ``FIN-1受理``, ``fin-1 ack。``), as the command (``受理 FIN-1``); None otherwise: with
    more words it is talk ("FIN-1 确认一下进度")."""
    found = _REF_START.match(body, pos)
    if found is None:
        return None
    word = body[found.end():].strip().rstrip(_ID_FIRST_END)
    if norm(word).lstrip("/") not in _REF_WORD_SET:
        return None
    return f"{body[:pos]}{word} {found.group()}"


def _after_ref(body: str, pos: int) -> str:
    """A space between the request id at ``pos`` and text glued to it (``FIN-1发票…``,
    ``FIN-1，发票…``), the marks between them dropped."""
    found = _REF_START.match(body, pos)
    if found is None:
        return body
    end = after = found.end()
    while after < len(body) and body[after] in _REF_TRAIL:
        after += 1
    if after >= len(body) or body[after].isspace():
        return body  # "FIN-1" or "FIN-1。": the id alone, as before
    return body[:end] + " " + body[after:]


def _skip_spaces(body: str, pos: int) -> int:
    while pos < len(body) and body[pos].isspace():
        pos += 1
    return pos


def _word_end(body: str, pos: int) -> int:
    while pos < len(body) and not body[pos].isspace():
        pos += 1
    return pos


def parse(text: str, catalog: Catalog) -> Parsed:
    """Parse one chat message into a Command, or an Invalid that says what to type."""
    body = unglue(text.strip(), catalog)
    if not body:
        return Command("help")
    tokens = _tokens(body)
    head = norm(tokens[0].word)
    if head in SUGGEST_PREFIXES:
        return _parse_suggest(body, tokens, 1, catalog)
    if head in REQUEST_PREFIXES:
        tokens_start = 1
    elif head in SUBCOMMAND_WORDS or head.lstrip("/") in SUBCOMMAND_WORDS:
        tokens_start = 0
    else:
        return _not_a_command(body)
    if tokens_start >= len(tokens):
        return Command("catalog")
    word = norm(tokens[tokens_start].word).lstrip("/")
    sub = SUBCOMMAND_WORDS.get(word)
    if sub is None:
        return _parse_open(body, tokens, tokens_start, catalog)
    return _parse_sub(sub, body, tokens, tokens_start + 1, catalog)


def ignores_words(text: str, catalog: Catalog) -> bool:
    """Whether ``parse`` reads ``text`` as a command that takes none of its further words:
    ``mine is still broken``, ``back from lunch, any news?``, ``home office today``. In a
    chat such a message is words to the desk, not ``list``, ``back`` or ``home``."""
    tokens = _tokens(unglue(text.strip(), catalog))
    index = 1 if tokens and norm(tokens[0].word) in REQUEST_PREFIXES else 0
    if index + 1 >= len(tokens):
        return False  # the command word alone
    sub = SUBCOMMAND_WORDS.get(norm(tokens[index].word).lstrip("/"))
    rest = tokens[index + 1:]
    if sub in ("scorecard", "home", "back"):
        return True
    if sub in ("help", "catalog"):  # a department may follow
        dep, after = _match_words(tokens, index + 1, catalog.find_department)
        return not isinstance(dep, Department) or after < len(tokens)
    if sub == "list":  # a page number may follow
        return len(rest) > 1 or _small_int(rest[0].word) is None
    return False


def _match_words(
    tokens: list[_Token], index: int, find: object
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


def _parse_open(body: str, tokens: list[_Token], index: int, catalog: Catalog) -> Parsed:
    dep, after = _match_words(tokens, index, catalog.find_department)
    if not isinstance(dep, Department):
        word = tokens[index].word
        word = re.split(f"[{GLUE_MARKS}]", word)[0] or word  # "财物，报销，…": the first word
        suggestions = [d.key for d in catalog.department_suggestions(word)]
        commands = [SUBCOMMAND_WORDS[w] for w in did_you_mean(norm(word), list(SUBCOMMAND_WORDS))]
        return Invalid(
            "unknown_department",
            {"word": word, "suggestions": suggestions, "commands": list(dict.fromkeys(commands))},
        )
    if after >= len(tokens):
        return Command("catalog", department=dep.key)
    cat, after_cat = _match_words(tokens, after, dep.find_category)
    if not isinstance(cat, Category):
        word = tokens[after].word
        suggestions = [c.key for c in dep.category_suggestions(word)]
        return Invalid(
            "unknown_category", {"word": word, "department": dep.key, "suggestions": suggestions}
        )
    details = _rest(body, tokens, after_cat)
    not_a_mark = _mistyped_mark(details)
    if not_a_mark is not None:
        return Invalid("bad_priority_mark", {"given": not_a_mark})
    priority, raise_priority, details = _priority_marks(details)
    free = split_pairs(details, cat)[1] if len(details) > MAX_DETAILS else details
    if len(free) > MAX_DETAILS:  # the form's `key=value` pairs are not the details
        return Invalid("too_long", {"length": len(free), "limit": MAX_DETAILS})
    return Command(
        "open",
        department=dep.key,
        category=cat.key,
        text=details,
        priority=priority,
        raise_priority=raise_priority,
    )


def _priority_marks(details: str) -> tuple[str | None, bool, str]:
    """Pull ``!urgent`` / ``!紧急`` / ``!P1`` marks out; lines without one stay verbatim."""
    priority: str | None = None
    raise_priority = False
    kept: list[str] = []
    for line in details.split("\n"):
        words = line.split()  # any whitespace, also tabs and the ideographic space
        marks = [URGENT_MARKS.get(norm(word)) for word in words]
        if all(mark is None for mark in marks):
            kept.append(line)
            continue
        for mark in marks:
            if mark is not None and mark < 0:
                raise_priority = True
            elif mark is not None:
                priority = PRIORITIES[mark]
        kept.append(" ".join(w for w, mark in zip(words, marks, strict=True) if mark is None))
    return priority, raise_priority, "\n".join(kept).strip()


def _mistyped_mark(details: str) -> str | None:
    """The first word that looks like a priority mark but is none (``!P9``, ``!!urgent``);
    text with an exclamation mark (``help!!``, ``wifi down!``, ``!urgently``) is none."""
    for word in details.split():
        folded = norm(word)
        if folded not in URGENT_MARKS and MARK_LIKE.match(folded):
            return word
    return None


def _ref(tokens: list[_Token], index: int) -> str | None:
    if index >= len(tokens):
        return None
    match = REF_RE.match(norm(tokens[index].word).strip(",.;:，。"))  # ＦＩＮ－３ too
    return f"{match.group(1).upper()}-{int(match.group(2))}" if match else None


NEEDS_TEXT = {"wait", "resolve", "reopen", "comment"}
REF_ONLY = {"show", "ack", "resume", "confirm", "cancel", "answered", "accept"}
NEGOTIATE_TEXT = {"propose", "decline", "counter"}


def _parse_sub(sub: str, body: str, tokens: list[_Token], index: int, catalog: Catalog) -> Parsed:
    if sub in ("help", "catalog"):
        if index < len(tokens):
            dep, _ = _match_words(tokens, index, catalog.find_department)
            if isinstance(dep, Department):
                return Command("catalog", department=dep.key)
        return Command(sub)
    if sub in ("scorecard", "home"):
        return Command(sub)
    if sub == "list":
        return Command("list", number=_page(tokens, index))
    if sub == "queue":
        return _parse_queue(tokens, index, catalog)
    if sub == "suggest":
        return _parse_suggest(body, tokens, index, catalog)
    if sub in ("away", "back"):
        return _parse_away(sub, tokens, index)
    ref = _ref(tokens, index)
    if ref is None:  # what was typed after the command word, for the hint to keep ("评分 5")
        given = _rest(body, tokens, index)
        return Invalid("need_ref", {"command": sub, "given": given})
    rest = _rest(body, tokens, index + 1)
    if sub in REF_ONLY:
        return Command(sub, ref=ref)
    if sub in NEGOTIATE_TEXT:  # what to type instead, in each one's own words
        if not rest:
            return Invalid(f"need_{sub}", {"ref": ref})
        if len(rest) > MAX_DETAILS:
            return Invalid("too_long", {"length": len(rest), "limit": MAX_DETAILS})
        return Command(sub, ref=ref, text=rest)
    if sub in NEEDS_TEXT:
        if not rest:
            return Invalid("need_text", {"command": sub, "ref": ref})
        if len(rest) > MAX_DETAILS:
            return Invalid("too_long", {"length": len(rest), "limit": MAX_DETAILS})
        return Command(sub, ref=ref, text=rest)
    if sub == "assign":
        if not rest:
            return Invalid("need_person", {"ref": ref})
        return Command("assign", ref=ref, person=rest.split()[0], text=rest)
    if sub == "transfer":
        dep, after = _match_words(tokens, index + 1, catalog.find_department)
        if not isinstance(dep, Department):
            word = rest.split()[0] if rest else ""
            suggestions = [d.key for d in catalog.department_suggestions(word)] if word else []
            return Invalid("unknown_department", {"word": word, "suggestions": suggestions})
        cat, _ = _match_words(tokens, after, dep.find_category)
        category = cat.key if isinstance(cat, Category) else None
        return Command("transfer", ref=ref, department=dep.key, category=category)
    if sub == "rate":
        return _parse_rate(ref, rest)
    if sub == "priority":
        wanted = rest.split()[0].upper() if rest else ""
        if wanted not in PRIORITIES:
            return Invalid("bad_priority", {"ref": ref, "given": wanted})
        return Command("priority", ref=ref, priority=wanted)
    if sub == "snooze":
        return Command("snooze", ref=ref, text=rest or "1h")
    if sub == "service":
        if not rest:
            return Invalid("need_service", {"ref": ref})
        return Command("service", ref=ref, text=rest)
    if sub == "approve":
        return Command("approve", ref=ref, text=rest[:MAX_DETAILS])
    if sub == "reject":
        if not rest:
            return Invalid("need_reason", {"ref": ref})
        if len(rest) > MAX_DETAILS:
            return Invalid("too_long", {"length": len(rest), "limit": MAX_DETAILS})
        return Command("reject", ref=ref, text=rest)
    if sub == "add":
        held = _small_int(rest.split()[0].lstrip("#")) if rest else None
        if held is None:
            return Invalid("need_held", {"ref": ref})
        return Command("add", ref=ref, number=held)
    raise AssertionError(sub)  # pragma: no cover - every subcommand is handled above


def _parse_away(sub: str, tokens: list[_Token], index: int) -> Parsed:
    from handlers.approval_grammar import parse_away

    if sub == "back":
        return Command("back")
    found = parse_away([t.word for t in tokens[index:]])
    if found is None:
        return Invalid("need_away", {})
    return Command("away", text=found[0], person=found[1])


def _parse_rate(ref: str, rest: str) -> Parsed:
    parts = rest.split(maxsplit=1)
    stars_text = parts[0] if parts else ""
    stars_text = stars_text.replace("星", "").replace("分", "")
    if stars_text.count("★") and not stars_text.strip("★"):
        stars_text = str(len(stars_text))
    stars = _small_int(stars_text)
    if stars is None or not 1 <= stars <= 5:
        return Invalid("bad_rating", {"ref": ref, "given": parts[0] if parts else ""})
    comment = parts[1].strip() if len(parts) > 1 else ""
    if len(comment) > MAX_DETAILS:
        return Invalid("too_long", {"length": len(comment), "limit": MAX_DETAILS})
    return Command("rate", ref=ref, number=stars, text=comment)


def _small_int(word: str) -> int | None:
    """``word`` as a number if it is 1-9 decimal digits of any script ('²', '①' are not)."""
    return int(word) if word.isdecimal() and len(word) <= 9 else None


def _page(tokens: list[_Token], index: int) -> int:
    for token in tokens[index:]:
        number = _small_int(token.word)
        if number is not None:
            return max(1, number)
    return 1


def _parse_queue(tokens: list[_Token], index: int, catalog: Catalog) -> Parsed:
    department = None
    if index < len(tokens) and not tokens[index].word.isdecimal():
        dep, _ = _match_words(tokens, index, catalog.find_department)
        if not isinstance(dep, Department):
            word = tokens[index].word
            suggestions = [d.key for d in catalog.department_suggestions(word)]
            return Invalid("unknown_department", {"word": word, "suggestions": suggestions})
        department = dep.key
    return Command("queue", department=department, number=_page(tokens, index))


def _parse_suggest(body: str, tokens: list[_Token], index: int, catalog: Catalog) -> Parsed:
    if index < len(tokens) and norm(tokens[index].word) in REPLY_WORDS:
        number = _small_int(tokens[index + 1].word.lstrip("#")) if index + 1 < len(tokens) else None
        text = _rest(body, tokens, index + 2)
        if number is None or not text:
            return Invalid("need_suggestion_reply", {})
        return Command("suggest_reply", number=number, text=text)
    anonymous = False
    while index < len(tokens) and is_anon_mark(tokens[index].word):
        anonymous = True
        index += 1
    if index >= len(tokens):
        return Invalid("need_suggestion", {})
    dep, after = _match_words(tokens, index, catalog.find_department)
    if not isinstance(dep, Department):
        word = tokens[index].word
        word = re.split(f"[{GLUE_MARKS}]", word)[0] or word  # "财物，报销，…": the first word
        suggestions = [d.key for d in catalog.department_suggestions(word)]
        return Invalid("unknown_department", {"word": word, "suggestions": suggestions})
    # the anonymity mark may also follow the department or end the text
    while after < len(tokens) and is_anon_mark(tokens[after].word):
        anonymous = True
        after += 1
    end = len(tokens)
    while end > after and is_anon_mark(tokens[end - 1].word):
        anonymous = True
        end -= 1
    text = body[tokens[after].start : tokens[end - 1].end].strip() if end > after else ""
    if not text:
        return Invalid("need_suggestion", {"department": dep.key})
    if len(text) > MAX_DETAILS:
        return Invalid("too_long", {"length": len(text), "limit": MAX_DETAILS})
    return Command("suggest", department=dep.key, text=text, anonymous=anonymous)


def did_you_mean(word: str, choices: list[str]) -> list[str]:
    """Close spellings of ``word`` among ``choices`` (a one-character slip in Chinese too)."""
    return close_words(word, choices)


# What people type that is no command but deserves a short answer rather than the help: a
# greeting, thanks, a button's own label, "solved". Compared folded, marks and emoji dropped.
GREETINGS = frozenset((
    "hi", "hello", "hey", "hiya", "hi all", "hello all", "hi team", "hello team",
    "good morning", "good afternoon", "good evening", "morning",
    "你好", "您好", "你们好", "大家好", "哈喽", "嗨", "在吗", "在么", "在不在", "早",
    "早上好", "上午好", "中午好", "下午好", "晚上好", "早安", "你好在吗", "您好在吗"))
THANKS = frozenset((
    "thanks", "thank you", "thx", "ty", "many thanks", "thanks a lot", "thank you very much",
    "谢谢", "多谢", "感谢", "谢谢你", "谢谢您", "谢啦", "谢了", "辛苦了", "辛苦", "非常感谢",
    "太感谢了", "谢谢啦"))
SOLVED = frozenset((
    "已解决", "解决了", "已经解决", "已经解决了", "问题已解决", "问题解决了", "问题已经解决了",
    "搞定了", "已搞定", "solved", "it s solved", "its solved", "resolved", "problem solved",
    "all solved"))
# A button's label → the command it types (and what it adds after the id).
LABEL_KEYS: dict[str, tuple[str, str]] = {
    "button.ack": ("ack", ""), "button.short.ack": ("ack", ""),
    "button.assign_me": ("assign", "me"), "button.resolve": ("resolve", ""),
    "button.cancel": ("cancel", ""), "button.confirm": ("confirm", ""),
    "button.reopen": ("reopen", ""), "button.show": ("show", ""),
    "button.rate_any": ("rate", ""), "button.wait": ("wait", ""),
    "button.resume": ("resume", ""), "button.answered": ("answered", ""),
    "approval.button.approve": ("approve", ""), "approval.button.reject": ("reject", ""),
    "button.neg_accept": ("accept", ""), "button.neg_accept_counter": ("accept", ""),
    "button.neg_decline": ("decline", ""), "button.neg_counter": ("counter", ""),
    "button.neg_propose": ("propose", ""),
}
_STARS = re.compile(r"^([1-5一二三四五])\s*(?:星|颗星|★|stars?)(?:好评)?[!！。.~～]*$|^(★{1,5})$")
_CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}


def plain_words(text: str) -> str:
    """``text`` folded, with marks, symbols and emoji as spaces: "您好！" → "您好"."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join("".join(ch if unicodedata.category(ch)[0] in "LN" else " "
                            for ch in folded).split())


def _labels() -> dict[str, tuple[str, str]]:
    from handlers.i18n.texts import TEXTS

    return {plain_words(label): command for key, command in LABEL_KEYS.items()
            if key in TEXTS for label in TEXTS[key]}


_LABELS = _labels()


def _not_a_command(body: str) -> Invalid:
    """What a message that is no command is: a button's label typed (``确认已解决``, ``5星``),
    "solved", small talk, or just words (``not_a_command``: a comment, or the help)."""
    if len(body) > 40:
        return Invalid("not_a_command")
    stars = _STARS.match(norm(body))
    if stars:
        count = stars.group(1) or ""
        given = str(_CHINESE_DIGITS.get(count, 0) or count or len(stars.group(2)))
        return Invalid("typed_label", {"command": "rate", "given": given, "label": body})
    said = plain_words(body)
    if said in _LABELS:
        command, given = _LABELS[said]
        return Invalid("typed_label", {"command": command, "given": given, "label": body})
    if said in SOLVED:
        return Invalid("said_solved", {"command": "confirm", "given": "", "label": body})
    words = said.split()
    if said and (said in GREETINGS or said in THANKS
                 or all(w in GREETINGS or w in THANKS for w in words)):
        thanks = said in THANKS or any(w in THANKS for w in words)
        return Invalid("small_talk", {"thanks": thanks})
    return Invalid("not_a_command")

