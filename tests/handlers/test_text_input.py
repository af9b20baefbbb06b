"""Chat text is cleaned where it enters: control characters and lone surrogates go."""

from __future__ import annotations

import pytest

from handlers.text_input import clean_text


@pytest.mark.parametrize(("raw", "clean"), [
    ("/request it laptop", "/request it laptop"),
    ("a\x00b", "ab"),
    ("tab\tand\nnewline", "tab\tand\nnewline"),
    ("crlf\r\nand\rcr", "crlf\nand\ncr"),
    ("\x1b[31mred\x07\x7f", "[31mred"),
    ("unit\x1fsep\x0bvt\x0cff", "unit sep vt ff"),
    ("lone \ud800 and \udfff", "lone \ufffd and \ufffd"),
    ("pair \ud83d\ude00", "pair \U0001f600"),
    ("财务 报销 \U0001f600 \u200b", "财务 报销 \U0001f600 \u200b"),
])
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean
    clean_text(raw).encode("utf-8")  # always encodable
