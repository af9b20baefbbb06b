"""request: the current cycle's start and waits, and the cycle a stay at a desk began with

A priority or service change worked the targets out again from the last ``reopened`` event
(one query per request) and took the cycle's waits to be what the target held beyond the
service's length: after a config change of that length the difference counted as a wait,
and a wait measured in one clock (business time, or an after-hours P1's wall time) was
added in the other. The request now keeps ``cycle_started_at`` and the cycle's waits in
both clocks (``cycle_paused_seconds``: the desk's business time; ``cycle_paused_wall_seconds``:
wall time). A transfer now starts a cycle too, so a request back at a desk it left has its
own nudge and kept-target keys there; ``stay_cycle`` is the cycle its stay began with.

Existing rows are filled from their events: the cycle starts at the clock's start, or at the
last reopen after it; the stay began with the number of reopens before the last transfer
(transfers started no cycle before); the cycle's waits are ``paused_seconds`` when it began
with the stay, else the waits since the reopen (wall time from the events; in business time
at most ``paused_seconds``, which the migration cannot count in the desk's hours).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08 10:00:00
"""
from collections.abc import Iterator, Sequence as Seq
from datetime import datetime
from itertools import groupby
from typing import Any, Sequence, Union

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0019'
down_revision: Union[str, None] = '0018'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

BATCH = 1000
PAUSE_STARTS = ("waiting", "proposed")  # a question to the requester, a desk proposal
PAUSE_ENDS = ("resumed", "agreed", "proposal_declined", "countered", "proposal_lapsed",
              "resolved", "transferred", "cancelled", "auto_closed")
KINDS = ("reopened", *PAUSE_STARTS, *PAUSE_ENDS)

REQUEST = sa.table(
    'request', sa.column('id', sa.Integer()), sa.column('cycle', sa.Integer()),
    sa.column('clock_started_at', storage.types.UTCDateTime()),
    sa.column('paused_seconds', sa.Integer()),
    sa.column('cycle_started_at', storage.types.UTCDateTime()),
    sa.column('cycle_paused_seconds', sa.Integer()),
    sa.column('cycle_paused_wall_seconds', sa.Integer()),
    sa.column('stay_cycle', sa.Integer()))
EVENT = sa.table(
    'event', sa.column('id', sa.Integer()), sa.column('request_id', sa.Integer()),
    sa.column('at', storage.types.UTCDateTime()), sa.column('kind', sa.String()),
    sa.column('to_state', sa.String()))

Event = tuple[int, datetime, str, str | None]  # id, at, kind, to_state


def _fill(request: Any, events: Seq[Event]) -> dict[str, Any]:
    """The new columns of one request from its events (in order)."""
    reopens = [(eid, at) for eid, at, kind, to in events
               if kind == "reopened" and to == "in_progress"]  # not a rejection's reopen
    transfers = [eid for eid, _at, kind, _to in events if kind == "transferred"]
    stay = sum(1 for eid, _at in reopens if transfers and eid < transfers[-1])
    clock = request.clock_started_at
    start = clock
    if clock is not None and request.cycle and reopens and reopens[-1][1] > clock:
        start = reopens[-1][1]
    wall, since = 0, None
    for _eid, at, kind, _to in events:
        if start is None or at < start:
            continue
        if kind in PAUSE_STARTS and since is None:
            since = at
        elif kind in PAUSE_ENDS and since is not None:
            wall += int((at - since).total_seconds())
            since = None
    paused = request.paused_seconds
    if start is not None and start != clock:  # reopened at this desk: the waits since
        business = min(paused, wall)
    else:
        business, wall = paused, max(wall, paused)
    return {"rid": request.id, "started": start, "paused": business, "wall": wall,
            "stay": stay}


def _requests_with_events(conn: sa.Connection) -> Iterator[tuple[Any, list[Event]]]:
    """Each request with a reopen, a transfer or a wait, and its events of those kinds."""
    touched = sa.select(EVENT.c.request_id).where(
        EVENT.c.kind.in_(("reopened", "transferred", *PAUSE_STARTS))).distinct()
    requests = {row.id: row for row in conn.execute(
        sa.select(REQUEST.c.id, REQUEST.c.cycle, REQUEST.c.clock_started_at,
                  REQUEST.c.paused_seconds).where(REQUEST.c.id.in_(touched)))}
    rows = conn.execute(
        sa.select(EVENT.c.request_id, EVENT.c.id, EVENT.c.at, EVENT.c.kind, EVENT.c.to_state)
        .where(EVENT.c.request_id.in_(touched), EVENT.c.kind.in_(KINDS))
        .order_by(EVENT.c.request_id, EVENT.c.id))
    for rid, group in groupby(rows, key=lambda row: row.request_id):
        yield requests[rid], [(r.id, r.at, r.kind, r.to_state) for r in group]


def upgrade() -> None:
    # plain ADD COLUMNs (no batch: SQLite's batch mode would reflect the request table, whose
    # expression index it cannot read)
    op.add_column('request', sa.Column('cycle_started_at',
                                       storage.types.UTCDateTime(timezone=True), nullable=True))
    for column in ('cycle_paused_seconds', 'cycle_paused_wall_seconds', 'stay_cycle'):
        op.add_column('request', sa.Column(column, sa.Integer(), nullable=False,
                                           server_default='0'))
    conn = op.get_bind()
    # a cycle that began with the clock (no reopen, no transfer, no wait): its start and waits
    conn.execute(sa.update(REQUEST).values(
        cycle_started_at=REQUEST.c.clock_started_at,
        cycle_paused_seconds=REQUEST.c.paused_seconds,
        cycle_paused_wall_seconds=REQUEST.c.paused_seconds))
    updates = [_fill(request, events) for request, events in _requests_with_events(conn)]
    stmt = sa.update(REQUEST).where(REQUEST.c.id == sa.bindparam('rid')).values(
        cycle_started_at=sa.bindparam('started'), cycle_paused_seconds=sa.bindparam('paused'),
        cycle_paused_wall_seconds=sa.bindparam('wall'), stay_cycle=sa.bindparam('stay'))
    for first in range(0, len(updates), BATCH):
        conn.execute(stmt, updates[first:first + BATCH])


def downgrade() -> None:
    # plain DROP COLUMNs (SQLite 3.35+ and PostgreSQL): a batch rebuild of request would lose
    # its expression index
    for column in ('stay_cycle', 'cycle_paused_wall_seconds', 'cycle_paused_seconds',
                   'cycle_started_at'):
        op.execute(f'ALTER TABLE request DROP COLUMN {column}')
