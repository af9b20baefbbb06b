"""Whether a database suits this code: at its head, behind it (migrations to apply) or ahead
of it (a newer crossdesk upgraded it: a rollback). `serve` starts only at head; `db check`
and `/healthz` report the state."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine

from bot.runtime.plural import count
from bot.runtime.version import crossdesk_version
from storage import migrate

UPGRADE = "crossdesk db upgrade"


class SchemaMismatch(Exception):
    """The database is not at this code's head; the message says what to do."""

    def __init__(self, message: str, state: migrate.SchemaState) -> None:
        super().__init__(message)
        self.state = state


def describe(revision: str | None) -> str:
    """``0009 (conversations)``, or ``empty`` for a database without crossdesk tables."""
    if revision is None:
        return "empty"
    step = migrate.step(revision)
    return f"{step.revision} ({step.name})" if step else revision


def behind_text(state: migrate.SchemaState, command: str = UPGRADE) -> str:
    """What a database behind the code needs: the migrations and the command to run."""

    where = ("has no crossdesk tables yet" if state.current is None
             else f"is at revision {describe(state.current)}")
    pending = count(len(state.pending), "migration", "migrations")
    return (f"the database {where}; crossdesk {crossdesk_version()} needs revision "
            f"{describe(state.head)}: {pending} to apply. Run: {command}")


def ahead_text(state: migrate.SchemaState) -> str:
    """What a database ahead of the code needs: the crossdesk that upgraded it."""
    return (f"the database is at revision {state.current}, which crossdesk "
            f"{crossdesk_version()} does not know (its newest is {describe(state.head)}): a newer "
            f"crossdesk upgraded it. Run the crossdesk release that ships migration "
            f"{state.current} (newer than {crossdesk_version()}), or restore the backup taken "
            "before that upgrade; crossdesk never downgrades a schema")


def require_head(engine: Engine, command: str = UPGRADE) -> migrate.SchemaState:
    """The state of a database at head; SchemaMismatch (saying what to do) otherwise."""
    state = migrate.schema_state(engine)
    if state.status == "ahead":
        raise SchemaMismatch(ahead_text(state), state)
    if state.status == "behind":
        raise SchemaMismatch(behind_text(state, command), state)
    return state


def report(bind: Connection) -> dict[str, Any]:
    """For /healthz: ``{"state": "current"|"behind"|"ahead", "revision", "head"}``."""
    state = migrate.schema_state(bind)
    return {"state": state.status, "revision": state.current, "head": state.head}
