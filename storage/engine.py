"""Database engines: SQLite (WAL, busy timeout, immediate writes) and PostgreSQL with every
wait bounded (connect, statement, lock and idle-in-transaction timeouts, TCP keepalives and
a client-side limit on each wait for the server): a database that stops answering costs a
command a few seconds and a polite "try again", never a thread forever."""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine


@dataclass(frozen=True)
class PgLimits:
    """How long PostgreSQL may keep a caller waiting, in seconds (0: no limit). The database
    URL wins over these: ``?connect_timeout=3``, ``?options=-c statement_timeout=5s``."""

    connect: int = 5                   # libpq connect_timeout: the whole connection set-up
    statement: float = 15.0            # the server cancels a statement running longer
    lock: float = 5.0                  # the server stops waiting for a row or table lock
    idle_in_transaction: float = 60.0  # the server ends a session idle inside a transaction
    grace: float = 5.0                 # the client gives up statement + grace into a wait
    tcp_user_timeout: float = 20.0     # the kernel drops a connection whose data goes unacked
    keepalive_idle: int = 30           # TCP keepalive probes on idle connections …
    keepalive_interval: int = 10
    keepalive_count: int = 3           # … declare the peer dead after idle + interval × count
    pool_timeout: float = 10.0         # waiting for a free pooled connection


DEFAULT_LIMITS = PgLimits()
# Operator commands that read a lot at once (export, report, digest from the CLI): nobody
# waits in a chat for them, so a large database may take minutes, not seconds.
BATCH_LIMITS = PgLimits(statement=900.0, lock=60.0, idle_in_transaction=900.0)
_SETTING = re.compile(r"(?:-c\s*|--)([A-Za-z_.]+)=(\S+)")
_DURATION = re.compile(r"'?(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?'?")
_UNIT = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0}


def normalize_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgresql:// URLs."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def make_engine(url: str, *, limits: PgLimits = DEFAULT_LIMITS, **kwargs: Any) -> Engine:
    """Create an engine tuned for the backend behind ``url``."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        connect_args = {"check_same_thread": False, "timeout": 30}
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        _tune_sqlite(engine)
        return engine
    connect_args, wait_limit = pg_connect_args(url, kwargs.pop("connect_args", {}), limits)
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_timeout", limits.pool_timeout)
    engine = create_engine(url, connect_args=connect_args, **kwargs)
    if engine.dialect.driver == "psycopg":
        from storage.pg_waits import bound_waits  # psycopg is loaded for PostgreSQL only

        bound_waits(engine, wait_limit)
    return engine


def pg_connect_args(url: str, given: dict[str, Any],
                    limits: PgLimits = DEFAULT_LIMITS) -> tuple[dict[str, Any], float | None]:
    """libpq parameters with our limits where neither the URL nor ``given`` set one, and the
    client-side wait limit that follows from the statement timeout (None: no limit)."""
    query = dict(make_url(url).query)
    args = dict(given)

    def default(key: str, value: Any) -> None:
        if key not in query and key not in args:
            args[key] = value

    default("connect_timeout", limits.connect)
    default("keepalives", 1)
    default("keepalives_idle", limits.keepalive_idle)
    default("keepalives_interval", limits.keepalive_interval)
    default("keepalives_count", limits.keepalive_count)
    default("tcp_user_timeout", int(limits.tcp_user_timeout * 1000))
    options = str(args.get("options", query.get("options", "")) or "")
    settings = server_settings(options)
    wanted = {"statement_timeout": limits.statement, "lock_timeout": limits.lock,
              "idle_in_transaction_session_timeout": limits.idle_in_transaction}
    extra = [f"-c {name}={int(seconds * 1000)}" for name, seconds in wanted.items()
             if name not in settings]
    args["options"] = " ".join([options, *extra]).strip()
    statement = (seconds_of(settings["statement_timeout"]) if "statement_timeout" in settings
                 else limits.statement)
    return args, (statement + limits.grace) if statement else None


def server_settings(options: str) -> dict[str, str]:
    """The ``-c name=value`` settings in a libpq ``options`` string."""
    return {name.lower(): value for name, value in _SETTING.findall(options)}


def seconds_of(value: str) -> float:
    """A PostgreSQL duration setting ('15000', '15s', '1min') in seconds; 0 when unreadable."""
    found = _DURATION.fullmatch(value.strip())
    if not found:
        return 0.0
    return float(found.group(1)) * _UNIT[found.group(2) or "ms"]


@contextmanager
def patient(connection: Connection, seconds: float) -> Iterator[None]:
    """Within the open transaction of ``connection``, let statements run (and wait for locks)
    up to ``seconds`` (0: without limit), e.g. for schema migrations. PostgreSQL only."""
    if connection.dialect.name != "postgresql":
        yield
        return
    ms = int(seconds * 1000)
    connection.execute(text(f"SET LOCAL statement_timeout = {ms}"))
    connection.execute(text(f"SET LOCAL lock_timeout = {ms}"))
    from storage.pg_waits import BoundedConnection

    raw = connection.connection.dbapi_connection
    if not isinstance(raw, BoundedConnection):
        yield
        return
    before = raw.wait_limit
    raw.wait_limit = (seconds + DEFAULT_LIMITS.grace) if seconds else None
    try:
        yield
    finally:
        raw.wait_limit = before


SQLITE_BUSY_SECONDS = 30.0
# Each pooled connection keeps its own page cache (SQLite's default: up to 2 MiB); serve holds
# a dozen or more. Pages not cached come from the operating system's file cache, which holds
# the database once for all of them, at a few microseconds a page. -512: 512 KiB each.
SQLITE_CACHE_KIB = -512


def _tune_sqlite(engine: Engine) -> None:
    """WAL, a busy timeout, foreign keys, and BEGIN IMMEDIATE so writers queue, not fail.

    SQLite has one writer per file, and a connection that finds the file locked sleeps in
    SQLite's busy handler (1, 2, 5, 10 … 100 ms) however soon the lock is free: with a few
    threads writing, most of a burst was spent asleep. So the engine's writers also queue on
    a lock of this process, which wakes the next one the moment a transaction ends; SQLite's
    own lock and busy timeout still guard against other processes."""
    writer = threading.Lock()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA cache_size={SQLITE_CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        holds = writer.acquire(timeout=SQLITE_BUSY_SECONDS)  # else SQLite's busy handler
        conn.info["holds_writer"] = holds
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _let_go(conn.info)
            raise

    def _let_go(info: dict[str, Any]) -> None:
        if info.pop("holds_writer", False):
            writer.release()

    @event.listens_for(engine, "commit")
    def _on_commit(conn: Any) -> None:
        # SQLAlchemy fires this before its own COMMIT: commit here first, so the next writer
        # never finds the file still locked (SQLite's busy handler would sleep 1 ms or more
        # while holding the queue); SQLAlchemy's COMMIT then finds no transaction and does
        # nothing. A failure is left to that COMMIT, to meet again and report as usual.
        try:
            conn.connection.dbapi_connection.commit()
        except Exception:  # noqa: BLE001, S110 - reported by SQLAlchemy's own COMMIT next
            pass
        finally:
            _let_go(conn.info)

    @event.listens_for(engine, "rollback")
    def _on_rollback(conn: Any) -> None:
        _let_go(conn.info)

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        _let_go(record.info)  # a transaction that ended without commit or rollback


# One reader per engine, forgotten with it (an id could come back for another database).
_READERS: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def reader_for(engine: Engine) -> Engine:
    """An engine for plain reads: on SQLite one without BEGIN IMMEDIATE (WAL lets it read
    while a writer works); on PostgreSQL ``engine`` itself."""
    if engine.dialect.name != "sqlite":
        return engine
    if engine not in _READERS:
        reader = create_engine(engine.url, connect_args={"check_same_thread": False,
                                                         "timeout": 30})
        event.listen(reader, "connect", _small_cache)
        _READERS[engine] = reader
    return _READERS[engine]


def _small_cache(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute(f"PRAGMA cache_size={SQLITE_CACHE_KIB}")


def is_postgres(engine: Engine) -> bool:
    """True when the engine talks to PostgreSQL."""
    return engine.dialect.name == "postgresql"


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session whose work commits on success and rolls back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
