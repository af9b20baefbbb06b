"""How people really type a command: Chinese glued to its words, marks for spaces, the id
first. ``unglue`` puts the spaces back so the grammar reads one shape."""

from __future__ import annotations

import re
from collections.abc import Callable

from handlers.approval_grammar import glued_away
from handlers.catalog import Catalog, Department, norm
from handlers.command_words import (
    NO_REF,
    REQUEST_PREFIXES,
    SUBCOMMAND_WORDS,
    SUBCOMMANDS,
    SUGGEST_PREFIXES,
    department_finder,
    match_words,
    words_of,
)

# Marks Chinese typists put where a space would go: after 提单 and between the department,
# the service and the details ("提单：财务，报销，出租车，86元").
GLUE_MARKS = "：:，,、；;"
# A request id at the start of a glued word ("FIN-1" in "受理FIN-1"), full-width forms too.
_LETTER, _DIGIT = "A-Za-zＡ-Ｚａ-ｚ", "0-9０-９"
REF_START = re.compile(f"[{_LETTER}]{{2,4}}[-－][{_DIGIT}]{{1,9}}(?![{_DIGIT}{_LETTER}])")
_REF_IN = re.compile(f"[{_LETTER}]{{2}}[-－][{_DIGIT}]")  # an id somewhere in a word
REF_TRAIL = ",.;:，。：；、"  # what may follow an id without being the text after it
_REF_WORDS = sorted((w for w, name in SUBCOMMAND_WORDS.items() if name not in NO_REF),
                    key=len, reverse=True)  # "反提议" before "提议"
_REF_WORD_SET = frozenset(_REF_WORDS)
_ID_FIRST_END = "。.!！"  # what may end "FIN-1 受理"
_NAME_SPAN = 24  # the longest department or service name looked for glued to what follows
_SUGGEST_ZH = tuple(w for w in SUBCOMMANDS["suggest"] if not w.isascii())  # 建议
_WORD_APART = re.compile(f"[\\s{re.escape(GLUE_MARKS)}]+")
_GLUED_WORD_MOST = 4  # the longest word looked for glued before an id ("受里FIN-1")
_ANON_ZH = "匿名"  # the anonymity mark, as glued to what follows ("建议匿名财务 …")


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
    swapped = _id_first(body, pos, explicit=bool(prefix))
    if swapped is not None:
        return swapped
    away = glued_away(body[pos:])
    if away:  # "休假至12月10日 代理 @刘芳": the away word, then its words
        return body[: pos + away] + " " + body[pos + away :]
    suggestion = _glued_suggestion(body, pos, catalog)
    if suggestion is not None:
        return suggestion
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
    slip = _glued_before_ref(word)
    if slip:  # "受里FIN-1": the word apart, for the grammar to suggest 受理
        return body[:pos + slip] + " " + body[pos + slip:]
    if not prefix:
        return body
    body, dep, pos = _glue_name(body, pos, department_finder(catalog))
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
    _, dep, pos = _glue_name(spaced, end + 1, department_finder(catalog))
    if not isinstance(dep, Department):
        return None
    if norm(body[:end]) == "请求":  # also an everyday word: only with a service after it
        _, cat, _ = _glue_name(spaced, _skip_spaces(spaced, pos), dep.find_category)
        if cat is None:
            return None
    return spaced, end + 1


def _glue_name(body: str, pos: int, find: Callable[[str], object]) -> tuple[str, object, int]:
    """At ``pos``, the department or service ``find`` recognises: spaced already (up to
    three words), or the longest name glued to what follows (``财务报销``, ``信息技术软件``:
    信息技术 rather than its alias 信息), which gets a space after it instead of the marks.
    Returns the body, what was found (None when nothing) and where the words after it start."""
    pos = marks = _skip_spaces(body, pos)
    while marks < len(body) and body[marks] in GLUE_MARKS:
        marks += 1
    body = body[:pos] + body[marks:]  # "提单 ，财务 …": the mark goes
    tokens = words_of(body[pos:])
    if not tokens:
        return body, None, pos
    found, after = match_words(tokens, 0, find)
    if found is not None:
        return body, found, pos + tokens[after - 1].end
    end = pos + tokens[0].end
    best, named = 0, None
    for length in range(1, min(end - pos, _NAME_SPAN) + 1):
        piece = body[pos : pos + length]
        if piece[-1] in GLUE_MARKS:
            break
        hit = find(piece)
        if hit is not None and _splits(body, pos + length):
            best, named = length, hit
    if named is None:
        return body, None, pos
    after = pos + best
    while after < len(body) and body[after] in GLUE_MARKS:
        after += 1
    return body[: pos + best] + " " + body[after:], named, pos + best + 1


def _glued_suggestion(body: str, pos: int, catalog: Catalog) -> str | None:
    """``建议`` at ``pos`` glued to the anonymity mark or to a department, spaced for the
    grammar (``建议匿名财务 …``, ``建议：财务，…``, ``建议财务 …``); None when no department
    follows, or one glued to more words with neither mark (``建议财务部尽快…`` is talk)."""
    word = next((w for w in _SUGGEST_ZH if norm(body[pos:pos + len(w)]) == w), None)
    if word is None:
        return None
    at = pos + len(word)
    marked = at < len(body) and body[at] in GLUE_MARKS
    body, at = body[:at] + " " + body[at:], at + 1
    start = _skip_spaces(body, at)
    while start < len(body) and body[start] in GLUE_MARKS:
        start += 1
    anonymous = body.startswith(_ANON_ZH, start)
    if anonymous:
        at = start + len(_ANON_ZH)
        body, at = body[:at] + " " + body[at:], at + 1
    find = department_finder(catalog)
    first = _WORD_APART.split(body[at:].lstrip().lstrip(GLUE_MARKS), maxsplit=1)[0]
    whole = bool(first) and find(first) is not None  # the department, a word of its own
    spaced, dep, _ = _glue_name(body, at, find)
    if not isinstance(dep, Department) or not (anonymous or marked or whole):
        return None
    return spaced


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
        if norm(word[slash:size]) == sub and REF_START.match(word, size):
            return size
    return 0


def _glued_before_ref(word: str) -> int:
    """The length of a Chinese word glued to a request id that is no command word of ours
    (``受里FIN-1``, a slip for 受理); 0 when ``word`` is no such thing."""
    slash = 1 if word[:1] in ("/", "／") else 0
    for at in range(slash + 1, min(len(word), slash + _GLUED_WORD_MOST + 1)):
        if not (word[at - 1].isalpha() and not word[at - 1].isascii()):
            return 0
        if REF_START.match(word, at):
            return at
    return 0


def _id_first(body: str, pos: int, *, explicit: bool = False) -> str | None:
    """The id typed before its command word (``FIN-1 受理``, ``FIN-1受理``, ``fin-1 ack。``)
    as the command (``受理 FIN-1``). After a command prefix the id may also stand alone or
    before words: ``/request FIN-1`` shows it, ``/request FIN-1 评论 发票已补`` is that command,
    and ``/request FIN-1 确认一下进度`` comments. None otherwise: without a prefix, more words
    are talk ("FIN-1 确认一下进度" in a chat)."""
    found = REF_START.match(body, pos)
    if found is None:
        return None
    ref, rest = found.group(), body[found.end():].strip()
    word = rest.rstrip(_ID_FIRST_END)
    if norm(word).lstrip("/") in _REF_WORD_SET:
        return f"{body[:pos]}{word} {ref}"
    if not explicit:
        return None
    rest = rest.lstrip(REF_TRAIL).strip()
    if not rest.rstrip(_ID_FIRST_END):
        return f"{body[:pos]}show {ref}"
    first, _, tail = rest.partition(" ")
    if norm(first).lstrip("/") in _REF_WORD_SET:
        return f"{body[:pos]}{first} {ref} {tail}".rstrip()
    return f"{body[:pos]}comment {ref} {rest}"


def _after_ref(body: str, pos: int) -> str:
    """A space between the request id at ``pos`` and text glued to it (``FIN-1发票…``,
    ``FIN-1，发票…``), the marks between them dropped."""
    found = REF_START.match(body, pos)
    if found is None:
        return body
    end = after = found.end()
    while after < len(body) and body[after] in REF_TRAIL:
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
