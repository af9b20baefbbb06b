"""Migration 0007: breach rows and claims from before keep meaning what they meant, so an
upgrade neither loses a recorded miss nor sends a desk nudge again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from storage import migrate
from storage.engine import make_engine

T0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def test_upgrade_numbers_old_breaches_and_rekeys_desk_claims(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    migrate.upgrade(engine, "0006")
    stamp = int(T0.timestamp())
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO request (id, ref, number, origin_department, department, category, "
            "requester_id, priority, state, title, details, created_at, updated_at, "
            "paused_seconds) VALUES (1, 'FIN-1', 1, 'finance', 'finance', 'reimbursement', "
            "'henry', 'P3', 'in_progress', 'taxi', 'taxi', :t, :t, 0)"), {"t": T0})
        # a pause moved the due time: the old key recorded the same miss twice
        for due in (T0, T0 + timedelta(minutes=30)):
            conn.execute(text(
                "INSERT INTO breach (request_id, department, target, due_at, detected_at) "
                "VALUES (1, 'finance', 'resolution', :due, :due)"), {"due": due})
        for key in (f"1:escalate:resolution:{stamp}:1:person:carol",
                    f"1:escalate:resolution:{stamp + 1800}:1:person:carol",
                    f"1:remind_waiting::{stamp}:1:person:henry"):
            conn.execute(text("INSERT INTO nudge_claim (key, request_id, claimed_at) "
                              "VALUES (:key, 1, :t)"), {"key": key, "t": T0})
    migrate.upgrade(engine)
    with engine.connect() as conn:
        cycles = conn.execute(text("SELECT cycle FROM breach ORDER BY due_at")).scalars().all()
        keys = set(conn.execute(text("SELECT key FROM nudge_claim")).scalars())
        request_cycle = conn.execute(text("SELECT cycle FROM request")).scalar_one()
    engine.dispose()
    assert cycles == [0, 1]  # both rows kept, each under its own key
    assert request_cycle == 0
    assert keys == {"1:c0:finance:escalate:resolution:1:person:carol",
                    f"1:remind_waiting::{stamp}:1:person:henry"}
