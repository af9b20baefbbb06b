"""The words of ``away`` / ``back``: ``away until 2026-12-10 delegate bob``,
``休假 至 12-10 代理 bob`` (the words in any order; ``until`` and the like may be left out)."""

from __future__ import annotations

from handlers.catalog import norm
from handlers.fields import DAY_WORDS

UNTIL_WORDS = {"until", "till", "to", "至", "到", "直到"}
DELEGATE_WORDS = {"delegate", "delegate:", "by", "代理", "委托", "交给"}


def parse_away(words: list[str]) -> tuple[str, str] | None:
    """(date text, delegate) from the words after ``away``; None when either is missing. The
    delegate is every word after ``delegate`` up to ``until`` (a whole name: ``代理 张伟
    Bob Zhang``); with no day before it, a last word that holds a digit or is a day word is
    the day (``delegate Bob Zhang 12-10``)."""
    day = ""
    delegate: list[str] = []
    naming = False
    for word in words:
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
