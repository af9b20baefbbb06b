"""Slack's HTML entities: text arrives with ``&`` ``<`` ``>`` encoded, and must leave so.

Decode once on the way in (what is stored is what was typed), escape once on the way out,
and cut escaped text only between entities and whole characters."""

from __future__ import annotations

import re

ENTITY_RE = re.compile(r"&(?:amp|lt|gt);")
LONGEST_ENTITY = 5  # "&amp;"


def decode(text: str) -> str:
    """Text as Slack delivered it (slash command, message) → as the person typed it."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cut_point(text: str, limit: int, *, escaped: bool = True) -> int:
    """The longest prefix of ``text`` within ``limit`` characters that ends neither inside
    an entity (``&am|p;``; only in ``escaped`` text) nor between the halves of a surrogate
    pair."""
    if len(text) <= limit:
        return len(text)
    end = max(0, limit)
    amp = text.rfind("&", max(0, end - LONGEST_ENTITY + 1), end) if escaped else -1
    if amp != -1:
        entity = ENTITY_RE.match(text, amp)
        if entity and entity.end() > end:
            end = amp
    if end and "\ud800" <= text[end - 1] <= "\udbff":
        end -= 1
    return end


def clip(text: str, limit: int, *, escaped: bool = True) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, at a safe point (plain text,
    not ``escaped``, has no entities to keep whole)."""
    if len(text) <= limit:
        return text
    return text[: cut_point(text, limit - 1, escaped=escaped)] + "…"
