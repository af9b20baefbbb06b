"""The config fingerprint's compare-and-set: two processes starting together with the same
new config find it new once, and neither fails."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from storage import fingerprints
from storage.engine import transaction

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
A, B = "a" * 64, "b" * 64


def record(engine: Engine, sha256: str) -> fingerprints.Seen:
    with transaction(engine) as session:
        return fingerprints.record(session, "sweep", sha256, NOW)


def test_first_then_same_then_changed(engine):
    assert record(engine, A) == "first"
    assert record(engine, A) == "same"
    assert record(engine, B) == "changed"
    assert record(engine, B) == "same"


@pytest.mark.parametrize("kept", [None, A])
def test_two_starting_together_find_the_new_one_once(engine, kept):
    """The first holds its transaction open while the second records the same fingerprint:
    the second waits for it (PostgreSQL's row lock or unique index; SQLite's one writer),
    then finds it kept."""
    if kept:
        record(engine, kept)
    found: list[str] = []
    with transaction(engine) as first:
        found.append(fingerprints.record(first, "sweep", B, NOW))
        second = threading.Thread(target=lambda: found.append(record(engine, B)))
        second.start()
        second.join(timeout=0.5)
        assert second.is_alive()  # waiting for the first to end
    second.join(timeout=30)
    assert found == ["changed" if kept else "first", "same"]


def test_a_different_one_recorded_meanwhile_is_still_a_change(engine):
    found: list[str] = []
    with transaction(engine) as first:
        found.append(fingerprints.record(first, "sweep", A, NOW))
        second = threading.Thread(target=lambda: found.append(record(engine, B)))
        second.start()
        second.join(timeout=0.5)
    second.join(timeout=30)
    assert found == ["first", "changed"]
