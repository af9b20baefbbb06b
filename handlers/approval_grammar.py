"""The words of ``away`` / ``back``: ``away until 2026-12-10 delegate bob``,
``休假 至 12-10 代理 bob`` (the words in any order; ``until`` and the like may be left out)."""

from __future__ import annotations

from handlers.catalog import norm

UNTIL_WORDS = {"until", "till", "to", "至", "到", "直到"}
DELEGATE_WORDS = {"delegate", "delegate:", "by", "代理", "委托", "交给"}


def parse_away(words: list[str]) -> tuple[str, str] | None:
    """(date text, delegate) from the words after ``away``; None when either is missing."""
    day = delegate = ""
    pending_delegate = False
    for word in words:
        folded = norm(word)
        if folded in UNTIL_WORDS:
            continue
        if folded in DELEGATE_WORDS:
            pending_delegate = True
            continue
        if pending_delegate and not delegate:
            delegate, pending_delegate = word.lstrip("@＠"), False
        elif not day:
            day = word
    return (day, delegate) if day and delegate else None
