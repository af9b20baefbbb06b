"""Shared fixtures: a real database (SQLite file, or PostgreSQL when configured), the sample
company, a time-travelling clock, the console transcript, and no network beyond loopback."""

from __future__ import annotations

import io
import os
import socket
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine, text

from bot.adapters.console import ConsoleSession
from bot.runtime import app as app_mod
from bot.runtime import config as config_mod
from bot.runtime.clock import ManualClock
from storage import migrate
from storage.engine import make_engine

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "config.example.toml"
PG_URL = os.environ.get("CROSSDESK_TEST_DATABASE_URL")
SHANGHAI = ZoneInfo("Asia/Shanghai")

# Property tests check what is parsed, not how fast: a busy CI machine must not turn a slow
# example into a failure (Hypothesis' default deadline is 200 ms per example).
hypothesis_settings.register_profile("crossdesk", deadline=None)
hypothesis_settings.load_profile("crossdesk")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any attempt to reach a host other than this machine."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else str(address)
        if self.family in (socket.AF_INET, socket.AF_INET6) and not (
            str(host).startswith("127.") or host in ("::1", "localhost")
        ):
            raise RuntimeError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)


def local(text_time: str) -> datetime:
    """A local Asia/Shanghai wall time as an aware datetime."""
    return datetime.fromisoformat(text_time).replace(tzinfo=SHANGHAI)


@pytest.fixture(scope="session")
def settings() -> config_mod.Settings:
    """The sample company from config.example.toml."""
    return config_mod.load(EXAMPLE)


# Each test run works in its own PostgreSQL schema, so parallel runs never disturb each other.
PG_SCHEMA = f"crossdesk_test_{os.getpid()}"
PG_SCHEMA_URL = (
    f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{PG_SCHEMA}"
    if PG_URL else None
)


def pg_engine() -> Engine:
    """An engine whose search_path is this run's private schema."""
    assert PG_SCHEMA_URL
    return make_engine(PG_SCHEMA_URL)


@pytest.fixture(scope="session")
def _pg_schema() -> Iterator[None]:
    """Create this run's schema and migrate it once; drop it at the end."""
    if not PG_URL:
        yield
        return
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
    eng = pg_engine()
    migrate.upgrade(eng)
    eng.dispose()
    yield
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
    admin.dispose()


def _truncate(engine: Engine) -> None:
    with engine.begin() as conn:
        tables = conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = :schema "
            "AND tablename <> 'alembic_version'"), {"schema": PG_SCHEMA}).scalars().all()
        if tables:
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """The database URL of this test (PostgreSQL: see pg_engine for the schema)."""
    if PG_SCHEMA_URL:
        return PG_SCHEMA_URL
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def engine(database_url: str, _pg_schema: None) -> Iterator[Engine]:
    """An engine on a migrated, empty database."""
    if PG_URL:
        eng = pg_engine()
        _truncate(eng)
    else:
        eng = make_engine(database_url)
        migrate.upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def clock() -> ManualClock:
    """Monday 23 November 2026, 09:00 in Shanghai, until a test moves it."""
    return ManualClock(local("2026-11-23T09:00"))


@pytest.fixture
def desk_app(settings: config_mod.Settings, engine: Engine, clock: ManualClock) -> app_mod.DeskApp:
    """The desk wired to the test database and clock."""
    return app_mod.build(settings, clock, engine=engine, upgrade=False)


class Transcript:
    """Type console lines and read what the bot printed (errbot testbot style)."""

    def __init__(self, app: app_mod.DeskApp, clock: ManualClock) -> None:
        self.out = io.StringIO()
        self.session = ConsoleSession(app, clock, self.out)
        self.app = app

    def __call__(self, *lines: str) -> str:
        """Run lines; return only what they printed."""
        start = self.out.tell()
        self.session.run(lines)
        self.out.seek(start)
        printed = self.out.read()
        return printed


@pytest.fixture
def chat(desk_app: app_mod.DeskApp, clock: ManualClock) -> Transcript:
    """A console transcript on the sample company."""
    return Transcript(desk_app, clock)
