"""Run the console platform over a transcript or interactively, and one-shot ticks."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.adapters.console import ConsoleSession
from bot.runtime import app as app_mod
from bot.runtime.clock import ManualClock, SystemClock
from bot.runtime.config import Settings
from bot.runtime.dispatch import Dispatcher
from bot.runtime.scheduler import tick


def _start(settings: Settings, start: str | None) -> ManualClock:
    if start:
        moment = datetime.fromisoformat(start)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo(settings.policy.timezone))
        return ManualClock(moment)
    return ManualClock(SystemClock()())


def run_console(settings: Settings, lines: Iterable[str] | None, *, start: str | None = None,
                interactive: bool = False, echo: bool = False) -> None:
    """Run transcript lines (or stdin) through the console platform."""
    clock = _start(settings, start)
    app = app_mod.build(settings, clock)
    session = ConsoleSession(app, clock, sys.stdout, echo=echo)
    if lines is not None:
        session.run(lines)
        return
    if interactive:
        print("crossdesk chat — type `alice> /request help`, `@now 2026-11-23T09:00`; "
              "Ctrl-D ends")
        while True:
            try:
                line = input("> ")
            except EOFError:
                print()
                return
            session.line(line)
    session.run(sys.stdin)


def run_tick(settings: Settings, now: str | None) -> None:
    """One sweep and one dispatch at ``now`` (default: the real time)."""
    from bot.adapters.console import ConsoleSender

    clock = _start(settings, now) if now else SystemClock()
    app = app_mod.build(settings, clock)
    sender = ConsoleSender(app, sys.stdout)
    result = tick(app, Dispatcher(app.desk.engine, lambda _m: sender, clock,
                                  policy=app.desk.policy))
    print(f"swept {result.sweep.requests} request(s), claimed {result.sweep.claimed} "
          f"reminder(s); delivered {result.dispatch.delivered}, failed {result.dispatch.failed} "
          f"({result.seconds * 1000:.0f} ms)")
