"""wechatpy's SessionStorage on our database: every replica shares one access token."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session
from wechatpy.session import SessionStorage

from handlers.desk import Clock
from storage import wecom_store
from storage.engine import transaction

log = logging.getLogger(__name__)
# Treat a token as gone this long before WeCom would, so no call races its expiry.
EARLY = timedelta(minutes=5)
WRITE_WAIT = 0.25


class DatabaseStorage(SessionStorage):  # type: ignore[misc]
    """Values live in ``platform_token`` with an expiry, and in memory for this process.

    Writes go through one background thread: the dispatcher may hold SQLite's write lock
    while a send fetches a new token, and the send must not wait for its own transaction.
    """

    def __init__(self, engine: Engine, clock: Clock, reader: Engine | None = None) -> None:
        self.engine = engine
        self.reader = reader or engine
        self.clock = clock
        self._memory: dict[str, tuple[Any, datetime | None]] = {}
        self._lock = threading.Lock()
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wecom-token")
        self._pending: list[Future[None]] = []

    def get(self, key: str, default: Any = None) -> Any:
        """The live value for ``key`` (memory first, then the shared table)."""
        now = self.clock()
        with self._lock:
            cached = self._memory.get(key)
        if cached is not None and (cached[1] is None or cached[1] > now):
            return cached[0]
        try:
            with Session(self.reader) as session:
                found = wecom_store.get_token(session, key, now)
        except SQLAlchemyError:
            log.warning("could not read the shared WeCom token", exc_info=True)
            return default
        if found is None:
            return default
        with self._lock:
            self._memory[key] = found
        return found[0]

    def set(self, key: str, value: Any, ttl: int | None = None) -> None:
        """Remember ``value`` for ``ttl`` seconds (less a safety margin: ``EARLY``, or half
        the lifetime when that is shorter, so a short-lived token is still used), for every
        replica."""
        expires = None
        if ttl:
            lifetime = timedelta(seconds=ttl)
            expires = self.clock() + lifetime - min(EARLY, lifetime / 2)
        with self._lock:
            self._memory[key] = (value, expires)
        self._write(lambda s: wecom_store.put_token(s, key, str(value), expires))

    def delete(self, key: str) -> None:
        """Forget ``key`` here and in the shared table."""
        with self._lock:
            self._memory.pop(key, None)
        self._write(lambda s: wecom_store.delete_token(s, key))

    def _write(self, work: Any) -> None:
        def run() -> None:
            try:
                with transaction(self.engine) as session:
                    work(session)
            except SQLAlchemyError:
                log.warning("could not store the shared WeCom token", exc_info=True)

        future = self._writer.submit(run)
        with self._lock:
            self._pending = [f for f in self._pending if not f.done()] + [future]
        try:
            future.result(timeout=WRITE_WAIT)
        except TimeoutError:
            log.info("the shared WeCom token is being written in the background")

    def flush(self, timeout: float = 30.0) -> None:
        """Wait until every write has reached the database."""
        with self._lock:
            pending = list(self._pending)
        for future in pending:
            future.result(timeout=timeout)

    def close(self) -> None:
        """Finish pending writes and stop the writer thread. The reader is not this store's to
        release: it is the desk's shared one (``serve`` disposes it)."""
        self._writer.shutdown(wait=True)
