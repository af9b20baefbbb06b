"""PostgreSQL housekeeping the benchmark scripts share: a bench database of their own."""

from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

SYSTEM_DATABASES = ("", "test", "postgres", "template0", "template1")


def ensure_database(url: str) -> bool:
    """Create the bench database named in ``url`` if missing; False (with a note) when the
    server is unreachable. Refuses the shared databases, since benches drop their schema."""
    parsed = make_url(url)
    name = parsed.database or ""
    if name in SYSTEM_DATABASES:
        raise SystemExit(f"refusing to use PostgreSQL database {name!r}: pick a bench database "
                         "such as crossdesk_bench (its schema is dropped)")
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT",
                          connect_args={"connect_timeout": 5})
    try:
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                  {"n": name}).first()
            if exists is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
                print(f"  created database {name}")
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        print(f"PostgreSQL unreachable at {parsed.render_as_string()}: {reason} "
              "-- skipping PostgreSQL")
        return False
    finally:
        admin.dispose()
    return True


def reset_schema(url: str, schema: str = "public") -> None:
    """Drop and recreate ``schema`` in the bench database: every run starts empty."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        engine.dispose()
