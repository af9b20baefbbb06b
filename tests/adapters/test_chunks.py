"""Long text in pieces: whole lines while they fit, a longer line cut by the platform's rule."""

from __future__ import annotations

from bot.adapters.chunks import pack_lines


def slices(line: str, limit: int) -> list[str]:
    """A plain cut: ``limit`` characters at a time."""
    return [line[i:i + limit] for i in range(0, len(line), limit)]


def test_whole_lines_are_gathered_while_they_fit() -> None:
    assert pack_lines(["ab", "cd", "ef"], 5, slices, sep="\n") == ["ab\ncd", "ef"]


def test_a_long_line_is_cut_and_its_last_part_begins_the_next_piece() -> None:
    assert pack_lines(["ab", "cdefghi", "j"], 5, slices, sep="\n") == ["ab", "cdefg", "hi\nj"]


def test_length_is_what_the_platform_counts() -> None:
    def utf8(text: str) -> int:
        return len(text.encode("utf-8"))

    assert pack_lines(["财务", "报销"], 6, slices, utf8, sep="\n") == ["财务", "报销"]
    assert pack_lines(["财务", "报销"], 6, slices, sep="\n") == ["财务\n报销"]


def test_a_blank_last_piece_is_dropped() -> None:
    assert pack_lines(["abcd", "   "], 4, slices, sep="\n") == ["abcd"]
    assert pack_lines([], 4, slices) == []
