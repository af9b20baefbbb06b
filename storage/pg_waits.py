"""PostgreSQL connections whose every wait for the server is bounded. Its own module so that
psycopg (about 10 MB resident) is loaded only by a process that uses PostgreSQL."""

from __future__ import annotations

from typing import Any

import psycopg
from sqlalchemy import Engine, event


class _NoWaitTimeout(Exception):
    """Stands in (never raised) if psycopg stops offering a timeout on Connection.wait."""


# psycopg (3.2+) raises this, an OperationalError, when Connection.wait's timeout expires
_WAIT_TIMEOUT: type[Exception] = getattr(psycopg.errors, "_WaitTimeout", _NoWaitTimeout)


class BoundedConnection(psycopg.Connection[Any]):
    """A psycopg connection that stops waiting for the server after ``wait_limit`` seconds.

    The server's own timeouts end slow statements cleanly; this catches a server (or a
    network path) that does not answer at all. The connection is closed, because its
    protocol state is unknown, and the OperationalError lets the pool replace it."""

    wait_limit: float | None = None

    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        limit = self.wait_limit
        if timeout is not None or not limit:
            return super().wait(gen, interval, timeout)
        try:
            return super().wait(gen, interval, limit)
        except _WAIT_TIMEOUT:
            self.pgconn.finish()
            raise psycopg.OperationalError(
                f"the database did not answer within {limit:g} s; connection closed") from None


def bound_waits(engine: Engine, wait_limit: float | None) -> None:
    """Open every PostgreSQL connection of ``engine`` as a BoundedConnection (when this
    psycopg offers a timeout on Connection.wait)."""
    if _WAIT_TIMEOUT is _NoWaitTimeout:
        return

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        conn = BoundedConnection.connect(*cargs, **cparams)
        conn.wait_limit = wait_limit
        return conn
