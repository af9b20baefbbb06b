"""SQLite writers queue in the process: the next one starts only once the last one's COMMIT
is done, so it never meets the file still locked (SQLite's busy handler would put it to
sleep for a millisecond or more, holding up the whole queue)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, event

from storage.engine import transaction
from storage.models import Person

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def test_the_queue_moves_on_only_after_the_commit(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return
    open_at_release: list[bool] = []

    @event.listens_for(engine, "commit")
    def after_the_queue_let_go(conn: Any) -> None:  # runs after the engine's own listener
        open_at_release.append(bool(conn.connection.dbapi_connection.in_transaction))

    try:
        for n in range(3):
            with transaction(engine) as session:
                session.add(Person(id=f"p{n}", name=f"P {n}", created_at=NOW))
    finally:
        event.remove(engine, "commit", after_the_queue_let_go)
    assert open_at_release == [False, False, False]
    with transaction(engine) as session:
        assert session.get(Person, "p2") is not None

