"""PostgreSQL engines bound every wait: libpq and server timeouts from defaults or the URL,
and a client-side limit on each wait for the server (a server that never answers)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from storage.engine import (
    DEFAULT_LIMITS,
    PgLimits,
    make_engine,
    patient,
    pg_connect_args,
    seconds_of,
    server_settings,
)
from storage.pg_waits import BoundedConnection
from tests.conftest import PG_SCHEMA_URL

URL = "postgresql+psycopg://desk@db.internal:5432/desk"
pg_only = pytest.mark.skipif(not PG_SCHEMA_URL, reason="needs CROSSDESK_TEST_DATABASE_URL")


def test_defaults_bound_connecting_statements_locks_and_idle_transactions() -> None:
    args, limit = pg_connect_args(URL, {})
    assert args["connect_timeout"] == DEFAULT_LIMITS.connect
    assert (args["keepalives"], args["keepalives_idle"], args["keepalives_interval"],
            args["keepalives_count"]) == (1, 30, 10, 3)
    assert args["tcp_user_timeout"] == 20_000
    assert server_settings(args["options"]) == {
        "statement_timeout": "15000", "lock_timeout": "5000",
        "idle_in_transaction_session_timeout": "60000"}
    assert limit == 20.0


def test_the_url_and_given_arguments_win_and_keep_their_options() -> None:
    url = f"{URL}?connect_timeout=2&options=-csearch_path%3Dmine%20-c%20statement_timeout%3D3s"
    args, limit = pg_connect_args(url, {"keepalives_idle": 5})
    assert "connect_timeout" not in args  # the URL's own value reaches libpq unchanged
    assert args["keepalives_idle"] == 5
    settings = server_settings(args["options"])
    assert settings["search_path"] == "mine" and settings["statement_timeout"] == "3s"
    assert settings["lock_timeout"] == "5000"
    assert limit == 3 + DEFAULT_LIMITS.grace
    _, unlimited = pg_connect_args(URL, {"options": "-c statement_timeout=0"})
    assert unlimited is None


@pytest.mark.parametrize(("value", "seconds"), [
    ("15000", 15.0), ("250ms", 0.25), ("3s", 3.0), ("2min", 120.0), ("'1h'", 3600.0),
    ("0", 0.0), ("soon", 0.0)])
def test_postgres_durations(value: str, seconds: float) -> None:
    assert seconds_of(value) == pytest.approx(seconds)


def test_sqlite_engines_are_left_alone(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/x.db", limits=PgLimits(statement=1))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar_one() == 1
    engine.dispose()


@pytest.fixture
def pg() -> Iterator[Engine]:
    assert PG_SCHEMA_URL
    engine = make_engine(PG_SCHEMA_URL, limits=PgLimits(statement=1.0, grace=0.5))
    yield engine
    engine.dispose()


@pg_only
def test_the_server_cancels_a_long_statement(pg: Engine) -> None:
    with pg.connect() as conn:
        assert isinstance(conn.connection.dbapi_connection, BoundedConnection)
        assert conn.execute(text("SHOW statement_timeout")).scalar_one() == "1s"
        started = time.monotonic()
        with pytest.raises(OperationalError, match="statement timeout"):
            conn.execute(text("SELECT pg_sleep(5)"))
    assert time.monotonic() - started < 3


@pg_only
def test_the_client_stops_waiting_for_a_server_that_does_not_answer(pg: Engine) -> None:
    with pg.connect() as conn:
        conn.execute(text("SET statement_timeout = 0"))  # as if the server never got it
        started = time.monotonic()
        with pytest.raises(OperationalError, match="did not answer within 1.5 s"):
            conn.execute(text("SELECT pg_sleep(5)"))
        assert time.monotonic() - started < 3
        assert conn.invalidated
    with pg.connect() as conn:  # the pool replaced the closed connection
        assert conn.execute(text("SELECT 1")).scalar_one() == 1


@pg_only
def test_patient_lifts_the_limits_for_one_transaction(pg: Engine) -> None:
    with pg.begin() as conn, patient(conn, 10):
        assert conn.execute(text("SHOW statement_timeout")).scalar_one() == "10s"
        conn.execute(text("SELECT pg_sleep(2)"))  # longer than statement + grace
    with pg.connect() as conn:
        assert conn.execute(text("SHOW statement_timeout")).scalar_one() == "1s"
        assert conn.connection.dbapi_connection.wait_limit == 1.5  # type: ignore[union-attr]



def test_operator_commands_may_run_long_statements() -> None:
    """export, report and digest from the CLI get fifteen minutes, not the chat's seconds."""
    from storage.engine import BATCH_LIMITS

    args, limit = pg_connect_args(URL, {}, BATCH_LIMITS)
    assert server_settings(args["options"])["statement_timeout"] == "900000"
    assert limit == 905.0
    assert args["connect_timeout"] == DEFAULT_LIMITS.connect  # still quick to fail to connect
