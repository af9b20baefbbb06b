"""Alembic environment: runs on the connection handed over by storage.migrate."""

from alembic import context
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)

config = context.config
target_metadata = SQLModel.metadata


def include_name(name, type_, parent_names):  # type: ignore[no-untyped-def]
    """Only compare tables that crossdesk owns."""
    if type_ == "table":
        return name in target_metadata.tables
    return True


def run_migrations_online() -> None:
    """Migrate over the connection in config.attributes (or a new engine from the URL)."""
    connection = config.attributes.get("connection")
    if connection is None:
        from storage.engine import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.connect() as conn:
            _run(conn)
        return
    _run(connection)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=include_name,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
