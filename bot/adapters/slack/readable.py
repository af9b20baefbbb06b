"""Slack message markup → the readable text people saw: mentions as names, links as their
labels, channels as ``#name``, and the ``&amp;``-style entities decoded (stored as typed)."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.adapters.slack.entities import decode

TOKEN_RE = re.compile(r"<([^<>]*)>")
SPECIAL = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}

NameOf = Callable[[str], str | None]


def readable(text: str, name_of: NameOf) -> str:
    """``text`` as Slack delivered it → as people read it. ``name_of`` gives a Slack user's
    display name (None when unknown: the label Slack sent, else the id, is shown)."""
    return with_mentions(text, name_of)[0]


def with_mentions(text: str, name_of: NameOf) -> tuple[str, tuple[str, ...]]:
    """``readable(text)``, and the people it mentions as they appear in it (``@Bob Zhang``)."""
    found: list[str] = []

    def token(match: re.Match[str]) -> str:
        shown = _token(match.group(1), name_of)
        if match.group(1).startswith("@"):
            found.append(decode(shown))
        return shown

    return decode(TOKEN_RE.sub(token, text)), tuple(dict.fromkeys(found))


def _token(inner: str, name_of: NameOf) -> str:
    """One ``<…>`` token (its parts still entity-encoded; decoded with the rest)."""
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        name = name_of(target[1:])
        return f"@{name or label or target[1:]}"
    if target.startswith("#"):
        return f"#{label or target[1:]}"
    if target.startswith("!"):
        word = target[1:]
        if word.startswith("subteam^"):
            return label if label.startswith("@") else f"@{label or word[8:]}"
        if word.startswith("date^"):
            return label or word
        return SPECIAL.get(word, label or word)
    if not label:
        return target.removeprefix("mailto:")
    if label == target or target.endswith(label) or target == f"mailto:{label}":
        return label
    return f"{label} ({target})"
