"""The README's demo excerpt is what `crossdesk demo` prints: every line it quotes (the
abridged parts aside) is a line of the demo's output."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bot.cli.main import app

README = Path(__file__).resolve().parents[3] / "README.md"
INTRO = "`crossdesk demo` tells a short story"


def _excerpt() -> list[str]:
    text = README.read_text(encoding="utf-8")
    after = text[text.index(INTRO):]
    block = after[after.index("```text\n") + len("```text\n"):]
    return [line for line in block[:block.index("```")].splitlines()
            if line.strip() and line.strip() != "…"]


def test_every_line_the_readme_quotes_is_printed_by_demo() -> None:
    printed = set(CliRunner().invoke(app, ["demo"], env={"COLUMNS": "100"}).output.splitlines())
    quoted = _excerpt()
    assert len(quoted) > 10
    missing = [line for line in quoted if line not in printed]
    assert not missing, f"README quotes lines demo no longer prints: {missing}"
