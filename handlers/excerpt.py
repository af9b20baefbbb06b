"""Quoting what someone typed in a reply: a short excerpt, never the whole input (one 900 kB
command once came back as 220 WeCom messages)."""

from __future__ import annotations

from collections.abc import Mapping

QUOTE_LIMIT = 200  # characters of input a reply may quote
# The reply parameters that carry what was typed (the others are texts we wrote: lists of
# members, of services, names), e.g. "There is no department called “{word}”".
QUOTED = frozenset({"word", "person", "text", "ref", "value", "input", "command", "tag"})
ELLIPSIS = "…"


def excerpt(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` if short, else its first ``limit`` characters and "…"."""
    return text if len(text) <= limit else text[:limit].rstrip() + ELLIPSIS


def excerpts(params: Mapping[str, object], limit: int = QUOTE_LIMIT) -> dict[str, object]:
    """``params`` for a reply text, each one that quotes input shortened to an excerpt."""
    return {k: excerpt(v, limit) if k in QUOTED and isinstance(v, str) else v
            for k, v in params.items()}
