"""A progress bar for long CLI runs: rich, on stderr, only when stderr is a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


class Bar:
    """A running bar to advance and relabel; a bar that is not shown ignores both."""

    def __init__(self, progress: Progress | None = None, task: TaskID | None = None) -> None:
        self._progress = progress
        self._task = task

    @property
    def shown(self) -> bool:
        """Whether anything is drawn."""
        return self._progress is not None

    def advance(self, steps: int = 1, description: str | None = None) -> None:
        """Count ``steps`` as done (and say what comes next)."""
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, advance=steps, description=description)

    def describe(self, description: str) -> None:
        """Say what is being done now."""
        self.advance(0, description)


def on_terminal(stream: TextIO | None = None) -> bool:
    """Whether ``stream`` (default stderr) is a terminal: pipes, files and tests are not."""
    stream = sys.stderr if stream is None else stream
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or closed
        return False


@contextmanager
def bar(
    description: str, total: int | None, *, console: Console | None = None, enabled: bool = True
) -> Iterator[Bar]:
    """A transient bar on ``console`` (default stderr) while the block runs.

    It is drawn only when ``enabled`` and the console is a terminal, so piped and captured
    output stays exactly as it was. Callers print their results after the block: the bar
    does not redirect stdout. ``total=None`` shows a pulsing bar for work of unknown size.
    """
    show = enabled and (console.is_terminal if console is not None else on_terminal())
    if not show:
        yield Bar()
        return
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console or Console(stderr=True),
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
    )
    with progress:
        yield Bar(progress, progress.add_task(description, total=total))
