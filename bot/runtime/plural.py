"""Counts in English the command line and logs print: "1 request", "2 requests", "1 person"."""

from __future__ import annotations


def count(n: int, one: str, many: str) -> str:
    """``n`` with the noun that fits it: ``count(1, "step", "steps")`` is "1 step"."""
    return f"{n} {one if n == 1 else many}"
