"""A request's details as shown under its title: the title is their first line, so that
line is not shown twice."""

from __future__ import annotations


def below_title(title: str, details: str | None) -> str:
    """``details`` without the first line when that line is the ``title`` (``need a
    licence\\nfor the new designer`` under the title ``need a licence`` →
    ``for the new designer``); whole when the title is something else (cut short, or the
    service's name); empty when nothing is left."""
    if not details or details == title:
        return ""
    lines = details.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or lines[first].strip() != title:
        return details
    return "\n".join(lines[first + 1:]).strip("\n")
