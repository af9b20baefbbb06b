"""`crossdesk db upgrade` and `db check`: what the schema is, what will change, what did; and
the check the other commands make first (a database behind or ahead is refused)."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy import Engine

from bot.runtime.plural import count
from bot.runtime.schema import UPGRADE, ahead_text, behind_text, describe
from storage import migrate
from storage.engine import make_engine

# `db check` exit codes (0: at head); the other commands refuse a database behind or ahead
# with the first two as well.
BEHIND, AHEAD, UNREACHABLE, BAD_CONFIG = 1, 2, 3, 4


def require_schema(url: str, command: str = UPGRADE) -> None:
    """Refuse a database behind or ahead of this code (SchemaMismatch naming ``command``),
    changing nothing; an empty one, or a SQLite file not made yet, is left to the command
    (chat and tick create the tables, the others say there are none)."""
    from bot.runtime.app import ready_schema  # the desk's modules load only when needed

    engine = make_engine(url)
    try:
        if not _new_file(engine):
            ready_schema(engine, command, create=False)
    finally:
        engine.dispose()


def upgrade(url: str) -> None:
    """Say which migrations will run, run them (behind the advisory lock), say what ran.
    Exit 2 and change nothing on a database ahead of this code."""
    engine = make_engine(url)
    shown = engine.url.render_as_string(hide_password=True)
    try:
        state = migrate.schema_state(engine)
        if state.status == "ahead":
            typer.echo(f"crossdesk db upgrade: {ahead_text(state)}", err=True)
            raise typer.Exit(AHEAD)
        if state.status == "current":
            typer.echo(f"database {shown} is already at head, revision {describe(state.current)}: "
                       "up to date, nothing to apply")
            return
        start = f"at revision {describe(state.current)}" if state.current else "empty"
        pending = count(len(state.pending), "migration", "migrations")
        typer.echo(f"database {shown} is {start}; applying {pending} up to {state.head}:")
        for step in state.pending:
            typer.echo(f"  {step}")
        try:
            migrate.upgrade(engine)
        except migrate.MigrationLockTimeout as exc:
            typer.echo(f"crossdesk db upgrade: {exc}", err=True)
            raise typer.Exit(1) from None
        after = migrate.current_revision(engine)
        applied = migrate.steps_between(state.current, after) if after else ()
        done = count(len(applied), "migration", "migrations")
        typer.echo(f"applied {done}: database {shown} upgraded from "
                   f"{state.current or 'empty'} to {after}")
    finally:
        engine.dispose()


def check(url: str, command: str = UPGRADE) -> int:
    """Print whether the database is at this code's head; the exit code for a deploy script:
    0 at head, 1 behind (with the command to run), 2 ahead (with the version it needs)."""
    engine = make_engine(url)
    shown = engine.url.render_as_string(hide_password=True)
    try:
        state = (migrate.state_of(None) if _new_file(engine)
                 else migrate.schema_state(engine))
    finally:
        engine.dispose()
    if state.status == "current":
        typer.echo(f"database {shown} is at head, revision {describe(state.current)}")
        return 0
    if state.status == "ahead":
        typer.echo(f"database {shown}: {ahead_text(state)}")
        return AHEAD
    typer.echo(f"database {shown}: {behind_text(state, command)}")
    for step in state.pending:
        typer.echo(f"  to apply: {step}")
    return BEHIND


def _new_file(engine: Engine) -> bool:
    """A SQLite database whose file does not exist yet, in a folder that does (checking it
    must not create it). In a missing folder it cannot be made: connecting says so."""
    name = engine.url.database
    if engine.dialect.name != "sqlite" or not name or name == ":memory:":
        return False
    path = Path(name)
    return not path.exists() and path.parent.is_dir()
