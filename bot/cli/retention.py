"""`crossdesk retention [--dry-run]`: blank now what [retention] says has been kept long
enough (the nightly job's work), or show what that would blank, changing nothing."""

from __future__ import annotations

from datetime import datetime
from typing import TextIO

from bot.runtime import app as app_mod
from bot.runtime.clock import SystemClock
from bot.runtime.config import Settings
from handlers.desk import Desk
from handlers.retention import KindTally, Outcome, run
from handlers.retention_rules import KINDS
from storage.engine import BATCH_LIMITS, make_engine

LABELS = {"details": "details", "comments": "comments", "files": "files",
          "rating_comments": "rating comments"}
UNSET = ("No retention is configured: closed requests keep everything. To blank old words, "
         "add to {file}:\n  [retention]\n  details_after = \"3y\"   # also comments_after, "
         "files_after, rating_comments_after (\"18m\", \"90d\", \"12w\", \"never\")")


def run_retention(settings: Settings, dry_run: bool, out: TextIO,
                  now: datetime | None = None, recheck: bool = False) -> Outcome | None:
    """Run (or, dry, count) the retention job at ``now`` and print the outcome; None when
    nothing is configured. ``recheck``: requests purged already are looked at again."""
    if not settings.retention.ages():
        out.write(UNSET.format(file=settings.path) + "\n")
        return None
    moment = now or SystemClock()()
    engine = make_engine(settings.database_url, limits=BATCH_LIMITS)
    try:
        desk = app_mod.build(settings, lambda: moment, engine=engine).desk
        outcome = run(desk, settings.retention, moment, apply=not dry_run, recheck=recheck)
    finally:
        engine.dispose()
    write(outcome, desk, settings, out)
    return outcome


def write(outcome: Outcome, desk: Desk, settings: Settings, out: TextIO) -> None:
    """One line per kind: requests, rows, stored files and bytes, closing dates."""
    ages = settings.retention.ages()
    out.write(("Retention: blanked" if outcome.applied else
               "Retention, dry run (nothing changed): would blank") + "\n")
    for kind in KINDS:
        if kind in ages:
            out.write(_line(LABELS[kind], outcome.kinds[kind], desk) + "\n")
        else:
            out.write(f"  {LABELS[kind]:<16} kept forever (no {kind}_after)\n")
    out.write(_line("sent messages", outcome.copies, desk) + "  (copies of those words)\n")
    verb = "now purged" if outcome.applied else "would be purged"
    out.write(f"Requests {verb} (every configured kind blank): {outcome.purged}. "
              "Times, states, stars, tags and amounts are kept.\n")


def _line(label: str, tally: KindTally, desk: Desk) -> str:
    parts = [f"{tally.requests} requests", f"{tally.rows} rows"]
    if label == "files":
        parts.append(f"{tally.files} stored files, {_size(tally.bytes)}")
    if tally.oldest and tally.newest:
        first, last = (m.astimezone(desk.policy.tz).date() for m in (tally.oldest, tally.newest))
        parts.append(f"closed {first} … {last}")
    return f"  {label:<16} " + ", ".join(parts)


def _size(count: int) -> str:
    for unit, factor in (("GB", 1024 ** 3), ("MB", 1024 ** 2), ("KB", 1024)):
        if count >= factor:
            return f"{count / factor:.1f} {unit}"
    return f"{count} bytes"
