"""Chat text as it arrives → text that every database stores and every platform renders."""

from __future__ import annotations

import re

_NEWLINES = re.compile(r"\r\n?")
# Control characters that str.split() treats as spaces: they keep separating words.
_SPACES = re.compile(r"[\x0b\x0c\x1c-\x1f]")
# Other C0 controls (NUL among them: PostgreSQL text cannot hold it) and DEL.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")


def clean_text(text: str) -> str:
    """Drop control characters (keeping tab and newline; CR becomes a newline) and replace
    lone UTF-16 surrogates, which no encoder accepts, with U+FFFD."""
    if not text.isascii():
        # a proper surrogate pair becomes its character; a lone surrogate becomes U+FFFD
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    text = _NEWLINES.sub("\n", text)
    return _CONTROLS.sub("", _SPACES.sub(" ", text))
