"""Alembic migrations, run from code: `crossdesk db upgrade`, `db check`, `init`, `serve
--upgrade`, the tables of a new, empty database (`chat`, `tick`) and the tests.

On PostgreSQL an upgrade holds an advisory lock for its whole transaction, so replicas
starting together take turns: the first migrates, the others then find the schema current.
``schema_state`` tells whether a database is at this code's head, behind it (migrations to
apply) or ahead of it (upgraded by a newer crossdesk: a rollback)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, text

from storage.engine import patient

MIGRATIONS = Path(__file__).parent / "migrations"
LOCK_CLASS = 0x63726F73  # "cros": the first key of our advisory lock; the schema is the second
LOCK_WAIT = 300.0        # seconds to wait for another process's migration to finish
STATEMENT_LIMIT = 1800.0  # a migration statement may run this long (the usual limit is short)


class MigrationLockTimeout(RuntimeError):
    """Another process kept the schema locked for a migration too long."""


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at our migrations folder."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(engine: Engine, revision: str = "head", lock_wait: float = LOCK_WAIT) -> None:
    """Bring the schema up to ``revision``; a no-op when it is already there. Safe to run
    from several processes at once (PostgreSQL: they take turns; SQLite: one writer)."""
    config = alembic_config()
    with engine.begin() as connection, patient(connection, STATEMENT_LIMIT):
        if connection.dialect.name == "postgresql":
            _take_turn(connection, lock_wait)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def _take_turn(connection: Connection, lock_wait: float) -> None:
    """Hold this schema's migration lock until the transaction ends (waits for another
    holder, polling, at most ``lock_wait`` seconds)."""
    deadline = time.monotonic() + lock_wait
    lock = text("SELECT pg_try_advisory_xact_lock(:cls, hashtext(coalesce(current_schema(), "
                "'')))")
    while not connection.execute(lock, {"cls": LOCK_CLASS}).scalar():
        if time.monotonic() > deadline:
            raise MigrationLockTimeout(
                f"another process has been migrating this schema for over {lock_wait:.0f} s; "
                "wait for it to finish (or look for a stuck `crossdesk` process), then retry")
        time.sleep(0.2)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision shipped with this code."""
    return _scripts().get_current_head()


@lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    """The migration scripts shipped with this code (read once per process)."""
    return ScriptDirectory.from_config(alembic_config())


@dataclass(frozen=True)
class Step:
    """One migration: its revision id and the name from its docstring."""

    revision: str
    name: str

    def __str__(self) -> str:
        return f"{self.revision} {self.name}"


@dataclass(frozen=True)
class SchemaState:
    """Where a database stands against this code's migrations."""

    current: str | None     # None: an empty database
    head: str
    pending: tuple[Step, ...]  # to apply, oldest first (empty when current or ahead)
    known: bool             # False: a revision this code does not ship (a newer crossdesk's)

    @property
    def status(self) -> str:
        """One of current, behind (run `crossdesk db upgrade`) or ahead (a rollback)."""
        if not self.known:
            return "ahead"
        return "behind" if self.pending else "current"


def steps_between(base: str | None, target: str) -> tuple[Step, ...]:
    """The migrations after ``base`` up to and including ``target``, oldest first."""
    scripts = _scripts()
    found = scripts.iterate_revisions(target, base or "base")
    return tuple(Step(s.revision, _name(s)) for s in reversed(list(found)))


def _name(script: Script) -> str:
    """A migration's short name, as its file is named (``0020_outbox_progress.py``:
    "outbox_progress"); several migrations touch one table, so not the table's name."""
    stem = Path(str(script.path)).stem
    return stem.split("_", 1)[1] if "_" in stem else str(script.revision)


def step(revision: str) -> Step | None:
    """The migration ``revision`` as this code ships it, or None when it does not."""
    try:
        script = _scripts().get_revision(revision)
    except CommandError:
        return None
    return Step(script.revision, _name(script)) if script is not None else None


def is_known(revision: str | None) -> bool:
    """True for an empty database and for a revision this code ships."""
    return revision is None or step(revision) is not None


def state_of(revision: str | None) -> SchemaState:
    """How a database at ``revision`` compares with this code."""
    head = head_revision()
    assert head is not None, "crossdesk ships at least one migration"
    known = is_known(revision)
    pending = steps_between(revision, head) if known else ()
    return SchemaState(current=revision, head=head, pending=pending, known=known)


def schema_state(bind: Engine | Connection) -> SchemaState:
    """How the database behind ``bind`` compares with this code."""
    if isinstance(bind, Engine):
        return state_of(current_revision(bind))
    return state_of(MigrationContext.configure(bind).get_current_revision())
