"""Replicas starting at the same time (a deployment of two, or a rollout that adds people to
config.toml): each `crossdesk serve` migrates the schema and syncs the configured people at
start-up, so the second must not fail because the first is doing the same.

Both races are reproduced deterministically in-process: replica A's start-up transaction is
held open just before it commits while replica B runs the same start-up step."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, event, text

from bot.runtime import app as app_mod
from bot.runtime.config import Settings
from storage import migrate, people
from storage.engine import make_engine, transaction
from tests.conftest import PG_SCHEMA, PG_SCHEMA_URL, PG_URL
from tests.reliability.conftest import pg_only

pytestmark = pg_only


def test_two_replicas_syncing_the_same_new_people_both_start(engine: Engine,
                                                              settings: Settings) -> None:
    now = datetime.now(UTC)
    release = threading.Event()

    def replica_a(ready: threading.Event) -> None:
        with transaction(engine) as session:
            for spec in settings.catalog.people:
                people.upsert(session, spec.id, spec.name, now, locale=spec.locale,
                              slack_id=spec.slack, wecom_id=spec.wecom,
                              manager_id=spec.manager)
            session.flush()
            ready.set()
            release.wait(30)

    errors: list[BaseException] = []
    ready = threading.Event()
    a = threading.Thread(target=replica_a, args=(ready,), daemon=True)
    a.start()
    assert ready.wait(30)

    def replica_b() -> None:
        try:
            app_mod.sync_directory(settings, engine, now)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    b = threading.Thread(target=replica_b, daemon=True)
    b.start()
    time.sleep(1.0)
    release.set()
    a.join(30)
    b.join(30)
    assert not b.is_alive()
    assert not errors, f"replica B failed to start: {type(errors[0]).__name__}"


@pytest.fixture
def fresh_schema() -> Iterator[str]:
    """An empty schema of its own (a first deployment), dropped afterwards."""
    assert PG_URL and PG_SCHEMA_URL
    schema = f"{PG_SCHEMA}_fresh"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    yield PG_SCHEMA_URL.replace(PG_SCHEMA, schema)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


def test_two_replicas_migrating_a_new_database_both_start(fresh_schema: str) -> None:
    engine_a, engine_b = make_engine(fresh_schema), make_engine(fresh_schema)
    ready, release = threading.Event(), threading.Event()

    @event.listens_for(engine_a, "commit")
    def hold(_conn: object) -> None:  # A has created everything; B starts now
        ready.set()
        release.wait(30)

    errors: list[BaseException] = []

    def replica(engine: Engine) -> None:
        try:
            migrate.upgrade(engine)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    a = threading.Thread(target=replica, args=(engine_a,), daemon=True)
    a.start()
    assert ready.wait(60), "replica A did not get to its commit"
    b = threading.Thread(target=replica, args=(engine_b,), daemon=True)
    b.start()
    time.sleep(1.0)
    release.set()
    a.join(60)
    b.join(60)
    engine_a.dispose()
    engine_b.dispose()
    assert not errors, f"a replica failed to migrate: {type(errors[0]).__name__}: {errors[0]}"
