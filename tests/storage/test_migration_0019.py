"""Migration 0019: a request's current cycle (its start and its waits) and the cycle its stay
at a desk began with are filled from its events, so an upgraded request is retargeted from
the same start with the same waits as before the upgrade."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from storage import migrate
from storage.types import UTCDateTime
from tests.storage.test_upgrade_every_revision import old_engine  # noqa: F401 - a fixture

T0 = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)  # Monday 16 November 2026, 09:00 in Shanghai
H, D = timedelta(hours=1), timedelta(days=1)

REQUEST = sa.table(
    "request", *(sa.column(name) for name in (
        "id", "ref", "number", "origin_department", "department", "category", "requester_id",
        "priority", "state", "title", "details", "paused_seconds", "cycle")),
    *(sa.column(name, UTCDateTime()) for name in ("created_at", "updated_at",
                                                  "clock_started_at")))
EVENT = sa.table("event", *(sa.column(name) for name in (
    "id", "request_id", "actor_id", "kind", "from_state", "to_state")),
    sa.column("at", UTCDateTime()))


def _request(number: int, state: str, *, clock: datetime | None, cycle: int = 0,
             paused: int = 0) -> dict[str, object]:
    return {"id": number, "ref": f"FIN-{number}", "number": number,
            "origin_department": "finance", "department": "finance",
            "category": "reimbursement", "requester_id": "henry", "priority": "P3",
            "state": state, "title": "taxi", "details": "taxi", "paused_seconds": paused,
            "cycle": cycle, "created_at": T0, "updated_at": T0, "clock_started_at": clock}


# (request, kind, to_state, at) of each event, in order
STORY = [
    # FIN-1: an hour's wait, resolved, reopened on Wednesday, then two hours' wait (Wed 10:00
    # to 12:00, business hours): the cycle began at the reopen and waited 2 h
    (1, "opened", "open", T0), (1, "waiting", "waiting", T0 + H),
    (1, "resumed", "in_progress", T0 + 2 * H), (1, "resolved", "resolved", T0 + D),
    (1, "reopened", "in_progress", T0 + 2 * D), (1, "waiting", "waiting", T0 + 2 * D + H),
    (1, "resumed", "in_progress", T0 + 2 * D + 3 * H),
    # FIN-2: reopened once at Finance, transferred to IT on Wednesday (its clock's start),
    # waited an hour there, resolved and reopened on Thursday: the stay began with cycle 1
    # (the reopen before the transfer), the cycle at Thursday's reopen, no wait since
    (2, "opened", "open", T0), (2, "resolved", "resolved", T0 + H),
    (2, "reopened", "in_progress", T0 + 2 * H), (2, "transferred", "open", T0 + 2 * D),
    (2, "waiting", "waiting", T0 + 2 * D + H), (2, "resumed", "in_progress", T0 + 2 * D + 2 * H),
    (2, "resolved", "resolved", T0 + 2 * D + 3 * H), (2, "reopened", "in_progress", T0 + 3 * D),
    # FIN-3: never reopened; a wait from Friday 17:00 to Monday 10:00: 2 h of business time
    # (paused_seconds), 65 h of wall time
    (3, "opened", "open", T0), (3, "waiting", "waiting", T0 + 4 * D + 8 * H),
    (3, "resumed", "in_progress", T0 + 7 * D + H),
    # FIN-4: waits for approval: no clock yet
    (4, "opened", "pending_approval", T0),
    # FIN-5: a desk proposal waited 2 h until the requester agreed; a question since, still
    # unanswered (a running wait is added when it ends)
    (5, "opened", "open", T0), (5, "proposed", None, T0 + H), (5, "agreed", None, T0 + 3 * H),
    (5, "waiting", "waiting", T0 + 5 * H),
]


def test_upgrade_fills_each_requests_cycle_from_its_events(old_engine):  # noqa: F811
    migrate.upgrade(old_engine, "0018")
    with old_engine.begin() as conn:
        conn.execute(REQUEST.insert(), [
            _request(1, "in_progress", clock=T0, cycle=1, paused=1800 + 7200),
            _request(2, "in_progress", clock=T0 + 2 * D, cycle=2, paused=3600),
            _request(3, "in_progress", clock=T0, paused=7200),
            _request(4, "pending_approval", clock=None),
            _request(5, "waiting", clock=T0, paused=7200)])
        conn.execute(EVENT.insert(), [
            {"id": i, "request_id": rid, "actor_id": "bob", "kind": kind, "from_state": None,
             "to_state": to, "at": at} for i, (rid, kind, to, at) in enumerate(STORY, 1)])
    migrate.upgrade(old_engine)
    request = sa.table("request", sa.column("id"), sa.column("cycle_started_at", UTCDateTime()),
                       sa.column("cycle_paused_seconds"), sa.column("cycle_paused_wall_seconds"),
                       sa.column("stay_cycle"))
    with old_engine.connect() as conn:
        rows = {r[0]: tuple(r[1:]) for r in conn.execute(
            sa.select(request).order_by(request.c.id))}
    assert rows == {
        1: (T0 + 2 * D, 7200, 7200, 0),  # the reopen's cycle: its own wait only
        2: (T0 + 3 * D, 0, 0, 1),  # the IT stay began with cycle 1; no wait since Thursday
        3: (T0, 7200, 65 * 3600, 0),  # business time as it was counted, wall time too
        4: (None, 0, 0, 0),
        5: (T0, 7200, 7200, 0),
    }
