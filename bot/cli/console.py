"""Run the console platform over a transcript or interactively, and one-shot ticks."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

import typer

from bot.adapters.console import ConsoleSession
from bot.runtime import app as app_mod
from bot.runtime.clock import ManualClock, SystemClock
from bot.runtime.config import Settings
from bot.runtime.dispatch import Dispatcher, Sender
from bot.runtime.routing import SenderRouter
from bot.runtime.scheduler import reschedule_if_config_changed, tick
from handlers.messages import Message


def _start(settings: Settings, start: str | None) -> ManualClock:
    if start:
        moment = datetime.fromisoformat(start)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo(settings.policy.timezone))
        return ManualClock(moment)
    return ManualClock(SystemClock()())


def platforms_on(settings: Settings) -> list[str]:
    """The chat platforms the config enables (their messages are theirs to send)."""
    from bot.adapters.slack import slack_enabled
    from bot.adapters.wecom import enabled

    return [name for name, on in (("Slack", slack_enabled(settings)),
                                  ("WeCom", enabled(settings))) if on]


def run_console(settings: Settings, lines: Iterable[str] | None, *, start: str | None = None,
                interactive: bool = False, echo: bool = False) -> None:
    """Run transcript lines (or stdin) through the console platform: not on a config that
    enables Slack or WeCom, whose queued messages the console would print instead of
    sending."""
    on = platforms_on(settings)
    if on:
        typer.echo(f"crossdesk chat: this config enables {' and '.join(on)}; the console would "
                   "print (and count as sent) the messages queued for them. Use a copy of the "
                   "config without them (enabled = false) and a database of its own.",
                   err=True)
        raise typer.Exit(2)
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
    """One sweep and one dispatch at ``now`` (default: the real time), through the platforms
    the config enables as ``serve`` sends; with none, printed as the console does."""
    from bot.adapters.console import ConsoleSender
    from bot.runtime.serve import LogSender, ServeError, enabled_platforms

    clock = _start(settings, now) if now else SystemClock()
    app = app_mod.build(settings, clock)
    try:
        platforms = enabled_platforms(app, settings)
    except ServeError as exc:
        typer.echo(f"crossdesk tick: {exc}", err=True)
        raise typer.Exit(1) from None
    route: Callable[[Message], Sender]
    if platforms:
        route = SenderRouter(engine=app.desk.engine, catalog=settings.catalog,
                             routes=[p.route() for p in platforms], fallback=LogSender())
    else:
        console = ConsoleSender(app, sys.stdout)
        route = lambda _m: console  # noqa: E731 - the console platform prints everything
    reschedule_if_config_changed(app, clock())
    result = tick(app, Dispatcher(app.desk.engine, route, clock, policy=app.desk.policy))
    print(f"swept {result.sweep.requests} request(s), claimed {result.sweep.claimed} "
          f"reminder(s); delivered {result.dispatch.delivered}, failed {result.dispatch.failed} "
          f"({result.seconds * 1000:.0f} ms)")
