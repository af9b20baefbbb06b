"""Alembic migrations, run from code: `crossdesk db upgrade`, `init`, serve and the tests.

On PostgreSQL an upgrade holds an advisory lock for its whole transaction, so replicas
starting together take turns: the first migrates, the others then find the schema current."""

from __future__ import annotations

import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
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
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
