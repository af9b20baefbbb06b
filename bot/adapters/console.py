"""The console platform: a REPL and script runner that prints messages as text."""

from __future__ import annotations

import difflib
import sys
from collections.abc import Iterable
from dataclasses import replace
from typing import TextIO

from bot.adapters import transcript
from bot.runtime.app import DeskApp
from bot.runtime.clock import MOMENT_HELP, ManualClock, parse_moment
from bot.runtime.dispatch import Dispatcher
from bot.runtime.scheduler import tick
from handlers.messages import SETTLE, Message


def render(message: Message, label: str) -> str:
    """``[label] text``, then fields and ``(button) Label -> command`` lines."""
    lines = [f"[{label}] {message.text}"]
    lines += [f"  {name}: {value}" for name, value in message.fields]
    lines += [f"  (button) {b.label} -> {b.command}" for b in message.buttons]
    if message.extra.get("image"):
        lines.append(f"  (image) {message.extra['image']}")
    return "\n".join(lines)


class ConsoleSender:
    """Prints every message as ``[to TARGET] …``; TARGET is a person id or #channel."""

    def __init__(self, app: DeskApp, out: TextIO) -> None:
        self.app = app
        self.out = out

    def target_label(self, message: Message) -> str:
        if message.target_kind == "channel":
            return f"to #{message.target_id}"
        if message.target_kind == "dept":
            dep = self.app.settings.catalog.department(message.target_id)
            return f"to #{dep.channel}"
        return f"to {message.target_id}"

    def send(self, message: Message, thread_ref: str | None) -> str | None:
        if message.kind == SETTLE:  # the console keeps no buttons to grey
            return None
        print(render(message, self.target_label(message)), file=self.out)
        return message.request_ref and f"console:{message.request_ref}"


class ConsoleSession:
    """Runs transcript lines: ``alice> text`` (also ``bob@FIN-1>``, ``henry@dm>``,
    ``henry@dm:FIN-1>``: see ``bot.adapters.transcript``), ``@now ISO``, ``# comments``."""

    def __init__(self, app: DeskApp, clock: ManualClock, out: TextIO = sys.stdout,
                 echo: bool = False) -> None:
        self.app = app
        self.clock = clock
        self.out = out
        self.echo = echo
        self.strangers: set[str] = set()  # speakers not in [[people]], noted once
        self.acted = False  # whether a line has run or the clock been set (going back notes)
        sender = ConsoleSender(app, out)
        self.dispatcher = Dispatcher(app.desk.engine, lambda _m: sender, clock,
                                     policy=app.desk.policy)

    def run(self, lines: Iterable[str]) -> None:
        """Run every line in order."""
        for line in lines:
            self.line(line.rstrip("\n"))

    def line(self, raw: str) -> None:
        """Run one transcript line."""
        line = raw.strip()
        if not line or line.startswith("#"):
            if self.echo and line:
                print(line, file=self.out)
            return
        if self.echo:
            print(line, file=self.out)
        if line.startswith("@now"):
            self.travel(line[4:].strip())
            return
        speaker, sep, text = line.partition(">")
        said = transcript.said(speaker.strip(), text) if sep else None
        if said is None:
            print("[error] write `person> message` (or `person@FIN-1>`, `person@dm>`, "
                  "`person@dm:FIN-1>`), `@now 2026-11-23T09:00` or `# comment`", file=self.out)
            return
        known = {p.id.casefold(): p.id for p in self.app.settings.catalog.people}
        person = known.get(said.person_id.casefold())
        if person is None:
            self._note_stranger(said.person_id, list(known.values()))
        said = replace(said, person_id=person or said.person_id)
        self.acted = True
        reply = self.app.run(said)  # `Alice>` is alice, as a platform's id would map
        for message in reply.messages:
            print(render(message, "reply"), file=self.out)
        self.dispatcher.run_once()

    def travel(self, when: str) -> None:
        """Set the clock (local time of bot.timezone) and run the sweep and dispatch."""
        moment = parse_moment(when, self.app.settings.policy.timezone)
        if moment is None:
            print(f"[error] @now needs {MOMENT_HELP}, not {when!r}", file=self.out)
            return
        if self.acted and moment < self.clock():
            shown = self.clock().astimezone(moment.tzinfo).strftime("%Y-%m-%d %H:%M")
            print(f"[note] the clock goes back from {shown}; what happened since then stays "
                  "as it is", file=self.out)
        self.acted = True
        self.clock.set(moment)
        tick(self.app, self.dispatcher)

    def _note_stranger(self, speaker: str, people: list[str]) -> None:
        """Say once that a speaker not in [[people]] talks as a new person (a typo in the
        name would otherwise quietly open requests as someone else)."""
        if speaker.casefold() in self.strangers:
            return
        self.strangers.add(speaker.casefold())
        close = difflib.get_close_matches(speaker.casefold(), people, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close else ""
        print(f"[note] {speaker!r} is not in the config's [[people]]; they talk as a person of "
              f"their own, in no department{hint}", file=self.out)
