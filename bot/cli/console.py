"""Run the console platform over a transcript or interactively, and one-shot ticks."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TextIO

import typer

from bot.adapters.console import ConsoleSession
from bot.runtime import app as app_mod
from bot.runtime.clock import ManualClock, SystemClock, parse_moment
from bot.runtime.config import Settings
from bot.runtime.dispatch import Dispatcher, Sender
from bot.runtime.plural import count
from bot.runtime.routing import SenderRouter
from bot.runtime.scheduler import reschedule_if_config_changed, tick
from handlers.messages import Message


def _start(settings: Settings, start: str | None) -> ManualClock:
    moment = parse_moment(start, settings.policy.timezone) if start else None  # --now: checked
    return ManualClock(moment or SystemClock()())


class Console(ConsoleSession):
    """The console platform, which reschedules live requests under a config the database has
    not seen, as serve and tick do at start: at the transcript's first moment, the time its
    first ``@now`` sets (before that sweep) or the clock's at its first typed line, since a
    transcript may travel to a time before the one the console started at."""

    def __init__(self, app: app_mod.DeskApp, clock: ManualClock, out: TextIO = sys.stdout,
                 echo: bool = False) -> None:
        super().__init__(app, clock, out, echo)
        self.rescheduled = False

    def line(self, raw: str) -> None:
        """Run one transcript line, rescheduling first at the first one that acts."""
        line = raw.strip()
        if line and not line.startswith(("#", "@now")):
            self._reschedule(self.clock())
        super().line(raw)

    def travel(self, when: str) -> None:
        """Set the clock and sweep, rescheduling first at the first ``@now``."""
        moment = _moment(when, self.app.settings) if not self.rescheduled else None
        if moment is not None:
            self._reschedule(moment)
        super().travel(when)  # a time it cannot read: it says so

    def _reschedule(self, now: datetime) -> None:
        if self.rescheduled:
            return
        self.rescheduled = True
        done = reschedule_if_config_changed(self.app, now)
        if done is not None and done.worth_telling():
            print(done, file=self.out)


def _moment(when: str, settings: Settings) -> datetime | None:
    """An ``@now`` time (local to ``bot.timezone`` unless it says otherwise), or None."""
    return parse_moment(when, settings.policy.timezone)


def platforms_on(settings: Settings) -> list[str]:
    """The chat platforms the config enables (their messages are theirs to send)."""
    from bot.adapters.slack import slack_enabled
    from bot.adapters.wecom import enabled

    return [name for name, on in (("Slack", slack_enabled(settings)),
                                  ("WeCom", enabled(settings))) if on]


def refuse_platforms(settings: Settings, command: str = "chat") -> None:
    """Exit 2 on a config that enables Slack or WeCom: the console would print (and count as
    sent) the messages queued for them."""
    on = platforms_on(settings)
    if on:
        typer.echo(f"crossdesk {command}: this config enables {' and '.join(on)}; the console "
                   "would print (and count as sent) the messages queued for them. Use a copy "
                   "of the config without them (enabled = false) and a database of its own.",
                   err=True)
        raise typer.Exit(2)


def run_console(settings: Settings, lines: Iterable[str] | None, *, start: str | None = None,
                interactive: bool = False, echo: bool = False) -> None:
    """Run transcript lines (or stdin) through the console platform: not on a config that
    enables Slack or WeCom (``refuse_platforms``)."""
    refuse_platforms(settings)
    clock = _start(settings, start)
    app = app_mod.build(settings, clock)
    session = Console(app, clock, sys.stdout, echo=echo)
    if lines is not None:
        session.run(lines)
        return
    if interactive:
        print(banner(settings, clock()))
        while True:
            try:
                line = input("> ")
            except EOFError:
                print()
                return
            session.line(line)
    session.run(sys.stdin)


def banner(settings: Settings, now: datetime) -> str:
    """The interactive console's first line: how to type, with a person and a time of this
    company (the sample's ``alice`` means nothing in another)."""
    people = [p.id for p in settings.catalog.people]
    who = next((p for p in people if p not in settings.policy.admins), None) or \
        (people[0] if people else "someone")
    when = now.astimezone(settings.policy.tz).strftime("%Y-%m-%dT09:00")
    return f"crossdesk chat — type `{who}> /request help`, `@now {when}`; Ctrl-D ends"


def run_tick(settings: Settings, now: str | None) -> None:
    """One sweep and one dispatch at ``now`` (default: the real time), through the platforms
    the config enables as ``serve`` sends; with none, printed as the console does."""
    from bot.adapters.console import ConsoleSender
    from bot.runtime.serve import ServeError, Unreachable, enabled_platforms

    clock = _start(settings, now) if now else SystemClock()
    app = app_mod.build(settings, clock)
    try:
        platforms = enabled_platforms(app, settings, receive=False)  # tick only sends
    except ServeError as exc:
        typer.echo(f"crossdesk tick: {exc}", err=True)
        raise typer.Exit(1) from None
    route: Callable[[Message], Sender]
    if platforms:
        route = SenderRouter(engine=app.desk.engine, catalog=settings.catalog,
                             routes=[p.route() for p in platforms], fallback=Unreachable())
    else:
        console = ConsoleSender(app, sys.stdout)
        route = lambda _m: console  # noqa: E731 - the console platform prints everything
    rescheduled = reschedule_if_config_changed(app, clock())
    if rescheduled is not None and rescheduled.worth_telling():
        print(rescheduled)
    result = tick(app, Dispatcher(app.desk.engine, route, clock, policy=app.desk.policy))
    swept = count(result.sweep.requests, "request", "requests")
    claimed = count(result.sweep.claimed, "reminder", "reminders")
    print(f"swept {swept}, claimed {claimed}; delivered {result.dispatch.delivered}, "
          f"failed {result.dispatch.failed} ({result.seconds * 1000:.0f} ms)")
