"""The words of ``away`` / ``back``: ``away until 2026-12-10 delegate bob``,
``休假 至 12-10 代理 bob`` (the words in any order; ``until`` and the like may be left out),
also glued as Chinese typists do (``休假至12月10日代理@刘芳``)."""

from __future__ import annotations

from handlers.catalog import norm
from handlers.fields import DAY_WORDS

UNTIL_WORDS = {"until", "till", "to", "至", "到", "直到"}
DELEGATE_WORDS = {"delegate", "delegate:", "by", "代理", "委托", "交给"}
AWAY_WORDS = ("休假",)  # the away word as Chinese typists glue it to what follows
# The words above that Chinese typing glues to a day or a name, longest first.
_GLUED_UNTIL = ("直到", "至", "到")
_GLUED_DELEGATE = ("代理", "委托", "交给")


def parse_away(words: list[str]) -> tuple[str, str] | None:
    """(date text, delegate) from the words after ``away``; None when either is missing. The
    delegate is every word after ``delegate`` up to ``until`` (a whole name: ``代理 张伟
    Bob Zhang``); with no day before it, a last word that holds a digit or is a day word is
    the day (``delegate Bob Zhang 12-10``)."""
    day = ""
    delegate: list[str] = []
    naming = False
    for word in [piece for typed in words for piece in unglue_words(typed)]:
        folded = norm(word)
        if folded in UNTIL_WORDS:
            naming = False
            continue
        if folded in DELEGATE_WORDS:
            naming = not delegate
            continue
        if naming:
            delegate.append(word)
        elif not day:
            day = word
    if not day and len(delegate) > 1 and _day_like(delegate[-1]):
        day = delegate.pop()
    name = " ".join(delegate).lstrip("@＠")
    return (day, name) if day and name else None


def _day_like(word: str) -> bool:
    """Whether ``word`` reads as a day rather than part of a name: it holds a digit, or it is
    a day word (``tomorrow``, ``明天``)."""
    return any(c.isdigit() for c in word) or norm(word) in DAY_WORDS


def glued_away(text: str) -> int:
    """The length of the away word ``text`` starts with, glued to its words (``休假至12月10日``,
    ``休假代理bob``, ``休假12-10代理bob``); 0 when it is none (``休假证明``, ``休假2天``)."""
    for away in AWAY_WORDS:
        if len(text) > len(away) and norm(text[: len(away)]) == away \
                and not text[len(away)].isspace() and _away_like(text[len(away):]):
            return len(away)
    return 0


def _away_like(text: str) -> bool:
    """Whether ``text`` reads as the words of away: an until word before a day first, or a
    delegate word and a day among them (not ``代理人是谁``)."""
    pieces = [norm(p) for word in text.split() for p in unglue_words(word)]
    if len(pieces) > 1 and pieces[0] in _GLUED_UNTIL:
        return True
    return any(p in DELEGATE_WORDS for p in pieces) and any(_day_like(p) for p in pieces)


def unglue_words(word: str, *, dated: bool = False) -> list[str]:
    """``word`` split where Chinese typing glues the away words: a delegate word to the name
    after it (``代理@刘芳``) or to the day before it (``12月10日代理bob``), an until word to the
    day after it (``至12月10日``) or to a day and a delegate word (``至下周五代理@刘芳``: the
    day may not read, and is still told apart, to say it is no date). ``dated``: ``word``
    followed an until word, so it is a day up to a delegate word. A name that merely holds
    such a character stays whole."""
    for glued in _GLUED_DELEGATE:
        if word.startswith(glued) and len(word) > len(glued):
            return [glued, *unglue_words(word[len(glued):])]
    for glued in _GLUED_UNTIL:
        rest = word[len(glued):]
        if word.startswith(glued) and (_day_start(rest) or _delegate_inside(rest)):
            return [glued, *unglue_words(rest, dated=True)]
    for at in range(1, len(word)):
        until = next((w for w in _GLUED_UNTIL if word.startswith(w, at)), "")
        if word.startswith(_GLUED_DELEGATE, at) and (dated or _day_like(word[:at])) \
                or until and _day_start(word[at + len(until):]):
            return [word[:at], *unglue_words(word[at:])]
    return [word]


def _delegate_inside(text: str) -> bool:
    """Whether a delegate word stands inside ``text`` after something and before a name
    (``下周五代理@刘芳``)."""
    return any(0 < text.find(glued) < len(text) - len(glued) for glued in _GLUED_DELEGATE)


def _day_start(text: str) -> bool:
    """Whether ``text`` begins with a day: a digit or a day word (``12月10日``, ``明天``)."""
    folded = norm(text)
    return bool(folded) and (folded[0].isdigit() or folded.startswith(tuple(DAY_WORDS)))
