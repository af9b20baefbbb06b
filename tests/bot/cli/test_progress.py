"""Progress bars: drawn on a terminal's stderr for digest, report and export; nothing extra in
pipes, files and tests. The terminal runs use a real pseudo-terminal (pty)."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import subprocess

import pytest
from rich.console import Console

from bot.cli import progress
from tests.bot.cli.test_cli import CROSSDESK, chat_story, invoke
from tests.conftest import EXAMPLE

STORY = """\
@now 2026-11-23T09:00
alice> /request finance reimbursement taxi 86 CNY
bob> /request resolve FIN-1 paid on Friday
alice> /request confirm FIN-1
alice> /request rate FIN-1 4 fast
mia> /suggest --anon finance please accept e-invoices
"""
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
BAR = "━"  # rich's bar glyph


# ---------------------------------------------------------------------------
# the helper
# ---------------------------------------------------------------------------


def test_a_terminal_gets_a_bar_with_steps_and_labels():
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=100)
    with progress.bar("Digests for 2026-W47", 3, console=console) as steps:
        assert steps.shown
        steps.describe("Figures for 2026-W47")
        steps.advance(description="Writing finance")
        steps.advance(2)
    drawn = ANSI.sub("", buffer.getvalue())
    assert "Digests for 2026-W47" in drawn and "Writing finance" in drawn
    assert "3/3" in drawn and BAR in drawn


def test_anything_but_a_terminal_gets_nothing(capsys):
    buffer = io.StringIO()
    with progress.bar("Exporting", 10, console=Console(file=buffer)) as steps:
        assert not steps.shown
        steps.advance(5, description="ignored")
    assert buffer.getvalue() == ""
    with progress.bar("Exporting", 10) as steps:  # stderr is pytest's capture, not a tty
        steps.advance(10)
    assert capsys.readouterr() == ("", "")


def test_a_terminal_can_be_told_no():
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True)
    with progress.bar("Exporting", 1, console=console, enabled=False) as steps:
        steps.advance()
    assert not steps.shown and buffer.getvalue() == ""


def test_on_terminal_copes_with_odd_streams():
    closed = io.StringIO()
    closed.close()
    assert progress.on_terminal(closed) is False
    assert progress.on_terminal(object()) is False  # type: ignore[arg-type]
    assert progress.on_terminal(io.StringIO()) is False


# ---------------------------------------------------------------------------
# the commands
# ---------------------------------------------------------------------------


@pytest.fixture
def story(engine, database_url) -> str:
    """A database (SQLite or PostgreSQL) with a week of work in 2026-W48."""
    chat_story(database_url, STORY)
    return database_url


def commands(url: str, tmp_path) -> dict[str, list[str]]:
    common = ["--config", str(EXAMPLE), "--database-url", url]
    return {
        "digest": ["digest", *common, "--week", "2026-W48"],
        "report": [
            "report",
            *common,
            "--from",
            "2026-11-23",
            "--to",
            "2026-11-29",
            "--format",
            "csv",
            "-o",
            str(tmp_path / "report.csv"),
        ],
        "export": ["export", *common, "--what", "suggestions"],
    }


def on_pty(args: list[str], stdout_too: bool = False) -> tuple[int, str, str]:
    """Run ``crossdesk`` with stderr (and optionally stdout) on a pseudo-terminal; returns the
    exit status, the piped stdout, and what the terminal showed (escape codes removed)."""
    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        [str(CROSSDESK), *args],
        stdin=subprocess.DEVNULL,
        stderr=slave,
        stdout=slave if stdout_too else subprocess.PIPE,
        env=env,
    )
    os.close(slave)
    seen = bytearray()
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: every writer closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    out = proc.stdout.read().decode("utf-8") if proc.stdout else ""
    if proc.stdout:
        proc.stdout.close()
    code = proc.wait(timeout=120)
    return code, out, ANSI.sub("", seen.decode("utf-8", errors="replace"))


@pytest.mark.parametrize("command", ["digest", "report", "export"])
def test_piped_runs_print_only_their_results(story, tmp_path, command):
    result = invoke(commands(story, tmp_path)[command])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert BAR not in result.stdout and "━" not in result.stdout
    if command == "digest":
        assert result.stdout.startswith("[to #finance-requests] ")
        assert result.stdout.count("[to #") == 1, "the desk with something to report"
        assert result.stdout.count(": no digest") == 9, "a line for each of the others"
    elif command == "report":
        assert result.stdout == "" and "sales,finance,1" in (tmp_path / "report.csv").read_text()
    else:
        assert json.loads(result.stdout.splitlines()[0])["author_id"] is None


@pytest.mark.parametrize(
    "command, label",
    [
        ("digest", "Digests for 2026-W48"),
        ("report", "Scorecard and service map"),
        ("export", "Exporting suggestions"),
    ],
)
def test_a_terminal_shows_the_bar_and_the_results_stay_clean(story, tmp_path, command, label):
    args = commands(story, tmp_path)[command]
    piped = invoke(args)
    code, out, terminal = on_pty(args)
    assert code == 0, terminal
    assert label in terminal and BAR in terminal
    if command == "digest":
        assert "11/11" in terminal, "figures, then each of the ten departments"
    assert out == piped.stdout, "stdout is the same as without a terminal"


def test_an_export_scrolling_on_the_terminal_gets_no_bar(story, tmp_path):
    code, _, terminal = on_pty(commands(story, tmp_path)["export"], stdout_too=True)
    assert code == 0
    assert "please accept e-invoices" in terminal
    assert "Exporting" not in terminal and BAR not in terminal
