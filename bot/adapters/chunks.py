"""Long text in pieces a platform accepts, the same way everywhere: whole lines gathered
while they fit, a line too long on its own cut by the platform's rule (Slack: between
entities, in characters; WeCom: between markup, at a soft break, in UTF-8 bytes)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

Measure = Callable[[str], int]  # a piece's length as the platform counts it
Cut = Callable[[str, int], list[str]]  # a too-long line → pieces within the limit, in order


def pack_lines(lines: Iterable[str], limit: int, cut: Cut, measure: Measure = len,
               sep: str = "") -> list[str]:
    """``lines`` (joined by ``sep``) in pieces of at most ``limit``, in order: each piece as
    many whole lines as fit; a longer line is ``cut``, its last part beginning the next piece.
    A blank last piece is dropped."""
    out: list[str] = []
    current = ""
    for line in lines:
        joined = f"{current}{sep}{line}" if current else line
        if measure(joined) <= limit:
            current = joined
            continue
        if current:
            out.append(current)
        *whole, current = cut(line, limit) if measure(line) > limit else [line]
        out += whole
    if current.strip():
        out.append(current)
    return out
