"""Chat text → Command: the same grammar on every platform, in Chinese and English."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from handlers.catalog import PRIORITIES, Catalog, Category, Department, close_words, norm
from handlers.command_words import (
    NO_REF,
    REQUEST_PREFIXES,
    SUBCOMMAND_WORDS,
    SUGGEST_PREFIXES,
    Token,
    department_finder,
    match_words,
    words_of,
)
from handlers.fields import split_pairs
from handlers.typing_glue import GLUE_MARKS, unglue

MAX_DETAILS = 4000
REPLY_WORDS = {"reply", "answer", "回复"}

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


def _rest(text: str, tokens: list[Token], index: int) -> str:
    """The original text from token ``index`` on, newlines kept."""
    return text[tokens[index].start :].strip() if index < len(tokens) else ""


def parse(text: str, catalog: Catalog) -> Parsed:
    """Parse one chat message into a Command, or an Invalid that says what to type."""
    body = unglue(text.strip(), catalog)
    if not body:
        return Command("help")
    tokens = words_of(body)
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
    tokens = words_of(unglue(text.strip(), catalog))
    index = 1 if tokens and norm(tokens[0].word) in REQUEST_PREFIXES else 0
    if index + 1 >= len(tokens):
        return False  # the command word alone
    sub = SUBCOMMAND_WORDS.get(norm(tokens[index].word).lstrip("/"))
    rest = tokens[index + 1:]
    if sub in ("scorecard", "home", "back"):
        return True
    if sub in ("help", "catalog"):  # a department may follow
        dep, after = match_words(tokens, index + 1, department_finder(catalog))
        return not isinstance(dep, Department) or after < len(tokens)
    if sub == "list":  # a page number may follow
        return len(rest) > 1 or _small_int(rest[0].word) is None
    return False


def _parse_open(body: str, tokens: list[Token], index: int, catalog: Catalog) -> Parsed:
    dep, after = match_words(tokens, index, department_finder(catalog))
    if not isinstance(dep, Department):
        word = tokens[index].word
        word = re.split(f"[{GLUE_MARKS}]", word)[0] or word  # "财物，报销，…": the first word
        suggestions = [d.key for d in catalog.department_suggestions(word)]
        params: dict[str, object] = {"word": word, "suggestions": suggestions,
                                     "commands": near_commands(word)}
        return Invalid("unknown_department", {**params, **_mistyped(body, tokens, index)})
    if after >= len(tokens):
        return Command("catalog", department=dep.key)
    cat, after_cat = match_words(tokens, after, dep.find_category)
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


def _ref(tokens: list[Token], index: int) -> str | None:
    if index >= len(tokens):
        return None
    match = REF_RE.match(norm(tokens[index].word).strip(",.;:，。"))  # ＦＩＮ－３ too
    return f"{match.group(1).upper()}-{int(match.group(2))}" if match else None


NEEDS_TEXT = {"wait", "resolve", "reopen", "comment"}
REF_ONLY = {"show", "ack", "resume", "confirm", "cancel", "answered", "accept"}
NEGOTIATE_TEXT = {"propose", "decline", "counter"}


def _parse_sub(sub: str, body: str, tokens: list[Token], index: int, catalog: Catalog) -> Parsed:
    if sub in ("help", "catalog"):
        if index < len(tokens):
            dep, _ = match_words(tokens, index, department_finder(catalog))
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
        return _parse_transfer(ref, rest, catalog)
    if sub == "rate":
        return _parse_rate(ref, rest)
    if sub == "priority":
        typed = rest.split()[0] if rest else ""
        wanted = norm(typed).lstrip("!").upper()  # "P2", "!p2", "！Ｐ２" as a request's mark
        if wanted not in PRIORITIES:
            return Invalid("bad_priority", {"ref": ref, "given": typed})
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


def _parse_transfer(ref: str, rest: str, catalog: Catalog) -> Parsed:
    """``transfer ID department [service]``, the two apart by a space or by the marks
    ``提单`` takes between them (``信息技术部，软件``, ``财务、报销``)."""
    words = words_of(re.sub(f"[{GLUE_MARKS}]+", " ", rest))
    dep, after = match_words(words, 0, department_finder(catalog))
    if not isinstance(dep, Department):
        word = words[0].word if words else ""
        suggestions = [d.key for d in catalog.department_suggestions(word)] if word else []
        return Invalid("unknown_department", {"word": word, "suggestions": suggestions})
    cat, _ = match_words(words, after, dep.find_category)
    category = cat.key if isinstance(cat, Category) else None
    return Command("transfer", ref=ref, department=dep.key, category=category)


def _parse_away(sub: str, tokens: list[Token], index: int) -> Parsed:
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


def _page(tokens: list[Token], index: int) -> int:
    for token in tokens[index:]:
        number = _small_int(token.word)
        if number is not None:
            return max(1, number)
    return 1


def _parse_queue(tokens: list[Token], index: int, catalog: Catalog) -> Parsed:
    department = None
    if index < len(tokens) and not tokens[index].word.isdecimal():
        dep, _ = match_words(tokens, index, department_finder(catalog))
        if not isinstance(dep, Department):
            word = tokens[index].word
            suggestions = [d.key for d in catalog.department_suggestions(word)]
            return Invalid("unknown_department", {"word": word, "suggestions": suggestions})
        department = dep.key
    return Command("queue", department=department, number=_page(tokens, index))


def _parse_suggest(body: str, tokens: list[Token], index: int, catalog: Catalog) -> Parsed:
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
    dep, after = match_words(tokens, index, department_finder(catalog))
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


def near_commands(word: str, *, with_ref: bool = False) -> list[str]:
    """The subcommands ``word`` is a near miss of (``受里`` → ack, ``akc`` → ack), those that
    take a request id only when ``with_ref``; a transposition (``akc``) leaves the others."""
    typed = norm(word).lstrip("/")
    choices = [w for w, name in SUBCOMMAND_WORDS.items() if not (with_ref and name in NO_REF)]
    close = did_you_mean(typed, choices)
    swapped = [w for w in close if sorted(w) == sorted(typed)]
    return list(dict.fromkeys(SUBCOMMAND_WORDS[w] for w in swapped or close))


def _mistyped(body: str, tokens: list[Token], index: int) -> dict[str, object]:
    """A near miss of a command word at ``index`` followed by a request id (``受里 FIN-1``,
    ``akc FIN-1``): the commands it may be, the id and what was typed after it; else {}."""
    ref = _ref(tokens, index + 1)
    commands = near_commands(tokens[index].word, with_ref=True) if ref else []
    if not commands:
        return {}
    return {"ref_commands": commands, "ref": ref, "given": _rest(body, tokens, index + 2)}


def _mistyped_in_chat(body: str) -> Invalid | None:
    """A plain message that starts with a near miss of a command word and a request id: the
    command to suggest, not run. One that takes only the id, with more words after it, is
    talk ("确定 FIN-1 已经报销了吗"); a word after a slash (``/ackk FIN-3``) is left as it was."""
    tokens = words_of(body)
    if len(tokens) < 2 or body[:1] in ("/", "／"):
        return None
    params = _mistyped(body, tokens, 0)
    fits = [c for c in params.get("ref_commands", [])  # type: ignore[attr-defined]
            if not (params["given"] and c in REF_ONLY)]
    if not fits:
        return None
    return Invalid("mistyped_command", {**params, "ref_commands": fits,
                                        "word": tokens[0].word})


def _not_a_command(body: str) -> Invalid:
    """What a message that is no command is: a command word mistyped before a request id
    (``受里 FIN-1``), a button's label typed (``确认已解决``, ``5星``), "solved", small talk,
    or just words (``not_a_command``: a comment, or the help)."""
    mistyped = _mistyped_in_chat(body)
    if mistyped is not None:
        return mistyped
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
