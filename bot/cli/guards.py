"""What the commands refuse in one line instead of a traceback: a database URL crossdesk has no
driver for, a database it cannot open or a newer crossdesk upgraded, an output file it cannot
write."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

DATABASE_ENV = "CROSSDESK_DATABASE_URL"
WHERE_URL = f"check --database-url ({DATABASE_ENV}) or bot.database_url"
BACKENDS = ("sqlite", "postgresql")
AHEAD = 2  # as `db upgrade` and `db check` exit on a database a newer crossdesk upgraded


def shown_url(url: str) -> str:
    """``url`` as it may be printed: its password masked."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from storage import redact

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return redact.scrub(url)


def unusable_url(url: str) -> str | None:
    """Why crossdesk cannot use the database URL ``url`` (no such scheme, a database it does
    not support, a driver that is not installed), or None when it can."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from storage.engine import normalize_url

    try:
        parsed = make_url(normalize_url(url))
        usable = parsed.get_backend_name() in BACKENDS
        if usable:
            parsed.get_dialect().import_dbapi()
    except (ArgumentError, ValueError, ImportError):
        usable = False
    if usable:
        return None
    return (f"{shown_url(url)!r} is not a database URL crossdesk can use: sqlite:///path or "
            f"postgresql+psycopg://user@host/db; {WHERE_URL}")


@contextmanager
def database(url: str, code: int = 1, upgrade: str | None = None) -> Iterator[None]:
    """Turn a database that cannot be opened, or is no database, into one line and exit
    ``code``, and one a newer crossdesk upgraded into what `db check` says and exit 2, not a
    traceback. Given ``upgrade`` (the `db upgrade` command to name) the command uses the
    schema as it is: one behind this code is refused first (exit 1), one ahead too (exit 2),
    changing nothing (only `db upgrade`, `init`, `serve --upgrade` and `demo` migrate)."""
    from alembic.util import CommandError
    from sqlalchemy.exc import DatabaseError, OperationalError

    from bot.cli import db_commands
    from bot.runtime.schema import SchemaMismatch

    try:
        if upgrade is not None:
            db_commands.require_schema(url, upgrade)
        yield
    except OperationalError as exc:
        typer.echo(f"cannot use database {shown_url(url)}: {exc.orig or exc}; {WHERE_URL}",
                   err=True)
        raise typer.Exit(code) from None
    except DatabaseError as exc:
        if type(exc) is not DatabaseError:  # a constraint or SQL error: a bug, not the file
            raise
        typer.echo(f"cannot use database {shown_url(url)}: {exc.orig or exc}; {WHERE_URL}",
                   err=True)
        raise typer.Exit(code) from None
    except SchemaMismatch as exc:  # behind or ahead: what `db check` says, nothing changed
        typer.echo(f"database {shown_url(url)}: {exc}", err=True)
        raise typer.Exit(AHEAD if exc.state.status == "ahead" else 1) from None
    except CommandError:  # alembic's, on a revision this code does not ship
        ahead = _ahead(url)
        if ahead is None:
            raise
        typer.echo(f"database {shown_url(url)}: {ahead}", err=True)
        raise typer.Exit(AHEAD) from None


def _ahead(url: str) -> str | None:
    """What `db check` says of a database ahead of this code, or None when it is not."""
    from bot.runtime.schema import ahead_text
    from storage import migrate
    from storage.engine import make_engine

    engine = make_engine(url)
    try:
        state = migrate.schema_state(engine)
    finally:
        engine.dispose()
    return ahead_text(state) if state.status == "ahead" else None


def check_output(path: Path | None) -> None:
    """``-o FILE`` must be a file in a folder that exists and may be written: else one line and
    exit 2, before anything is read or written."""
    if path is None:
        return
    folder = path.parent
    if path.is_dir():
        problem = "it is a folder; give -o a file name"
    elif not folder.is_dir():
        problem = (f"the folder {folder} does not exist; create it, or give -o a file in a "
                   "folder that exists")
    elif not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        problem = "permission denied; give -o a file you may write"
    else:
        return
    typer.echo(f"cannot write {path}: {problem}", err=True)
    raise typer.Exit(2)
