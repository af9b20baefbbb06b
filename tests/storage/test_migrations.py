"""Alembic: the first revision creates everything, and upgrading again changes nothing."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from storage import migrate


def test_schema_is_at_head_and_matches_models(engine):
    assert migrate.current_revision(engine) == migrate.head_revision()
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_upgrade_twice_is_a_noop(engine):
    before = set(inspect(engine).get_table_names())
    migrate.upgrade(engine)
    assert set(inspect(engine).get_table_names()) == before
    assert migrate.current_revision(engine) == migrate.head_revision()


def test_indexes_for_our_queries_exist(engine):
    names = {ix["name"] for t in ("request", "outbox") for ix in inspect(engine).get_indexes(t)}
    assert {"ix_request_queue", "ix_request_requester", "ix_outbox_pending"} <= names


def test_partial_queue_index_exists_and_serves_the_queue(engine):
    from sqlalchemy import text

    if engine.dialect.name == "sqlite":
        sql = "SELECT sql FROM sqlite_master WHERE name = 'ix_request_open_queue'"
    else:
        sql = ("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_request_open_queue' "
               "AND schemaname = current_schema()")
    with engine.connect() as conn:
        definition = conn.execute(text(sql)).scalar_one()
    assert "coalesce" in definition.lower() and "waiting" in definition
