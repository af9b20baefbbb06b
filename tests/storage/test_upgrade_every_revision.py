"""Upgrades keep every row: a database at each earlier revision, with rows in every table it
has, upgraded to head still holds them all, unchanged (but for what a migration says it
removes), new columns hold their defaults, and the desk works on it: a new request follows
the old numbers, a sweep sends what was left pending, the digest of the old week counts the
old requests and ratings."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Connection, DateTime, Engine, MetaData, Table, func, inspect, select
from sqlalchemy import text as sql
from sqlmodel import Session, SQLModel

from bot.runtime import app as app_mod
from bot.runtime.clock import ManualClock
from bot.runtime.dispatch import Dispatcher
from bot.runtime.scheduler import tick
from handlers.digest import bounds, compute
from storage import migrate
from storage.engine import make_engine
from storage.types import UTCDateTime
from tests.bot.runtime.test_scheduler import Recorder
from tests.conftest import PG_URL, local
from tests.storage import old_rows
from tests.storage.old_rows import Row

SCRIPTS = ScriptDirectory.from_config(migrate.alembic_config())
HEAD = SCRIPTS.get_current_head()
EARLIER = [s.revision for s in reversed(list(SCRIPTS.walk_revisions())) if s.revision != HEAD]
Snapshot = dict[tuple[Any, ...], Row]  # a table's rows by primary key


@dataclass(frozen=True)
class Loss:
    """Rows a migration removes on purpose, as its code says: the whole table (``keeps``
    None: it drops the table) or the rows ``keeps`` turns down."""

    revision: str
    table: str
    why: str
    keeps: Callable[[Row], bool] | None = None


# The only rows an upgrade may lose; any other loss fails the test (the table 0004 created,
# inbox, is dropped by 0005 on purpose: the checks below also find it named in 0005's code).
DOCUMENTED = (
    Loss("0005", "inbox", "the Slack inbox goes: each delivery is claimed with its change"),
    Loss("0005", "seen_nonce", "Slack's claims lived among WeCom's nonces; deliveries now",
         lambda row: not str(row["nonce"]).startswith("slack:")),
    Loss("0006", "platform_token", "WeCom tokens under a key holding part of the secret",
         lambda row: str(row["key"]).startswith(("wecom:", "slack:"))
         or not str(row["key"]).endswith("access_token")),
)


@dataclass(frozen=True)
class Fill:
    """A column a migration adds and fills from each row, as its code says: ``value`` is what
    a row written before the upgrade holds in it after (the others hold head's default)."""

    revision: str
    table: str
    column: str
    value: Callable[[Row], Any]


# The story's requests were never reopened nor transferred: their cycle is the clock's.
FILLED = (
    Fill("0019", "request", "cycle_started_at", lambda row: row.get("clock_started_at")),
    Fill("0019", "request", "cycle_paused_seconds", lambda row: row.get("paused_seconds", 0)),
    Fill("0019", "request", "cycle_paused_wall_seconds",
         lambda row: row.get("paused_seconds", 0)),
)


@pytest.fixture
def old_engine(tmp_path: Path) -> Iterator[Engine]:
    """An empty database of its own: a SQLite file, or a fresh PostgreSQL schema (the
    conftest's way: search_path in the URL), dropped afterwards."""
    if not PG_URL:
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
        return
    schema = f"crossdesk_upgrade_{os.getpid()}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(sql(f"CREATE SCHEMA {schema}"))
    engine = make_engine(
        f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


def _shapes(engine: Engine) -> dict[str, Table]:
    """Every table of the database as it is now (in foreign-key order), with our column
    types where head still has the column (timestamps in and out as aware UTC)."""
    with warnings.catch_warnings():  # SQLite cannot reflect request's expression index
        warnings.filterwarnings("ignore", "Skipped unsupported reflection")
        insp = inspect(engine)
        names = [n for n, _ in insp.get_sorted_table_and_fkc_names()
                 if n and n != "alembic_version"]
        shapes = {}
        for name in names:
            head = SQLModel.metadata.tables.get(name)
            keys = set(insp.get_pk_constraint(name)["constrained_columns"])
            foreign = {c for fk in insp.get_foreign_keys(name) for c in fk["constrained_columns"]}
            columns = []
            for info in insp.get_columns(name):
                kind = head.c[info["name"]].type if head is not None and info["name"] in head.c \
                    else info["type"]
                if isinstance(kind, DateTime):
                    kind = UTCDateTime()
                column = Column(info["name"], kind, primary_key=info["name"] in keys,
                                nullable=info["nullable"])
                column.info.update(foreign=info["name"] in foreign,
                                   required=not info["nullable"] and info["default"] is None)
                columns.append(column)
            shapes[name] = Table(name, MetaData(), *columns)
    return shapes


def _rows_for(name: str, table: Table, story: dict[str, list[Row]]) -> list[Row]:
    """The story's rows, or one row for a table without one; required columns filled in."""
    rows = [dict(row) for row in story.get(name) or [{}]]
    for row in rows:
        for column in table.columns:
            if column.name not in row and column.info["required"]:
                row[column.name] = old_rows.filler(name, column.name, column.type,
                                                   column.info["foreign"])
    return rows


def _write(engine: Engine, shapes: dict[str, Table]) -> dict[str, list[Row]]:
    """Rows in every table; on PostgreSQL the id sequences then continue after them, as
    they would after the app had written them."""
    story = old_rows.story({name: set(t.columns.keys()) for name, t in shapes.items()})
    written = {name: _rows_for(name, table, story) for name, table in shapes.items()}
    with engine.begin() as conn:
        for name, table in shapes.items():
            for row in written[name]:  # one by one: rows may set different columns
                conn.execute(table.insert(), row)
            if conn.dialect.name == "postgresql":
                _continue_sequence(conn, name, table)
    return written


def _continue_sequence(conn: Connection, name: str, table: Table) -> None:
    """Move a serial id's sequence past the ids written by hand."""
    sequence = conn.execute(select(func.pg_get_serial_sequence(name, "id"))).scalar() \
        if "id" in table.c else None
    if sequence:
        conn.execute(select(func.setval(sequence, select(func.max(table.c.id)).scalar_subquery())))


def _read(conn: Connection, table: Table) -> Snapshot:
    keys = list(table.primary_key.columns)
    return {tuple(row[c] for c in keys): dict(row)
            for row in conn.execute(select(table)).mappings()}


def _default(column: Column[Any]) -> Any:
    """What head's model gives a row that never set ``column`` (a scalar default or None)."""
    default = column.default
    return getattr(default, "arg", None) if default is not None and default.is_scalar else None


@pytest.mark.parametrize("revision", EARLIER)
def test_upgrade_keeps_every_row_and_the_desk_works(revision, old_engine, settings, clock):
    migrate.upgrade(old_engine, revision)
    shapes = _shapes(old_engine)
    written = _write(old_engine, shapes)
    with old_engine.connect() as conn:
        counts = {n: conn.execute(select(func.count()).select_from(t)).scalar_one()
                  for n, t in shapes.items()}
        before = {name: _read(conn, table) for name, table in shapes.items()}
    assert [n for n, count in counts.items() if count == 0] == []  # no table skipped

    migrate.upgrade(old_engine)
    assert migrate.current_revision(old_engine) == HEAD
    applied = {step.revision for step in migrate.steps_between(revision, HEAD)}
    losses = [loss for loss in DOCUMENTED if loss.revision in applied and loss.table in shapes]
    dropped = {loss.table for loss in losses if loss.keeps is None}
    assert set(shapes) - set(_shapes(old_engine)) == dropped  # only where a migration says
    for loss in losses:
        script = SCRIPTS.get_revision(loss.revision)
        assert script is not None and loss.table in Path(script.path).read_text()  # its code
    fills = [fill for fill in FILLED if fill.revision in applied and fill.table in shapes]
    for fill in fills:
        script = SCRIPTS.get_revision(fill.revision)
        assert script is not None and fill.column in Path(script.path).read_text()  # its code
    with old_engine.connect() as conn:
        for name, table in shapes.items():
            if name not in dropped:
                _assert_kept(conn, table, before[name], written[name],
                             [loss.keeps for loss in losses if loss.table == name and loss.keeps],
                             {f.column: f.value for f in fills if f.table == name})

    requests = len(old_rows.requests_at({n: set(t.columns.keys()) for n, t in shapes.items()}))
    _assert_desk_works(app_mod.build(settings, clock, engine=old_engine, upgrade=False),
                       clock, requests)


def _assert_kept(conn: Connection, table: Table, before: Snapshot, written: list[Row],
                 keeps: list[Callable[[Row], bool]],
                 filled: dict[str, Callable[[Row], Any]]) -> None:
    """The table holds the rows it held (but those a migration removes), with the values
    written; the columns added since hold head's defaults, or what a migration filled them
    with (``filled``: the value for each row, by column)."""
    expected = {key: row for key, row in before.items() if all(k(row) for k in keeps)}
    after = _read(conn, table)
    assert after == expected, f"{table.name}: rows lost or changed by the upgrade"
    keys = list(table.primary_key.columns.keys())
    for row in written:
        key = tuple(row[k] for k in keys)
        if key in expected:
            assert {c: after[key][c] for c in row} == row, f"{table.name} {key}"
    head = SQLModel.metadata.tables.get(table.name)
    for column in [c for c in head.columns if c.name not in table.c] if head is not None else []:
        if column.name in filled:
            got = {tuple(row[k] for k in keys): row[column.name]
                   for row in conn.execute(select(head)).mappings()}
            assert got == {key: filled[column.name](row) for key, row in expected.items()}, \
                f"{table.name}.{column.name} after the upgrade"
            continue
        values = set(conn.execute(select(column)).scalars())
        assert values == {_default(column)}, f"{table.name}.{column.name} after the upgrade"


def _assert_desk_works(app: app_mod.DeskApp, clock: ManualClock, requests: int) -> None:
    """A new request takes the next number; a sweep sends what was left pending (and not
    what was sent or refused for good) and posts the old week's digest, which counts the
    old requests and ratings."""
    opened = app.handle("henry", "/request finance reimbursement amount=86 taxi")
    assert f"FIN-{requests + 1}" in opened.text
    clock.set(local("2026-11-23T15:00"))
    recorder = Recorder()
    ticked = tick(app, Dispatcher(app.desk.engine, lambda _m: recorder, clock))
    sent = [m.text for m in recorder.sent]
    assert ticked.sweep.claimed >= 1 and old_rows.PENDING_TEXT in sent
    assert not set(sent) & set(old_rows.DONE_TEXTS)
    posted = [m.text for m in recorder.sent if m.kind == "digest" and m.target == "dept:finance"]
    assert posted and "3.5★" in posted[0] and "(2★, FIN-7)" in posted[0]  # W47's, posted now
    with Session(app.desk.engine) as session:
        finance = compute(session, app.desk, *bounds(app.desk, old_rows.W47))["finance"]
    assert finance.received == requests  # every old request, in every state
    assert finance.closed == 2 and sorted(finance.stars) == [2, 5]
    assert finance.tags["timely"] == 1
