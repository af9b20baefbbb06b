"""Timestamps: stored in UTC, read back aware; on SQLite the stored text is exactly what
SQLAlchemy's own DATETIME writes, so rows written before and after compare and sort alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import DateTime, Engine, bindparam, select
from sqlalchemy.dialects import sqlite
from sqlmodel import Session

from storage.models import Person
from storage.types import UTCDateTime

SHANGHAI = timezone(timedelta(hours=8))
MOMENTS = [
    datetime(2026, 12, 7, 9, 30, tzinfo=SHANGHAI),  # a whole second: ".000000" all the same
    datetime(2026, 12, 7, 1, 30, 0, 1, tzinfo=UTC),
    datetime(2026, 2, 28, 23, 59, 59, 999999, tzinfo=UTC),
    datetime(1, 1, 2, 0, 0, tzinfo=UTC),  # a four-digit year, zero-padded
    datetime(9999, 12, 31, 15, 59, 59, 123456, tzinfo=SHANGHAI),
]


@pytest.mark.parametrize("moment", MOMENTS, ids=str)
def test_sqlite_text_is_sqlalchemys_own(moment: datetime) -> None:
    dialect = sqlite.dialect()
    ours = UTCDateTime().bind_processor(dialect)
    theirs = DateTime().dialect_impl(dialect).bind_processor(dialect)
    assert ours is not None and theirs is not None
    assert ours(moment) == theirs(moment.astimezone(UTC).replace(tzinfo=None))


def test_naive_and_non_datetime_values_are_refused_before_anything_is_written() -> None:
    process = UTCDateTime().bind_processor(sqlite.dialect())
    assert process is not None and process(None) is None
    with pytest.raises(ValueError, match="naive"):
        process(datetime(2026, 12, 7, 9, 30))
    with pytest.raises(TypeError, match="expected a datetime"):
        process("2026-12-07 09:30:00")


def test_stored_moments_come_back_aware_and_compare_in_order(engine: Engine) -> None:
    later = datetime(2026, 12, 7, 9, 30, 0, 500000, tzinfo=SHANGHAI)
    with Session(engine) as session:
        session.add(Person(id="ann", name="Ann", created_at=later))
        session.add(Person(id="bo", name="Bo", created_at=later - timedelta(microseconds=1)))
        session.commit()
        assert session.get(Person, "ann").created_at == later  # type: ignore[union-attr]
        ids = session.execute(select(Person.id).where(Person.created_at >= bindparam("at"))  # type: ignore[arg-type]
                              .order_by(Person.created_at), {"at": later}).scalars().all()  # type: ignore[arg-type]
    assert ids == ["ann"]
