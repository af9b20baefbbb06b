"""[retention] config → how long closed requests keep their details, comments, files and
rating comments (absent or "never": forever)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from handlers.retention_rules import AGE_EXAMPLES, KINDS, RetentionPolicy, parse_age

Problem = Callable[[str, str], None]
KEYS = tuple(f"{kind}_after" for kind in KINDS)


def parse_retention(raw: dict[str, Any], problem: Problem) -> RetentionPolicy:
    """``details_after = "3y"``, ``comments_after``, ``files_after``,
    ``rating_comments_after``: each alone or together, measured from the closing time."""
    table = raw.get("retention", {}) or {}
    ages: dict[str, Any] = {}
    for name, value in table.items():
        where = f"retention.{name}"
        if name not in KEYS:
            problem(where, f"unknown key; use one of {', '.join(KEYS)}")
            continue
        try:
            ages[name.removesuffix("_after")] = parse_age(value)
        except ValueError:
            problem(where, f"{value!r} is not an age; write {AGE_EXAMPLES} (kept forever)")
    return RetentionPolicy(**ages)
