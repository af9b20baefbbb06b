"""Reads that never wait for SQLite's write lock (the dispatcher holds it while it sends)."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import create_engine


def reader_for(engine: Engine) -> Engine:
    """An engine for plain reads: on SQLite one without BEGIN IMMEDIATE; otherwise ``engine``.

    storage.engine opens every SQLite transaction with BEGIN IMMEDIATE, so a read made from
    inside Sender.send (called within the dispatcher's transaction) would wait 30 s and fail.
    WAL lets this deferred-transaction engine read the same file meanwhile.
    """
    if engine.dialect.name != "sqlite":
        return engine
    return create_engine(engine.url, connect_args={"check_same_thread": False, "timeout": 30})
